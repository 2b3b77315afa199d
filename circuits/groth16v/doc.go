// Package groth16v is the signer's Groth16 verifier for BN254: standard
// Groth16 (no BSB22 commitments), as gnark's backend/groth16/bn254 produces
// it, tuned for WebAssembly, where the signer core runs.
//
// It has its own VerifyingKey and Proof types and decoders for gnark's
// compressed encodings, and depends on gnark-crypto only: linking gnark's
// groth16 package would bring its constraint system, frontend, solver and
// profiler (pprof) into the WebAssembly build, with about half a second of
// package initialisation at every cold start. Package groth16v/gnarkconv
// converts to and from gnark's types for native tooling and tests.
//
// # Guarantees
//
//   - Verify and VerifyBytes accept exactly the proofs that satisfy
//     e(A, B) = e(α, β)·e(K₀ + Σ xᵢKᵢ, γ)·e(C, δ) for the loaded key, with
//     A, C ∈ G1 and B ∈ G2 (prime-order subgroups), none of them the point
//     at infinity. On valid and tampered proofs they agree with gnark's own
//     groth16 bn254 Verify (see the tests), except where this package is
//     stricter: it refuses BSB22 commitments, the point at infinity, and any
//     encoding other than gnark's canonical compressed one.
//   - DecodeProof takes exactly ProofSize bytes (gnark's proof.WriteTo of a
//     proof without commitments): every point compressed, X canonical (< p),
//     on the curve, in its subgroup; the commitment count zero; the
//     proof-of-knowledge slot the encoded infinity. Or those bytes followed
//     by exactly HintSize bytes of residue hint: version 1, a root index
//     below 27, c canonical and not zero. Decoded-then-encoded bytes are the
//     input bytes.
//   - A proof with a residue hint is accepted exactly when
//     f·wᵢ·c^(−λ) = g (residue.go), which implies the equation above, and
//     every proof that satisfies it has such a hint (Verifier.Hint,
//     AppendHint). A hint that fails refuses the proof (wire.ProofInvalid):
//     there is no fallback to the check without it. A proof without a hint
//     is checked with the final exponentiation, as always.
//   - DecodeVerifyingKey takes exactly VKSize(nbPublic) bytes (gnark's
//     vk.WriteTo of a key without commitments), checked before anything is
//     decoded, so a hostile length prefix cannot make it allocate: every
//     point compressed (or the encoded infinity), canonical, on its curve and
//     in its subgroup; both commitment counts zero. One encoding per key:
//     vk.Bytes() gives the input back, and gnark's ReadFrom reads the same
//     key from it (FuzzVerifyingKey).
//   - Errors are coded (package wire): wire.Malformed for anything
//     that is not a well-formed proof, key or input vector; wire.ProofInvalid
//     (errors.Is(err, wire.ErrProofInvalid)) when the pairing check fails.
//     Nothing panics on any input (FuzzDecodeProof verifies what it decodes, through Verify and VerifyBytes on both backends; FuzzVerifyingKey).
//
// # How it is fast
//
// Everything that depends only on the key is computed once, in NewVerifier:
// e(α, β); Lim–Lee comb tables (8 teeth) for the public-input bases K₁…Kₙ,
// so the MSM costs 31 shared doublings and at most 32 mixed additions per
// input, no per-call setup; and the Miller-loop lines of −δ and −γ. A
// verification is then: decode (the one G2 subgroup check), the comb MSM,
// one Miller loop over the three pairs that shares the Fp¹² squarings and
// walks B in projective coordinates (no inversions, no line table), and one
// final exponentiation, compared with e(α, β). With a residue hint from the
// prover (Novakovic–Eagen, eprint 2024/640), the final exponentiation gives
// way to c⁻¹, 21 multiplications riding on the Miller loop's squarings and
// three Frobenius maps: VerifyBytes in WASM 5.0 → 3.6 ms
// (BenchmarkResidueHint, load 3). VerifyBytes does not repeat
// the subgroup checks DecodeProof did; Verify, which takes a proof from any
// source, does them itself.
//
// Two backends run these same algorithms on different field arithmetic
// (pairing.go). In WebAssembly, where the signer runs, backendBN uses
// package internal/bn: BN254 arithmetic in 9 limbs of 29 bits, written for
// Go's WebAssembly backend, which has no 64×64→128-bit multiply and no
// add-with-carry (gnark-crypto's 4×64-bit limbs emulate both there). Its
// field multiplication is 2.3× faster than gnark-crypto's in WASM, and
// backendBN also does the MSM (with extra short comb tables, spacing 8, for
// inputs below 2⁶⁴: at most 8 additions each) and the G2 subgroup check in
// it. Natively gnark-crypto's assembly is about four times faster than
// package bn, so backendGnark is the native choice. The tests run every
// verdict on both backends, natively and compiled to WASM
// (scripts/test.d/30-groth16v.sh).
//
// # Security notes
//
//   - The subgroup check on B is required for soundness and is never
//     skipped: VerifyBytes relies on DecodeProof's, Verify does its own.
//   - Public inputs are fr.Element values, reduced by construction; the
//     caller computes them itself (DESIGN.md G1), never takes them from the
//     message.
//   - The key must come from a trusted setup (DESIGN.md G6); NewVerifier
//     checks its points are in their groups but cannot check its origin.
//   - The code is not constant-time; it handles only public data.
//
// # Measuring
//
//	go test -run '^$' -bench 'VerifyVsGnark|NewVerifier|ResidueHint' ./circuits/groth16v
//	PATH=$PATH:$(go env GOROOT)/lib/wasm GOOS=js GOARCH=wasm \
//	    go test -run '^$' -bench 'VerifyVsGnark|Parts|ResidueHint' ./circuits/groth16v
//	LEASH_BREAKDOWN=1 PATH=$PATH:$(go env GOROOT)/lib/wasm GOOS=js GOARCH=wasm \
//	    go test -run Breakdown -v ./circuits/groth16v   # where the time goes
//	PATH=$PATH:$(go env GOROOT)/lib/wasm GOOS=js GOARCH=wasm \
//	    go test -run '^$' -bench AB ./circuits/groth16v/internal/bn   # bn vs gnark-crypto
//	make bench-wasm   # WASM in Node 20 against snarkjs, table of medians
package groth16v
