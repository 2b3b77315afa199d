package bn

import (
	"math/big"
	"math/rand"
	"testing"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
)

func g1JacEqual(t *testing.T, what string, p *G1Jac, want *bn254.G1Jac) {
	t.Helper()
	var w bn254.G1Affine
	w.FromJacobian(want)
	if p.IsInfinity() || want.Z.IsZero() {
		if p.IsInfinity() != want.Z.IsZero() {
			t.Fatalf("%s: infinity mismatch", what)
		}
		return
	}
	// x = X/Z², y = Y/Z³
	var zi, z2, z3, x, y Fp
	zi.Inverse(&p.Z)
	z2.Square(&zi)
	z3.Mul(&z2, &zi)
	x.Mul(&p.X, &z2)
	y.Mul(&p.Y, &z3)
	if gx, gy := x.Gnark(), y.Gnark(); !gx.Equal(&w.X) || !gy.Equal(&w.Y) {
		t.Fatalf("%s: point mismatch", what)
	}
}

func TestG1AgainstGnark(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	_, _, g1, _ := bn254.Generators()
	var pts []bn254.G1Affine
	for range 8 {
		var p bn254.G1Affine
		p.ScalarMultiplication(&g1, new(big.Int).Rand(rng, bn254.ID.ScalarField()))
		pts = append(pts, p)
	}
	pts = append(pts, g1)
	for i := range pts {
		for j := range pts {
			// Jacobian p with a random Z from a few doublings and additions.
			var gp bn254.G1Jac
			gp.FromAffine(&pts[i])
			var p G1Jac
			var pa G1
			pa.FromGnark(&pts[i])
			p.SetInfinity()
			p.AddMixed(&pa)
			p.Double()
			gp.DoubleAssign()
			g1JacEqual(t, "double", &p, &gp)
			var q G1
			q.FromGnark(&pts[j])
			p.AddMixed(&q)
			gp.AddMixed(&pts[j])
			g1JacEqual(t, "add", &p, &gp)
			// p + p (mixed, equal points) and p + (−p).
			var ga bn254.G1Affine
			ga.FromJacobian(&gp)
			var a G1
			a.FromGnark(&ga)
			e := p
			e.AddMixed(&a)
			ge := gp
			ge.AddMixed(&ga)
			g1JacEqual(t, "add equal", &e, &ge)
			var na bn254.G1Affine
			na.Neg(&ga)
			var n G1
			n.FromGnark(&na)
			e = p
			e.AddMixed(&n)
			if !e.IsInfinity() {
				t.Fatal("p + (−p) is not the infinity")
			}
			e.Double()
			if !e.IsInfinity() {
				t.Fatal("2·∞ is not the infinity")
			}
		}
	}
}

func TestBatchInvert(t *testing.T) {
	vals := testFp(20)[1:] // no zero
	x := make([]Fp, len(vals))
	for i := range vals {
		x[i].FromGnark(&vals[i])
	}
	if !BatchInvert(x) {
		t.Fatal("refused")
	}
	for i := range vals {
		var w fp.Element
		w.Inverse(&vals[i])
		if g := x[i].Gnark(); !g.Equal(&w) {
			t.Fatalf("element %d", i)
		}
	}
	y := []Fp{fpOne, {}, fpOne}
	if BatchInvert(y) || y[0] != fpOne {
		t.Fatal("a zero must be refused without changes")
	}
}
