package policy

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/leash-wallet/leash/circuits/policy/internal/fr29"
)

// TestPoseidon12Constants checks the generated literals against gnark-crypto's
// HorizenLabs parameters for width 12.
func TestPoseidon12Constants(t *testing.T) {
	p := poseidon2.NewParameters(12, 8, 57)
	if len(p.RoundKeys) != p12FullRounds+p12PartialRounds || len(p.DiagM1) != spongeWidth {
		t.Fatalf("%d rounds", len(p.RoundKeys))
	}
	half := p12FullRounds / 2
	for r, k := range p.RoundKeys {
		switch {
		case r < half || r >= half+p12PartialRounds:
			fr := r
			if r >= half {
				fr = r - p12PartialRounds
			}
			for i := range k {
				if k[i] != p12Full[fr][i] {
					t.Fatalf("full round %d lane %d differs", r, i)
				}
			}
		default:
			if k[0] != p12Partial[r-half] {
				t.Fatalf("partial round %d differs", r-half)
			}
			for i := 1; i < len(k); i++ {
				if !k[i].IsZero() {
					t.Fatalf("partial round %d has a key on lane %d", r-half, i)
				}
			}
		}
	}
	for i := range p.DiagM1 {
		if p.DiagM1[i] != p12DiagM1[i] {
			t.Fatalf("diagonal %d differs", i)
		}
	}
}

func TestPoseidon12MatchesGnarkCrypto(t *testing.T) {
	ref := poseidon2.NewPermutation(12, 8, 57)
	edges := edgeElements()
	n := 2000
	if testing.Short() {
		n = 200
	}
	for i := range n + len(edges) {
		var in [spongeWidth]fr.Element
		for j := range in {
			if i < len(edges) {
				in[j] = edges[(i+j*7)%len(edges)]
			} else {
				in[j].MustSetRandom()
			}
		}
		want := in[:]
		want = append([]fr.Element(nil), want...)
		if err := ref.Permutation(want); err != nil {
			t.Fatal(err)
		}
		got := in
		permute12(&got)
		for j := range got {
			if got[j] != want[j] {
				t.Fatalf("P(%v) lane %d = %s, gnark-crypto %s", in, j, got[j].String(), want[j].String())
			}
		}
		check29(t, in, want)
	}
}

// TestHashSponge pins the sponge's definition against a direct computation
// with gnark-crypto's permutation, for every length up to 24 (three blocks).
func TestHashSponge(t *testing.T) {
	ref := poseidon2.NewPermutation(12, 8, 57)
	for n := 0; n <= 24; n++ {
		xs := make([]fr.Element, n)
		for i := range xs {
			xs[i].SetUint64(uint64(1000*n + i))
		}
		st := make([]fr.Element, spongeWidth)
		st[0].SetUint64(uint64(n))
		for i := 0; i < n || i == 0; i += SpongeRate {
			for j := 0; j < SpongeRate && i+j < n; j++ {
				st[1+j].Add(&st[1+j], &xs[i+j])
			}
			if err := ref.Permutation(st); err != nil {
				t.Fatal(err)
			}
		}
		if got := Hash(xs...); got != st[1] {
			t.Fatalf("n=%d: %s, want %s", n, got.String(), st[1].String())
		}
		if got := hashFr(xs); got != st[1] {
			t.Fatalf("n=%d: hashFr %s, want %s", n, got.String(), st[1].String())
		}
		if got := hash29(xs); got != st[1] {
			t.Fatalf("n=%d: hash29 %s, want %s", n, got.String(), st[1].String())
		}
	}
	// The length is part of the input: (x) and (x, 0) differ.
	a, b := Hash(ElemU64(5)), Hash(ElemU64(5), ElemU64(0))
	if a == b {
		t.Fatal("the sponge does not separate lengths")
	}
}

// BenchmarkPoseidon12 times one width-12 permutation over gnark-crypto's fr
// and over fr29, in the same run.
func BenchmarkPoseidon12(b *testing.B) {
	var x [spongeWidth]fr.Element
	var y [spongeWidth]fr29.Element
	for i := range x {
		x[i].MustSetRandom()
		y[i].FromGnark(&x[i])
	}
	b.Run("fr", func(b *testing.B) {
		for b.Loop() {
			permute12(&x)
		}
	})
	b.Run("fr29", func(b *testing.B) {
		for b.Loop() {
			permute12_29(&y)
		}
	})
}
