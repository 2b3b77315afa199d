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
