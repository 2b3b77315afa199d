package verify

import (
	"bytes"
	"encoding/binary"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/leash-wallet/leash/circuits/wire"
)

// DecodeProof decodes gnark's compressed Groth16 proof encoding with
// on-curve and subgroup checks, refusing trailing bytes and BSB22
// commitments (Leash proofs have none).
func DecodeProof(b []byte) (proof *groth16.Proof, err error) {
	defer func() {
		if r := recover(); r != nil {
			proof, err = nil, wire.Errorf(wire.Malformed, "proof: undecodable")
		}
	}()
	if len(b) != ProofSize {
		return nil, wire.Errorf(wire.Malformed, "proof: %d bytes, want %d", len(b), ProofSize)
	}
	// gnark's decoder allocates as many points as the commitment count says
	// before reading them: a count of 2³¹ inside 164 bytes is a fatal out of
	// memory, which recover cannot catch. Refuse a non-zero count first.
	if binary.BigEndian.Uint32(b[128:132]) != 0 {
		return nil, wire.Errorf(wire.Malformed, "proof: carries BSB22 commitments; Leash proofs have none")
	}
	var pr groth16.Proof
	n, err := pr.ReadFrom(bytes.NewReader(b))
	if err != nil {
		return nil, wire.Errorf(wire.Malformed, "proof: %v", err)
	}
	if int(n) != len(b) {
		return nil, wire.Errorf(wire.Malformed, "proof: %d trailing bytes", len(b)-int(n))
	}
	if len(pr.Commitments) != 0 {
		return nil, wire.Errorf(wire.Malformed, "proof: carries BSB22 commitments; Leash proofs have none")
	}
	return &pr, nil
}

// ProofSize is the length of a compressed policy-circuit proof: A (32),
// B (64), C (32), an empty commitment list (4) and the commitment PoK (32).
const ProofSize = 32 + 64 + 32 + 4 + 32

// verifyGroth16 runs the pairing check. It is the single place the pairing
// engine is called, so a faster verifier can replace it.
func verifyGroth16(vk *VerifyingKey, proof *groth16.Proof, pub []fr.Element) error {
	if err := groth16.Verify(proof, &vk.vk, pub); err != nil {
		return wire.Errorf(wire.ProofInvalid, "the proof does not verify for this transaction, policy, state and time")
	}
	return nil
}

// VerifyProof decodes a proof and checks it against an explicit public-input
// vector. Verify is what signers call; this is for audits and independent
// verification of a vector printed by `leash proposal public-inputs`.
func VerifyProof(vk *VerifyingKey, proof []byte, pub []fr.Element) error {
	pr, err := DecodeProof(proof)
	if err != nil {
		return err
	}
	if len(pub) != len(vk.vk.G1.K)-1 {
		return wire.Errorf(wire.Malformed, "%d public inputs, the key expects %d", len(pub), len(vk.vk.G1.K)-1)
	}
	return verifyGroth16(vk, pr, pub)
}
