package groth16v

import (
	"slices"
	"testing"
	"time"

	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
)

// BenchmarkVerifyVsGnark times groth16v and gnark's own groth16 bn254
// Verify on the same proof in the same run, alternating them, and reports
// both medians and their ratio (ns/op is the pair's total). Both start from
// the proof bytes, as a verifier of wire input does: VerifyBytes decodes
// with the subgroup checks; gnark decodes with ReadFrom, then its Verify
// repeats the subgroup checks.
//
//	go test -run '^$' -bench VerifyVsGnark ./circuits/groth16v
func BenchmarkVerifyVsGnark(b *testing.B) {
	f := getFixture(b)
	c := f.cases[2] // inputs sized like the policy circuit's
	ours := func() error { return f.verifier.VerifyBytes(c.bytes, c.public) }
	theirs := func() error {
		p, err := decodeWithGnark(c.bytes)
		if err != nil {
			return err
		}
		return groth16bn254.Verify(p, f.keys.VK, c.public)
	}
	var a, g []time.Duration
	for b.Loop() {
		t0 := time.Now()
		if err := ours(); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := theirs(); err != nil {
			b.Fatal(err)
		}
		a = append(a, t1.Sub(t0))
		g = append(g, time.Since(t1))
	}
	ma, mg := median(a), median(g)
	b.ReportMetric(float64(ma.Microseconds()), "groth16v-p50-µs")
	b.ReportMetric(float64(mg.Microseconds()), "gnark-p50-µs")
	b.ReportMetric(float64(ma)/float64(mg), "ratio")
}

// BenchmarkVerifyBytes is groth16v alone: decode, checks, MSM, pairing.
func BenchmarkVerifyBytes(b *testing.B) {
	f := getFixture(b)
	c := f.cases[2]
	for b.Loop() {
		if err := f.verifier.VerifyBytes(c.bytes, c.public); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGnarkVerify is gnark's groth16 bn254 Verify alone, on a decoded
// proof.
func BenchmarkGnarkVerify(b *testing.B) {
	f := getFixture(b)
	c := f.cases[2]
	for b.Loop() {
		if err := groth16bn254.Verify(c.gnark, f.keys.VK, c.public); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewVerifier is the one-time cost of loading a key.
func BenchmarkNewVerifier(b *testing.B) {
	f := getFixture(b)
	for b.Loop() {
		if _, err := NewVerifier(f.vk); err != nil {
			b.Fatal(err)
		}
	}
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkBackends times VerifyBytes on backendGnark and backendBN
// alternately (medians and their ratio bn/gnark): the measurement behind
// defaultBackend (pairing.go). Run it natively and in WASM:
//
//	go test -run '^$' -bench Backends ./circuits/groth16v
//	PATH=$PATH:$(go env GOROOT)/lib/wasm GOOS=js GOARCH=wasm \
//	    go test -run '^$' -bench Backends ./circuits/groth16v
func BenchmarkBackends(b *testing.B) {
	f := getFixture(b)
	c := f.cases[2]
	var d [2][]time.Duration
	for b.Loop() {
		for i, v := range f.verifiers {
			t0 := time.Now()
			if err := v.VerifyBytes(c.bytes, c.public); err != nil {
				b.Fatal(err)
			}
			d[i] = append(d[i], time.Since(t0))
		}
	}
	mg, mb := median(d[0]), median(d[1])
	b.ReportMetric(float64(mg.Microseconds()), "gnark-backend-p50-µs")
	b.ReportMetric(float64(mb.Microseconds()), "bn-backend-p50-µs")
	b.ReportMetric(float64(mb)/float64(mg), "bn/gnark")
}

// BenchmarkResidueHint times VerifyBytes on the same proof without and
// with its residue hint, alternately (medians and their difference), and
// the prover's cost of the hint (AppendHint, which also decodes and checks
// the proof):
//
//	go test -run '^$' -bench ResidueHint ./circuits/groth16v
//	PATH=$PATH:$(go env GOROOT)/lib/wasm GOOS=js GOARCH=wasm \
//	    go test -run '^$' -bench ResidueHint ./circuits/groth16v
func BenchmarkResidueHint(b *testing.B) {
	f := getFixture(b)
	c := f.cases[2]
	hb := hinted(b, f, c)
	var plain, hint []time.Duration
	for b.Loop() {
		t0 := time.Now()
		if err := f.verifier.VerifyBytes(c.bytes, c.public); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := f.verifier.VerifyBytes(hb, c.public); err != nil {
			b.Fatal(err)
		}
		plain = append(plain, t1.Sub(t0))
		hint = append(hint, time.Since(t1))
	}
	mp, mh := median(plain), median(hint)
	b.ReportMetric(float64(mp.Microseconds()), "plain-p50-µs")
	b.ReportMetric(float64(mh.Microseconds()), "hinted-p50-µs")
	b.ReportMetric(float64((mp - mh).Microseconds()), "gain-µs")
	var mk []time.Duration
	for range 5 {
		t0 := time.Now()
		if _, err := f.verifier.AppendHint(c.bytes, c.public); err != nil {
			b.Fatal(err)
		}
		mk = append(mk, time.Since(t0))
	}
	b.ReportMetric(float64(median(mk).Microseconds()), "append-hint-p50-µs")
}
