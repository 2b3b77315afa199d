package groth16v

import (
	"github.com/leash-wallet/leash/circuits/groth16v/internal/bn"
	"os"
	"testing"
	"time"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"

	"github.com/leash-wallet/leash/circuits/groth16v/testcircuit"
)

// TestLoadBreakdown prints where key loading goes (opt-in, see TestBreakdown).
func TestLoadBreakdown(t *testing.T) {
	if os.Getenv("LEASH_BREAKDOWN") != "1" {
		t.Skip("set LEASH_BREAKDOWN=1")
	}
	f := getFixture(t)
	b, err := testcircuit.VKBytes(f.keys.VK)
	if err != nil {
		t.Fatal(err)
	}
	vk := f.vk
	parts := []struct {
		name string
		f    func()
	}{
		{"DecodeVerifyingKey", func() { _, _ = DecodeVerifyingKey(b, testcircuit.NbPublic) }},
		{"NewVerifier", func() { _, _ = NewVerifier(vk) }},
		{"NewVerifierFromBytes", func() { _, _ = NewVerifierFromBytes(b, testcircuit.NbPublic) }},
		{"  comb tables (gnark)", func() { newCombTables(vk.G1.K[1:]) }},
		{"  comb tables (bn, long+short)", func() { newBNComb(vk.G1.K[1:]) }},
		{"  bn lines conversion", func() {
			l := bn254.PrecomputeLines(vk.G2.Delta)
			bn.LinesFromGnark(&l)
			bn.LinesFromGnark(&l)
		}},
		{"  e(α, β)", func() { _, _ = bn254.Pair([]bn254.G1Affine{vk.G1.Alpha}, []bn254.G2Affine{vk.G2.Beta}) }},
		{"  2 × PrecomputeLines", func() { bn254.PrecomputeLines(vk.G2.Delta); bn254.PrecomputeLines(vk.G2.Gamma) }},
		{"  3 × G2 subgroup", func() { vk.G2.Beta.IsInSubGroup(); vk.G2.Gamma.IsInSubGroup(); vk.G2.Delta.IsInSubGroup() }},
	}
	d := make([][]time.Duration, len(parts))
	for range 7 {
		for i, p := range parts {
			t0 := time.Now()
			p.f()
			d[i] = append(d[i], time.Since(t0))
		}
	}
	for i, p := range parts {
		t.Logf("%-30s p50 %8.2f ms", p.name, float64(median(d[i]))/1e6)
	}
}
