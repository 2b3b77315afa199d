package verify

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/leash-wallet/leash/circuits/groth16v"
	"github.com/leash-wallet/leash/wire"
)

// ProofSize is the length of a compressed policy-circuit proof: A (32),
// B (64), C (32), an empty commitment list (4) and the commitment PoK (32).
const ProofSize = groth16v.ProofSize

// HintSize is the length of the optional residue hint after a proof
// (docs/protocol.md#residue-hint).
const HintSize = groth16v.HintSize

// DecodeProof decodes gnark's compressed Groth16 proof encoding strictly,
// with or without its residue hint: exact length, canonical compressed points on the curve and in their
// subgroups, no BSB22 commitments (Leash proofs have none). Every failure is
// wire.Malformed. (groth16v/gnarkconv.Proof gives gnark's type for tooling.)
func DecodeProof(b []byte) (*groth16v.Proof, error) { return groth16v.DecodeProof(b) }

// verifyBytes decodes and checks a proof against public inputs with the
// key's precomputed verifier. It is the single place the pairing runs.
func verifyBytes(vk *VerifyingKey, proof []byte, pub []fr.Element) error {
	v, err := vk.verifier()
	if err != nil {
		return err
	}
	err = v.VerifyBytes(proof, pub)
	switch wire.CodeOf(err) {
	case "":
		return nil
	case wire.ProofInvalid:
		return wire.Errorf(wire.ProofInvalid, "the proof does not verify for this transaction, policy, state and time")
	}
	return err
}

// VerifyProof decodes a proof and checks it against an explicit public-input
// vector. Verify is what signers call; this is for audits and independent
// verification of a vector printed by `leash proposal public-inputs`.
func VerifyProof(vk *VerifyingKey, proof []byte, pub []fr.Element) error {
	v, err := vk.verifier()
	if err != nil {
		return err
	}
	if n := v.NbPublic(); len(pub) != n {
		return wire.Errorf(wire.Malformed, "%d public inputs, the key expects %d", len(pub), n)
	}
	return verifyBytes(vk, proof, pub)
}
