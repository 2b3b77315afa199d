package signer

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/leash-wallet/leash/wire"
)

// FuzzDecodeProgramBlocks: a stored last-blocks record either decodes to
// at most MaxProgramBlocks distinct programs, which store and decode back
// to the same, or is malformed. Never a panic.
func FuzzDecodeProgramBlocks(f *testing.F) {
	f.Add([]byte(`{"version":1,"last":[]}`))
	f.Add([]byte(`{"version":1,"last":[{"program":"0x0000000000000000000000000000000000000000000000000000000000000001","block":"0x1f"}]}`))
	f.Add([]byte(`{"version":1,"last":[{"program":"0x01","block":"0x1"}]}`))
	f.Add([]byte(`{"version":2,"last":[]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := decodeProgramBlocks(raw)
		if err != nil {
			if wire.CodeOf(err) != wire.Malformed {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		if len(m) > MaxProgramBlocks {
			t.Fatalf("%d entries", len(m))
		}
		s := &Signer{store: NewMemStore(), lastBlocks: m}
		if err := s.persistBlocks(context.Background()); err != nil {
			t.Fatal(err)
		}
		again, _ := s.store.Get(context.Background(), KeyProgramBlocks)
		m2, err := decodeProgramBlocks(again)
		if err != nil || len(m2) != len(m) {
			t.Fatalf("round trip: %v, %d of %d", err, len(m2), len(m))
		}
		for c, b := range m {
			if m2[c] != b {
				t.Fatalf("program %s: %d, then %d", c, b, m2[c])
			}
		}
	})
}

// FuzzDecodeAnchor: a stored nonce anchor decodes exactly or is malformed.
func FuzzDecodeAnchor(f *testing.F) {
	f.Add([]byte(`{"version":1,"anchor":"0x10"}`))
	f.Add([]byte(`{"version":1,"anchor":"0x10","anchor":"0x11"}`))
	f.Add([]byte(`{"version":1,"Anchor":"0x10"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		a, err := decodeAnchor(raw)
		if err != nil {
			if wire.CodeOf(err) != wire.Malformed {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		b, _ := json.Marshal(anchorJSON{Version: 1, Anchor: wire.Uint64(a)})
		if a2, err := decodeAnchor(b); err != nil || a2 != a {
			t.Fatalf("round trip %d: %d, %v", a, a2, err)
		}
	})
}
