package bn

import bn254 "github.com/consensys/gnark-crypto/ecc/bn254"

// G1 is an affine point of the curve y² = x³ + 3 over Fp.
type G1 struct{ X, Y Fp }

// G2 is an affine point of the twist y² = x³ + 3/ξ over Fp2.
type G2 struct{ X, Y Fp2 }

// FromGnark sets p to gnark-crypto's affine point.
func (p *G1) FromGnark(q *bn254.G1Affine) *G1 {
	p.X.FromGnark(&q.X)
	p.Y.FromGnark(&q.Y)
	return p
}

// FromGnark sets p to gnark-crypto's affine point.
func (p *G2) FromGnark(q *bn254.G2Affine) *G2 {
	p.X.FromGnark(&q.X)
	p.Y.FromGnark(&q.Y)
	return p
}

// loopLen is the length of the signed-digit expansion of 6x₀ + 2
// (gnark-crypto's bn254.LoopCounter): indices 64…0 drive the loop, 65
// holds the final lines of a precomputed table.
const loopLen = 66

// loopCounter is 6x₀ + 2 in signed binary, least significant digit first.
var loopCounter = [loopLen]int8{
	0, 0, 0, 1, 0, 1, 0, -1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, -1, 0, 0, 0, 1, 0, -1, 0, 0, 0, 0, -1, 0,
	0, 1, 0, -1, 0, 0, 1, 0, 0, 0, 0, 0, -1, 0, 0, -1, 0, 1, 0, -1, 0, 0, 0, -1, 0, -1, 0, 0, 0, 1, 0, -1, 0, 1,
}

// Line is one precomputed line of a fixed G2 point, as gnark-crypto's
// bn254.LineEvaluationAff: at P = (x, y) it is 1 + (R0·(−x/y))w + (R1/y)vw
// up to the factor y.
type Line struct{ R0, R1 Fp2 }

// Lines is the line table of a fixed G2 point (gnark-crypto's
// bn254.PrecomputeLines layout: [0] the doubling lines, [1] the addition
// lines).
type Lines [2][loopLen]Line

// LinesFromGnark converts a table from bn254.PrecomputeLines.
func LinesFromGnark(l *[2][len(bn254.LoopCounter)]bn254.LineEvaluationAff) *Lines {
	var out Lines
	for i := range l {
		for j := range l[i] {
			out[i][j].R0.FromGnark(&l[i][j].R0)
			out[i][j].R1.FromGnark(&l[i][j].R1)
		}
	}
	return &out
}

// FixedPair is a G1 point P paired with a fixed G2 point through its line
// table: NegXOverY = −x/y and InvY = 1/y of P. Both zero stand for P at
// infinity: every line is then 1 and the pair contributes nothing.
type FixedPair struct {
	NegXOverY, InvY Fp
	Lines           *Lines
}

func (f *FixedPair) eval(i, j int) (c3, c4 Fp2) {
	l := &f.Lines[i][j]
	c3.MulByElement(&l.R0, &f.NegXOverY)
	c4.MulByElement(&l.R1, &f.InvY)
	return
}

// g2Proj is a G2 point in homogeneous projective coordinates (X/Z, Y/Z).
type g2Proj struct{ x, y, z Fp2 }

// line034 is c₀ + c₃w + c₄vw, not yet evaluated at P (c₀ scales by yP,
// c₃ by xP).
type line034 struct{ c0, c3, c4 Fp2 }

func (l *line034) evalAt(p *G1) {
	l.c0.MulByElement(&l.c0, &p.Y)
	l.c3.MulByElement(&l.c3, &p.X)
}

// double sets p = 2p and l to the tangent line at p (eprint 2013/722
// §4.3, homogeneous coordinates).
func (p *g2Proj) double(l *line034) {
	var a, b, c, e, f, g, h, t, j, ee, k Fp2
	a.Mul(&p.x, &p.y)
	a.Halve(&a) // XY/2
	b.Square(&p.y)
	c.Square(&p.z)
	t.Triple(&c) // 3Z²
	e.Mul(&t, &bTwist)
	f.Triple(&e) // 3E
	g.Add(&b, &f)
	g.Halve(&g)
	h.addLazy(&p.y, &p.z)
	h.Square(&h)
	t.Add(&b, &c)
	h.Sub(&h, &t) // 2YZ
	j.Square(&p.x)
	ee.Square(&e)
	k.Triple(&ee)

	l.c0.Neg(&h)
	l.c3.Triple(&j) // 3X²
	l.c4.Sub(&e, &b)

	p.x.Sub(&b, &f)
	p.x.Mul(&p.x, &a)
	p.y.Square(&g)
	p.y.Sub(&p.y, &k)
	p.z.Mul(&b, &h)
}

// line sets l to the line through p and the affine point q and returns
// θ = Y − yQ·Z and λ = X − xQ·Z.
func (p *g2Proj) line(l *line034, q *G2) (theta, lambda Fp2) {
	var t Fp2
	theta.Mul(&q.Y, &p.z)
	theta.Sub(&p.y, &theta)
	lambda.Mul(&q.X, &p.z)
	lambda.Sub(&p.x, &lambda)
	t.Mul(&lambda, &q.Y)
	l.c4.Mul(&q.X, &theta)
	l.c4.Sub(&l.c4, &t)
	l.c0 = lambda
	l.c3.Neg(&theta)
	return theta, lambda
}

// add sets p = p + q and l to the line through p and q.
func (p *g2Proj) add(l *line034, q *G2) {
	theta, lambda := p.line(l, q)
	var c, d, e, f, g, h, t Fp2
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

// mul034by034 sets r to the product of two 034-lines, of the form
// (x₀, x₁, x₂, x₃, x₄, 0) for MulBy01234.
func mul034by034(r *[5]Fp2, a, b *line034) {
	var x0, x3, x4, x04, x03, x34, t Fp2
	x0.Mul(&a.c0, &b.c0)
	x3.Mul(&a.c3, &b.c3)
	x4.Mul(&a.c4, &b.c4)
	t.addLazy(&a.c0, &a.c4)
	x04.addLazy(&b.c0, &b.c4)
	x04.Mul(&x04, &t)
	x04.diff(&x04, &x0, &x4)
	t.addLazy(&a.c0, &a.c3)
	x03.addLazy(&b.c0, &b.c3)
	x03.Mul(&x03, &t)
	x03.diff(&x03, &x0, &x3)
	t.addLazy(&a.c3, &a.c4)
	x34.addLazy(&b.c3, &b.c4)
	x34.Mul(&x34, &t)
	x34.diff(&x34, &x3, &x4)
	r[0].addXi(&x0, &x4)
	r[1], r[2], r[3], r[4] = x3, x34, x03, x04
}

// mul34by34 sets r to the product of two 34-lines (c₀ = 1).
func mul34by34(r *[5]Fp2, a3, a4, b3, b4 *Fp2) {
	var x3, x4, x34, t Fp2
	x3.Mul(a3, b3)
	x4.Mul(a4, b4)
	t.addLazy(a3, a4)
	x34.addLazy(b3, b4)
	x34.Mul(&x34, &t)
	x34.diff(&x34, &x3, &x4)
	r[0].addXi(&fp2One, &x4)
	r[3].Add(a3, b3)
	r[4].Add(a4, b4)
	r[1], r[2] = x3, x34
}

// MillerLoop returns the product of the Miller functions of (a, b) and of
// each fixed pair, sharing the Fp¹² squarings: the lines of b are computed
// on the fly in projective coordinates, those of the fixed points are read
// from their tables (never written). a and b must not be the point at
// infinity. The result is ready for FinalExponentiation, and equals
// gnark-crypto's MillerLoop of the same pairs up to factors the final
// exponentiation removes.
func MillerLoop(a *G1, b *G2, fixed []FixedPair) Fp12 {
	return millerLoop(a, b, fixed, nil)
}

// MillerLoopResidue returns MillerLoop(a, b, fixed)·c^(−λ) with
// λ = 6x₀ + 2 + p − p² + p³, the residue check of a verifier that is given
// c (Novakovic–Eagen, eprint 2024/640). c^(−(6x₀+2)) rides on the loop's
// squarings: the accumulator starts at 1/c for the top digit and is
// multiplied by 1/c at each digit +1 and by c at each −1; the Frobenius
// terms c^(−p)·c^(p²)·c^(−p³) come at the end. One Fp¹² inversion, one
// squaring and 24 dense multiplications (21 digits, 3 Frobenius terms) in
// all, instead of a final exponentiation. c must not be zero (1/0 is 0
// here, and the product would be 0).
func MillerLoopResidue(a *G1, b *G2, fixed []FixedPair, c *Fp12) Fp12 {
	r := residue{c: *c}
	r.cInv.Inverse(c)
	f := millerLoop(a, b, fixed, &r)
	var t Fp12
	t.Frobenius(&r.cInv) // c^(−p)
	f.Mul(&f, &t)
	t.FrobeniusSquare(c) // c^(p²)
	f.Mul(&f, &t)
	t.FrobeniusCube(&r.cInv) // c^(−p³)
	f.Mul(&f, &t)
	return f
}

// residue is c and 1/c for millerLoop.
type residue struct{ c, cInv Fp12 }

// millerLoop is MillerLoop, times c^(−(6x₀+2)) when res is not nil.
func millerLoop(a *G1, b *G2, fixed []FixedPair, res *residue) Fp12 {
	var bNeg G2
	bNeg.X = b.X
	bNeg.Y.Neg(&b.Y)
	t := g2Proj{x: b.X, y: b.Y}
	t.z.SetOne()

	var f Fp12
	var l1, l2 line034
	var p [5]Fp2
	const n = loopLen

	// i = 64 (digit 0): f = ℓ_B · Π ℓ_fixed, no squaring of 1.
	t.double(&l1)
	l1.evalAt(a)
	f.SetOne()
	if res != nil {
		f.Square(&res.cInv) // the top digit's 1/c, squared for i = 64
	}
	for k := range fixed {
		c3, c4 := fixed[k].eval(0, n-2)
		f.MulBy34(&c3, &c4)
	}
	f.MulBy034(&l1.c0, &l1.c3, &l1.c4)

	for i := n - 3; i >= 0; i-- {
		f.Square(&f)
		digit := loopCounter[i]
		if res != nil {
			switch digit {
			case 1:
				f.Mul(&f, &res.cInv)
			case -1:
				f.Mul(&f, &res.c)
			}
		}
		if i == n-3 {
			// i = 63, digit −1. T = 2B: instead of doubling to 4B and
			// adding −B, take the lines through (2B, −B) and (2B, B),
			// which land on 3B with the same Miller function up to
			// factors the final exponentiation kills.
			t.line(&l2, &bNeg)
			l2.evalAt(a)
			t.add(&l1, b)
			l1.evalAt(a)
			mul034by034(&p, &l1, &l2)
			f.MulBy01234(&p)
		} else {
			t.double(&l1)
			l1.evalAt(a)
			switch digit {
			case 0:
				f.MulBy034(&l1.c0, &l1.c3, &l1.c4)
			case 1, -1:
				q := b
				if digit < 0 {
					q = &bNeg
				}
				t.add(&l2, q)
				l2.evalAt(a)
				mul034by034(&p, &l1, &l2)
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
			mul34by34(&p, &c3, &c4, &e3, &e4)
			f.MulBy01234(&p)
		}
	}

	// Final lines: T + π(B) and T + π(B) − π²(B).
	var q1, q2 G2
	q1.X.Conjugate(&b.X)
	q1.X.Mul(&q1.X, &frob1[2])
	q1.Y.Conjugate(&b.Y)
	q1.Y.Mul(&q1.Y, &frob1[3])
	q2.X.MulByElement(&b.X, &frob2[2].A0)
	q2.Y.MulByElement(&b.Y, &frob2[3].A0)
	q2.Y.Neg(&q2.Y)
	t.add(&l2, &q1)
	l2.evalAt(a)
	t.line(&l1, &q2)
	l1.evalAt(a)
	mul034by034(&p, &l1, &l2)
	f.MulBy01234(&p)
	for k := range fixed {
		c3, c4 := fixed[k].eval(1, n-1)
		e3, e4 := fixed[k].eval(0, n-1)
		mul34by34(&p, &c3, &c4, &e3, &e4)
		f.MulBy01234(&p)
	}
	return f
}
