// Package gnarkconv converts between circuits/groth16v's key and proof
// types and gnark's backend/groth16/bn254 ones, for native tooling, tests
// and benchmarks that also run gnark's own prover or verifier. It is kept
// apart from groth16v so that the signer's WebAssembly build, which needs
// only groth16v, links none of gnark.
//
// # Guarantees
//
//   - Proof and VerifyingKey copy the points unchanged; VerifyingKey also
//     runs gnark's Precompute, so the result works with gnark's Verify.
//   - FromProof and FromVerifyingKey refuse (wire.Malformed) anything with
//     BSB22 commitments, which groth16v's types cannot express; they check
//     nothing else: groth16v's NewVerifier and Verify do the group checks.
//   - ProofBytes is the one encoder of the provers' proposal proofs:
//     gnark's encoding, with the residue hint when given a verifier.
package gnarkconv

import (
	"bytes"
	"fmt"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/witness"

	"github.com/leash-wallet/leash/circuits/groth16v"
	"github.com/leash-wallet/leash/wire"
)

// Proof returns p as gnark's proof type (no commitments).
func Proof(p *groth16v.Proof) *groth16bn254.Proof {
	return &groth16bn254.Proof{Ar: p.Ar, Bs: p.Bs, Krs: p.Krs}
}

// VerifyingKey returns vk as gnark's key type, precomputed for gnark's
// Verify.
func VerifyingKey(vk *groth16v.VerifyingKey) (*groth16bn254.VerifyingKey, error) {
	var g groth16bn254.VerifyingKey
	g.G1.Alpha, g.G1.Beta, g.G1.Delta = vk.G1.Alpha, vk.G1.Beta, vk.G1.Delta
	g.G1.K = append([]bn254.G1Affine(nil), vk.G1.K...)
	g.G2.Beta, g.G2.Gamma, g.G2.Delta = vk.G2.Beta, vk.G2.Gamma, vk.G2.Delta
	g.PublicAndCommitmentCommitted = [][]int{}
	if err := g.Precompute(); err != nil {
		return nil, wire.Errorf(wire.Malformed, "verifying key: %v", err)
	}
	return &g, nil
}

// FromProof returns gnark's proof as groth16v's type; a proof with BSB22
// commitments is wire.Malformed.
func FromProof(g *groth16bn254.Proof) (*groth16v.Proof, error) {
	if len(g.Commitments) != 0 || !g.CommitmentPok.IsInfinity() {
		return nil, wire.Errorf(wire.Malformed, "proof: BSB22 commitments are not supported")
	}
	return &groth16v.Proof{Ar: g.Ar, Bs: g.Bs, Krs: g.Krs}, nil
}

// FromVerifyingKey returns gnark's key as groth16v's type; a key with BSB22
// commitments is wire.Malformed.
func FromVerifyingKey(g *groth16bn254.VerifyingKey) (*groth16v.VerifyingKey, error) {
	if len(g.CommitmentKeys) != 0 || len(g.PublicAndCommitmentCommitted) != 0 {
		return nil, wire.Errorf(wire.Malformed, "verifying key: BSB22 commitments are not supported")
	}
	var vk groth16v.VerifyingKey
	vk.G1.Alpha, vk.G1.Beta, vk.G1.Delta = g.G1.Alpha, g.G1.Beta, g.G1.Delta
	vk.G1.K = append([]bn254.G1Affine(nil), g.G1.K...)
	vk.G2.Beta, vk.G2.Gamma, vk.G2.Delta = g.G2.Beta, g.G2.Gamma, g.G2.Delta
	return &vk, nil
}

// ProofBytes is a proof as the provers put it in proposals: gnark's
// compressed encoding (groth16v.ProofSize bytes), followed by the proof's
// residue hint for the public part of w when hints is not nil (see
// groth16v.Verifier.AppendHint; tens of milliseconds). Every prover of the
// project encodes its proofs here.
//
// A proof that does not verify under hints' key gets no hint: that is an
// error (wire.ErrProofInvalid), the proving and verifying keys do not
// match.
func ProofBytes(proof *groth16bn254.Proof, w witness.Witness, hints *groth16v.Verifier) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := proof.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("encode proof: %w", err)
	}
	if hints == nil {
		return buf.Bytes(), nil
	}
	pw, err := w.Public()
	if err != nil {
		return nil, fmt.Errorf("public witness: %w", err)
	}
	pub, ok := pw.Vector().(fr.Vector)
	if !ok {
		return nil, fmt.Errorf("public witness: not a BN254 vector")
	}
	return hints.AppendHint(buf.Bytes(), pub)
}
