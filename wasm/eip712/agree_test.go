package eip712_test

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/leash-wallet/leash/internal/fuzzcorpus"
	"github.com/leash-wallet/leash/wasm/eip712"
	"github.com/leash-wallet/leash/wire"
)

// Decode (one pass: wire.DecodeTree) against the decode it replaces
// (export_test.go's OldDecode: wire.DecodeStrict, then the domain and
// message again): the same verdict, code and value, for V3 and V4.

func agree(t *testing.T, b []byte) {
	t.Helper()
	for _, v := range []eip712.Version{eip712.V3, eip712.V4} {
		n, nerr := eip712.Decode(b, v)
		o, oerr := eip712.OldDecode(b, v)
		if (nerr == nil) != (oerr == nil) || wire.CodeOf(nerr) != wire.CodeOf(oerr) {
			t.Fatalf("v%d %q: new %v, old %v", v, b, nerr, oerr)
		}
		if nerr != nil {
			if !errors.Is(nerr, wire.ErrMalformed) {
				t.Fatalf("v%d %q: not malformed: %v", v, b, nerr)
			}
			continue
		}
		if !reflect.DeepEqual(n.Types, o.Types) || n.PrimaryType != o.PrimaryType || !reflect.DeepEqual(n.Domain, o.Domain) ||
			!reflect.DeepEqual(n.Message, o.Message) || n.Version() != o.Version() || n.Hash() != o.Hash() {
			t.Fatalf("v%d %q: new %+v, old %+v", v, b, n, o)
		}
	}
}

// typedCorpus: the fixtures, the x402 payment's typed data (wire's fuzz
// seed) and random documents.
func typedCorpus(t testing.TB) [][]byte {
	var docs [][]byte
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, b)
	}
	for _, seed := range fuzzcorpus.Read(t, filepath.Join("..", "..", "wire"), "FuzzDecodersAgree") {
		p, err := wire.DecodeSigProposal(seed[0].([]byte))
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, p.TypedData)
	}
	// Each value of the wrong JSON kind, where later checks would not
	// refuse it anyway (an unused type, an empty message).
	for _, odd := range []string{`5`, `{}`, `"s"`, `[5]`, `[[]]`, `[{"name":5,"type":"uint8"}]`, `[{"name":"a","type":true}]`, `[{"name":"a"}]`, `[]`} {
		docs = append(docs, []byte(`{"types":{"EIP712Domain":[],"M":[],"X":`+odd+`},"primaryType":"M","domain":{},"message":{}}`))
	}
	for _, odd := range []string{`"primaryType":5,"domain":{},"message":{}`, `"primaryType":"M","domain":[],"message":{}`,
		`"primaryType":"M","domain":5,"message":{}`, `"primaryType":"M","domain":{},"message":[]`, `"primaryType":"M","domain":{},"message":{}`} {
		docs = append(docs, []byte(`{"types":{"EIP712Domain":[],"M":[]},`+odd+`}`))
	}
	docs = append(docs, []byte(`{"types":[],"primaryType":"M","domain":{},"message":{}}`), []byte(`{"types":{"":null,"M":[]},"primaryType":"M","domain":{},"message":{}}`))
	r := rand.New(rand.NewPCG(7, 12))
	for range 20 {
		docs = append(docs, randomDoc(r))
	}
	return docs
}

// TestDecodeAgreesOnCorpus runs both on the corpus and 300 mutations of
// each document.
func TestDecodeAgreesOnCorpus(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 2))
	accepted := 0
	for _, d := range typedCorpus(t) {
		agree(t, d)
		for _, v := range fuzzcorpus.Replacements(d) {
			agree(t, v)
		}
		for range 300 {
			m := fuzzcorpus.Mutate(r, d)
			agree(t, m)
			if _, err := eip712.Decode(m, eip712.V4); err == nil {
				accepted++
			}
		}
	}
	if accepted == 0 {
		t.Fatal("no mutation decoded: the value comparison ran on nothing")
	}
	t.Logf("%d mutated documents accepted by both", accepted)
}

// FuzzDecodeAgrees: both on any input.
func FuzzDecodeAgrees(f *testing.F) {
	for _, d := range typedCorpus(f) {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, b []byte) { agree(t, b) })
}
