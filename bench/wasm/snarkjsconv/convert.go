package snarkjsconv

import (
	"errors"
	"math/big"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
)

// G1 is [x, y, "1"].
type G1 [3]string

// G2 is [[x0, x1], [y0, y1], ["1", "0"]].
type G2 [3][2]string

// VerificationKey is snarkjs's verification_key.json for Groth16.
type VerificationKey struct {
	Protocol string `json:"protocol"`
	Curve    string `json:"curve"`
	NPublic  int    `json:"nPublic"`
	Alpha1   G1     `json:"vk_alpha_1"`
	Beta2    G2     `json:"vk_beta_2"`
	Gamma2   G2     `json:"vk_gamma_2"`
	Delta2   G2     `json:"vk_delta_2"`
	IC       []G1   `json:"IC"`
}

// Proof is snarkjs's proof.json for Groth16.
type Proof struct {
	A        G1     `json:"pi_a"`
	B        G2     `json:"pi_b"`
	C        G1     `json:"pi_c"`
	Protocol string `json:"protocol"`
	Curve    string `json:"curve"`
}

func dec(e *fp.Element) string { return e.BigInt(new(big.Int)).String() }

func g1(p *bn254.G1Affine) G1 { return G1{dec(&p.X), dec(&p.Y), "1"} }

func g2(p *bn254.G2Affine) G2 {
	return G2{{dec(&p.X.A0), dec(&p.X.A1)}, {dec(&p.Y.A0), dec(&p.Y.A1)}, {"1", "0"}}
}

// ErrCommitments is returned for keys or proofs with BSB22 commitments,
// which snarkjs's Groth16 does not have.
var ErrCommitments = errors.New("snarkjsconv: BSB22 commitments have no snarkjs equivalent")

// VK converts a verifying key.
func VK(vk *groth16bn254.VerifyingKey) (*VerificationKey, error) {
	if len(vk.CommitmentKeys) != 0 || len(vk.PublicAndCommitmentCommitted) != 0 {
		return nil, ErrCommitments
	}
	out := &VerificationKey{
		Protocol: "groth16",
		Curve:    "bn128",
		NPublic:  len(vk.G1.K) - 1,
		Alpha1:   g1(&vk.G1.Alpha),
		Beta2:    g2(&vk.G2.Beta),
		Gamma2:   g2(&vk.G2.Gamma),
		Delta2:   g2(&vk.G2.Delta),
	}
	for i := range vk.G1.K {
		out.IC = append(out.IC, g1(&vk.G1.K[i]))
	}
	return out, nil
}

// ConvertProof converts a proof. gnark's (Ar, Bs, Krs) are Groth16's
// (A, B, C), with the same verification equation
// e(A, B) = e(α, β)·e(Σ xᵢ·ICᵢ, γ)·e(C, δ).
func ConvertProof(p *groth16bn254.Proof) (*Proof, error) {
	if len(p.Commitments) != 0 {
		return nil, ErrCommitments
	}
	return &Proof{A: g1(&p.Ar), B: g2(&p.Bs), C: g1(&p.Krs), Protocol: "groth16", Curve: "bn128"}, nil
}

// Public converts public inputs to decimal strings (public.json).
func Public(x []fr.Element) []string {
	out := make([]string, len(x))
	for i := range x {
		out[i] = x[i].BigInt(new(big.Int)).String()
	}
	return out
}

// ParsePublic is the inverse of Public; each value must be a canonical
// decimal below the scalar-field modulus.
func ParsePublic(s []string) ([]fr.Element, error) {
	out := make([]fr.Element, len(s))
	for i := range s {
		v, ok := new(big.Int).SetString(s[i], 10)
		if !ok || v.Sign() < 0 || v.Cmp(fr.Modulus()) >= 0 || v.String() != s[i] {
			return nil, errors.New("snarkjsconv: public input is not a canonical field element")
		}
		out[i].SetBigInt(v)
	}
	return out, nil
}
