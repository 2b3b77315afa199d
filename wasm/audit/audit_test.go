package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/leash-wallet/leash/wire"
)

func sample(n int) ([]Entry, Head) {
	l := New(Head{}, 1000)
	var out []Entry
	for i := 0; i < n; i++ {
		nonce := wire.Uint64(i)
		d := Signed
		if i%3 == 1 {
			d = Rejected
		}
		out = append(out, l.Append(Entry{Time: uint64(1000 + i), Kind: "proposal", ID: fmt.Sprintf("p%d", i), Decision: d, Nonce: &nonce}))
	}
	return out, l.Head()
}

func TestChain(t *testing.T) {
	es, head := sample(10)
	if err := Verify(es, &head); err != nil {
		t.Fatal(err)
	}
	if head.Next != 10 || head.Hash != es[9].Hash {
		t.Fatalf("head %+v", head)
	}
	// JSON round trip keeps hashes valid.
	b, _ := json.Marshal(es[4])
	e, err := DecodeEntry(b)
	if err != nil || Compute(e) != e.Hash {
		t.Fatalf("round trip: %v", err)
	}
}

func TestDetectsRewrites(t *testing.T) {
	cases := map[string]func([]Entry) ([]Entry, bool){
		"decision flipped": func(es []Entry) ([]Entry, bool) { es[1].Decision = Signed; return es, false },
		"message edited":   func(es []Entry) ([]Entry, bool) { es[2].Message = "fine"; return es, false },
		"rehashed edit": func(es []Entry) ([]Entry, bool) {
			es[3].Code = wire.Replay
			es[3].Hash = Compute(&es[3])
			return es, false
		},
		"dropped":   func(es []Entry) ([]Entry, bool) { return append(es[:4:4], es[5:]...), false },
		"swapped":   func(es []Entry) ([]Entry, bool) { es[5], es[6] = es[6], es[5]; return es, false },
		"truncated": func(es []Entry) ([]Entry, bool) { return es[:8], true },
		"inserted": func(es []Entry) ([]Entry, bool) {
			x := es[2]
			x.ID = "forged"
			x.Hash = Compute(&x)
			return append(es[:3:3], append([]Entry{x}, es[3:]...)...), false
		},
	}
	for name, mutate := range cases {
		es, head := sample(10)
		bad, needsHead := mutate(es)
		if err := Verify(bad, &head); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("%s: not detected (%v)", name, err)
		}
		if !needsHead {
			if err := Verify(bad, nil); err == nil {
				t.Errorf("%s: not detected without the head", name)
			}
		}
	}
}

func TestHostileMessageSurvivesStorage(t *testing.T) {
	l := New(Head{}, 0)
	msg := "bad \xff\xfe utf8 " + string(make([]byte, 600)) + "é"
	e := l.Append(Entry{Kind: "proposal", Decision: Rejected, Message: msg})
	b, _ := json.Marshal(e)
	d, err := DecodeEntry(b)
	if err != nil || Compute(d) != d.Hash {
		t.Fatalf("stored entry no longer verifies: %v", err)
	}
}

func TestGolden(t *testing.T) {
	b, err := os.ReadFile("testdata/log-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Head    Head    `json:"head"`
		Entries []Entry `json:"entries"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if err := Verify(doc.Entries, &doc.Head); err != nil {
		t.Fatal(err)
	}
}

func FuzzDecodeEntry(f *testing.F) {
	es, _ := sample(3)
	for _, e := range es {
		b, _ := json.Marshal(e)
		f.Add(b)
	}
	f.Add([]byte(`{"seq":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := DecodeEntry(b)
		if err != nil {
			return
		}
		_ = Compute(e)
	})
}

// A rotated log keeps its chain: the stored tail verifies against a head
// that names where it starts and the hash before it, and every rewrite of
// the tail, a dropped first entry, or a head that hides the rotation is
// still detected.
func TestRotate(t *testing.T) {
	es, head := sample(40)
	prevOf := func(seq uint64) (wire.Hash32, error) { return es[seq].Prev, nil }
	if _, ok, _ := Rotate(head, 30, 16, prevOf); ok {
		t.Fatal("rotated before keep+chunk entries")
	}
	h, ok, err := Rotate(head, 16, 8, prevOf)
	if err != nil || !ok || h.Base != 24 || *h.BaseHash != es[23].Hash || h.Next != 40 || h.Hash != head.Hash {
		t.Fatalf("rotate: %+v %v %v", h, ok, err)
	}
	tail := es[24:]
	if err := Verify(tail, &h); err != nil {
		t.Fatal(err)
	}
	if err := Verify(tail, nil); err != nil {
		t.Fatal(err)
	}
	if err := Verify(tail, &head); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("a tail against the unrotated head: %v", err)
	}
	if err := Verify(tail[1:], &h); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("first kept entry dropped: %v", err)
	}
	bad := append([]Entry(nil), tail...)
	bad[0].Message = "rewritten"
	if err := Verify(bad, &h); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("rewritten first entry: %v", err)
	}
	forged := h
	other := es[22].Hash
	forged.BaseHash = &other
	if err := Verify(tail, &forged); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("wrong base hash: %v", err)
	}
	noHash := Head{Next: h.Next, Hash: h.Hash, Base: h.Base}
	if err := Verify(tail, &noHash); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("base without hash: %v", err)
	}
	// Appending after a rotation keeps the base in the head.
	l := New(head, 0)
	l.SetBase(h.Base, *h.BaseHash)
	e := l.Append(Entry{Kind: "lock", Decision: Info})
	nh := l.Head()
	if nh.Base != 24 || nh.Next != 41 || nh.Hash != e.Hash {
		t.Fatalf("head after append %+v", nh)
	}
	if err := Verify(append(append([]Entry(nil), tail...), e), &nh); err != nil {
		t.Fatal(err)
	}
	// A stored head decodes strictly, with or without the rotation fields.
	b, _ := json.Marshal(nh)
	if d, err := DecodeHead(b); err != nil || d.Base != 24 || *d.BaseHash != *h.BaseHash {
		t.Fatalf("head round trip %s: %v", b, err)
	}
	if _, err := DecodeHead([]byte(`{"next":1,"hash":"0x` + fmt.Sprintf("%064x", 0) + `","Base":3}`)); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("case variant of base: %v", err)
	}
}
