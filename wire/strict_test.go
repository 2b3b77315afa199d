package wire_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/leash-wallet/leash/wire"
)

const okProposal = `{"version":2,"id":"p-1","tx":` + okTx + `,"policyCommitment":"0x1187c5b8e75be8ca89c77ecc2e069abc73ef2f3a05af07e57153c86d6affdfaf","time":1795564800,"state":{"spent":"0x0","fees":"0x0","txs":0,"tokenSpent":"0x0"},"proof":"0x00"}`

// The attack of issue 13: a proposal carrying both "tx" and "TX". The
// popup parsed "tx" in JavaScript while Go's encoding/json, which matches
// keys case-insensitively, took the other one: the user approved 0.0001
// ETH and 0.1 ETH was signed. Every key must be byte-equal to a field name.
func TestStrictKeysRefuseTwoMeanings(t *testing.T) {
	other := strings.Replace(okTx, `"value":"0x1"`, `"value":"0x16345785d8a0000"`, 1)
	repl := func(old, new string) string { return strings.Replace(okProposal, old, new, 1) }
	cases := map[string]string{
		"tx and TX":                      repl(`"tx":`, `"TX":`+other+`,"tx":`),
		"TX alone":                       repl(`"tx":`, `"TX":`),
		"Tx alone":                       repl(`"tx":`, `"Tx":`),
		"long s folds to s (ſpent)":      repl(`"spent"`, `"ſpent"`),
		"escaped long s":                 repl(`"spent"`, `"\u017fpent"`),
		"a hint's case variant":          repl(`"tokenSpent"`, `"tokenspent"`),
		"a hint field twice":             repl(`"txs":0`, `"txs":0,"txs":1`),
		"a hint field missing":           repl(`,"tokenSpent":"0x0"`, ``),
		"the v1 spent beside the state":  repl(`"state":`, `"spent":"0x0","state":`),
		"a version 1 proposal":           repl(`"version":2`, `"version":1`),
		"a hint with txs >= 2^32":        repl(`"txs":0`, `"txs":4294967296`),
		"a hint with fees >= 2^192":      repl(`"fees":"0x0"`, `"fees":"0x1000000000000000000000000000000000000000000000000"`),
		"nested case variant (Value)":    repl(`"value":"0x1"`, `"value":"0x1","Value":"0x2"`),
		"nested only a variant (VALUE)":  repl(`"value":"0x1"`, `"VALUE":"0x1"`),
		"nested duplicate":               repl(`"value":"0x1"`, `"value":"0x1","value":"0x2"`),
		"top-level duplicate":            repl(`"time":1795564800`, `"time":1795564800,"time":1795564801`),
		"unknown field":                  repl(`"time"`, `"tiem":1,"time"`),
		"null for a field":               repl(`"spent":"0x0"`, `"spent":null`),
		"null tx":                        repl(`"tx":`+okTx, `"tx":null`),
		"lone surrogate in a key":        repl(`"time"`, `"\ud800time"`),
		"lone surrogate in a value":      repl(`"p-1"`, `"p-\udc00"`),
		"invalid UTF-8":                  repl(`"p-1"`, "\"p-\xff\""),
		"trailing data":                  okProposal + ` []`,
		"deep nesting":                   repl(`"time"`, `"x":`+strings.Repeat("[", 70)+strings.Repeat("]", 70)+`,"time"`),
		"key with a null byte":           repl(`"time"`, `"time\u0000":1,"time"`),
		"escaped key equal to a variant": repl(`"tx":`, `"\u0054X":`),
		"from as null":                   repl(`"chainId"`, `"from":null,"chainId"`),
		"Kelvin sign in a program claim": repl(`"proof"`, `"program":{"commitment":"0x01","bloc\u212a":"0x1","inputs":[]},"proof"`),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := wire.DecodeProposal([]byte(in))
			if !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("got %v, want malformed", err)
			}
		})
	}
	if _, err := wire.DecodeProposal([]byte(okProposal)); err != nil {
		t.Fatal(err)
	}
	// The escaped spelling of an exact key is the same key.
	if _, err := wire.DecodeProposal([]byte(repl(`"tx":`, `"\u0074x":`))); err != nil {
		t.Fatal(err)
	}
}

type shapeDoc struct {
	Kind   string            `json:"kind"`
	Inner  *shapeInner       `json:"inner,omitempty"`
	List   []shapeInner      `json:"list,omitempty"`
	Labels map[string]string `json:"labels,omitempty"`
	Skip   string            `json:"-"`
	shapeEmbedded
}

type shapeInner struct {
	N int `json:"n"`
}

type shapeEmbedded struct {
	Extra string `json:"extra,omitempty"`
}

func TestCheckShape(t *testing.T) {
	typ := reflect.TypeFor[shapeDoc]()
	ok := []string{
		`{"kind":"a"}`,
		`{"kind":"a","inner":{"n":1},"list":[{"n":2},{"n":3}],"labels":{"K":"x","k":"y"},"extra":"e"}`,
	}
	for _, in := range ok {
		if err := wire.CheckShape([]byte(in), typ); err != nil {
			t.Errorf("%s: %v", in, err)
		}
	}
	bad := map[string]string{
		"Kelvin sign":      `{"\u212aind":"a"}`,
		"upper case":       `{"KIND":"a"}`,
		"nested in a list": `{"kind":"a","list":[{"n":1},{"N":2}]}`,
		"nested pointer":   `{"kind":"a","inner":{"n":1,"n":2}}`,
		"map duplicate":    `{"kind":"a","labels":{"k":"x","k":"y"}}`,
		"dash field":       `{"kind":"a","-":"x"}`,
		"go name, not tag": `{"kind":"a","Skip":"x"}`,
		"embedded case":    `{"kind":"a","Extra":"x"}`,
		"null member":      `{"kind":null}`,
		"unknown":          `{"kind":"a","kinds":"b"}`,
		"trailing":         `{"kind":"a"}x`,
		"two documents":    `{"kind":"a"}{"kind":"b"}`,
		"unterminated":     `{"kind":"a"`,
	}
	for name, in := range bad {
		if err := wire.CheckShape([]byte(in), typ); err == nil {
			t.Errorf("%s: %s accepted", name, in)
		}
	}
}

func TestStrictDecodeHints(t *testing.T) {
	_, err := wire.DecodeTx([]byte(strings.Replace(okTx, `"chainId"`, `"chainID"`, 1)))
	if !errors.Is(err, wire.ErrMalformed) || !strings.Contains(err.Error(), `did you mean "chainId"`) {
		t.Fatalf("got %v", err)
	}
}
