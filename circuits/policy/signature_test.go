package policy_test

import (
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/wasm/eip712"
	"github.com/leash-wallet/leash/wire"
)

const (
	dusdc   = "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707"
	self    = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
	carol   = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
	permit2 = "0x000000000022D473030F116dDEE9F6B43aC78BA3"
	router  = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"
	weth    = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"
)

func x402Example(t testing.TB) map[string]any {
	b, err := os.ReadFile("../../examples/policy-x402.json")
	if err != nil {
		t.Fatal(err)
	}
	return decodeMap(t, b)
}

func sig(m map[string]any, i int) map[string]any { return m["signatures"].([]any)[i].(map[string]any) }
func fields(m map[string]any, i int) map[string]any {
	return sig(m, i)["fields"].(map[string]any)
}

// The recipes of docs/policy.md ("Typed-data signatures"): each decodes with
// real addresses and has no lint finding.
var sigRecipes = map[string]string{
	"EIP-3009 TransferWithAuthorization (x402 exact)": `{
	  "domain": { "name": "Devnet USD Coin", "version": "2", "chainId": 1337, "verifyingContract": "` + dusdc + `" },
	  "primaryType": "TransferWithAuthorization",
	  "fields": { "from": { "is": "self" }, "to": { "oneOf": ["` + alice + `", "` + carol + `"] },
	              "value": { "max": "0.5 dUSDC", "spend": true }, "validAfter": "any", "validBefore": "any", "nonce": "any" } }`,
	"EIP-2612 Permit": `{
	  "domain": { "name": "Devnet USD Coin", "version": "2", "chainId": 1337, "verifyingContract": "` + dusdc + `" },
	  "primaryType": "Permit",
	  "fields": { "owner": { "is": "self" }, "spender": { "eq": "` + router + `" }, "value": { "max": "2 dUSDC", "spend": true },
	              "nonce": "any", "deadline": "any" } }`,
	"Permit2 PermitTransferFrom": `{
	  "domain": { "name": "Permit2", "chainId": 1337, "verifyingContract": "` + permit2 + `" },
	  "primaryType": "PermitTransferFrom",
	  "fields": { "permitted.token": { "oneOf": ["` + dusdc + `", "` + weth + `"] }, "permitted.amount": { "max": "1000000", "spend": { "tokenArg": 0 } },
	              "spender": { "eq": "` + router + `" }, "nonce": "any", "deadline": "any" } }`,
	"Permit2 PermitSingle": `{
	  "domain": { "name": "Permit2", "chainId": 1337, "verifyingContract": "` + permit2 + `" },
	  "primaryType": "PermitSingle",
	  "fields": { "details.token": { "eq": "` + dusdc + `" }, "details.amount": { "max": "2 dUSDC", "spend": "` + dusdc + `" },
	              "details.expiration": "any", "details.nonce": "any", "spender": { "eq": "` + router + `" }, "sigDeadline": "any" } }`,
}

func withRecipes(t testing.TB) map[string]any {
	m := x402Example(t)
	tgt(m, 0)["symbol"], tgt(m, 0)["decimals"] = "dUSDC", 6
	m["targets"] = append(m["targets"].([]any), map[string]any{"address": weth, "symbol": "WETH", "decimals": 18, "windowMax": "1 WETH"})
	var sigs []any
	for _, name := range []string{"EIP-3009 TransferWithAuthorization (x402 exact)", "EIP-2612 Permit", "Permit2 PermitTransferFrom", "Permit2 PermitSingle"} {
		var r any
		if err := json.Unmarshal([]byte(sigRecipes[name]), &r); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sigs = append(sigs, r)
	}
	m["signatures"] = sigs
	return m
}

func TestSignatureRecipes(t *testing.T) {
	for name, r := range sigRecipes {
		m := x402Example(t)
		m["targets"] = append(m["targets"].([]any), map[string]any{"address": weth, "symbol": "WETH", "decimals": 18, "windowMax": "1 WETH"})
		var rule any
		if err := json.Unmarshal([]byte(r), &rule); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		m["signatures"] = []any{rule}
		p, err := decode(t, m)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if probs := p.LintErrors(); probs != nil {
			t.Errorf("%s: lint %v", name, probs)
		}
		if !strings.Contains(p.Describe(), "Typed-data signatures") {
			t.Errorf("%s: describe leaves out the signatures:\n%s", name, p.Describe())
		}
	}
	p, err := decode(t, withRecipes(t))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.SignatureRules()); n != 4 {
		t.Fatalf("%d rules", n)
	}
	// The known types hash as their contracts do.
	want := map[string]string{
		"TransferWithAuthorization": "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)",
		"Permit":                    "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)",
		"PermitTransferFrom":        "PermitTransferFrom(TokenPermissions permitted,address spender,uint256 nonce,uint256 deadline)TokenPermissions(address token,uint256 amount)",
		"PermitSingle":              "PermitSingle(PermitDetails details,address spender,uint256 sigDeadline)PermitDetails(address token,uint160 amount,uint48 expiration,uint48 nonce)",
	}
	for _, sr := range p.SignatureRules() {
		if sr.EncodedType != want[sr.Rule.PrimaryType] {
			t.Errorf("%s: encoded type %s", sr.Rule.PrimaryType, sr.EncodedType)
		}
	}
}

// A policy without signatures commits exactly as before typed-data rules
// (TestGoldenCommitment pins the example); one with signatures binds every
// part of every rule and maxValidity.
func TestSignatureCommitmentBindsEveryField(t *testing.T) {
	base := commit(t, withRecipes(t))
	edits := map[string]func(m map[string]any){
		"maxValidity":              func(m map[string]any) { m["maxValidity"] = 601 },
		"domain name":              func(m map[string]any) { sig(m, 0)["domain"].(map[string]any)["name"] = "USD Coin" },
		"domain name left out":     func(m map[string]any) { delete(sig(m, 0)["domain"].(map[string]any), "name") },
		"domain version":           func(m map[string]any) { sig(m, 0)["domain"].(map[string]any)["version"] = "1" },
		"domain chainId":           func(m map[string]any) { sig(m, 0)["domain"].(map[string]any)["chainId"] = 8453 },
		"domain verifyingContract": func(m map[string]any) { sig(m, 0)["domain"].(map[string]any)["verifyingContract"] = weth },
		"primaryType":              func(m map[string]any) { sig(m, 0)["primaryType"] = "ReceiveWithAuthorization" },
		"field rule (max)":         func(m map[string]any) { fields(m, 0)["value"] = map[string]any{"max": "0.4 dUSDC", "spend": true} },
		"field rule (set member)":  func(m map[string]any) { fields(m, 0)["to"] = map[string]any{"oneOf": []any{alice}} },
		"field rule (eq)":          func(m map[string]any) { fields(m, 1)["spender"] = map[string]any{"eq": alice} },
		"nested field rule": func(m map[string]any) {
			fields(m, 2)["permitted.amount"] = map[string]any{"max": "999999", "spend": map[string]any{"tokenArg": 0}}
		},
		"spend left out":                     func(m map[string]any) { fields(m, 0)["value"] = map[string]any{"max": "0.5 dUSDC"} },
		"a rule removed":                     func(m map[string]any) { m["signatures"] = m["signatures"].([]any)[1:] },
		"explicit types (another type hash)": func(m map[string]any) { sig(m, 1)["types"] = map[string]any{"Permit": permitTypes("uint128")} },
	}
	for name, edit := range edits {
		m := withRecipes(t)
		edit(m)
		if c := commit(t, m); c == base {
			t.Errorf("%s: commitment unchanged", name)
		}
	}
	// Order of rules and of fields is not committed.
	m := withRecipes(t)
	s := m["signatures"].([]any)
	s[0], s[3] = s[3], s[0]
	if commit(t, m) != base {
		t.Error("reordering the rules changed the commitment")
	}
	// Explicit types equal to the known ones commit the same.
	m = withRecipes(t)
	sig(m, 1)["types"] = map[string]any{"Permit": permitTypes("uint256")}
	if commit(t, m) != base {
		t.Error("explicit Permit types changed the commitment")
	}
}

func permitTypes(deadline string) []any {
	return []any{map[string]any{"name": "owner", "type": "address"}, map[string]any{"name": "spender", "type": "address"},
		map[string]any{"name": "value", "type": "uint256"}, map[string]any{"name": "nonce", "type": "uint256"},
		map[string]any{"name": "deadline", "type": deadline}}
}

func TestSignatureValidation(t *testing.T) {
	cases := []struct {
		name string
		edit func(m map[string]any)
		want string
	}{
		{"maxValidity missing", func(m map[string]any) { delete(m, "maxValidity") }, "maxValidity: required"},
		{"maxValidity too long", func(m map[string]any) { m["maxValidity"] = uint64(1) << 33 }, "maxValidity"},
		{"maxValidity without signatures", func(m map[string]any) { delete(m, "signatures") }, "only signatures use it"},
		{"unknown key in a rule", func(m map[string]any) { sig(m, 0)["domainName"] = "x" }, "domainName"},
		{"unknown key in the domain", func(m map[string]any) { sig(m, 0)["domain"].(map[string]any)["salt"] = "0x01" }, "salt"},
		{"no chainId", func(m map[string]any) { delete(sig(m, 0)["domain"].(map[string]any), "chainId") }, "chainId"},
		{"no verifyingContract", func(m map[string]any) { delete(sig(m, 0)["domain"].(map[string]any), "verifyingContract") }, "verifyingContract"},
		{"no fields", func(m map[string]any) { delete(sig(m, 0), "fields") }, "fields: required"},
		{"unknown type without types", func(m map[string]any) { sig(m, 0)["primaryType"] = "Order" }, "types: required"},
		{"missing field rule", func(m map[string]any) { delete(fields(m, 0), "validAfter") }, "fields.validAfter: missing"},
		{"rule on a field the type lacks", func(m map[string]any) { fields(m, 0)["amount"] = "any" }, "fields.amount: TransferWithAuthorization has no such field"},
		{"max on an address", func(m map[string]any) { fields(m, 0)["to"] = map[string]any{"max": "5"} }, "max/min compare unsigned integers"},
		{"oneOf on an integer", func(m map[string]any) { fields(m, 0)["value"] = map[string]any{"oneOf": []any{alice}} }, "oneOf needs an address"},
		{"spend toward a token without window", func(m map[string]any) {
			fields(m, 0)["value"] = map[string]any{"max": "5", "spend": weth}
		}, "no target declares a windowMax"},
		{"array rule", func(m map[string]any) { fields(m, 0)["nonce"] = map[string]any{"array": []any{}} }, "array rules"},
		{"string field", func(m map[string]any) {
			sig(m, 0)["primaryType"] = "Mail"
			sig(m, 0)["types"] = map[string]any{"Mail": []any{map[string]any{"name": "body", "type": "string"}, map[string]any{"name": "nonce", "type": "uint256"}}}
			sig(m, 0)["fields"] = map[string]any{"body": "any", "nonce": "any"}
		}, "cannot be ruled word by word"},
		{"array field", func(m map[string]any) {
			sig(m, 0)["primaryType"] = "Batch"
			sig(m, 0)["types"] = map[string]any{"Batch": []any{map[string]any{"name": "to", "type": "address[]"}, map[string]any{"name": "nonce", "type": "uint256"}}}
			sig(m, 0)["fields"] = map[string]any{"to": "any", "nonce": "any"}
		}, "cannot be ruled word by word"},
		{"no nonce", func(m map[string]any) {
			sig(m, 0)["primaryType"] = "Pay"
			sig(m, 0)["types"] = map[string]any{"Pay": []any{map[string]any{"name": "to", "type": "address"}}}
			sig(m, 0)["fields"] = map[string]any{"to": map[string]any{"eq": alice}}
		}, "no field named nonce"},
		{"more fields than words", func(m map[string]any) {
			var fs []any
			rules := map[string]any{}
			for _, n := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "nonce"} {
				fs = append(fs, map[string]any{"name": n, "type": "uint256"})
				rules[n] = "any"
			}
			sig(m, 0)["primaryType"] = "Big"
			sig(m, 0)["types"] = map[string]any{"Big": fs}
			sig(m, 0)["fields"] = rules
		}, "more than 8 atomic fields"},
		{"recursive type", func(m map[string]any) {
			sig(m, 0)["primaryType"] = "Node"
			sig(m, 0)["types"] = map[string]any{"Node": []any{map[string]any{"name": "next", "type": "Node"}, map[string]any{"name": "nonce", "type": "uint256"}}}
			sig(m, 0)["fields"] = map[string]any{"nonce": "any"}
		}, "nested deeper"},
		{"EIP712Domain in types", func(m map[string]any) {
			sig(m, 0)["types"] = map[string]any{"EIP712Domain": []any{}, "TransferWithAuthorization": []any{}}
		}, "EIP712Domain"},
		{"deadline not an integer", func(m map[string]any) {
			sig(m, 0)["primaryType"] = "Order"
			sig(m, 0)["types"] = map[string]any{"Order": []any{map[string]any{"name": "deadline", "type": "bytes32"}, map[string]any{"name": "nonce", "type": "uint256"}}}
			sig(m, 0)["fields"] = map[string]any{"deadline": "any", "nonce": "any"}
		}, "a deadline must be an unsigned integer"},
		{"duplicate rule", func(m map[string]any) { m["signatures"] = append(m["signatures"].([]any), m["signatures"].([]any)[0]) }, "the same rule as another entry"},
		{"too many rules", func(m map[string]any) {
			s := m["signatures"].([]any)
			for len(s) <= policy.MaxSignatures {
				s = append(s, s[0])
			}
			m["signatures"] = s
		}, "at most 16"},
	}
	for _, tc := range cases {
		m := x402Example(t)
		tc.edit(m)
		_, err := decode(t, m)
		if !errors.Is(err, wire.ErrMalformed) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want malformed with %q", tc.name, err, tc.want)
		}
	}
	// A duplicate JSON key inside a rule is refused by the strict decoder.
	b, _ := os.ReadFile("../../examples/policy-x402.json")
	dup := strings.Replace(string(b), `"validAfter": "any",`, `"validAfter": "any", "validAfter": "any",`, 1)
	if _, err := policy.Decode([]byte(dup)); !errors.Is(err, wire.ErrMalformed) {
		t.Errorf("duplicate field rule: %v", err)
	}
}

func TestSignatureLint(t *testing.T) {
	m := x402Example(t)
	fields(m, 0)["to"] = "any"
	p, err := decode(t, m)
	if err != nil {
		t.Fatal(err)
	}
	probs := p.LintErrors()
	if len(probs) != 1 || !strings.Contains(probs[0], "signatures[0].fields.to") || !strings.Contains(probs[0], "any-address:to") {
		t.Fatalf("lint %v", probs)
	}
	sig(m, 0)["acknowledge"] = []any{"any-address:to"}
	if p, err = decode(t, m); err != nil || p.LintErrors() != nil {
		t.Fatalf("acknowledged: %v %v", err, p.LintErrors())
	}
}

// authorization is an x402 exact payment document for dUSDC.
func authorization(edit func(doc map[string]any)) []byte {
	doc := map[string]any{
		"types": map[string]any{
			"EIP712Domain": []any{map[string]any{"name": "name", "type": "string"}, map[string]any{"name": "version", "type": "string"},
				map[string]any{"name": "chainId", "type": "uint256"}, map[string]any{"name": "verifyingContract", "type": "address"}},
			"TransferWithAuthorization": []any{map[string]any{"name": "from", "type": "address"}, map[string]any{"name": "to", "type": "address"},
				map[string]any{"name": "value", "type": "uint256"}, map[string]any{"name": "validAfter", "type": "uint256"},
				map[string]any{"name": "validBefore", "type": "uint256"}, map[string]any{"name": "nonce", "type": "bytes32"}},
		},
		"primaryType": "TransferWithAuthorization",
		"domain":      map[string]any{"name": "Devnet USD Coin", "version": "2", "chainId": 1337, "verifyingContract": dusdc},
		"message": map[string]any{"from": self, "to": alice, "value": "100000", "validAfter": "0", "validBefore": "1800000300",
			"nonce": "0x" + strings.Repeat("ab", 32)},
	}
	if edit != nil {
		edit(doc)
	}
	b, _ := json.Marshal(doc)
	return b
}

const sigNow = 1800000000

func msgOf(t *testing.T, doc []byte) (*policy.TypedMessage, error) {
	t.Helper()
	td, err := eip712.Decode(doc, eip712.V4)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return policy.ReadTyped(td)
}

func TestCheckSignature(t *testing.T) {
	p, err := policy.Decode(mustJSON(t, x402Example(t)))
	if err != nil {
		t.Fatal(err)
	}
	msgField := func(k string, v any) func(map[string]any) {
		return func(d map[string]any) { d["message"].(map[string]any)[k] = v }
	}
	domField := func(k string, v any) func(map[string]any) {
		return func(d map[string]any) { d["domain"].(map[string]any)[k] = v }
	}
	spent := func(v int64) *wire.State {
		st := &wire.State{Time: sigNow}
		tok, _ := wire.ParseAddress(dusdc)
		st.SetTokenSpent(tok, big.NewInt(v))
		return st
	}
	cases := []struct {
		name string
		edit func(map[string]any)
		st   *wire.State
		want wire.Code
	}{
		{"a payment within every rule", nil, nil, ""},
		{"the payment that fills the window", msgField("value", "500000"), spent(4500000), ""},
		{"a payee outside the set", msgField("to", bob), nil, wire.PolicyViolation("arg")},
		{"from another account", msgField("from", alice), nil, wire.PolicyViolation("arg")},
		{"above the per-payment max", msgField("value", "500001"), nil, wire.PolicyViolation("arg")},
		{"validBefore beyond maxValidity", msgField("validBefore", "1800000601"), nil, wire.PolicyViolation("validity")},
		{"validBefore at maxValidity", msgField("validBefore", "1800000600"), nil, ""},
		{"validBefore huge", msgField("validBefore", "0x"+strings.Repeat("f", 64)), nil, wire.PolicyViolation("validity")},
		{"over the token window", msgField("value", "500000"), spent(4500001), wire.PolicyViolation("token_window")},
		{"another verifying contract", domField("verifyingContract", weth), nil, wire.PolicyViolation("signature")},
		{"another chain", domField("chainId", 1), nil, wire.PolicyViolation("signature")},
		{"another name", domField("name", "USD Coin"), nil, wire.PolicyViolation("signature")},
		{"another version", domField("version", "1"), nil, wire.PolicyViolation("signature")},
		{"no name", func(d map[string]any) {
			delete(d["domain"].(map[string]any), "name")
			d["types"].(map[string]any)["EIP712Domain"] = d["types"].(map[string]any)["EIP712Domain"].([]any)[1:]
		}, nil, wire.PolicyViolation("signature")},
		{"another primary type (same fields)", func(d map[string]any) {
			ty := d["types"].(map[string]any)
			ty["ReceiveWithAuthorization"] = ty["TransferWithAuthorization"]
			delete(ty, "TransferWithAuthorization")
			d["primaryType"] = "ReceiveWithAuthorization"
		}, nil, wire.PolicyViolation("signature")},
		{"the type with a field renamed", func(d map[string]any) {
			fs := d["types"].(map[string]any)["TransferWithAuthorization"].([]any)
			fs[2] = map[string]any{"name": "amount", "type": "uint256"}
			m := d["message"].(map[string]any)
			m["amount"] = m["value"]
			delete(m, "value")
		}, nil, wire.PolicyViolation("signature")},
		{"a salt in the domain", func(d map[string]any) {
			ty := d["types"].(map[string]any)
			ty["EIP712Domain"] = append(ty["EIP712Domain"].([]any), map[string]any{"name": "salt", "type": "bytes32"})
			d["domain"].(map[string]any)["salt"] = "0x" + strings.Repeat("00", 32)
		}, nil, wire.PolicyViolation("signature")},
		{"domain fields out of order", func(d map[string]any) {
			ty := d["types"].(map[string]any)
			f := ty["EIP712Domain"].([]any)
			f[0], f[1] = f[1], f[0]
		}, nil, wire.PolicyViolation("signature")},
		{"no verifyingContract", func(d map[string]any) {
			ty := d["types"].(map[string]any)
			ty["EIP712Domain"] = ty["EIP712Domain"].([]any)[:3]
			delete(d["domain"].(map[string]any), "verifyingContract")
		}, nil, wire.PolicyViolation("signature")},
		{"a string field", func(d map[string]any) {
			ty := d["types"].(map[string]any)
			ty["TransferWithAuthorization"] = append(ty["TransferWithAuthorization"].([]any), map[string]any{"name": "memo", "type": "string"})
			d["message"].(map[string]any)["memo"] = "hi"
		}, nil, wire.PolicyViolation("signature")},
	}
	for _, tc := range cases {
		st := tc.st
		if st == nil {
			st = &wire.State{Time: sigNow}
		}
		m, err := msgOf(t, authorization(tc.edit))
		if err == nil {
			_, err = p.CheckSignature(m, st)
		}
		if wire.CodeOf(err) != tc.want {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
	// The match reads the spend toward dUSDC's window, and the replay key is
	// (domain separator, nonce).
	m, _ := msgOf(t, authorization(nil))
	sm, err := p.CheckSignature(m, &wire.State{Time: sigNow})
	if err != nil {
		t.Fatal(err)
	}
	if !sm.Spends || sm.SpendAmount.Int64() != 100000 || !strings.EqualFold(sm.SpendToken.Hex(), dusdc) {
		t.Errorf("spend %v %v %v", sm.Spends, sm.SpendAmount, sm.SpendToken.Hex())
	}
	k := m.Nonce(sm.Rule)
	if string(k[32:]) != strings.Repeat("\xab", 32) {
		t.Errorf("nonce key %x", k)
	}
	// Before the policy starts or after it ends: time.
	if _, err := p.CheckSignature(m, &wire.State{Time: 1}); wire.CodeOf(err) != wire.PolicyViolation("time") {
		t.Errorf("before notBefore: %v", err)
	}
}

func mustJSON(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A policy without signatures allows none.
func TestNoSignaturesAllowed(t *testing.T) {
	p, err := policy.Decode(example(t))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := msgOf(t, authorization(nil))
	if _, err := p.CheckSignature(m, &wire.State{Time: sigNow}); wire.CodeOf(err) != wire.PolicyViolation("signature") {
		t.Fatalf("got %v", err)
	}
	if r := p.SignaturesRoot(); !r.IsZero() {
		t.Fatal("signaturesRoot of a policy without signatures is not 0")
	}
}
