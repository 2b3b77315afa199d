package groth16v

import (
	"slices"
	"testing"
	"time"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
)

func TestABMiller(t *testing.T) {
	f := getFixture(t)
	c := f.cases[2]
	v := f.verifier
	var sum bn254.G1Affine
	sum.Double(&c.proof.Krs)
	var da, db []time.Duration
	for range 300 {
		t0 := time.Now()
		ls := []lines{bn254.PrecomputeLines(c.proof.Bs), v.negDelta, v.negGamma}
		bn254.MillerLoopFixedQ([]bn254.G1Affine{c.proof.Ar, c.proof.Krs, sum}, ls)
		t1 := time.Now()
		v.fusedMillerLoop(&c.proof.Ar, &c.proof.Bs, &c.proof.Krs, &sum)
		t2 := time.Now()
		da = append(da, t1.Sub(t0))
		db = append(db, t2.Sub(t1))
	}
	slices.Sort(da)
	slices.Sort(db)
	t.Logf("gnark lines+fixedQ p50 %v, fused p50 %v", da[150], db[150])
}
