package groth16v

import (
	"os"
	"testing"
	"time"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/leash-wallet/leash/circuits/groth16v/internal/bn"
)

// TestBreakdown prints where one verification's time goes, measured
// interleaved (same conditions for every part). Opt-in, as it times things:
//
//	LEASH_BREAKDOWN=1 go test -run Breakdown -v ./circuits/groth16v
//	LEASH_BREAKDOWN=1 PATH=$PATH:$(go env GOROOT)/lib/wasm GOOS=js GOARCH=wasm \
//	    go test -run Breakdown -v ./circuits/groth16v
func TestBreakdown(t *testing.T) {
	if os.Getenv("LEASH_BREAKDOWN") != "1" {
		t.Skip("set LEASH_BREAKDOWN=1")
	}
	f := getFixture(t)
	c := f.cases[2]
	v := f.verifier
	var sum bn254.G1Affine
	hint, err := v.Hint(c.proof, c.public)
	if err != nil {
		t.Fatal(err)
	}
	hb := hinted(t, f, c)
	parts := []struct {
		name string
		f    func()
	}{
		{"verify-bytes", func() { _ = v.VerifyBytes(c.bytes, c.public) }},
		{"verify-bytes, residue hint", func() { _ = v.VerifyBytes(hb, c.public) }},
		{"decode (incl. G2 subgroup)", func() { _, _ = DecodeProof(c.bytes) }},
		{"  G2 subgroup check", func() { g2InSubGroup(&c.proof.Bs, defaultBackend) }},
		{"  G2 subgroup check (gnark)", func() { c.proof.Bs.IsInSubGroup() }},
		{"msm (comb)", func() { sum = msmOnly(v, c.public) }},
		{"miller (fused, 3 pairs)", func() { millerOnly(v, &c.proof.Ar, &c.proof.Bs, &c.proof.Krs, &sum) }},
		{"final exponentiation", func() { feDur = finalExpOnly(v, &c.proof.Ar, &c.proof.Bs, &c.proof.Krs, &sum) }},
		{"check (msm, miller, final exp.)", func() { v.pairing.check(c.proof, c.public) }},
		{"check with residue hint", func() { v.pairing.checkHint(c.proof, c.public, hint) }},
		{"1000 bn.Fp.Mul", func() {
			var x, y bn.Fp
			x.SetUint64(3)
			y.SetUint64(5)
			for range 1000 {
				x.Mul(&x, &y)
			}
		}},
		{"1000 fp.Mul", func() {
			var x, y fp.Element
			x.SetUint64(3)
			y.SetUint64(5)
			for range 1000 {
				x.Mul(&x, &y)
			}
		}},
	}
	const n = 60
	d := make([][]time.Duration, len(parts))
	for range n {
		for i, p := range parts {
			t0 := time.Now()
			p.f()
			el := time.Since(t0)
			if p.name == "final exponentiation" {
				el = feDur
			}
			d[i] = append(d[i], el)
		}
	}
	t.Logf("pairing backend: %s", defaultBackend)
	total := median(d[0])
	for i, p := range parts {
		m := median(d[i])
		t.Logf("%-30s p50 %8.3f ms  %5.1f%%", p.name, float64(m)/1e6, 100*float64(m)/float64(total))
	}
}

var feDur time.Duration

// msmOnly computes K₀ + Σ xᵢKᵢ with the backend's comb tables.
func msmOnly(v *Verifier, public []fr.Element) bn254.G1Affine {
	switch p := v.pairing.(type) {
	case *bnPairing:
		s := p.sum(public)
		return bnJacToAffine(&s)
	case *gnarkPairing:
		return p.sum(public)
	}
	panic("unknown backend")
}

// millerOnly runs the backend's fused Miller loop.
func millerOnly(v *Verifier, a *bn254.G1Affine, b *bn254.G2Affine, c, s *bn254.G1Affine) {
	switch p := v.pairing.(type) {
	case *bnPairing:
		p.fusedMillerLoop(a, b, c, s)
	case *gnarkPairing:
		p.fusedMillerLoop(a, b, c, s, nil)
	}
}

// finalExpOnly runs the Miller loop, then times the final exponentiation.
func finalExpOnly(v *Verifier, a *bn254.G1Affine, b *bn254.G2Affine, c, s *bn254.G1Affine) time.Duration {
	switch p := v.pairing.(type) {
	case *bnPairing:
		ml := p.fusedMillerLoop(a, b, c, s)
		t0 := time.Now()
		var r bn.Fp12
		r.FinalExponentiation(&ml)
		return time.Since(t0)
	case *gnarkPairing:
		ml := p.fusedMillerLoop(a, b, c, s, nil)
		t0 := time.Now()
		bn254.FinalExponentiation(&ml)
		return time.Since(t0)
	}
	return 0
}
