// Package fr29 is arithmetic in BN254's scalar field r with 9 limbs of 29
// bits (Montgomery form, R = 2²⁶¹), the field of the native Poseidon2
// permutations of package policy.
//
// Why: Go's WebAssembly backend has no 64×64→128-bit multiply or
// add-with-carry, so gnark-crypto's 4×64-bit fr emulates both; with
// 29-bit limbs every partial product is one i64.mul. The code is generated
// by circuits/groth16v/internal/bn/gen, the same generator (and the same
// field core) as the pairing's base field; the generated comments call the
// modulus p.
//
// Guarantees: every operation takes and returns values in [0, 2r) with
// limbs below 2²⁹ ("weakly reduced"); Gnark and Equal reduce to [0, r).
// FromGnark(e).Gnark() == e for every canonical fr.Element, and each
// operation agrees with gnark-crypto's fr (fr29_test.go, FuzzFr29).
// Nothing here is constant time beyond what the generated code is
// (branch-free selects where the generator emits them); the inputs are
// public (policy commitments, public inputs).
package fr29
