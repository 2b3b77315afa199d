// Package bn is BN254 field, tower and curve arithmetic written for Go's
// WebAssembly backend, with the pairing pieces groth16v's verifier needs: a
// Miller loop over one projective pair and any number of pairs with
// precomputed lines, the final exponentiation, G1 Jacobian additions, and
// the G2 subgroup check.
//
// # Representation
//
// An Fp element is 9 limbs of 29 bits held in uint64, in Montgomery form
// with R = 2²⁶¹. A product of two limbs is one i64.mul below 2⁵⁸, so a
// column of up to 27 products plus a carry stays below 2⁶⁴ and carries are
// propagated once per column (product scanning with the Montgomery
// reduction interleaved). Go's WebAssembly backend has neither a
// 64×64→128-bit multiply nor add-with-carry, which gnark-crypto's 4×64-bit
// limbs need; there this package's Fp multiplication is about 2.3× and its
// Fp2 multiplication about 2× faster than gnark-crypto's. Natively it is
// about four times slower than gnark-crypto's assembly: groth16v uses it
// only in WebAssembly.
//
// Every value is weakly reduced: limbs below 2²⁹, value in [0, 2p). The
// exceptions are explicit: addLazy sums (below 8p) feed only
// multiplications, whose bounds allow them (Fp.Mul takes operands below
// 2²⁵⁷, Fp2.Mul and Fp2.Square below 8p, Fp6.Mul and MulBy01 coefficients
// below 4p, each returning values below 2p). Equal and IsZero compare
// canonical values. The tower is gnark-crypto's (Fp2 = Fp[u]/(u²+1),
// Fp6 = Fp2[v]/(v³−(9+u)), Fp12 = Fp6[w]/(w²−v)), so coefficients convert
// one to one (FromGnark, Gnark).
//
// The multiplications, squarings and linear forms are generated, fully
// unrolled, by gen/main.go (`go run ./circuits/groth16v/internal/bn/gen`
// writes arith_gen.go), with the Frobenius coefficients and the twist
// constant as literals: the package has no initialisation work at run
// time. The same generator writes the same field core (Mul, Square, Add,
// Double, Sub) for BN254's scalar field into circuits/policy/internal/fr29,
// the field of the WASM signer's Poseidon2 permutations.
//
// # Guarantees and tests
//
// Every operation is checked against gnark-crypto on random and edge
// values (0, 1, p−1, (p+1)/2, and each value's other representation x + p
// below 2p, lazy operands up to 8p): Fp, Fp2, the fused linear forms,
// Fp6, Fp12, the sparse line multiplications, Frobenius maps, cyclotomic
// squaring, Expt and the final exponentiation (equal to gnark-crypto's,
// same power), the Miller loop (after the final exponentiation, equal to
// bn254.Pair), G1 additions with their special cases, and the G2 subgroup
// check on points of G2, random twist points and G2 points plus points of
// the cofactor part. The tests run natively and under GOOS=js GOARCH=wasm.
//
// # Security notes
//
// Not constant-time: it handles public data only (proofs, keys, public
// inputs). The G2 subgroup check is Scott's criterion, the one
// gnark-crypto uses; groth16v's tests and fuzz target compare the two
// decoders' verdicts.
package bn
