package groth16v

import (
	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

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

// bnPairing holds [K₀]₁, the comb tables, e(α, β) and the line tables of
// −δ and −γ in package bn's representation.
type bnPairing struct {
	k0                 bn.G1 // [K₀]₁
	k0Inf              bool  // K₀ is the point at infinity
	comb               *bnComb
	alphaBeta          bn.Fp12
	mlAlphaBeta        bn.Fp12 // g, the Miller loop value of (α, β), for the residue check
	negDelta, negGamma *bn.Lines
}

// newBNPairing precomputes for a key whose α and β are not the point at
// infinity (newVerifier checks).
func newBNPairing(k []bn254.G1Affine, alpha *bn254.G1Affine, beta, negDelta, negGamma *bn254.G2Affine) *bnPairing {
	p := bnPairing{k0Inf: k[0].IsInfinity(), comb: newBNComb(k[1:])}
	p.k0.FromGnark(&k[0])
	// e(α, β): the Miller loop of the one pair, no fixed lines.
	var a bn.G1
	var b bn.G2
	a.FromGnark(alpha)
	b.FromGnark(beta)
	p.mlAlphaBeta = bn.MillerLoop(&a, &b, nil)
	p.alphaBeta.FinalExponentiation(&p.mlAlphaBeta)
	ld, lg := bn254.PrecomputeLines(*negDelta), bn254.PrecomputeLines(*negGamma)
	p.negDelta = bn.LinesFromGnark(&ld)
	p.negGamma = bn.LinesFromGnark(&lg)
	return &p
}

// sum is K₀ + Σ xᵢKᵢ, in Jacobian coordinates.
func (v *bnPairing) sum(public []fr.Element) bn.G1Jac {
	s := v.comb.msm(public)
	if !v.k0Inf {
		s.AddMixed(&v.k0)
	}
	return s
}

func (v *bnPairing) check(p *Proof, public []fr.Element) bool {
	s := v.sum(public)
	var c bn.G1
	c.FromGnark(&p.Krs)
	ml := v.millerLoop(&p.Ar, &p.Bs, &c, &s)
	var got bn.Fp12
	got.FinalExponentiation(&ml)
	return got.Equal(&v.alphaBeta)
}

// checkHint is check by the residue hint h (residue.go): it reports
// whether f·wᵢ·c^(−λ) = g for the fused Miller loop value f.
func (v *bnPairing) checkHint(p *Proof, public []fr.Element, h *Hint) bool {
	s := v.sum(public)
	var cc bn.G1
	cc.FromGnark(&p.Krs)
	var c, w bn.Fp12
	c.FromGnark(&h.C)
	w.FromGnark(&rootsOfUnity()[h.Root])
	f := v.millerLoopWith(&p.Ar, &p.Bs, &cc, &s, &c)
	f.Mul(&f, &w)
	return f.Equal(&v.mlAlphaBeta)
}

// residue is f·g⁻¹ in gnark-crypto's representation, for the prover's
// hint.
func (v *bnPairing) residue(p *Proof, public []fr.Element) bn254.E12 {
	s := v.sum(public)
	var cc bn.G1
	cc.FromGnark(&p.Krs)
	var gi bn.Fp12
	gi.Inverse(&v.mlAlphaBeta)
	f := v.millerLoop(&p.Ar, &p.Bs, &cc, &s)
	f.Mul(&f, &gi)
	return f.Gnark()
}

// fusedMillerLoop computes the product of the Miller functions of
// (a, b), (c, −δ) and (s, −γ), ready for the final exponentiation. a, b
// and c must not be the point at infinity; s may be.
func (v *bnPairing) fusedMillerLoop(a *bn254.G1Affine, b *bn254.G2Affine, c, s *bn254.G1Affine) bn.Fp12 {
	var cc bn.G1
	cc.FromGnark(c)
	var sj bn.G1Jac
	sj.SetInfinity()
	if !s.IsInfinity() {
		var sa bn.G1
		sa.FromGnark(s)
		sj.AddMixed(&sa)
	}
	return v.millerLoop(a, b, &cc, &sj)
}

// millerLoop is fusedMillerLoop with s in Jacobian coordinates. The fixed
// lines need −x/y and 1/y of c and s: with s = (X/Z², Y/Z³) these are
// −XZ/Y and Z³/Y, and one inversion of y_c·Y serves both points.
func (v *bnPairing) millerLoop(a *bn254.G1Affine, b *bn254.G2Affine, c *bn.G1, s *bn.G1Jac) bn.Fp12 {
	return v.millerLoopWith(a, b, c, s, nil)
}

// millerLoopWith is millerLoop, times res^(−λ) when res is not nil
// (bn.MillerLoopResidue).
func (v *bnPairing) millerLoopWith(a *bn254.G1Affine, b *bn254.G2Affine, c *bn.G1, s *bn.G1Jac, res *bn.Fp12) bn.Fp12 {
	var fixed [2]bn.FixedPair
	var invYc bn.Fp
	if s.IsInfinity() {
		invYc.Inverse(&c.Y) // s's pair stays zero: its lines are 1
	} else {
		var d, invYs, z2 bn.Fp
		d.Mul(&c.Y, &s.Y)
		d.Inverse(&d)
		invYc.Mul(&d, &s.Y)
		invYs.Mul(&d, &c.Y)
		z2.Square(&s.Z)
		fixed[1].InvY.Mul(&z2, &s.Z)
		fixed[1].InvY.Mul(&fixed[1].InvY, &invYs)
		fixed[1].NegXOverY.Mul(&s.X, &s.Z)
		fixed[1].NegXOverY.Mul(&fixed[1].NegXOverY, &invYs)
		fixed[1].NegXOverY.Neg(&fixed[1].NegXOverY)
	}
	fixed[0].InvY = invYc
	fixed[0].NegXOverY.Mul(&c.X, &invYc)
	fixed[0].NegXOverY.Neg(&fixed[0].NegXOverY)
	fixed[0].Lines, fixed[1].Lines = v.negDelta, v.negGamma
	var pa bn.G1
	var pb bn.G2
	pa.FromGnark(a)
	pb.FromGnark(b)
	if res != nil {
		return bn.MillerLoopResidue(&pa, &pb, fixed[:], res)
	}
	return bn.MillerLoop(&pa, &pb, fixed[:])
}
