package bn

// G1Jac is a point of the curve y² = x³ + 3 over Fp in Jacobian
// coordinates (X/Z², Y/Z³); Z = 0 is the point at infinity.
type G1Jac struct{ X, Y, Z Fp }

// SetInfinity sets p to the point at infinity.
func (p *G1Jac) SetInfinity() { *p = G1Jac{X: fpOne, Y: fpOne} }

// IsInfinity reports whether p is the point at infinity.
func (p *G1Jac) IsInfinity() bool { return p.Z.IsZero() }

// Double sets p = 2p (dbl-2009-l, a = 0).
func (p *G1Jac) Double() {
	if p.IsInfinity() {
		return
	}
	var a, b, c, d, e, f, t Fp
	a.Square(&p.X)
	b.Square(&p.Y)
	c.Square(&b)
	d.Add(&p.X, &b)
	d.Square(&d)
	d.Sub(&d, &a)
	d.Sub(&d, &c)
	d.Double(&d) // 2((X+B)² − A − C)
	e.Double(&a)
	e.Add(&e, &a) // 3A
	f.Square(&e)
	p.Z.Mul(&p.Y, &p.Z)
	p.Z.Double(&p.Z) // 2YZ
	t.Double(&d)
	p.X.Sub(&f, &t)
	c.Double(&c)
	c.Double(&c)
	c.Double(&c) // 8C
	t.Sub(&d, &p.X)
	t.Mul(&t, &e)
	p.Y.Sub(&t, &c)
}

// AddMixed sets p = p + q for an affine q that is not the point at
// infinity (madd-2007-bl), handling p at infinity, p = q and p = −q.
func (p *G1Jac) AddMixed(q *G1) {
	if p.IsInfinity() {
		p.X, p.Y = q.X, q.Y
		p.Z = fpOne
		return
	}
	var z1z1, u2, s2, h, hh, i, j, r, v, t Fp
	z1z1.Square(&p.Z)
	u2.Mul(&q.X, &z1z1)
	s2.Mul(&q.Y, &p.Z)
	s2.Mul(&s2, &z1z1)
	h.Sub(&u2, &p.X)
	r.Sub(&s2, &p.Y)
	if h.IsZero() {
		if r.IsZero() { // p = q
			p.Double()
			return
		}
		p.SetInfinity() // p = −q
		return
	}
	r.Double(&r)
	hh.Square(&h)
	i.Double(&hh)
	i.Double(&i) // 4HH
	j.Mul(&h, &i)
	v.Mul(&p.X, &i)
	// X3 = r² − J − 2V
	t.Square(&r)
	t.Sub(&t, &j)
	p.X.Sub(&t, &v)
	p.X.Sub(&p.X, &v)
	// Y3 = r(V − X3) − 2·Y1·J
	t.Sub(&v, &p.X)
	t.Mul(&t, &r)
	j.Mul(&j, &p.Y)
	j.Double(&j)
	// Z3 = (Z1 + H)² − Z1Z1 − HH
	p.Z.Add(&p.Z, &h)
	p.Z.Square(&p.Z)
	p.Z.Sub(&p.Z, &z1z1)
	p.Z.Sub(&p.Z, &hh)
	p.Y.Sub(&t, &j)
}

// BatchInvert sets each x[i] to 1/x[i] with one inversion (Montgomery's
// trick). Every x[i] must be non-zero; it reports false, leaving x
// unchanged, when one is zero.
func BatchInvert(x []Fp) bool {
	if len(x) == 0 {
		return true
	}
	prefix := make([]Fp, len(x))
	acc := fpOne
	for i := range x {
		if x[i].IsZero() {
			return false
		}
		prefix[i] = acc
		acc.Mul(&acc, &x[i])
	}
	acc.Inverse(&acc)
	for i := len(x) - 1; i >= 0; i-- {
		var t Fp
		t.Mul(&acc, &prefix[i]) // 1/x[i]
		acc.Mul(&acc, &x[i])
		x[i] = t
	}
	return true
}

// G1Packed is an affine G1 point stored in half the space (limbs fit in
// 32 bits), for large tables.
type G1Packed struct{ X, Y [9]uint32 }

// Pack sets p to q.
func (p *G1Packed) Pack(q *G1) {
	for i := range q.X {
		p.X[i], p.Y[i] = uint32(q.X[i]), uint32(q.Y[i])
	}
}

// AddMixedPacked is AddMixed with q packed.
func (p *G1Jac) AddMixedPacked(q *G1Packed) {
	var u G1
	for i := range u.X {
		u.X[i], u.Y[i] = uint64(q.X[i]), uint64(q.Y[i])
	}
	p.AddMixed(&u)
}
