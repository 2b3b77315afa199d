package ledger

import (
	"bytes"
	"encoding/json"
	"math/big"
	"math/rand"
	"testing"

	"github.com/leash-wallet/leash/wire"
)

// marshalReflect is what Marshal wrote before it appended by hand.
func marshalReflect(l *Ledger) []byte {
	st := stateJSON{Version: StateVersion, Window: l.window, Nonce: wire.Uint64(l.nonce), Spends: l.spends, Seen: l.order}
	if st.Spends == nil {
		st.Spends = []*Spend{}
	}
	if st.Seen == nil {
		st.Seen = []string{}
	}
	b, _ := json.Marshal(st)
	return b
}

// Marshal writes the very bytes encoding/json writes for the same state:
// empty ledgers, every optional field present or absent, large and zero
// quantities, and ids that need escaping; and the result restores.
func TestMarshalMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewSource(17))
	ids := []string{"p-1", "a.b:c_d", "x", `q"uote`, `back\slash`, "<tag>&", "ünï", "tab\there", "\u2028", string([]byte{0xff, 'a'})}
	quantity := func() wire.Quantity {
		var q wire.Quantity
		switch rng.Intn(4) {
		case 0:
		case 1:
			q.SetInt64(rng.Int63())
		case 2:
			q.Lsh(big.NewInt(rng.Int63()), uint(rng.Intn(190)))
		case 3:
			q.SetInt64(-rng.Int63n(1000) - 1)
		}
		return q
	}
	for n := 0; n < 300; n++ {
		l := New(Config{Window: uint64(rng.Intn(1 << 20))}, uint64(rng.Int63()))
		for i := rng.Intn(6); i > 0; i-- {
			s := &Spend{ID: ids[rng.Intn(len(ids))], Nonce: wire.Uint64(rng.Uint64()), Time: rng.Uint64(), Value: quantity(), Fee: quantity()}
			if rng.Intn(2) == 0 {
				tok := wire.Address{byte(rng.Intn(256)), 0xab}
				amt := quantity()
				s.Token, s.Amount = &tok, &amt
			}
			if rng.Intn(2) == 0 {
				h := wire.Hash32{byte(rng.Intn(256)), 1, 2}
				s.TxHash = &h
			}
			switch rng.Intn(3) {
			case 0:
				s.Sig = bytes.Repeat([]byte{byte(rng.Intn(256))}, SigKeyLen)
			case 1:
				s.Sig = wire.Bytes{}
			}
			if rng.Intn(2) == 0 {
				s.Until = rng.Uint64()
			}
			l.spends = append(l.spends, s)
		}
		for i := rng.Intn(5); i > 0; i-- {
			l.remember(ids[rng.Intn(len(ids))])
		}
		got, err := l.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if want := marshalReflect(l); !bytes.Equal(got, want) {
			t.Fatalf("Marshal\n%s\nencoding/json\n%s", got, want)
		}
	}
	// A real one restores to the same bytes.
	l := New(Config{Window: 100}, 3)
	r, err := l.ReserveSignature(sigReq("s1", 1, 4, 0, 1000))
	if err != nil {
		t.Fatal(err)
	}
	r.Commit(wire.Hash32{9})
	raw, _ := l.Marshal()
	l2, err := Restore(raw, Config{Window: 100})
	if err != nil {
		t.Fatal(err)
	}
	if raw2, _ := l2.Marshal(); !bytes.Equal(raw, raw2) || !bytes.Equal(raw, marshalReflect(l)) {
		t.Fatalf("round trip %s != %s", raw, raw2)
	}
}

// BenchmarkMarshal: a ledger of 64 signature spends and 256 seen ids, by
// hand against encoding/json.
func BenchmarkMarshal(b *testing.B) {
	l := New(Config{Window: 86400}, 0)
	for i := 0; i < 64; i++ {
		r, err := l.ReserveSignature(SigRequest{ID: "pay-" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Time: 1000, Until: 1600,
			Key: bytes.Repeat([]byte{byte(i)}, SigKeyLen)})
		if err != nil {
			b.Fatal(err)
		}
		r.Commit(wire.Hash32{byte(i)})
	}
	for i := 0; i < 192; i++ {
		l.remember("seen-" + string(rune('a'+i%26)) + string(rune('a'+i/26)))
	}
	b.Run("append", func(b *testing.B) {
		for range b.N {
			_, _ = l.Marshal()
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for range b.N {
			_ = marshalReflect(l)
		}
	})
}
