package bn

import (
	"slices"
	"testing"
	"time"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
)

// abRatio runs ours and theirs alternately b.N times and reports both
// medians and their ratio, so load on the machine hits both alike.
func abRatio(b *testing.B, ours, theirs func()) {
	var a, g []time.Duration
	for b.Loop() {
		t0 := time.Now()
		ours()
		t1 := time.Now()
		theirs()
		a = append(a, t1.Sub(t0))
		g = append(g, time.Since(t1))
	}
	slices.Sort(a)
	slices.Sort(g)
	ma, mg := a[len(a)/2], g[len(g)/2]
	b.ReportMetric(float64(ma.Nanoseconds()), "ours-ns")
	b.ReportMetric(float64(mg.Nanoseconds()), "gnark-ns")
	b.ReportMetric(float64(ma)/float64(mg), "ratio")
}

// BenchmarkAB compares the tower operations with gnark-crypto's,
// interleaved:
//
//	PATH=$PATH:$(go env GOROOT)/lib/wasm GOOS=js GOARCH=wasm \
//	    go test -run '^$' -bench AB ./circuits/groth16v/internal/bn
func BenchmarkAB(b *testing.B) {
	vals := randE12(nil, 3)
	var cyc, inv bn254.E12
	cyc.Conjugate(&vals[1])
	inv.Inverse(&vals[1])
	cyc.Mul(&cyc, &inv)
	inv.FrobeniusSquare(&cyc)
	cyc.Mul(&cyc, &inv)
	var x, y, xc Fp12
	x.FromGnark(&vals[1])
	y.FromGnark(&vals[2])
	xc.FromGnark(&cyc)
	gx, gy := vals[1], vals[2]
	five := [5]Fp2{y.C0.B0, y.C0.B1, y.C0.B2, y.C1.B0, y.C1.B1}
	gfive := [5]bn254.E2{gy.C0.B0, gy.C0.B1, gy.C0.B2, gy.C1.B0, gy.C1.B1}
	const k = 100
	cases := []struct {
		name         string
		ours, theirs func()
	}{
		{"fp-mul-x100", func() {
			for range k {
				x.C0.B0.A0.Mul(&x.C0.B0.A0, &y.C0.B0.A0)
			}
		}, func() {
			for range k {
				gx.C0.B0.A0.Mul(&gx.C0.B0.A0, &gy.C0.B0.A0)
			}
		}},
		{"fp-add-x100", func() {
			for range k {
				x.C0.B0.A0.Add(&x.C0.B0.A0, &y.C0.B0.A0)
			}
		}, func() {
			for range k {
				gx.C0.B0.A0.Add(&gx.C0.B0.A0, &gy.C0.B0.A0)
			}
		}},
		{"fp2-mul-x100", func() {
			for range k {
				x.C0.B0.Mul(&x.C0.B0, &y.C0.B0)
			}
		}, func() {
			for range k {
				gx.C0.B0.Mul(&gx.C0.B0, &gy.C0.B0)
			}
		}},
		{"fp2-square-x100", func() {
			for range k {
				x.C0.B0.Square(&x.C0.B0)
			}
		}, func() {
			for range k {
				gx.C0.B0.Square(&gx.C0.B0)
			}
		}},
		{"fp2-add-x100", func() {
			for range k {
				x.C0.B0.Add(&x.C0.B0, &y.C0.B0)
			}
		}, func() {
			for range k {
				gx.C0.B0.Add(&gx.C0.B0, &gy.C0.B0)
			}
		}},
		{"fp-inverse", func() { x.C0.B0.A0.Inverse(&x.C0.B0.A0) }, func() { gx.C0.B0.A0.Inverse(&gx.C0.B0.A0) }},
		{"fp12-mul", func() { x.Mul(&x, &y) }, func() { gx.Mul(&gx, &gy) }},
		{"fp12-square", func() { x.Square(&x) }, func() { gx.Square(&gx) }},
		{"cyclo-square", func() { xc.CyclotomicSquare(&xc) }, func() { cyc.CyclotomicSquare(&cyc) }},
		{"mulby034", func() { x.MulBy034(&y.C0.B0, &y.C1.B0, &y.C1.B1) }, func() { gx.MulBy034(&gy.C0.B0, &gy.C1.B0, &gy.C1.B1) }},
		{"mulby34", func() { x.MulBy34(&y.C1.B0, &y.C1.B1) }, func() { gx.MulBy34(&gy.C1.B0, &gy.C1.B1) }},
		{"mulby01234", func() { x.MulBy01234(&five) }, func() { gx.MulBy01234(&gfive) }},
		{"expt", func() { xc.Expt(&xc) }, func() { cyc.Expt(&cyc) }},
		{"final-exp", func() { var r Fp12; r.FinalExponentiation(&x) }, func() { bn254.FinalExponentiation(&gx) }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) { abRatio(b, c.ours, c.theirs) })
	}
}
