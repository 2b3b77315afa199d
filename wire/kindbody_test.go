package wire

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestDecodeKindBody(t *testing.T) {
	for _, doc := range []string{
		`{"kind":"proposal","body":{"n":1},"BODY":{"n":2}}`,
		`{"kind":"proposal","Body":{"n":2}}`,
		`{"KIND":"revoke","kind":"proposal","body":{}}`,
		`{"kind":"proposal","kind":"revoke","body":{}}`,
		`{"kind":"proposal","body":{},"body":{}}`,
		`{"kind":"proposal","body":{},"extra":1}`,
		`{"kind":"proposal","body":{}} {"kind":"revoke"}`,
		"{\"kind\":\"proposal\",\"bod\u0443\":{}}",
		`{"kind":"\ud800","body":{}}`,
		`{"kind":"","body":{}}`,
		`{"kind":1,"body":{}}`,
		`{"body":{}}`,
		`{"kind":"` + strings.Repeat("k", 65) + `"}`,
		`{"kind":"proposal","body":{"n":}}`,
		`["kind","proposal"]`,
		`{"kind":"proposal","body":{}`,
		"{\"kind\":\"proposal\xff\"}",
		``,
	} {
		if k, b, err := DecodeKindBody([]byte(doc)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: kind %q body %s, err %v; want malformed", doc, k, b, err)
		}
	}
	// The body goes on verbatim: what is wrong inside it (here a duplicate
	// key) is its own decoder's to refuse.
	k, b, err := DecodeKindBody([]byte(`{"body":{"tx":1,"tx":2},"kind":"proposal"}`))
	if err != nil || k != "proposal" || string(b) != `{"tx":1,"tx":2}` {
		t.Fatalf("got %q %s %v", k, b, err)
	}
	if k, b, err := DecodeKindBody([]byte(`{"kind":"ping"}`)); err != nil || k != "ping" || b != nil {
		t.Fatalf("no body: %q %s %v", k, b, err)
	}
}

func FuzzDecodeKindBody(f *testing.F) {
	f.Add([]byte(`{"kind":"proposal","body":{"n":1}}`))
	f.Add([]byte(`{"kind":"proposal","body":{"n":1},"BODY":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, b, err := DecodeKindBody(data)
		if err != nil {
			if CodeOf(err) != Malformed {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		if k == "" || len(k) > 64 {
			t.Fatalf("kind %q accepted", k)
		}
		if b != nil && !bytes.Contains(data, b) {
			t.Fatalf("body %s is not the document's own bytes", b)
		}
	})
}
