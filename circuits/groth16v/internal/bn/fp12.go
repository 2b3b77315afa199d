package bn

import bn254 "github.com/consensys/gnark-crypto/ecc/bn254"

// Fp6 is B0 + B1·v + B2·v² over Fp2, v³ = ξ = 9 + u.
type Fp6 struct{ B0, B1, B2 Fp2 }

// Fp12 is C0 + C1·w over Fp6, w² = v: the same tower as gnark-crypto's
// bn254.E12, so the coefficients map one to one.
type Fp12 struct{ C0, C1 Fp6 }

// MulByV sets z = x·v = ξx₂ + x₀v + x₁v².
func (z *Fp6) MulByV(x *Fp6) {
	var t Fp2
	t.MulByNonResidue(&x.B2)
	z.B2 = x.B1
	z.B1 = x.B0
	z.B0 = t
}

// Mul sets z = x·y (Karatsuba, 6 Fp2 multiplications). It accepts
// coefficients below 4p (lazy sums), as its own sums then stay below 8p.
func (z *Fp6) Mul(x, y *Fp6) {
	var t0, t1, t2, s, u, c0, c1, c2 Fp2
	t0.Mul(&x.B0, &y.B0)
	t1.Mul(&x.B1, &y.B1)
	t2.Mul(&x.B2, &y.B2)
	s.addLazy(&x.B1, &x.B2)
	u.addLazy(&y.B1, &y.B2)
	c0.Mul(&s, &u)
	c0.xiDiffAdd(&c0, &t1, &t2, &t0) // t0 + ξ((x1+x2)(y1+y2) − t1 − t2)
	s.addLazy(&x.B0, &x.B1)
	u.addLazy(&y.B0, &y.B1)
	c1.Mul(&s, &u)
	c1.diffAddXi(&c1, &t0, &t1, &t2) // (x0+x1)(y0+y1) − t0 − t1 + ξt2
	s.addLazy(&x.B0, &x.B2)
	u.addLazy(&y.B0, &y.B2)
	c2.Mul(&s, &u)
	c2.diffAdd(&c2, &t0, &t2, &t1) // (x0+x2)(y0+y2) − t0 − t2 + t1
	z.B0, z.B1, z.B2 = c0, c1, c2
}

// MulBy01 sets z = x·(b0 + b1·v) (5 Fp2 multiplications). It accepts
// coefficients below 4p (lazy sums).
func (z *Fp6) MulBy01(x *Fp6, b0, b1 *Fp2) {
	var t0, t1, c0, c1, c2, s, u Fp2
	t0.Mul(&x.B0, b0)
	t1.Mul(&x.B1, b1)
	c0.Mul(&x.B2, b1)
	c0.addXi(&t0, &c0) // t0 + ξ·x2b1
	s.addLazy(&x.B0, &x.B1)
	u.addLazy(b0, b1)
	c1.Mul(&s, &u)
	c1.diff(&c1, &t0, &t1)
	c2.Mul(&x.B2, b0)
	c2.Add(&c2, &t1)
	z.B0, z.B1, z.B2 = c0, c1, c2
}

// MulByE2 sets z = x·y for y in Fp2.
func (z *Fp6) MulByE2(x *Fp6, y *Fp2) {
	z.B0.Mul(&x.B0, y)
	z.B1.Mul(&x.B1, y)
	z.B2.Mul(&x.B2, y)
}

// Inverse sets z = 1/x.
func (z *Fp6) Inverse(x *Fp6) {
	var t0, t1, t2, s, d Fp2
	// t0 = x0² − ξx1x2, t1 = ξx2² − x0x1, t2 = x1² − x0x2
	t0.Square(&x.B0)
	s.Mul(&x.B1, &x.B2)
	s.MulByNonResidue(&s)
	t0.Sub(&t0, &s)
	t1.Square(&x.B2)
	t1.MulByNonResidue(&t1)
	s.Mul(&x.B0, &x.B1)
	t1.Sub(&t1, &s)
	t2.Square(&x.B1)
	s.Mul(&x.B0, &x.B2)
	t2.Sub(&t2, &s)
	// d = x0t0 + ξ(x2t1 + x1t2)
	d.Mul(&x.B2, &t1)
	s.Mul(&x.B1, &t2)
	d.Add(&d, &s)
	d.MulByNonResidue(&d)
	s.Mul(&x.B0, &t0)
	d.Add(&d, &s)
	d.Inverse(&d)
	z.B0.Mul(&t0, &d)
	z.B1.Mul(&t1, &d)
	z.B2.Mul(&t2, &d)
}

// SetOne sets z = 1.
func (z *Fp12) SetOne() *Fp12 {
	*z = Fp12{}
	z.C0.B0.A0 = fpOne
	return z
}

// Equal reports whether x = y.
func (x *Fp12) Equal(y *Fp12) bool {
	a := [6]*Fp2{&x.C0.B0, &x.C0.B1, &x.C0.B2, &x.C1.B0, &x.C1.B1, &x.C1.B2}
	b := [6]*Fp2{&y.C0.B0, &y.C0.B1, &y.C0.B2, &y.C1.B0, &y.C1.B1, &y.C1.B2}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

// Conjugate sets z = C0 − C1·w (x^(p⁶)).
func (z *Fp12) Conjugate(x *Fp12) {
	z.C0 = x.C0
	z.C1.Neg(&x.C1)
}

// Mul sets z = x·y (Karatsuba over Fp6).
func (z *Fp12) Mul(x, y *Fp12) {
	var t0, t1, s, u Fp6
	t0.Mul(&x.C0, &y.C0)
	t1.Mul(&x.C1, &y.C1)
	s.addLazy(&x.C0, &x.C1)
	u.addLazy(&y.C0, &y.C1)
	s.Mul(&s, &u)
	z.C1.diff(&s, &t0, &t1)
	z.C0.addV(&t0, &t1)
}

// Square sets z = x² (complex squaring: two Fp6 multiplications).
func (z *Fp12) Square(x *Fp12) {
	var ab, s, u Fp6
	ab.Mul(&x.C0, &x.C1)
	s.addLazy(&x.C0, &x.C1)
	u.addV(&x.C0, &x.C1)
	s.Mul(&s, &u) // a² + ab + abv + b²v
	z.C0.diffV(&s, &ab)
	z.C1.Add(&ab, &ab)
}

// Inverse sets z = 1/x: (C0 − C1w)/(C0² − v·C1²).
func (z *Fp12) Inverse(x *Fp12) {
	var t0, t1 Fp6
	t0.Mul(&x.C0, &x.C0)
	t1.Mul(&x.C1, &x.C1)
	t1.MulByV(&t1)
	t0.Sub(&t0, &t1)
	t0.Inverse(&t0)
	z.C0.Mul(&x.C0, &t0)
	z.C1.Mul(&x.C1, &t0)
	z.C1.Neg(&z.C1)
}

// MulBy034 sets z = z·(c0 + c3·w + c4·vw), the shape of a line through
// projective points (13 Fp2 multiplications).
func (z *Fp12) MulBy034(c0, c3, c4 *Fp2) {
	var a, b, s Fp6
	var d Fp2
	a.MulByE2(&z.C0, c0)
	b.MulBy01(&z.C1, c3, c4)
	s.addLazy(&z.C0, &z.C1)
	d.addLazy(c0, c3)
	s.MulBy01(&s, &d, c4)
	z.C1.diff(&s, &a, &b)
	z.C0.addV(&a, &b)
}

// MulBy34 sets z = z·(1 + c3·w + c4·vw), an affine line (10 Fp2
// multiplications).
func (z *Fp12) MulBy34(c3, c4 *Fp2) {
	var a, b Fp6
	a.MulBy01(&z.C0, c3, c4) // C0·(c3 + c4v)
	b.MulBy01(&z.C1, c3, c4) // C1·(c3 + c4v)
	a.Add(&a, &z.C1)
	z.C0.addV(&z.C0, &b)
	z.C1 = a
}

// MulBy01234 sets z = z·(x0 + x1v + x2v² + (x3 + x4v)w), the product of
// two lines.
func (z *Fp12) MulBy01234(x *[5]Fp2) {
	var a, b, s, y Fp6
	y = Fp6{x[0], x[1], x[2]}
	a.Mul(&z.C0, &y)
	b.MulBy01(&z.C1, &x[3], &x[4])
	s.addLazy(&z.C0, &z.C1)
	y.B0.addLazy(&y.B0, &x[3])
	y.B1.addLazy(&y.B1, &x[4])
	s.Mul(&s, &y)
	z.C1.diff(&s, &a, &b)
	z.C0.addV(&a, &b)
}

// FromGnark sets z to gnark-crypto's e.
func (z *Fp12) FromGnark(e *bn254.E12) *Fp12 {
	z.C0.B0.FromGnark(&e.C0.B0)
	z.C0.B1.FromGnark(&e.C0.B1)
	z.C0.B2.FromGnark(&e.C0.B2)
	z.C1.B0.FromGnark(&e.C1.B0)
	z.C1.B1.FromGnark(&e.C1.B1)
	z.C1.B2.FromGnark(&e.C1.B2)
	return z
}

// Gnark returns x as gnark-crypto's E12.
func (x *Fp12) Gnark() bn254.E12 {
	var e bn254.E12
	e.C0.B0, e.C0.B1, e.C0.B2 = x.C0.B0.Gnark(), x.C0.B1.Gnark(), x.C0.B2.Gnark()
	e.C1.B0, e.C1.B1, e.C1.B2 = x.C1.B0.Gnark(), x.C1.B1.Gnark(), x.C1.B2.Gnark()
	return e
}
