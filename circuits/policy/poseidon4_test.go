package policy

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
)

// TestPoseidon4Constants checks the generated literals against gnark-crypto's
// HorizenLabs parameters for width 4.
func TestPoseidon4Constants(t *testing.T) {
	p := poseidon2.NewParameters(4, 8, 56)
	if len(p.RoundKeys) != p4FullRounds+p4PartialRounds || len(p.DiagM1) != 4 {
		t.Fatalf("%d rounds", len(p.RoundKeys))
	}
	half := p4FullRounds / 2
	for r, k := range p.RoundKeys {
		switch {
		case r < half || r >= half+p4PartialRounds:
			fr := r
			if r >= half {
				fr = r - p4PartialRounds
			}
			for i := range k {
				if k[i] != p4Full[fr][i] {
					t.Fatalf("full round %d lane %d differs", r, i)
				}
			}
		default:
			if k[0] != p4Partial[r-half] || !k[1].IsZero() || !k[2].IsZero() || !k[3].IsZero() {
				t.Fatalf("partial round %d differs", r-half)
			}
		}
	}
	for i := range p.DiagM1 {
		if p.DiagM1[i] != p4DiagM1[i] {
			t.Fatalf("diagonal %d differs", i)
		}
	}
}

func TestPoseidon4MatchesGnarkCrypto(t *testing.T) {
	ref := poseidon2.NewPermutation(4, 8, 56)
	edges := edgeElements()
	n := 2000
	if testing.Short() {
		n = 200
	}
	for i := range n + len(edges) {
		var in [4]fr.Element
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
		permute4(&got)
		for j := range got {
			if got[j] != want[j] {
				t.Fatalf("P(%v) lane %d = %s, gnark-crypto %s", in, j, got[j].String(), want[j].String())
			}
		}
	}
}

// TestHashSponge pins the sponge's definition against a direct computation
// with gnark-crypto's permutation, for every length up to 8.
func TestHashSponge(t *testing.T) {
	ref := poseidon2.NewPermutation(4, 8, 56)
	for n := 0; n <= 8; n++ {
		xs := make([]fr.Element, n)
		for i := range xs {
			xs[i].SetUint64(uint64(1000*n + i))
		}
		st := make([]fr.Element, 4)
		st[0].SetUint64(uint64(n))
		for i := 0; i < n || i == 0; i += 3 {
			for j := 0; j < 3 && i+j < n; j++ {
				st[1+j].Add(&st[1+j], &xs[i+j])
			}
			if err := ref.Permutation(st); err != nil {
				t.Fatal(err)
			}
		}
		if got := Hash(xs...); got != st[1] {
			t.Fatalf("n=%d: %s, want %s", n, got.String(), st[1].String())
		}
	}
	// The length is part of the input: (x) and (x, 0) differ.
	a, b := Hash(ElemU64(5)), Hash(ElemU64(5), ElemU64(0))
	if a == b {
		t.Fatal("the sponge does not separate lengths")
	}
}

func BenchmarkPoseidon4(b *testing.B) {
	var x [4]fr.Element
	for i := range x {
		x[i].MustSetRandom()
	}
	for b.Loop() {
		permute4(&x)
	}
}
