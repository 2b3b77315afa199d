// Package snarkjsconv converts gnark Groth16 (BN254) keys, proofs and public
// inputs to snarkjs's JSON (verification_key.json, proof.json, public.json).
//
// It is part of the WASM benchmark: snarkjs verifying our proofs shows they
// are standard Groth16 (no gnark-specific extension such as BSB22
// commitments), and it lets the benchmark compare both verifiers on the same
// proof. snarkjs writes field elements as decimal strings, points in
// projective form with z = 1, and an Fp2 element a0 + a1·u as [a0, a1].
//
// # Guarantees and security notes
//
// The conversion is exact (decimal strings of the affine coordinates), and
// refuses keys and proofs with BSB22 commitments. ParsePublic accepts only
// canonical decimals below the scalar-field modulus. It is benchmark and
// test tooling: nothing in the signer reads snarkjs JSON.
package snarkjsconv
