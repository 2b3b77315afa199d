package bn

import (
	"math/big"
	"math/rand"
	"testing"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
)

func TestLoopCounter(t *testing.T) {
	for i := range loopCounter {
		if loopCounter[i] != bn254.LoopCounter[i] {
			t.Fatalf("digit %d", i)
		}
	}
}

// fixedFromGnark builds the FixedPair of P (possibly infinity) and a line
// table.
func fixedFromGnark(p *bn254.G1Affine, l *Lines) FixedPair {
	f := FixedPair{Lines: l}
	if p.IsInfinity() {
		return f
	}
	var inv, nx fp.Element
	inv.Inverse(&p.Y)
	nx.Mul(&p.X, &inv).Neg(&nx)
	f.InvY.FromGnark(&inv)
	f.NegXOverY.FromGnark(&nx)
	return f
}

func TestMillerLoopAgainstGnark(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	_, _, g1, g2 := bn254.Generators()
	rnd := func() *big.Int { return new(big.Int).Rand(rng, bn254.ID.ScalarField()) }
	for iter := 0; iter < 6; iter++ {
		var a, c, s bn254.G1Affine
		var b, delta, gamma bn254.G2Affine
		a.ScalarMultiplication(&g1, rnd())
		c.ScalarMultiplication(&g1, rnd())
		s.ScalarMultiplication(&g1, rnd())
		if iter == 1 {
			s = bn254.G1Affine{} // infinity
		}
		b.ScalarMultiplication(&g2, rnd())
		delta.ScalarMultiplication(&g2, rnd())
		gamma.ScalarMultiplication(&g2, rnd())
		var nd, ng bn254.G2Affine
		nd.Neg(&delta)
		ng.Neg(&gamma)
		ld := bn254.PrecomputeLines(nd)
		lg := bn254.PrecomputeLines(ng)
		fixed := []FixedPair{fixedFromGnark(&c, LinesFromGnark(&ld)), fixedFromGnark(&s, LinesFromGnark(&lg))}
		var pa G1
		var pb G2
		pa.FromGnark(&a)
		pb.FromGnark(&b)
		ml := MillerLoop(&pa, &pb, fixed)
		var got Fp12
		got.FinalExponentiation(&ml)
		want, err := bn254.Pair([]bn254.G1Affine{a, c, s}, []bn254.G2Affine{b, nd, ng})
		if err != nil {
			t.Fatal(err)
		}
		eq12(t, "pairing", &got, &want)

		// One pair, no fixed lines.
		ml = MillerLoop(&pa, &pb, nil)
		got.FinalExponentiation(&ml)
		want, err = bn254.Pair([]bn254.G1Affine{a}, []bn254.G2Affine{b})
		if err != nil {
			t.Fatal(err)
		}
		eq12(t, "pairing of one pair", &got, &want)
	}
}

// MillerLoopResidue is MillerLoop times c^(−λ), λ = 6x₀+2+p−p²+p³, for
// random c (gnark-crypto's exponentiation as the reference).
func TestMillerLoopResidue(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	_, _, g1, g2 := bn254.Generators()
	rnd := func() *big.Int { return new(big.Int).Rand(rng, bn254.ID.ScalarField()) }
	p := fp.Modulus()
	lambda := new(big.Int).SetUint64(seedX)
	lambda.Mul(lambda, big.NewInt(6)).Add(lambda, big.NewInt(2))
	p2 := new(big.Int).Mul(p, p)
	lambda.Add(lambda, p).Sub(lambda, p2).Add(lambda, new(big.Int).Mul(p2, p))
	for iter := 0; iter < 3; iter++ {
		var a, c bn254.G1Affine
		var b, delta bn254.G2Affine
		a.ScalarMultiplication(&g1, rnd())
		c.ScalarMultiplication(&g1, rnd())
		b.ScalarMultiplication(&g2, rnd())
		delta.ScalarMultiplication(&g2, rnd())
		ld := bn254.PrecomputeLines(delta)
		fixed := []FixedPair{fixedFromGnark(&c, LinesFromGnark(&ld))}
		var pa G1
		var pb G2
		pa.FromGnark(&a)
		pb.FromGnark(&b)
		var ce bn254.E12
		if _, err := ce.SetRandom(); err != nil {
			t.Fatal(err)
		}
		var cc Fp12
		cc.FromGnark(&ce)
		ml := MillerLoop(&pa, &pb, fixed)
		got := MillerLoopResidue(&pa, &pb, fixed, &cc)
		var w, mlg bn254.E12
		w.Exp(ce, lambda)
		w.Inverse(&w)
		mlg = ml.Gnark()
		w.Mul(&w, &mlg)
		eq12(t, "f·c^(−λ)", &got, &w)
	}
}
