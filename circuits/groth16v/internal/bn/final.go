package bn

// Frobenius sets z = x^p.
func (z *Fp12) Frobenius(x *Fp12) {
	var t Fp2
	z.C0.B0.Conjugate(&x.C0.B0)
	t.Conjugate(&x.C1.B0)
	z.C1.B0.Mul(&t, &frob1[1])
	t.Conjugate(&x.C0.B1)
	z.C0.B1.Mul(&t, &frob1[2])
	t.Conjugate(&x.C1.B1)
	z.C1.B1.Mul(&t, &frob1[3])
	t.Conjugate(&x.C0.B2)
	z.C0.B2.Mul(&t, &frob1[4])
	t.Conjugate(&x.C1.B2)
	z.C1.B2.Mul(&t, &frob1[5])
}

// FrobeniusSquare sets z = x^(p²); its coefficients are in Fp.
func (z *Fp12) FrobeniusSquare(x *Fp12) {
	z.C0.B0 = x.C0.B0
	z.C1.B0.MulByElement(&x.C1.B0, &frob2[1].A0)
	z.C0.B1.MulByElement(&x.C0.B1, &frob2[2].A0)
	z.C1.B1.MulByElement(&x.C1.B1, &frob2[3].A0)
	z.C0.B2.MulByElement(&x.C0.B2, &frob2[4].A0)
	z.C1.B2.MulByElement(&x.C1.B2, &frob2[5].A0)
}

// FrobeniusCube sets z = x^(p³).
func (z *Fp12) FrobeniusCube(x *Fp12) {
	var t Fp2
	z.C0.B0.Conjugate(&x.C0.B0)
	t.Conjugate(&x.C1.B0)
	z.C1.B0.Mul(&t, &frob3[1])
	t.Conjugate(&x.C0.B1)
	z.C0.B1.Mul(&t, &frob3[2])
	t.Conjugate(&x.C1.B1)
	z.C1.B1.Mul(&t, &frob3[3])
	t.Conjugate(&x.C0.B2)
	z.C0.B2.Mul(&t, &frob3[4])
	t.Conjugate(&x.C1.B2)
	z.C1.B2.Mul(&t, &frob3[5])
}

// CyclotomicSquare sets z = x² for x in the cyclotomic subgroup
// (x^(p⁶+1) = 1), by Granger and Scott (eprint 2009/565): seen over
// Fp4 = Fp2[t]/(t² − ξ), t = w³, x = g₀ + g₁w + g₂w² and
//
//	x² = (3g₀² − 2ḡ₀) + (3t·g₂² + 2ḡ₁)w + (3g₁² − 2ḡ₂)w²
//
// with ḡ the conjugate over Fp2 (t → −t): 9 Fp2 squarings.
func (z *Fp12) CyclotomicSquare(x *Fp12) {
	// g₀ = (C0.B0, C1.B1), g₁ = (C1.B0, C0.B2), g₂ = (C0.B1, C1.B2).
	var a0, a1, b0, b1, c0s, c1s Fp2
	fp4Square(&a0, &a1, &x.C0.B0, &x.C1.B1)
	fp4Square(&b0, &b1, &x.C1.B0, &x.C0.B2)
	fp4Square(&c0s, &c1s, &x.C0.B1, &x.C1.B2)
	var c0, c1, c2, c3, c4, c5 Fp2
	c0.threeMinusTwo(&a0, &x.C0.B0)
	c3.threePlusTwo(&a1, &x.C1.B1)
	c1.threeXiPlusTwo(&c1s, &x.C1.B0) // 3t·g₂² + 2ḡ₁, t·(c, c') = (ξc', c)
	c4.threeMinusTwo(&c0s, &x.C0.B2)
	c2.threeMinusTwo(&b0, &x.C0.B1)
	c5.threePlusTwo(&b1, &x.C1.B2)
	z.C0.B0, z.C1.B0, z.C0.B1, z.C1.B1, z.C0.B2, z.C1.B2 = c0, c1, c2, c3, c4, c5
}

// fp4Square sets (r0, r1) = (a + bt)² = (a² + ξb², 2ab).
func fp4Square(r0, r1, a, b *Fp2) {
	var a2, b2, s Fp2
	a2.Square(a)
	b2.Square(b)
	s.addLazy(a, b)
	s.Square(&s)
	r1.diff(&s, &a2, &b2)
	r0.addXi(&a2, &b2)
}

// seedX is the BN254 curve seed x₀ = 4965661367192848881.
const seedX = 4965661367192848881

// Expt sets z = x^x₀ for x in the cyclotomic subgroup: left-to-right
// sliding windows of up to 3 bits over x₀ (63 bits) with the odd powers
// x, x³, x⁵, x⁷: 62 + 1 cyclotomic squarings and 17 + 3 multiplications
// (the non-adjacent form would take 23).
//
// Karabina's compressed squaring (4 of the 6 Fp2 coefficients, 6 Fp2
// squarings instead of 9) does not pay here: the runs of squarings
// between multiplications are 2 to 5 long, and each decompression costs
// an Fp2 inversion. In WASM (BenchmarkAB, load ~1.4) a cyclotomic squaring
// takes 3.3 µs, an Fp inversion 5.9 µs (18.9 µs as x^(p−2)), an Fp12
// multiplication 6.7 µs, Expt 313 µs: a run saves at most 5 × 1.1 µs and
// its decompression (the inversion and some Fp2 multiplications) costs
// more. Squaring 62 times compressed and decompressing the 29 powers of
// x₀'s set bits in one batch would cost about 62 × 2.2 + 6 + 29 × 2 +
// 28 × 6.7 ≈ 390 µs.
func (z *Fp12) Expt(x *Fp12) {
	var tab [4]Fp12 // x^(2i+1)
	var x2 Fp12
	tab[0] = *x
	x2.CyclotomicSquare(x)
	for i := 1; i < len(tab); i++ {
		tab[i].Mul(&tab[i-1], &x2)
	}
	const e = uint64(seedX)
	var acc Fp12
	started := false
	for i := 62; i >= 0; {
		if e>>uint(i)&1 == 0 {
			acc.CyclotomicSquare(&acc) // started: the top bit is 1
			i--
			continue
		}
		j := max(i-2, 0)
		for e>>uint(j)&1 == 0 {
			j++
		}
		w := (e >> uint(j)) & (1<<uint(i-j+1) - 1) // odd, ≤ 7
		if started {
			for range i - j + 1 {
				acc.CyclotomicSquare(&acc)
			}
			acc.Mul(&acc, &tab[w>>1])
		} else {
			acc = tab[w>>1]
			started = true
		}
		i = j - 1
	}
	*z = acc
}

// FinalExponentiation sets z = x^((p¹²−1)/r · 2x₀(6x₀²+3x₀+1)), the same
// power as gnark-crypto's bn254.FinalExponentiation (so results compare
// directly): the easy part (p⁶−1)(p²+1), then the hard part by the
// addition chain of Fuentes-Castañeda, Knapp and Rodríguez-Henríquez
// (Duquesne–Ghammam, eprint 2015/192).
func (z *Fp12) FinalExponentiation(x *Fp12) {
	var r, t Fp12
	// Easy part: r = x^((p⁶−1)(p²+1)).
	t.Conjugate(x)
	r.Inverse(x)
	t.Mul(&t, &r)
	r.FrobeniusSquare(&t)
	r.Mul(&r, &t)

	// Hard part.
	var a, b, c, d, g, h Fp12
	a.Expt(&r)
	a.Conjugate(&a)        // r^(−x)
	a.CyclotomicSquare(&a) // r^(−2x)
	b.CyclotomicSquare(&a) // r^(−4x)
	b.Mul(&a, &b)          // r^(−6x)
	c.Expt(&b)             //
	c.Conjugate(&c)        // r^(6x²)
	d.Conjugate(&b)        // r^(6x)
	b.Mul(&c, &d)          // r^(6x²+6x)
	d.CyclotomicSquare(&c) // r^(12x²)
	g.Expt(&d)             // r^(12x³)
	g.Mul(&b, &g)          // r^(12x³+6x²+6x)
	h.Mul(&a, &g)          // r^(12x³+6x²+4x)
	c.Mul(&c, &g)          // r^(12x³+12x²+6x)
	c.Mul(&r, &c)          // r^(12x³+12x²+6x+1)
	t.Frobenius(&h)        // h^p
	c.Mul(&t, &c)          //
	t.FrobeniusSquare(&g)  // g^(p²)
	c.Mul(&t, &c)          //
	t.Conjugate(&r)        //
	t.Mul(&t, &h)          // r^(−1)·h
	t.FrobeniusCube(&t)    //
	z.Mul(&t, &c)
}
