package groth16v

import (
	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/leash-wallet/leash/wire"
)

// Verifier checks Groth16 proofs against one verifying key. Everything that
// depends only on the key is computed once, in NewVerifier. A Verifier is
// immutable and safe for concurrent use.
type Verifier struct {
	nbPublic int
	backend  backend
	pairing  pairingCheck // [K₀]₁, the comb tables of K₁…Kₙ, e(α, β) and the lines of −δ, −γ, in the backend's representation
}

// NewVerifier precomputes e(α, β), the comb tables of the public-input
// bases and the Miller-loop lines of −δ and −γ. It refuses keys with BSB22
// commitments (the project's circuits have none; VerifyingKey cannot carry
// them) and keys whose points are not in their groups, with code
// wire.Malformed.
func NewVerifier(vk *VerifyingKey) (*Verifier, error) {
	return newVerifier(vk, true)
}

// newVerifier builds a Verifier; checkGroups is false only when the key's
// points were just decoded by decodeVK, which did the group checks.
func newVerifier(vk *VerifyingKey, checkGroups bool) (*Verifier, error) {
	return newVerifierBackend(vk, checkGroups, defaultBackend)
}

// newVerifierBackend builds a Verifier on the given pairing backend (tests
// run both).
func newVerifierBackend(vk *VerifyingKey, checkGroups bool, be backend) (*Verifier, error) {
	if vk == nil {
		return nil, wire.Errorf(wire.Malformed, "verifying key: nil")
	}
	if len(vk.G1.K) == 0 {
		return nil, wire.Errorf(wire.Malformed, "verifying key: no public-input bases")
	}
	if len(vk.G1.K) > MaxPublic+1 {
		return nil, wire.Errorf(wire.Malformed, "verifying key: %d public inputs, at most %d", len(vk.G1.K)-1, MaxPublic)
	}
	if vk.G1.Alpha.IsInfinity() || (checkGroups && !vk.G1.Alpha.IsInSubGroup()) {
		return nil, wire.Errorf(wire.Malformed, "verifying key: [α]₁ not in G1")
	}
	for i := range vk.G1.K {
		if checkGroups && !vk.G1.K[i].IsInSubGroup() {
			return nil, wire.Errorf(wire.Malformed, "verifying key: [K%d]₁ not in G1", i)
		}
	}
	for _, q := range []struct {
		name string
		p    *bn254.G2Affine
	}{{"β", &vk.G2.Beta}, {"γ", &vk.G2.Gamma}, {"δ", &vk.G2.Delta}} {
		if q.p.IsInfinity() || (checkGroups && !q.p.IsInSubGroup()) {
			return nil, wire.Errorf(wire.Malformed, "verifying key: [%s]₂ not in G2", q.name)
		}
	}

	v := &Verifier{nbPublic: len(vk.G1.K) - 1, backend: be}
	var nd, ng bn254.G2Affine
	nd.Neg(&vk.G2.Delta)
	ng.Neg(&vk.G2.Gamma)
	switch be {
	case backendBN:
		v.pairing = newBNPairing(vk.G1.K, &vk.G1.Alpha, &vk.G2.Beta, &nd, &ng)
	default:
		ab, err := bn254.Pair([]bn254.G1Affine{vk.G1.Alpha}, []bn254.G2Affine{vk.G2.Beta})
		if err != nil {
			return nil, wire.Errorf(wire.Malformed, "verifying key: e(α, β): %v", err)
		}
		ml := mlAlphaBeta(&vk.G1.Alpha, &vk.G2.Beta)
		v.pairing = newGnarkPairing(vk.G1.K, &ab, &ml, &nd, &ng)
	}
	return v, nil
}

// MaxPublic bounds the number of public inputs of a key this package loads
// (each costs a 16 KiB comb table).
const MaxPublic = 64

// NbPublic is the number of public inputs the key expects (without the
// constant 1).
func (v *Verifier) NbPublic() int { return v.nbPublic }

// Verify checks proof against the public inputs. It checks that the proof's
// points are on the curve and in their subgroups (including the costly G2
// check), so it is safe for a proof from any source; a proof straight from
// the wire should go through VerifyBytes, which decodes and checks once.
//
// A wrong number of public inputs or a point outside its group (or the
// point at infinity) is wire.Malformed; a proof that fails the pairing
// equation is wire.ErrProofInvalid.
func (v *Verifier) Verify(proof *Proof, public []fr.Element) error {
	if err := checkProof(proof, v.backend); err != nil {
		return err
	}
	return v.verifyChecked(proof, public)
}

// VerifyBytes decodes proofBytes (gnark's compressed proof encoding, see
// DecodeProof) and verifies it. The decoder does the subgroup checks, and
// they are not repeated.
func (v *Verifier) VerifyBytes(proofBytes []byte, public []fr.Element) error {
	proof, err := decodeProof(proofBytes, v.backend)
	if err != nil {
		return err
	}
	return v.verifyChecked(proof, public)
}

// checkProof validates a proof that did not come from DecodeProof.
func checkProof(proof *Proof, be backend) error {
	if proof == nil {
		return wire.Errorf(wire.Malformed, "proof: nil")
	}
	if proof.Ar.IsInfinity() || !proof.Ar.IsInSubGroup() {
		return wire.Errorf(wire.Malformed, "proof: A not in G1")
	}
	if proof.Krs.IsInfinity() || !proof.Krs.IsInSubGroup() {
		return wire.Errorf(wire.Malformed, "proof: C not in G1")
	}
	if proof.Bs.IsInfinity() || !g2InSubGroup(&proof.Bs, be) {
		return wire.Errorf(wire.Malformed, "proof: B not in G2")
	}
	if proof.Hint != nil {
		// The decoder's checks (the index, c not zero), and c's
		// coefficients reduced: they survive their encoding.
		h, err := decodeHint(proof.Hint.Bytes())
		if err != nil {
			return err
		}
		if !h.C.Equal(&proof.Hint.C) {
			return wire.Errorf(wire.Malformed, "proof hint: c is not reduced")
		}
	}
	return nil
}

// verifyChecked runs the pairing check on a proof whose points are known to
// be in their groups:
//
//	e(A, B) · e(C, −δ) · e(K₀ + Σ xᵢ·Kᵢ, −γ) = e(α, β)
//
// as one three-pair Miller loop (fusedMillerLoop: precomputed lines for −δ
// and −γ, B walked projectively) and one final exponentiation, compared with
// the precomputed e(α, β).
func (v *Verifier) verifyChecked(proof *Proof, public []fr.Element) error {
	if len(public) != v.nbPublic {
		return wire.Errorf(wire.Malformed, "public inputs: got %d, want %d", len(public), v.nbPublic)
	}
	if proof.Hint != nil {
		// A hint that does not check refuses the proof: never a fallback
		// to the final exponentiation. The residue check accepts only
		// proofs the full check accepts, and every valid proof has a hint
		// (residue.go), so a fallback would rescue nothing an honest
		// prover needs; it would give a forger a second try on every
		// message and an oracle telling which of its two checks failed,
		// and make a flood of wrong hints cost both checks. The cost stays
		// bounded by one check per proof.
		if !v.pairing.checkHint(proof, public, proof.Hint) {
			return wire.Errorf(wire.ProofInvalid, "pairing check failed (residue hint)")
		}
		return nil
	}
	if !v.pairing.check(proof, public) {
		return wire.Errorf(wire.ProofInvalid, "pairing check failed")
	}
	return nil
}
