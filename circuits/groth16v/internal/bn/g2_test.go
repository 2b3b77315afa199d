package bn

import (
	"math/big"
	"math/rand"
	"testing"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
)

// twistPoints returns points of G2 and points of the twist outside G2
// (hashed to the curve without clearing the cofactor), with gnark's
// verdicts.
func twistPoints(t *testing.T, n int) (pts []bn254.G2Affine) {
	rng := rand.New(rand.NewSource(9))
	_, _, _, g2 := bn254.Generators()
	pts = append(pts, g2)
	for range n {
		var p bn254.G2Affine
		p.ScalarMultiplication(&g2, new(big.Int).Rand(rng, bn254.ID.ScalarField()))
		pts = append(pts, p)
		var u bn254.E2
		var b [32]byte
		rng.Read(b[:])
		u.A0.SetBytes(b[:])
		rng.Read(b[:])
		u.A1.SetBytes(b[:])
		pts = append(pts, bn254.MapToCurve2(&u)) // on the twist, almost surely not in G2
		q := bn254.GeneratePointNotInG2(u)
		var qa bn254.G2Affine
		qa.FromJacobian(&q)
		pts = append(pts, qa)
		// A G2 point plus a point of small order is not in G2 either:
		// r·(cofactor part) — take P + (not-in-G2 point)·r.
		var mix bn254.G2Affine
		var rq bn254.G2Jac
		rq.ScalarMultiplication(&q, bn254.ID.ScalarField())
		var rqa bn254.G2Affine
		rqa.FromJacobian(&rq)
		if !rqa.IsInfinity() {
			mix.Add(&p, &rqa)
			pts = append(pts, mix)
		}
	}
	return pts
}

func TestG2SubgroupAgainstGnark(t *testing.T) {
	in, out := 0, 0
	for i, gp := range twistPoints(t, 12) {
		var p G2
		p.FromGnark(&gp)
		want := gp.IsInSubGroup()
		if got := p.IsInSubGroup(); got != want {
			t.Fatalf("point %d: IsInSubGroup = %v, gnark says %v", i, got, want)
		}
		if want {
			in++
		} else {
			out++
		}
		if !p.IsOnCurve() {
			t.Fatalf("point %d: not on the curve", i)
		}
		// Off the curve: y + 1.
		q := p
		q.Y.A0.Add(&q.Y.A0, &fpOne)
		if q.IsOnCurve() || q.IsInSubGroup() {
			t.Fatalf("point %d + (0, 1) accepted", i)
		}
	}
	if in < 10 || out < 10 {
		t.Fatalf("weak test: %d in G2, %d outside", in, out)
	}
}

func TestPsiConstants(t *testing.T) {
	// ψ on affine points agrees with gnark's (via the subgroup property
	// ψ(P) = [6x₀²]P for P in G2).
	_, _, _, g2 := bn254.Generators()
	var p G2Jac
	var a G2
	a.FromGnark(&g2)
	p.FromAffine(&a)
	var q G2Jac
	q.psi(&p)
	var six, x0 big.Int
	x0.SetUint64(seedX)
	six.Mul(&x0, &x0).Mul(&six, big.NewInt(6))
	var w bn254.G2Affine
	w.ScalarMultiplication(&g2, &six)
	var wj G2Jac
	var wa G2
	wa.FromGnark(&w)
	wj.FromAffine(&wa)
	if !q.Equal(&wj) {
		t.Fatal("ψ(G) ≠ [6x₀²]G")
	}
	var inf G2Jac
	if !inf.Equal(&inf) || inf.Equal(&p) || p.Equal(&inf) {
		t.Fatal("infinity equality")
	}
	// Add: P + P, P + (−P), ∞ + P.
	d := p
	d.Add(&p)
	e := p
	e.Double()
	if !d.Equal(&e) {
		t.Fatal("P + P ≠ 2P")
	}
	n := p
	n.Y.Neg(&n.Y)
	n.Add(&p)
	if !n.IsInfinity() {
		t.Fatal("P − P ≠ ∞")
	}
	inf.Add(&p)
	if !inf.Equal(&p) {
		t.Fatal("∞ + P ≠ P")
	}
	var one fp.Element
	_ = one
}
