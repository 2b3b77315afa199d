package bn

import (
	"testing"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
)

func randE12(_ *testing.T, n int) []bn254.E12 {
	v := testFp2(6 * n)
	out := make([]bn254.E12, n)
	for i := range out {
		e := &out[i]
		e.C0.B0, e.C0.B1, e.C0.B2 = v[(6*i)%len(v)], v[(6*i+1)%len(v)], v[(6*i+2)%len(v)]
		e.C1.B0, e.C1.B1, e.C1.B2 = v[(6*i+3)%len(v)], v[(6*i+4)%len(v)], v[(6*i+5)%len(v)]
	}
	out[0].SetOne()
	return out
}

func eq12(t *testing.T, what string, z *Fp12, want *bn254.E12) {
	t.Helper()
	for _, c := range []*Fp2{&z.C0.B0, &z.C0.B1, &z.C0.B2, &z.C1.B0, &z.C1.B1, &z.C1.B2} {
		checkRange(t, what, &c.A0)
		checkRange(t, what, &c.A1)
	}
	if g := z.Gnark(); !g.Equal(want) {
		t.Fatalf("%s: mismatch", what)
	}
}

func TestFp12AgainstGnark(t *testing.T) {
	vals := randE12(t, 12)
	for i := range vals {
		a := &vals[i]
		var x, z Fp12
		x.FromGnark(a)
		var w bn254.E12
		z.Square(&x)
		w.Square(a)
		eq12(t, "square", &z, &w)
		z.Inverse(&x)
		w.Inverse(a)
		eq12(t, "inverse", &z, &w)
		z.Frobenius(&x)
		w.Frobenius(a)
		eq12(t, "frobenius", &z, &w)
		z.FrobeniusSquare(&x)
		w.FrobeniusSquare(a)
		eq12(t, "frobenius²", &z, &w)
		z.FrobeniusCube(&x)
		w.FrobeniusCube(a)
		eq12(t, "frobenius³", &z, &w)
		z.FinalExponentiation(&x)
		w = bn254.FinalExponentiation(a)
		eq12(t, "final exponentiation", &z, &w)

		// Cyclotomic: the easy part of a.
		var cyc bn254.E12
		cyc.Conjugate(a)
		w.Inverse(a)
		cyc.Mul(&cyc, &w)
		w.FrobeniusSquare(&cyc)
		cyc.Mul(&cyc, &w)
		var xc Fp12
		xc.FromGnark(&cyc)
		z.CyclotomicSquare(&xc)
		w.CyclotomicSquare(&cyc)
		eq12(t, "cyclotomic square", &z, &w)
		z.Expt(&xc)
		w.Expt(&cyc)
		eq12(t, "expt", &z, &w)

		for j := range vals {
			b := &vals[j]
			var y Fp12
			y.FromGnark(b)
			z.Mul(&x, &y)
			w.Mul(a, b)
			eq12(t, "mul", &z, &w)
			z = x
			z.MulBy034(&y.C0.B0, &y.C1.B0, &y.C1.B1)
			w = *a
			w.MulBy034(&b.C0.B0, &b.C1.B0, &b.C1.B1)
			eq12(t, "mulby034", &z, &w)
			z = x
			z.MulBy34(&y.C1.B0, &y.C1.B1)
			w = *a
			w.MulBy34(&b.C1.B0, &b.C1.B1)
			eq12(t, "mulby34", &z, &w)
			z = x
			five := [5]Fp2{y.C0.B0, y.C0.B1, y.C0.B2, y.C1.B0, y.C1.B1}
			z.MulBy01234(&five)
			w = *a
			gfive := [5]bn254.E2{b.C0.B0, b.C0.B1, b.C0.B2, b.C1.B0, b.C1.B1}
			w.MulBy01234(&gfive)
			eq12(t, "mulby01234", &z, &w)
		}
	}
}
