package bn

// G2Jac is a point of the twist y² = x³ + b' over Fp2 (b' = 3/ξ) in
// Jacobian coordinates; Z = 0 is the point at infinity.
type G2Jac struct{ X, Y, Z Fp2 }

// FromAffine sets p to the affine point q (not the point at infinity).
func (p *G2Jac) FromAffine(q *G2) {
	p.X, p.Y = q.X, q.Y
	p.Z.SetOne()
}

// IsInfinity reports whether p is the point at infinity.
func (p *G2Jac) IsInfinity() bool { return p.Z.IsZero() }

// Double sets p = 2p (dbl-2009-l, a = 0).
func (p *G2Jac) Double() {
	if p.IsInfinity() {
		return
	}
	var a, b, c, d, e, f, t Fp2
	a.Square(&p.X)
	b.Square(&p.Y)
	c.Square(&b)
	d.addLazy(&p.X, &b)
	d.Square(&d)
	d.diff(&d, &a, &c)
	d.Double(&d) // 2((X+B)² − A − C)
	e.Triple(&a)
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

// Add sets p = p + q (add-2007-bl), handling the point at infinity,
// p = q and p = −q.
func (p *G2Jac) Add(q *G2Jac) {
	if q.IsInfinity() {
		return
	}
	if p.IsInfinity() {
		*p = *q
		return
	}
	var z1z1, z2z2, u1, u2, s1, s2, h, i, j, r, v, t Fp2
	z1z1.Square(&p.Z)
	z2z2.Square(&q.Z)
	u1.Mul(&p.X, &z2z2)
	u2.Mul(&q.X, &z1z1)
	s1.Mul(&p.Y, &q.Z)
	s1.Mul(&s1, &z2z2)
	s2.Mul(&q.Y, &p.Z)
	s2.Mul(&s2, &z1z1)
	h.Sub(&u2, &u1)
	r.Sub(&s2, &s1)
	if h.IsZero() {
		if r.IsZero() {
			p.Double()
			return
		}
		*p = G2Jac{X: Fp2{A0: fpOne}, Y: Fp2{A0: fpOne}} // p = −q
		return
	}
	i.Double(&h)
	i.Square(&i) // (2H)²
	j.Mul(&h, &i)
	r.Double(&r)
	v.Mul(&u1, &i)
	// X3 = r² − J − 2V
	t.Square(&r)
	t.Sub(&t, &j)
	t.Sub(&t, &v)
	p.X.Sub(&t, &v)
	// Y3 = r(V − X3) − 2·S1·J
	t.Sub(&v, &p.X)
	t.Mul(&t, &r)
	s1.Mul(&s1, &j)
	s1.Double(&s1)
	p.Y.Sub(&t, &s1)
	// Z3 = ((Z1 + Z2)² − Z1Z1 − Z2Z2)·H
	p.Z.addLazy(&p.Z, &q.Z)
	p.Z.Square(&p.Z)
	p.Z.diff(&p.Z, &z1z1, &z2z2)
	p.Z.Mul(&p.Z, &h)
}

// Equal reports whether p and q are the same point.
func (p *G2Jac) Equal(q *G2Jac) bool {
	pi, qi := p.IsInfinity(), q.IsInfinity()
	if pi || qi {
		return pi && qi
	}
	var z1z1, z2z2, a, b Fp2
	z1z1.Square(&p.Z)
	z2z2.Square(&q.Z)
	a.Mul(&p.X, &z2z2)
	b.Mul(&q.X, &z1z1)
	if !a.Equal(&b) {
		return false
	}
	a.Mul(&p.Y, &z2z2)
	a.Mul(&a, &q.Z)
	b.Mul(&q.Y, &z1z1)
	b.Mul(&b, &p.Z)
	return a.Equal(&b)
}

// psi sets p = ψ(q), the untwist-Frobenius-twist endomorphism
// (x, y) ↦ (x̄·ξ^((p−1)/3), ȳ·ξ^((p−1)/2)), in Jacobian coordinates (Z
// conjugated too).
func (p *G2Jac) psi(q *G2Jac) {
	p.X.Conjugate(&q.X)
	p.X.Mul(&p.X, &frob1[2])
	p.Y.Conjugate(&q.Y)
	p.Y.Mul(&p.Y, &frob1[3])
	p.Z.Conjugate(&q.Z)
}

// mulBySeed sets p = [x₀]q by left-to-right sliding windows of up to 3
// bits (as Expt).
func (p *G2Jac) mulBySeed(q *G2Jac) {
	var tab [4]G2Jac // (2i+1)q
	var q2 G2Jac
	tab[0] = *q
	q2 = *q
	q2.Double()
	for i := 1; i < len(tab); i++ {
		tab[i] = tab[i-1]
		tab[i].Add(&q2)
	}
	const e = uint64(seedX)
	var acc G2Jac
	started := false
	for i := 62; i >= 0; {
		if e>>uint(i)&1 == 0 {
			acc.Double()
			i--
			continue
		}
		j := max(i-2, 0)
		for e>>uint(j)&1 == 0 {
			j++
		}
		w := (e >> uint(j)) & (1<<uint(i-j+1) - 1)
		if started {
			for range i - j + 1 {
				acc.Double()
			}
			acc.Add(&tab[w>>1])
		} else {
			acc = tab[w>>1]
			started = true
		}
		i = j - 1
	}
	*p = acc
}

// IsOnCurve reports whether the affine p satisfies y² = x³ + b'.
func (p *G2) IsOnCurve() bool {
	var l, r Fp2
	l.Square(&p.Y)
	r.Square(&p.X)
	r.Mul(&r, &p.X)
	r.Add(&r, &bTwist)
	return l.Equal(&r)
}

// IsInSubGroup reports whether the affine p (not the point at infinity) is
// on the twist and in its subgroup of order r, by Scott's criterion
// (eprint 2021/1130) for BN curves, as gnark-crypto checks it:
//
//	[x₀+1]P + ψ([x₀]P) + ψ²([x₀]P) = ψ³([2x₀]P).
func (p *G2) IsInSubGroup() bool {
	if !p.IsOnCurve() {
		return false
	}
	var pj, a, b, c, res G2Jac
	pj.FromAffine(p)
	a.mulBySeed(&pj) // [x₀]P
	b.psi(&a)        // ψ([x₀]P)
	a.Add(&pj)       // [x₀+1]P
	res.psi(&b)      // ψ²([x₀]P)
	c = res
	c.Add(&b)
	c.Add(&a)
	res.psi(&res) // ψ³([x₀]P)
	res.Double()  // ψ³([2x₀]P)
	return res.Equal(&c)
}
