package groth16v

import (
	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// The gnark-crypto pairing backend, used natively (gnark-crypto's tower has
// assembly on amd64 and arm64; see pairing.go for the choice).
//
// The verifier's Miller loop: one optimal-ate loop over the three pairs
// (A, B), (C, −δ), (S, −γ) that shares the Fp¹² squarings. The lines of the
// fixed −δ and −γ come from tables built at key load (PrecomputeLines,
// affine, so each line is sparse of the form 1 + c₃w³ + c₄w⁴ once evaluated
// at its G1 point). The proof's B is walked in homogeneous projective
// coordinates within the same loop (Costello–Lange–Naehrig, eprint
// 2009/615, with the formulas of eprint 2013/722 §4.3), so B costs no field
// inversions and no line table; its lines have the form c₀ + c₃w³ + c₄w⁴.
//
// Lines are only defined up to factors in proper subfields, which the final
// exponentiation removes, so the two normalisations mix freely. The fixed
// tables are read, never written.

// g2Proj is a G2 point in homogeneous projective coordinates (X/Z, Y/Z).
type g2Proj struct{ x, y, z bn254.E2 }

// line034 is c₀ + c₃w³ + c₄w⁴, not yet evaluated at P (c₀ scales by yP,
// c₃ by xP).
type line034 struct{ c0, c3, c4 bn254.E2 }

func (l *line034) evalAt(xP, yP *fp.Element) {
	l.c0.MulByElement(&l.c0, yP)
	l.c3.MulByElement(&l.c3, xP)
}

// double sets p = 2p and returns the tangent line at p.
func (p *g2Proj) double(l *line034) {
	var a, b, c, e, f, g, h, t, j, ee, k bn254.E2
	a.Mul(&p.x, &p.y)
	a.Halve() // XY/2
	b.Square(&p.y)
	c.Square(&p.z)
	t.Double(&c)
	t.Add(&t, &c) // 3Z²
	e.MulBybTwistCurveCoeff(&t)
	f.Double(&e)
	f.Add(&f, &e) // 3E
	g.Add(&b, &f)
	g.Halve()
	h.Add(&p.y, &p.z)
	h.Square(&h)
	t.Add(&b, &c)
	h.Sub(&h, &t) // 2YZ
	j.Square(&p.x)
	ee.Square(&e)
	k.Double(&ee)
	k.Add(&k, &ee)

	l.c0.Neg(&h)
	l.c3.Double(&j)
	l.c3.Add(&l.c3, &j) // 3X²
	l.c4.Sub(&e, &b)

	p.x.Sub(&b, &f)
	p.x.Mul(&p.x, &a)
	p.y.Square(&g)
	p.y.Sub(&p.y, &k)
	p.z.Mul(&b, &h)
}

// line sets l to the line through p and the affine point q.
func (p *g2Proj) line(l *line034, q *bn254.G2Affine) (theta, lambda bn254.E2) {
	var t bn254.E2
	theta.Mul(&q.Y, &p.z)
	theta.Sub(&p.y, &theta) // Y − yQ·Z
	lambda.Mul(&q.X, &p.z)
	lambda.Sub(&p.x, &lambda) // X − xQ·Z
	t.Mul(&lambda, &q.Y)
	l.c4.Mul(&q.X, &theta)
	l.c4.Sub(&l.c4, &t)
	l.c0 = lambda
	l.c3.Neg(&theta)
	return theta, lambda
}

// add sets p = p + q and l to the line through p and q.
func (p *g2Proj) add(l *line034, q *bn254.G2Affine) {
	theta, lambda := p.line(l, q)
	var c, d, e, f, g, h, t bn254.E2
	c.Square(&theta)
	d.Square(&lambda)
	e.Mul(&lambda, &d)
	f.Mul(&p.z, &c)
	g.Mul(&p.x, &d)
	h.Add(&e, &f)
	t.Double(&g)
	h.Sub(&h, &t)
	t.Mul(&p.y, &e)

	p.x.Mul(&lambda, &h)
	p.y.Sub(&g, &h)
	p.y.Mul(&p.y, &theta)
	p.y.Sub(&p.y, &t)
	p.z.Mul(&e, &p.z)
}

// mul034by034 is the product of two 034-lines, a sparse element of the
// form (x₀, x₁, x₂, x₃, x₄, 0) for E12.MulBy01234.
func mul034by034(a, b *line034) [5]bn254.E2 {
	var x0, x3, x4, x04, x03, x34, t, z00 bn254.E2
	x0.Mul(&a.c0, &b.c0)
	x3.Mul(&a.c3, &b.c3)
	x4.Mul(&a.c4, &b.c4)
	t.Add(&a.c0, &a.c4)
	x04.Add(&b.c0, &b.c4)
	x04.Mul(&x04, &t)
	x04.Sub(&x04, &x0)
	x04.Sub(&x04, &x4)
	t.Add(&a.c0, &a.c3)
	x03.Add(&b.c0, &b.c3)
	x03.Mul(&x03, &t)
	x03.Sub(&x03, &x0)
	x03.Sub(&x03, &x3)
	t.Add(&a.c3, &a.c4)
	x34.Add(&b.c3, &b.c4)
	x34.Mul(&x34, &t)
	x34.Sub(&x34, &x3)
	x34.Sub(&x34, &x4)
	z00.MulByNonResidue(&x4)
	z00.Add(&z00, &x0)
	return [5]bn254.E2{z00, x3, x34, x03, x04}
}

// mul34by34 is the product of two 34-lines (c₀ = 1).
func mul34by34(a3, a4, b3, b4 *bn254.E2) [5]bn254.E2 {
	var x3, x4, x03, x04, x34, t, z00 bn254.E2
	x3.Mul(a3, b3)
	x4.Mul(a4, b4)
	x04.Add(a4, b4)
	x03.Add(a3, b3)
	t.Add(a3, a4)
	x34.Add(b3, b4)
	x34.Mul(&x34, &t)
	x34.Sub(&x34, &x3)
	x34.Sub(&x34, &x4)
	var one bn254.E2
	one.SetOne()
	z00.MulByNonResidue(&x4)
	z00.Add(&z00, &one)
	return [5]bn254.E2{z00, x3, x34, x03, x04}
}

// fixedPoint is a G1 point with its precomputed fixed-Q line table,
// evaluated as in MillerLoopFixedQ: c₃ = R0·(−x/y), c₄ = R1·(1/y).
type fixedPoint struct {
	negXOverY, invY fp.Element
	lines           *lines
}

func (f *fixedPoint) eval(i, j int) (c3, c4 bn254.E2) {
	l := &f.lines[i][j]
	c3.MulByElement(&l.R0, &f.negXOverY)
	c4.MulByElement(&l.R1, &f.invY)
	return
}

// lines is the precomputed Miller-loop line table of one fixed G2 point.
type lines = [2][len(bn254.LoopCounter)]bn254.LineEvaluationAff

// gnarkPairing holds e(α, β) and the line tables of −δ and −γ in
// gnark-crypto's representation.
type gnarkPairing struct {
	k0                 bn254.G1Affine // [K₀]₁
	comb               []combTable    // of K₁…Kₙ
	alphaBeta          bn254.GT
	mlAlphaBeta        bn254.GT // g, the Miller loop value of (α, β) as package bn computes it, for the residue check
	negDelta, negGamma lines
}

func newGnarkPairing(k []bn254.G1Affine, alphaBeta, mlAlphaBeta *bn254.GT, negDelta, negGamma *bn254.G2Affine) *gnarkPairing {
	return &gnarkPairing{
		k0:          k[0],
		comb:        newCombTables(k[1:]),
		alphaBeta:   *alphaBeta,
		mlAlphaBeta: *mlAlphaBeta,
		negDelta:    bn254.PrecomputeLines(*negDelta),
		negGamma:    bn254.PrecomputeLines(*negGamma),
	}
}

// sum is K₀ + Σ xᵢKᵢ.
func (v *gnarkPairing) sum(public []fr.Element) bn254.G1Affine {
	sum := combMSM(v.comb, public)
	sum.AddMixed(&v.k0)
	var s bn254.G1Affine
	s.FromJacobian(&sum)
	return s
}

func (v *gnarkPairing) check(p *Proof, public []fr.Element) bool {
	s := v.sum(public)
	ml := v.fusedMillerLoop(&p.Ar, &p.Bs, &p.Krs, &s, nil)
	got := bn254.FinalExponentiation(&ml)
	return got.Equal(&v.alphaBeta)
}

// checkHint is check by the residue hint h (residue.go): it reports
// whether f·wᵢ·c^(−λ) = g for the fused Miller loop value f.
func (v *gnarkPairing) checkHint(p *Proof, public []fr.Element, h *Hint) bool {
	s := v.sum(public)
	f := v.fusedMillerLoop(&p.Ar, &p.Bs, &p.Krs, &s, &h.C)
	f.Mul(&f, &rootsOfUnity()[h.Root])
	return f.Equal(&v.mlAlphaBeta)
}

// residue is f·g⁻¹, for the prover's hint.
func (v *gnarkPairing) residue(p *Proof, public []fr.Element) bn254.E12 {
	s := v.sum(public)
	f := v.fusedMillerLoop(&p.Ar, &p.Bs, &p.Krs, &s, nil)
	var gi bn254.E12
	gi.Inverse(&v.mlAlphaBeta)
	return *f.Mul(&f, &gi)
}

// fusedMillerLoop computes the product of the Miller functions of
// (a, b), (c, −δ) and (s, −γ), ready for the final exponentiation. a, b
// and c must not be the point at infinity; s may be. With res not nil it
// returns that product times res^(−λ), as bn.MillerLoopResidue does.
func (v *gnarkPairing) fusedMillerLoop(a *bn254.G1Affine, b *bn254.G2Affine, c, s *bn254.G1Affine, res *bn254.GT) bn254.GT {
	var resInv bn254.GT
	if res != nil {
		resInv.Inverse(res)
	}
	// 1/y for the two fixed-line points in one inversion.
	ys := []fp.Element{c.Y, s.Y}
	ys = fp.BatchInvert(ys) // a zero (s at infinity) stays zero: its lines vanish to 1
	fixed := [2]fixedPoint{{invY: ys[0], lines: &v.negDelta}, {invY: ys[1], lines: &v.negGamma}}
	fixed[0].negXOverY.Mul(&c.X, &ys[0]).Neg(&fixed[0].negXOverY)
	fixed[1].negXOverY.Mul(&s.X, &ys[1]).Neg(&fixed[1].negXOverY)

	var bNeg bn254.G2Affine
	bNeg.Neg(b)
	t := g2Proj{x: b.X, y: b.Y}
	t.z.SetOne()

	var f bn254.GT
	var l1, l2 line034
	n := len(bn254.LoopCounter) // 66: indices 64..0 are the loop, 65 the final lines

	// i = 64 (digit 0): f = ℓ_B · ℓ_δ · ℓ_γ, no squaring of 1.
	t.double(&l1)
	l1.evalAt(&a.X, &a.Y)
	d3, d4 := fixed[0].eval(0, n-2)
	g3, g4 := fixed[1].eval(0, n-2)
	p := mul34by34(&d3, &d4, &g3, &g4)
	f.C0.B0, f.C0.B1, f.C0.B2, f.C1.B0, f.C1.B1 = p[0], p[1], p[2], p[3], p[4]
	f.C1.B2.SetZero()
	f.MulBy034(&l1.c0, &l1.c3, &l1.c4)
	if res != nil {
		var t bn254.GT
		t.Square(&resInv) // the top digit's 1/c, squared for i = 64
		f.Mul(&f, &t)
	}

	for i := n - 3; i >= 0; i-- {
		f.Square(&f)
		digit := bn254.LoopCounter[i]
		if res != nil {
			switch digit {
			case 1:
				f.Mul(&f, &resInv)
			case -1:
				f.Mul(&f, res)
			}
		}
		if i == n-3 {
			// i = 63, digit −1. T = 2B: instead of doubling to 4B and
			// adding −B, take the lines through (2B, −B) and (2B, B),
			// which land on 3B with the same Miller function up to
			// factors the final exponentiation kills.
			t.line(&l2, &bNeg)
			l2.evalAt(&a.X, &a.Y)
			t.add(&l1, b)
			l1.evalAt(&a.X, &a.Y)
			p = mul034by034(&l1, &l2)
			f.MulBy01234(&p)
		} else {
			t.double(&l1)
			l1.evalAt(&a.X, &a.Y)
			switch digit {
			case 0:
				f.MulBy034(&l1.c0, &l1.c3, &l1.c4)
			case 1, -1:
				q := b
				if digit < 0 {
					q = &bNeg
				}
				t.add(&l2, q)
				l2.evalAt(&a.X, &a.Y)
				p = mul034by034(&l1, &l2)
				f.MulBy01234(&p)
			}
		}
		for k := range fixed {
			c3, c4 := fixed[k].eval(0, i)
			if digit == 0 {
				f.MulBy34(&c3, &c4)
				continue
			}
			e3, e4 := fixed[k].eval(1, i)
			p = mul34by34(&c3, &c4, &e3, &e4)
			f.MulBy01234(&p)
		}
	}

	// Final lines: T + π(B) and T + π(B) − π²(B).
	var q1, q2 bn254.G2Affine
	q1.X.Conjugate(&b.X).MulByNonResidue1Power2(&q1.X)
	q1.Y.Conjugate(&b.Y).MulByNonResidue1Power3(&q1.Y)
	q2.X.MulByNonResidue2Power2(&b.X)
	q2.Y.MulByNonResidue2Power3(&b.Y).Neg(&q2.Y)
	t.add(&l2, &q1)
	l2.evalAt(&a.X, &a.Y)
	t.line(&l1, &q2)
	l1.evalAt(&a.X, &a.Y)
	p = mul034by034(&l1, &l2)
	f.MulBy01234(&p)
	for k := range fixed {
		c3, c4 := fixed[k].eval(1, n-1)
		e3, e4 := fixed[k].eval(0, n-1)
		p = mul34by34(&c3, &c4, &e3, &e4)
		f.MulBy01234(&p)
	}
	if res != nil {
		var t bn254.GT
		t.Frobenius(&resInv) // c^(−p)
		f.Mul(&f, &t)
		t.FrobeniusSquare(res) // c^(p²)
		f.Mul(&f, &t)
		t.FrobeniusCube(&resInv) // c^(−p³)
		f.Mul(&f, &t)
	}
	return f
}
