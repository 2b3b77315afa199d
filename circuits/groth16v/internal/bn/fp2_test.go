package bn

import (
	"math/big"
	"testing"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
)

func testFp2(n int) []bn254.E2 {
	v := testFp(2 * n)
	out := []bn254.E2{{}, {A0: v[1]}, {A1: v[1]}, {A0: v[3], A1: v[3]}, {A0: v[0], A1: v[3]}}
	for i := 0; len(out) < n; i++ {
		out = append(out, bn254.E2{A0: v[(2*i)%len(v)], A1: v[(2*i+5)%len(v)]})
	}
	return out
}

// unreduced2 is x with each coordinate in its other representation when
// it has one (x + p < 2p).
func unreduced2(x Fp2) Fp2 { return Fp2{unreduced(x.A0), unreduced(x.A1)} }

func eqE2(t *testing.T, what string, z *Fp2, want *bn254.E2) {
	t.Helper()
	checkRange(t, what+" A0", &z.A0)
	checkRange(t, what+" A1", &z.A1)
	if g := z.Gnark(); !g.Equal(want) {
		t.Fatalf("%s: got %s, want %s", what, g.String(), want.String())
	}
}

func TestFp2AgainstGnark(t *testing.T) {
	vals := testFp2(40)
	for i := range vals {
		a := &vals[i]
		var x Fp2
		x.FromGnark(a)
		for _, xv := range []Fp2{x, unreduced2(x)} {
			var z Fp2
			var w bn254.E2
			z.Square(&xv)
			w.Square(a)
			eqE2(t, "square", &z, &w)
			z.Double(&xv)
			w.Double(a)
			eqE2(t, "double", &z, &w)
			z.Triple(&xv)
			w.Double(a).Add(&w, a)
			eqE2(t, "triple", &z, &w)
			z.Neg(&xv)
			w.Neg(a)
			eqE2(t, "neg", &z, &w)
			z.Conjugate(&xv)
			w.Conjugate(a)
			eqE2(t, "conjugate", &z, &w)
			z.MulByNonResidue(&xv)
			w.MulByNonResidue(a)
			eqE2(t, "mulbynonresidue", &z, &w)
			z.Halve(&xv)
			w.Set(a).Halve()
			eqE2(t, "halve", &z, &w)
			z.Inverse(&xv)
			w.Inverse(a)
			eqE2(t, "inverse", &z, &w)
			z.MulByElement(&xv, &xv.A1)
			w.MulByElement(a, &a.A1)
			eqE2(t, "mulbyelement", &z, &w)
			z = xv
			z.Square(&z) // aliasing
			w.Square(a)
			eqE2(t, "square aliased", &z, &w)
			for j := range vals {
				b := &vals[j]
				var y Fp2
				y.FromGnark(b)
				for _, yv := range []Fp2{y, unreduced2(y)} {
					z.Mul(&xv, &yv)
					w.Mul(a, b)
					eqE2(t, "mul", &z, &w)
					z = xv
					z.Mul(&z, &yv)
					eqE2(t, "mul aliased", &z, &w)
					z.Add(&xv, &yv)
					w.Add(a, b)
					eqE2(t, "add", &z, &w)
					z.Sub(&xv, &yv)
					w.Sub(a, b)
					eqE2(t, "sub", &z, &w)
					if xv.Equal(&yv) != a.Equal(b) {
						t.Fatal("equal")
					}
				}
			}
		}
	}
}

func TestLin2(t *testing.T) {
	vals := testFp(20)
	for i := range vals {
		for j := range vals {
			var x, y, z Fp
			x.FromGnark(&vals[i])
			y.FromGnark(&vals[j])
			for a := int64(-8); a <= 8; a++ {
				for b := int64(-8); b <= 8; b++ {
					z.lin2(a, &x, b, &y)
					w := linGnark(a, &vals[i], b, &vals[j])
					checkRange(t, "lin2", &z)
					if g := z.Gnark(); !g.Equal(&w) {
						t.Fatalf("lin2 %d %d", a, b)
					}
				}
			}
		}
	}
}

// TestFp2Forms checks the fused linear forms against gnark's E2
// operations, on reduced and unreduced representations.
func TestFp2Forms(t *testing.T) {
	vals := testFp2(12)
	xi := func(x bn254.E2) bn254.E2 { x.MulByNonResidue(&x); return x }
	add := func(a, b bn254.E2) bn254.E2 { a.Add(&a, &b); return a }
	sub := func(a, b bn254.E2) bn254.E2 { a.Sub(&a, &b); return a }
	k := func(c int64, a bn254.E2) bn254.E2 {
		var s bn254.E2
		s.A0.SetInt64(c)
		s.Mul(&s, &a)
		return s
	}
	for i := range vals {
		for j := range vals {
			m, a, b, c := vals[i], vals[j], vals[(i+j)%len(vals)], vals[(i*j+1)%len(vals)]
			var fm, fa, fb, fc Fp2
			fm.FromGnark(&m)
			fa.FromGnark(&a)
			fb.FromGnark(&b)
			fc.FromGnark(&c)
			for r := 0; r < 2; r++ {
				if r == 1 {
					fm, fa, fb, fc = unreduced2(fm), unreduced2(fa), unreduced2(fb), unreduced2(fc)
				}
				var z Fp2
				z.xiDiffAdd(&fm, &fa, &fb, &fc)
				w := add(xi(sub(sub(m, a), b)), c)
				eqE2(t, "xiDiffAdd", &z, &w)
				z.diffAddXi(&fm, &fa, &fb, &fc)
				w = add(sub(sub(m, a), b), xi(c))
				eqE2(t, "diffAddXi", &z, &w)
				z.diffAdd(&fm, &fa, &fb, &fc)
				w = add(sub(sub(m, a), b), c)
				eqE2(t, "diffAdd", &z, &w)
				z.diff(&fm, &fa, &fb)
				w = sub(sub(m, a), b)
				eqE2(t, "diff", &z, &w)
				z.addXi(&fa, &fb)
				w = add(a, xi(b))
				eqE2(t, "addXi", &z, &w)
				z.subXi(&fa, &fb)
				w = sub(a, xi(b))
				eqE2(t, "subXi", &z, &w)
				z.diffXi(&fm, &fa, &fb)
				w = sub(sub(m, a), xi(b))
				eqE2(t, "diffXi", &z, &w)
				z.threeMinusTwo(&fa, &fb)
				w = sub(k(3, a), k(2, b))
				eqE2(t, "threeMinusTwo", &z, &w)
				z.threePlusTwo(&fa, &fb)
				w = add(k(3, a), k(2, b))
				eqE2(t, "threePlusTwo", &z, &w)
				z.threeXiPlusTwo(&fa, &fb)
				w = add(k(3, xi(a)), k(2, b))
				eqE2(t, "threeXiPlusTwo", &z, &w)
				z = fa
				z.diff(&z, &fb, &z) // aliasing
				w = sub(sub(a, b), a)
				eqE2(t, "diff aliased", &z, &w)
			}
		}
	}
}

// plusMultiple returns x + k·p with normalised limbs, the representation
// of the same element a lazy sum can produce (value below 8p).
func plusMultiple(x Fp, k int) Fp {
	for range k {
		var c uint64
		for i := range x {
			c += x[i] + pLimbs[i]
			x[i] = c & mask
			c >>= limbBits
		}
	}
	return x
}

// TestLazyOperands: Fp2 Mul and Square, Fp6 Mul and MulBy01 take operands
// below 8p resp. 4p (lazy sums) and still return weakly reduced values.
func TestLazyOperands(t *testing.T) {
	vals := testFp2(10)
	eightP := new(big.Int).Lsh(fp.Modulus(), 3)
	lazy := func(x Fp2, k int) Fp2 {
		z := Fp2{plusMultiple(x.A0, k), plusMultiple(x.A1, k)}
		if limbsToBig(&z.A0).Cmp(eightP) >= 0 || limbsToBig(&z.A1).Cmp(eightP) >= 0 {
			t.Fatal("test value not below 8p")
		}
		return z
	}
	for i := range vals {
		for j := range vals {
			a, b := vals[i], vals[j]
			var x, y Fp2
			x.FromGnark(&a)
			y.FromGnark(&b)
			for k := 0; k <= 7; k++ {
				xl, yl := lazy(x, k), lazy(y, 7-k)
				var z Fp2
				var w bn254.E2
				z.Mul(&xl, &yl)
				w.Mul(&a, &b)
				eqE2(t, "mul lazy", &z, &w)
				z.Square(&xl)
				w.Square(&a)
				eqE2(t, "square lazy", &z, &w)
			}
		}
	}
	e := randE12(nil, 4)
	for i := range e {
		for j := range e {
			var x, y Fp12
			x.FromGnark(&e[i])
			y.FromGnark(&e[j])
			l3 := func(c Fp6) Fp6 { return Fp6{lazy(c.B0, 3), lazy(c.B1, 2), lazy(c.B2, 3)} }
			xl, yl := l3(x.C0), l3(y.C0)
			var z Fp6
			z.Mul(&xl, &yl)
			var w bn254.E6
			w.Mul(&e[i].C0, &e[j].C0)
			got := Fp12{C0: z}
			want := bn254.E12{C0: w}
			eq12(t, "fp6 mul lazy", &got, &want)
			b0, b1 := lazy(y.C1.B0, 3), lazy(y.C1.B1, 1)
			z.MulBy01(&xl, &b0, &b1)
			w = e[i].C0
			w.MulBy01(&e[j].C1.B0, &e[j].C1.B1)
			got, want = Fp12{C0: z}, bn254.E12{C0: w}
			eq12(t, "fp6 mulby01 lazy", &got, &want)
		}
	}
}
