package groth16v

import (
	"encoding/binary"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
)

// VerifyingKey is a Groth16 BN254 verifying key without BSB22 commitments.
// Its fields carry the names of gnark's backend/groth16/bn254.VerifyingKey,
// so a key converts field by field (see package groth16v/gnarkconv), but
// this package depends on gnark-crypto only: the signer's WebAssembly build
// does not link gnark's constraint system, frontend or profiler.
type VerifyingKey struct {
	G1 struct {
		Alpha, Beta, Delta bn254.G1Affine
		K                  []bn254.G1Affine // [K₀…Kₙ]₁, one per public input and the constant 1
	}
	G2 struct {
		Beta, Gamma, Delta bn254.G2Affine
	}
}

// NbPublic is the number of public inputs of the key (len(K) − 1).
func (vk *VerifyingKey) NbPublic() int { return len(vk.G1.K) - 1 }

// Bytes is the key's encoding as gnark's vk.WriteTo writes it for a key
// without commitments: every point compressed, then the empty commitment
// lists. DecodeVerifyingKey(vk.Bytes(), vk.NbPublic()) gives the key back.
func (vk *VerifyingKey) Bytes() []byte {
	out := make([]byte, 0, VKSize(len(vk.G1.K)-1))
	g1 := func(p *bn254.G1Affine) { b := p.Bytes(); out = append(out, b[:]...) }
	g2 := func(p *bn254.G2Affine) { b := p.Bytes(); out = append(out, b[:]...) }
	g1(&vk.G1.Alpha)
	g1(&vk.G1.Beta)
	g2(&vk.G2.Beta)
	g2(&vk.G2.Gamma)
	g1(&vk.G1.Delta)
	g2(&vk.G2.Delta)
	out = binary.BigEndian.AppendUint32(out, uint32(len(vk.G1.K)))
	for i := range vk.G1.K {
		g1(&vk.G1.K[i])
	}
	out = binary.BigEndian.AppendUint32(out, 0) // PublicAndCommitmentCommitted: none
	out = binary.BigEndian.AppendUint32(out, 0) // CommitmentKeys: none
	return out
}

// Proof is a Groth16 BN254 proof without BSB22 commitments: A = Ar,
// B = Bs, C = Krs, named as in gnark's backend/groth16/bn254.Proof, and an
// optional residue hint (residue.go) that lets the verifier skip the final
// exponentiation.
type Proof struct {
	Ar, Krs bn254.G1Affine
	Bs      bn254.G2Affine
	Hint    *Hint // nil: verified with the final exponentiation
}

// Bytes is the proof's encoding as gnark's proof.WriteTo writes it for a
// proof without commitments (ProofSize bytes), followed by the hint's
// HintSize bytes when there is one. DecodeProof(p.Bytes()) gives the proof
// back when its points are valid and not the infinity.
func (p *Proof) Bytes() []byte {
	out := make([]byte, 0, ProofSize+HintSize)
	a, b, c := p.Ar.Bytes(), p.Bs.Bytes(), p.Krs.Bytes()
	out = append(out, a[:]...)
	out = append(out, b[:]...)
	out = append(out, c[:]...)
	out = binary.BigEndian.AppendUint32(out, 0) // no commitments
	var inf bn254.G1Affine                      // the proof of knowledge: the infinity
	pok := inf.Bytes()
	out = append(out, pok[:]...)
	if p.Hint != nil {
		out = append(out, p.Hint.Bytes()...)
	}
	return out
}
