package policy

import (
	"crypto/rand"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/leash-wallet/leash/circuits/policy/internal/fr29"
)

// gnarkPerm is the reference: gnark-crypto's own permutation with the same
// parameters. It is imported by tests only, so it never reaches the WASM
// binary (its package init derives parameters at start-up).
func gnarkPerm() *poseidon2.Permutation { return poseidon2.NewPermutation(2, 6, 50) }

// TestPoseidon2Constants checks the generated literals against the round
// keys gnark-crypto derives (poseidon2_gen.go wrote them from the same
// place); a gnark-crypto upgrade that changed them fails here.
func TestPoseidon2Constants(t *testing.T) {
	keys := poseidon2.NewParameters(2, 6, 50).RoundKeys
	if len(keys) != p2FullRounds+p2PartialRounds {
		t.Fatalf("%d rounds, want %d", len(keys), p2FullRounds+p2PartialRounds)
	}
	half := p2FullRounds / 2
	for r, k := range keys {
		switch {
		case r < half:
			if len(k) != 2 || k[0] != p2Full[r][0] || k[1] != p2Full[r][1] {
				t.Fatalf("full round %d differs", r)
			}
		case r < half+p2PartialRounds:
			if len(k) != 1 || k[0] != p2Partial[r-half] {
				t.Fatalf("partial round %d differs", r-half)
			}
		default:
			if len(k) != 2 || k[0] != p2Full[r-p2PartialRounds][0] || k[1] != p2Full[r-p2PartialRounds][1] {
				t.Fatalf("full round %d differs", r)
			}
		}
	}
}

func edgeElements() []fr.Element {
	var out []fr.Element
	add := func(x *big.Int) {
		var e fr.Element
		e.SetBigInt(x)
		out = append(out, e)
	}
	q := fr.Modulus()
	for _, v := range []int64{0, 1, 2, 3, 5} {
		add(big.NewInt(v))
		add(new(big.Int).Sub(q, big.NewInt(v+1))) // q-1, q-2, …
	}
	for _, bits := range []uint{31, 32, 63, 64, 127, 128, 191, 192, 248, 253} {
		add(new(big.Int).Lsh(big.NewInt(1), bits))
		add(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), bits), big.NewInt(1)))
	}
	add(new(big.Int).Rsh(q, 1))
	add(new(big.Int).Add(new(big.Int).Rsh(q, 1), big.NewInt(1)))
	// Elements whose Montgomery limbs are extreme.
	out = append(out, fr.Element{1, 0, 0, 0}, fr.Element{0, 0, 0, 1},
		fr.Element{^uint64(0), ^uint64(0), ^uint64(0), uint64(q.Bits()[3]) - 1})
	return out
}

func TestPoseidon2MatchesGnarkCrypto(t *testing.T) {
	ref := gnarkPerm()
	check := func(a, b fr.Element) {
		t.Helper()
		want := []fr.Element{a, b}
		if err := ref.Permutation(want); err != nil {
			t.Fatal(err)
		}
		got := [2]fr.Element{a, b}
		permute(&got)
		if got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("P(%s, %s) = (%s, %s), gnark-crypto (%s, %s)",
				a.String(), b.String(), got[0].String(), got[1].String(), want[0].String(), want[1].String())
		}
		var x [2]fr29.Element
		x[0].FromGnark(&a)
		x[1].FromGnark(&b)
		permute29(&x)
		if g0, g1 := x[0].Gnark(), x[1].Gnark(); g0 != want[0] || g1 != want[1] {
			t.Fatalf("P29(%s, %s) = (%s, %s), gnark-crypto (%s, %s)",
				a.String(), b.String(), g0.String(), g1.String(), want[0].String(), want[1].String())
		}
	}
	edges := edgeElements()
	for _, a := range edges {
		for _, b := range edges {
			check(a, b)
		}
	}
	n := 2000
	if testing.Short() {
		n = 200
	}
	for range n {
		var a, b fr.Element
		if _, err := a.SetRandom(); err != nil {
			t.Fatal(err)
		}
		if _, err := b.SetRandom(); err != nil {
			t.Fatal(err)
		}
		check(a, b)
		check(a, edges[int(randByte(t))%len(edges)])
	}
}

// TestCompressMatchesGnarkCrypto compares Compress with gnark-crypto's
// byte-level 2→1 compression (permutation plus right-lane feed-forward).
func TestCompressMatchesGnarkCrypto(t *testing.T) {
	ref := gnarkPerm()
	edges := edgeElements()
	for i := range 500 {
		var a, b fr.Element
		if i < len(edges) {
			a, b = edges[i], edges[len(edges)-1-i]
		} else {
			a.MustSetRandom()
			b.MustSetRandom()
		}
		la, lb := a.Bytes(), b.Bytes()
		want, err := ref.Compress(la[:], lb[:])
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []struct {
			name string
			fn   func(a, b fr.Element) fr.Element
		}{{"Compress", Compress}, {"compressFr", compressFr}, {"compress29", compress29}} {
			c := f.fn(a, b)
			got := c.Bytes()
			if string(got[:]) != string(want) {
				t.Fatalf("%s(%s, %s) = %x, gnark-crypto %x", f.name, a.String(), b.String(), got, want)
			}
		}
	}
}

func randByte(t *testing.T) byte {
	var b [1]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return b[0]
}

// BenchmarkPoseidon2 times one permutation: ours over gnark-crypto's fr and
// over fr29 against gnark-crypto's with the same parameters, in the same
// run (under GOOS=js too: `GOOS=js GOARCH=wasm go test -exec
// "$(go env GOROOT)/lib/wasm/go_js_wasm_exec" -run '^$' -bench Poseidon`).
func BenchmarkPoseidon2(b *testing.B) {
	var a, c fr.Element
	a.SetUint64(7)
	c.SetUint64(11)
	b.Run("leash", func(b *testing.B) {
		x := [2]fr.Element{a, c}
		for b.Loop() {
			permute(&x)
		}
	})
	b.Run("fr29", func(b *testing.B) {
		var x [2]fr29.Element
		x[0].FromGnark(&a)
		x[1].FromGnark(&c)
		for b.Loop() {
			permute29(&x)
		}
	})
	b.Run("gnark-crypto", func(b *testing.B) {
		ref := gnarkPerm()
		x := []fr.Element{a, c}
		for b.Loop() {
			if err := ref.Permutation(x); err != nil {
				b.Fatal(err)
			}
		}
	})
}
