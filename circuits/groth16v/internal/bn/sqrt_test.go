package bn

import (
	"testing"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
)

func TestSqrtAgainstGnark(t *testing.T) {
	for _, a := range testFp(80) {
		for _, x := range []Fp{*new(Fp).FromGnark(&a), unreduced(*new(Fp).FromGnark(&a))} {
			var z Fp
			ok := z.Sqrt(&x)
			var w fp.Element
			want := w.Sqrt(&a) != nil
			if ok != want {
				t.Fatalf("Sqrt(%s): square %v, gnark says %v", a.String(), ok, want)
			}
			if ok {
				var sq Fp
				sq.Square(&z)
				if !sq.Equal(&x) {
					t.Fatal("not a root")
				}
			}
			if x.LexicographicallyLargest() != a.LexicographicallyLargest() {
				t.Fatalf("LexicographicallyLargest(%s)", a.String())
			}
		}
	}
	fp2s := testFp2(80)
	for _, v := range testFp(12) { // x₁ = 0: squares and non-squares of Fp
		fp2s = append(fp2s, bn254.E2{A0: v})
	}
	for _, a := range fp2s {
		// Squares too: a² always has a root.
		var a2 bn254.E2
		a2.Square(&a)
		for _, e := range []bn254.E2{a, a2} {
			var x, z Fp2
			x.FromGnark(&e)
			ok := z.Sqrt(&x)
			want := e.Legendre() != -1
			if ok != want {
				t.Fatalf("Fp2 Sqrt(%s): square %v, gnark says %v", e.String(), ok, want)
			}
			if ok {
				var sq Fp2
				sq.Square(&z)
				if !sq.Equal(&x) {
					t.Fatal("Fp2: not a root")
				}
			}
			if x.LexicographicallyLargest() != e.LexicographicallyLargest() {
				t.Fatalf("Fp2 LexicographicallyLargest(%s)", e.String())
			}
		}
	}
}
