package audit

import (
	"bytes"
	"encoding/json"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/leash-wallet/leash/wire"
)

func randomEntry(r *rand.Rand, strs []string) Entry {
	s := func() string { return strs[r.IntN(len(strs))] }
	h := func() wire.Hash32 {
		var x wire.Hash32
		for i := range x {
			x[i] = byte(r.Uint32())
		}
		return x
	}
	e := Entry{Seq: r.Uint64() >> uint(r.IntN(64)), Time: r.Uint64() >> uint(r.IntN(64)), Kind: s(), ID: s(), Decision: s(),
		Code: wire.Code(s()), Message: s(), Prev: h(), Hash: h()}
	if r.IntN(2) == 0 {
		var a wire.Address
		copy(a[:], func() []byte { x := h(); return x[:] }())
		e.To = &a
	}
	if r.IntN(2) == 0 {
		e.Value = &wire.Quantity{Int: *new(big.Int).Rsh(new(big.Int).SetBytes(func() []byte { x := h(); return x[:] }()), uint(r.IntN(256)))}
	}
	if r.IntN(2) == 0 {
		n := wire.Uint64(r.Uint64() >> uint(r.IntN(64)))
		e.Nonce = &n
	}
	if r.IntN(2) == 0 {
		x := h()
		e.TxHash = &x
	}
	return e
}

// TestEntryMatchesEncodingJSON: entries and heads encoded by hand are
// json.Marshal's bytes, so hashes and stored entries are those earlier
// versions made (empty, omitted and escaped fields included).
func TestEntryMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	strs := []string{"", "proposal", "signed", "bench-1", `q"uote`, "<b>", "a&b", "é", "\u2028", "\xff", "line\nbreak", "policy_violation:payee"}
	for i := 0; i < 2000; i++ {
		e := randomEntry(r, strs)
		want, _ := json.Marshal(&e)
		if got := e.AppendJSON(nil); !bytes.Equal(got, want) {
			t.Fatalf("entry:\n got %s\nwant %s", got, want)
		}
		hd := Head{Next: e.Seq, Hash: e.Hash}
		if r.IntN(2) == 0 {
			hd.Base = e.Time
			hd.BaseHash = &e.Prev
		}
		want, _ = json.Marshal(&hd)
		if got := hd.AppendJSON(nil); !bytes.Equal(got, want) {
			t.Fatalf("head:\n got %s\nwant %s", got, want)
		}
	}
	// A zero entry: every omitempty field left out, the hashes all zero.
	var z Entry
	want, _ := json.Marshal(&z)
	if got := z.AppendJSON(nil); !bytes.Equal(got, want) {
		t.Fatalf("zero entry:\n got %s\nwant %s", got, want)
	}
}

func FuzzEntryJSON(f *testing.F) {
	f.Add("proposal", "id-1", "signed", "", "msg", uint64(1), uint64(2))
	f.Add("", "<>", "\xff", "policy_violation:payee", "\u2028", uint64(0), ^uint64(0))
	f.Fuzz(func(t *testing.T, kind, id, decision, code, msg string, seq, tm uint64) {
		e := Entry{Seq: seq, Time: tm, Kind: kind, ID: id, Decision: decision, Code: wire.Code(code), Message: msg}
		want, _ := json.Marshal(&e)
		if got := e.AppendJSON(nil); !bytes.Equal(got, want) {
			t.Fatalf("entry:\n got %s\nwant %s", got, want)
		}
	})
}
