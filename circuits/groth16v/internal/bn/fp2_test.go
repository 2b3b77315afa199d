package bn

import (
	"testing"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
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
					var w, t1, t2 fp_E
					_ = t1
					_ = t2
					w = linGnark(a, &vals[i], b, &vals[j])
					checkRange(t, "lin2", &z)
					if g := z.Gnark(); !g.Equal(&w) {
						t.Fatalf("lin2 %d %d", a, b)
					}
				}
			}
		}
	}
}
