package wire

import (
	"encoding/json"
	"math/big"
	mrand "math/rand"
	"math/rand/v2"
	"testing"
)

func mustMarshal(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAppendMatchesEncodingJSON: every Append gives json.Marshal's bytes,
// on edge values and random ones.
func TestAppendMatchesEncodingJSON(t *testing.T) {
	strs := []string{"", "a", "bench-1", `q"uote`, `back\slash`, "<script>", "a&b", "tab\t", "nul\x00", "\x7f",
		"é", "\u2028", "\u2029", "\xff\xfe", "emoji 🦊", "ctl\x1f"}
	for _, s := range strs {
		if got, want := string(AppendJSONString(nil, s)), mustMarshal(t, s); got != want {
			t.Errorf("string %q: %s, json.Marshal %s", s, got, want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	qs := []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(-1), big.NewInt(-255), new(big.Int).Lsh(big.NewInt(1), 256)}
	for i := 0; i < 200; i++ {
		qs = append(qs, new(big.Int).Rand(mrand.New(mrand.NewSource(int64(i))), new(big.Int).Lsh(big.NewInt(1), uint(r.IntN(300)+1))))
	}
	for _, x := range qs {
		q := Quantity{Int: *x}
		if got, want := string(q.AppendJSON(nil)), mustMarshal(t, q); got != want {
			t.Errorf("quantity %v: %s, json.Marshal %s", x, got, want)
		}
	}
	for _, u := range []uint64{0, 1, 15, 16, 1<<63 + 5, ^uint64(0), r.Uint64()} {
		if got, want := string(Uint64(u).AppendJSON(nil)), mustMarshal(t, Uint64(u)); got != want {
			t.Errorf("uint64 %d: %s, json.Marshal %s", u, got, want)
		}
	}
	for i := 0; i < 50; i++ {
		var a Address
		var h Hash32
		for j := range a {
			a[j] = byte(r.Uint32())
		}
		for j := range h {
			h[j] = byte(r.Uint32())
		}
		if got, want := string(a.AppendJSON(nil)), mustMarshal(t, a); got != want {
			t.Errorf("address: %s, json.Marshal %s", got, want)
		}
		if got, want := string(h.AppendJSON(nil)), mustMarshal(t, h); got != want {
			t.Errorf("hash: %s, json.Marshal %s", got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "bench-1", `"`, "<", "\u2028", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(AppendJSONString([]byte("x"), s)[1:]), mustMarshal(t, s); got != want {
			t.Fatalf("%q: %s, json.Marshal %s", s, got, want)
		}
	})
}
