package policy

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/leash-wallet/leash/circuits/policy/internal/fr29"
)

// check29 runs permute12_29 on in and compares every lane with want
// (gnark-crypto's permutation of in).
func check29(t testing.TB, in [spongeWidth]fr.Element, want []fr.Element) {
	t.Helper()
	var x [spongeWidth]fr29.Element
	for j := range in {
		x[j].FromGnark(&in[j])
	}
	permute12_29(&x)
	for j := range x {
		if got := x[j].Gnark(); got != want[j] {
			t.Fatalf("P29(%v) lane %d = %s, gnark-crypto %s", in, j, got.String(), want[j].String())
		}
	}
}

// TestPoseidon29Constants checks the fr29 round keys against the fr ones
// (which TestPoseidon2Constants and TestPoseidon12Constants check against
// gnark-crypto).
func TestPoseidon29Constants(t *testing.T) {
	for r := range p2Full {
		for i := range p2Full[r] {
			if p2Full29[r][i].Gnark() != p2Full[r][i] {
				t.Fatalf("width 2, full round %d lane %d differs", r, i)
			}
		}
	}
	for r := range p2Partial {
		if p2Partial29[r].Gnark() != p2Partial[r] {
			t.Fatalf("width 2, partial round %d differs", r)
		}
	}
	for r := range p12Full {
		for i := range p12Full[r] {
			if p12Full29[r][i].Gnark() != p12Full[r][i] {
				t.Fatalf("width 12, full round %d lane %d differs", r, i)
			}
		}
	}
	for r := range p12Partial {
		if p12Partial29[r].Gnark() != p12Partial[r] {
			t.Fatalf("width 12, partial round %d differs", r)
		}
	}
	for i := range p12DiagM1 {
		if p12DiagM129[i].Gnark() != p12DiagM1[i] {
			t.Fatalf("diagonal %d differs", i)
		}
	}
}

// TestPoseidon29EdgeStates permutes states made only of the edge values
// 0, 1 and r−1 (every lane equal, and each alone among zeros) with both
// widths and both fields.
func TestPoseidon29EdgeStates(t *testing.T) {
	var zero, one, minus fr.Element
	one.SetOne()
	minus.Neg(&one)
	ref12 := poseidon2.NewPermutation(12, 8, 57)
	ref2 := gnarkPerm()
	for _, v := range []fr.Element{zero, one, minus} {
		var states [][spongeWidth]fr.Element
		var all [spongeWidth]fr.Element
		for j := range all {
			all[j] = v
		}
		states = append(states, all)
		for j := range spongeWidth {
			var s [spongeWidth]fr.Element
			s[j] = v
			states = append(states, s)
		}
		for _, in := range states {
			want := append([]fr.Element(nil), in[:]...)
			if err := ref12.Permutation(want); err != nil {
				t.Fatal(err)
			}
			got := in
			permute12(&got)
			if string(fmtLanes(got[:])) != string(fmtLanes(want)) {
				t.Fatalf("P(%v) differs from gnark-crypto", in)
			}
			check29(t, in, want)
		}
		for _, w := range []fr.Element{zero, one, minus} {
			want := []fr.Element{v, w}
			if err := ref2.Permutation(want); err != nil {
				t.Fatal(err)
			}
			var x [2]fr29.Element
			x[0].FromGnark(&v)
			x[1].FromGnark(&w)
			permute29(&x)
			if x[0].Gnark() != want[0] || x[1].Gnark() != want[1] {
				t.Fatalf("P29(%s, %s) differs from gnark-crypto", v.String(), w.String())
			}
		}
	}
}

func fmtLanes(xs []fr.Element) []byte {
	var b []byte
	for i := range xs {
		l := xs[i].Bytes()
		b = append(b, l[:]...)
	}
	return b
}

// FuzzPoseidon29 compares both widths over fr29 with gnark-crypto's
// permutations on states read from the fuzzer's bytes (32 bytes a lane,
// reduced mod r), and Hash over both fields.
func FuzzPoseidon29(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 32*spongeWidth))
	q := fr.Modulus().Bytes()
	var qs []byte
	for range spongeWidth {
		qs = append(qs, q...)
	}
	f.Add(qs)
	ref12 := poseidon2.NewPermutation(12, 8, 57)
	ref2 := gnarkPerm()
	f.Fuzz(func(t *testing.T, b []byte) {
		var in [spongeWidth]fr.Element
		for j := range in {
			var w [32]byte
			if off := 32 * j; off < len(b) {
				copy(w[:], b[off:])
			}
			in[j].SetBytes(w[:]) // reduced mod r
		}
		want := append([]fr.Element(nil), in[:]...)
		if err := ref12.Permutation(want); err != nil {
			t.Fatal(err)
		}
		check29(t, in, want)
		want2 := []fr.Element{in[0], in[1]}
		if err := ref2.Permutation(want2); err != nil {
			t.Fatal(err)
		}
		var x [2]fr29.Element
		x[0].FromGnark(&in[0])
		x[1].FromGnark(&in[1])
		permute29(&x)
		if x[0].Gnark() != want2[0] || x[1].Gnark() != want2[1] {
			t.Fatalf("P29(%s, %s) differs from gnark-crypto", in[0].String(), in[1].String())
		}
		n := len(b) % (3 * SpongeRate)
		xs := make([]fr.Element, n)
		for i := range xs {
			xs[i] = in[i%spongeWidth]
		}
		if hashFr(xs) != hash29(xs) {
			t.Fatalf("Hash of %d elements differs between fr and fr29", n)
		}
	})
}
