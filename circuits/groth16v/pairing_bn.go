package groth16v

import (
	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"

	"github.com/leash-wallet/leash/circuits/groth16v/internal/bn"
)

// The package-bn pairing backend, used in WebAssembly (see pairing.go for
// the choice).
//
// The verifier's Miller loop: one optimal-ate loop over the three pairs
// (A, B), (C, −δ), (S, −γ) that shares the Fp¹² squarings (bn.MillerLoop).
// The lines of the fixed −δ and −γ come from tables built at key load
// (affine, so each line is sparse of the form 1 + c₃w + c₄vw once
// evaluated at its G1 point). The proof's B is walked in homogeneous
// projective coordinates within the same loop, so B costs no field
// inversions and no line table. The arithmetic is package bn's, written
// for WebAssembly (29-bit limbs), see its doc.

// bnPairing holds e(α, β) and the line tables of −δ and −γ in package
// bn's representation.
type bnPairing struct {
	alphaBeta          bn.Fp12
	negDelta, negGamma *bn.Lines
}

func newBNPairing(alphaBeta *bn254.GT, negDelta, negGamma *bn254.G2Affine) *bnPairing {
	var p bnPairing
	p.alphaBeta.FromGnark(alphaBeta)
	ld, lg := bn254.PrecomputeLines(*negDelta), bn254.PrecomputeLines(*negGamma)
	p.negDelta = bn.LinesFromGnark(&ld)
	p.negGamma = bn.LinesFromGnark(&lg)
	return &p
}

func (v *bnPairing) check(a *bn254.G1Affine, b *bn254.G2Affine, c, s *bn254.G1Affine) bool {
	ml := v.fusedMillerLoop(a, b, c, s)
	var got bn.Fp12
	got.FinalExponentiation(&ml)
	return got.Equal(&v.alphaBeta)
}

// fusedMillerLoop computes the product of the Miller functions of
// (a, b), (c, −δ) and (s, −γ), ready for the final exponentiation. a, b
// and c must not be the point at infinity; s may be.
func (v *bnPairing) fusedMillerLoop(a *bn254.G1Affine, b *bn254.G2Affine, c, s *bn254.G1Affine) bn.Fp12 {
	// 1/y for the two fixed-line points in one inversion.
	ys := [2]fp.Element{c.Y, s.Y}
	inv := fp.BatchInvert(ys[:]) // a zero (s at infinity) stays zero: its lines vanish to 1
	var fixed [2]bn.FixedPair
	for i, p := range [2]*bn254.G1Affine{c, s} {
		var nx fp.Element
		nx.Mul(&p.X, &inv[i]).Neg(&nx)
		fixed[i].NegXOverY.FromGnark(&nx)
		fixed[i].InvY.FromGnark(&inv[i])
	}
	fixed[0].Lines, fixed[1].Lines = v.negDelta, v.negGamma
	var pa bn.G1
	var pb bn.G2
	pa.FromGnark(a)
	pb.FromGnark(b)
	return bn.MillerLoop(&pa, &pb, fixed[:])
}
