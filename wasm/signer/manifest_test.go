package signer

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/leash-wallet/leash/wire"
)

// oldManifestMAC is the MAC as the core computed it before the record was
// encoded by hand (json.Marshal of the maps): records written then must
// still verify.
func oldManifestMAC(key []byte, records, pending map[string]wire.Hash32) wire.Hash32 {
	r, _ := json.Marshal(records)
	p, _ := json.Marshal(pending)
	m := hmac.New(sha256.New, key)
	m.Write([]byte("leash-integrity-v1\x00"))
	m.Write(r)
	m.Write([]byte{0})
	m.Write(p)
	var out wire.Hash32
	copy(out[:], m.Sum(nil))
	return out
}

// TestDigestsMatchEncodingJSON: the hand-written integrity record is
// json.Marshal's, byte for byte, and its MAC the one earlier versions
// computed, for the protected keys and for keys a tampered record could
// carry (quotes, <, non-ASCII, invalid UTF-8), empty and nil maps.
func TestDigestsMatchEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	names := append(protectedKeys(), "", `a"b`, "<x>", "a&b", "é", "\u2028", "\xff", "z", "ledger\x00")
	digest := func() wire.Hash32 {
		var h wire.Hash32
		for i := range h {
			h[i] = byte(r.Uint32())
		}
		return h
	}
	pick := func() map[string]wire.Hash32 {
		switch r.IntN(6) {
		case 0:
			return nil
		case 1:
			return map[string]wire.Hash32{}
		}
		m := map[string]wire.Hash32{}
		for n := r.IntN(len(names)) + 1; n > 0; n-- {
			m[names[r.IntN(len(names))]] = digest()
		}
		return m
	}
	key := []byte("a MAC key of thirty-two bytes!!!")
	for i := 0; i < 500; i++ {
		recs, pend := pick(), pick()
		for _, m := range []map[string]wire.Hash32{recs, pend} {
			want, _ := json.Marshal(m)
			if got := appendDigests(nil, m); !bytes.Equal(got, want) {
				t.Fatalf("digests %v:\n got %s\nwant %s", m, got, want)
			}
		}
		mac := oldManifestMAC(key, recs, pend)
		if got := manifestMAC(key, appendDigests(nil, recs), appendDigests(nil, pend)); got != mac {
			t.Fatalf("MAC of %v / %v differs from the earlier one", recs, pend)
		}
		if recs == nil || pend == nil {
			continue // the writer never writes null maps
		}
		want, _ := json.Marshal(manifestJSON{Version: 1, Records: recs, Pending: pend, MAC: mac})
		if got := encodeManifest(key, recs, pend); !bytes.Equal(got, want) {
			t.Fatalf("record:\n got %s\nwant %s", got, want)
		}
	}
}
