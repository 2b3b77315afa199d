package verbs

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/wire"
)

// The attack of issue 13 against `leash verify` and `leash sign`: one
// proposal document with two meanings ("tx" and "TX", "ſpent", the Kelvin
// sign, duplicate keys). encoding/json folded the variants onto the
// fields, so the CLI verified and signed a transaction another parser read
// differently. Both verbs now refuse every such document as malformed and
// sign nothing; the unaltered document still verifies and signs.
func TestVerifySignRefuseTwoMeanings(t *testing.T) {
	dir := t.TempDir()
	_, _, vk := policytest.Keys(t)
	pol := policytest.Policy(t)
	st := policytest.State(t)
	p := policytest.Proposal(t, pol, policytest.Tx(t, "tx-ok"), st)
	good, _ := json.Marshal(p)
	state, _ := json.Marshal(st)
	small := strings.Replace(string(mustMarshal(t, p.Tx)), `"value":"0x16345785d8a0000"`, `"value":"0x5af3107a4000"`, 1)
	doc := string(good)
	cases := map[string]string{
		"tx and TX (0.0001 vs 0.1 ETH)": strings.Replace(doc, `"tx":`, `"tx":`+small+`,"TX":`, 1),
		"TX only":                       strings.Replace(doc, `"tx":`, `"TX":`, 1),
		"long s (ſpent)":                strings.Replace(doc, `"spent"`, `"ſpent"`, 1),
		"escaped long s":                strings.Replace(doc, `"spent"`, `"\u017fpent"`, 1),
		"Kelvin sign (blocK)":           strings.Replace(doc, `"proof"`, `"program":{"commitment":"0x01","bloc\u212a":"0x1","inputs":[]},"proof"`, 1),
		"duplicate value":               strings.Replace(doc, `"value":`, `"value":"0x1","value":`, 1),
		"duplicate tx":                  strings.Replace(doc, `"tx":`, `"tx":`+small+`,"tx":`, 1),
		"nested case Value":             strings.Replace(doc, `"value":`, `"Value":"0x1","value":`, 1),
	}
	f := func(name string, b []byte) File { return File{Path: filepath.Join(dir, name), Data: b} }
	vkf, polf, stf := f("policy.vk", vk.Bytes()), f("policy.json", policytest.Example(t, "policy.json")), f("state.json", state)
	mn := ReadFile(filepath.Join(policytest.Root(), "examples", "mnemonic.txt"))
	if out := Verify(vkf, polf, f("p.json", good), stf); out.Exit != ExitOK {
		t.Fatalf("the unaltered proposal: %s", out.Stdout)
	}
	if out := Sign(mn, 0, vkf, polf, f("p.json", good), stf); out.Exit != ExitOK {
		t.Fatalf("the unaltered proposal: %s", out.Stdout)
	}
	for name, d := range cases {
		for verb, out := range map[string]Output{
			"verify": Verify(vkf, polf, f("p.json", []byte(d)), stf),
			"sign":   Sign(mn, 0, vkf, polf, f("p.json", []byte(d)), stf),
		} {
			var v struct {
				OK   bool      `json:"ok"`
				Code wire.Code `json:"code"`
			}
			_ = json.Unmarshal(out.Stdout, &v)
			if out.Exit != ExitRefused || v.OK || v.Code != wire.Malformed || strings.Contains(string(out.Stdout), "rawTx") {
				t.Errorf("%s: %s: exit %d %s", name, verb, out.Exit, out.Stdout)
			}
		}
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
