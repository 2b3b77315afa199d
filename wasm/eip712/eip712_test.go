package eip712_test

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leash-wallet/leash/wasm/eip712"
	"github.com/leash-wallet/leash/wire"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The EIP-712 specification's own example.
func TestMailVector(t *testing.T) {
	td, err := eip712.Decode(read(t, "mail.json"), eip712.V4)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(td.DomainSeparator()); got != "f2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f" {
		t.Fatalf("domain separator %s", got)
	}
	if got := hex.EncodeToString(td.HashStruct()); got != "c52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e" {
		t.Fatalf("hashStruct %s", got)
	}
	h := td.Hash()
	if got := hex.EncodeToString(h[:]); got != "be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2" {
		t.Fatalf("digest %s", got)
	}
	if got := td.EncodeType("Mail"); got != "Mail(Person from,Person to,string contents)Person(string name,address wallet)" {
		t.Fatal(got)
	}
	// As a JSON string (how some dapps pass it).
	s, _ := json.Marshal(string(read(t, "mail.json")))
	td2, err := eip712.Decode(s, eip712.V4)
	if err != nil || td2.Hash() != h {
		t.Fatalf("string form: %v", err)
	}
	dom, msg := td.Rows()
	if len(dom) != 4 || len(msg) != 5 || msg[1].Path != "from.wallet" || msg[1].Value != "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826" {
		t.Fatalf("rows %+v %+v", dom, msg)
	}
}

func TestBadDocuments(t *testing.T) {
	mail := string(read(t, "mail.json"))
	repl := func(old, new string) string {
		if !strings.Contains(mail, old) {
			t.Fatalf("fixture lacks %q", old)
		}
		return strings.Replace(mail, old, new, 1)
	}
	cases := map[string]string{
		"missing field":         repl(`"contents":"Hello, Bob!"`, `"x":1`),
		"extra field":           repl(`"contents":"Hello, Bob!"`, `"contents":"Hello, Bob!","hidden":"y"`),
		"case variant key":      repl(`"primaryType"`, `"PrimaryType"`),
		"duplicate message key": repl(`"contents":"Hello, Bob!"`, `"contents":"Hello, Bob!","contents":"Bye"`),
		"unknown type":          repl(`"type":"Person"},{"name":"to"`, `"type":"Persona"},{"name":"to"`),
		"primary not a type":    repl(`"primaryType":"Mail"`, `"primaryType":"Letter"`),
		"bad address":           repl(`"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"`, `"0xbB"`),
		"uint out of range":     repl(`"chainId":1`, `"chainId":"0x1`+strings.Repeat("0", 64)+`"`),
		"negative uint":         repl(`"chainId":1`, `"chainId":-1`),
		"float":                 repl(`"chainId":1`, `"chainId":1.5`),
		"exponent":              repl(`"chainId":1`, `"chainId":1e3`),
		"struct as string":      repl(`"to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"}`, `"to":"Bob"`),
		"null struct":           repl(`"to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"}`, `"to":null`),
		"field declared twice":  repl(`{"name":"contents","type":"string"}`, `{"name":"contents","type":"string"},{"name":"contents","type":"string"}`),
		"bad type name":         repl(`"Person":[`, `"Per son":[`),
		"atomic shadowed":       repl(`"Person":[`, `"uint256":[],"Person":[`),
		"unknown top key":       repl(`"primaryType"`, `"extra":1,"primaryType"`),
		"no message":            repl(`,"message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},"to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}`, ``),
		"bool as string":        strings.Replace(repl(`{"name":"contents","type":"string"}`, `{"name":"contents","type":"bool"}`), `"Hello, Bob!"`, `"true"`, 1),
		"huge string":           repl(`"Hello, Bob!"`, `"`+strings.Repeat("a", 70<<10)+`"`),
		// The domain and message are walked once, with the whole document
		// (decodeObject does not walk them again): each is still refused.
		"duplicate domain key":    repl(`"chainId":1`, `"chainId":1,"chainId":2`),
		"duplicate nested key":    repl(`"name":"Bob"`, `"name":"Bob","name":"Eve"`),
		"lone surrogate in value": repl(`"Hello, Bob!"`, `"Hello, \ud800!"`),
		"lone surrogate in key":   repl(`"contents":"Hello, Bob!"`, `"contents":"Hello, Bob!","\udfff":1`),
		"domain an array":         repl(`"domain":{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"}`, `"domain":[{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"}]`),
		"message a string":        repl(`"message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},"to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}`, `"message":"x"`),
		"null domain":             repl(`"domain":{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"}`, `"domain":null`),
		"invalid UTF-8":           repl(`"Hello, Bob!"`, "\"Hello, \xff!\""),
		"deep message":            repl(`"Hello, Bob!"`, strings.Repeat("[", 70)+strings.Repeat("]", 70)),
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := eip712.Decode([]byte(doc), eip712.V4)
			if !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("got %v, want malformed", err)
			}
		})
	}
	if _, err := eip712.Decode(read(t, "permit2-batch.json"), eip712.V3); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("arrays under v3: %v", err)
	}
	if _, err := eip712.Decode(read(t, "mail.json"), 2); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("version 2: %v", err)
	}
}

// TestAgreesWithEthSigUtil hashes every fixture and a set of random
// documents with MetaMask's eth-sig-util (the reference dapps and wallets
// rely on) and compares digests.
func TestAgreesWithEthSigUtil(t *testing.T) {
	type job struct {
		Version int             `json:"version"`
		Data    json.RawMessage `json:"data"`
	}
	var jobs []job
	var want [][32]byte
	add := func(v int, doc []byte) {
		var h [32]byte
		switch v {
		case 1:
			l, err := eip712.DecodeLegacy(doc)
			if err != nil {
				t.Fatalf("v1: %v", err)
			}
			h = l.Hash()
		default:
			td, err := eip712.Decode(doc, eip712.Version(v))
			if err != nil {
				t.Fatalf("%s: %v", doc[:min(len(doc), 200)], err)
			}
			h = td.Hash()
		}
		jobs = append(jobs, job{v, doc})
		want = append(want, h)
	}
	for _, f := range []string{"mail.json", "permit2-batch.json", "kinds.json", "nodomain.json", "domainonly.json"} {
		add(4, read(t, f))
	}
	add(3, read(t, "mail.json"))
	add(3, read(t, "nodomain.json"))
	add(1, read(t, "v1.json"))
	r := rand.New(rand.NewPCG(1, 2))
	for range 150 {
		add(4, randomDoc(r))
	}
	in, _ := json.Marshal(jobs)
	cmd := exec.Command("node", "testdata/ref.mjs")
	cmd.Stdin = strings.NewReader(string(in))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("eth-sig-util reference (npm ci installs @metamask/eth-sig-util): %v", err)
	}
	var got []any
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(want) {
		t.Fatalf("reference answered %d results: %v", len(got), err)
	}
	for i := range want {
		if s, _ := got[i].(string); s != "0x"+hex.EncodeToString(want[i][:]) {
			t.Errorf("document %d (%s…): eth-sig-util %v, ours 0x%x", i, string(jobs[i].Data)[:min(120, len(jobs[i].Data))], got[i], want[i])
		}
	}
}

// randomDoc makes a v4 document with nested structs, arrays and every
// atomic kind, including extra unused types.
func randomDoc(r *rand.Rand) []byte {
	atoms := []string{"address", "bool", "string", "bytes", "uint8", "uint256", "int64", "int256", "bytes1", "bytes32", "uint160"}
	types := map[string][]map[string]string{}
	nTypes := 1 + r.IntN(4)
	for i := nTypes - 1; i >= 0; i-- {
		var fields []map[string]string
		for j := range 1 + r.IntN(5) {
			typ := atoms[r.IntN(len(atoms))]
			if i+1 < nTypes && r.IntN(3) == 0 {
				typ = fmt.Sprintf("T%d", i+1+r.IntN(nTypes-i-1))
			}
			switch r.IntN(5) {
			case 0:
				typ += "[]"
			case 1:
				typ += fmt.Sprintf("[%d]", 1+r.IntN(3))
			}
			fields = append(fields, map[string]string{"name": fmt.Sprintf("f%d", j), "type": typ})
		}
		types[fmt.Sprintf("T%d", i)] = fields
	}
	types["EIP712Domain"] = []map[string]string{{"name": "name", "type": "string"}, {"name": "chainId", "type": "uint256"}}
	types["Extra"] = []map[string]string{{"name": "z", "type": "uint256"}}
	var value func(typ string, depth int) any
	value = func(typ string, depth int) any {
		if strings.HasSuffix(typ, "]") {
			i := strings.LastIndexByte(typ, '[')
			n := r.IntN(3)
			if typ[i+1] != ']' {
				fmt.Sscanf(typ[i+1:], "%d", &n)
			}
			arr := make([]any, n)
			for k := range arr {
				arr[k] = value(typ[:i], depth+1)
			}
			return arr
		}
		if fs, ok := types[typ]; ok {
			m := map[string]any{}
			for _, f := range fs {
				m[f["name"]] = value(f["type"], depth+1)
			}
			return m
		}
		buf := make([]byte, 32)
		for k := range buf {
			buf[k] = byte(r.UintN(256))
		}
		switch typ {
		case "address":
			return "0x" + hex.EncodeToString(buf[:20])
		case "bool":
			return r.IntN(2) == 0
		case "string":
			return []string{"", "a", "héllo ✓", strings.Repeat("x", 40)}[r.IntN(4)]
		case "bytes":
			return "0x" + hex.EncodeToString(buf[:r.IntN(33)])
		case "uint8":
			return r.IntN(256)
		case "uint256":
			if r.IntN(2) == 0 {
				return new(big.Int).SetBytes(buf).String()
			}
			return "0x" + new(big.Int).SetBytes(buf).Text(16)
		case "int64":
			return fmt.Sprint(r.Int64() - r.Int64())
		case "int256":
			return "-" + fmt.Sprint(r.Uint64())
		case "bytes1":
			return "0x" + hex.EncodeToString(buf[:1])
		case "bytes32":
			return "0x" + hex.EncodeToString(buf)
		case "uint160":
			return "0x" + hex.EncodeToString(buf[:20])
		}
		return nil
	}
	doc := map[string]any{
		"types": types, "primaryType": "T0",
		"domain":  map[string]any{"name": "rand", "chainId": r.IntN(100000)},
		"message": value("T0", 0),
	}
	b, _ := json.Marshal(doc)
	return b
}

func TestLegacyBad(t *testing.T) {
	for name, doc := range map[string]string{
		"empty":       `[]`,
		"no name":     `[{"type":"string","name":"","value":"x"}]`,
		"array type":  `[{"type":"uint8[]","name":"a","value":[1]}]`,
		"bad uint":    `[{"type":"uint8","name":"a","value":"256"}]`,
		"dup key":     `[{"type":"string","type":"bool","name":"a","value":"x"}]`,
		"case key":    `[{"Type":"string","name":"a","value":"x"}]`,
		"not array":   `{"type":"string","name":"a","value":"x"}`,
		"bytes plain": `[{"type":"bytes","name":"a","value":"hello"}]`,
	} {
		if _, err := eip712.DecodeLegacy([]byte(doc)); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, n := range []string{"mail.json", "permit2-batch.json", "kinds.json", "nodomain.json"} {
		b, _ := os.ReadFile(filepath.Join("testdata", n))
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, v := range []eip712.Version{eip712.V3, eip712.V4} {
			td, err := eip712.Decode(b, v)
			if err != nil {
				if wire.CodeOf(err) != wire.Malformed {
					t.Fatalf("uncoded error %v", err)
				}
				continue
			}
			td.Hash()
			td.Rows()
		}
		if l, err := eip712.DecodeLegacy(b); err == nil {
			l.Hash()
			l.Rows()
		}
	})
}

func TestFormatUnits(t *testing.T) {
	for _, c := range []struct {
		n    string
		d    uint8
		want string
	}{{"1500000", 6, "1.5"}, {"1", 18, "0.000000000000000001"}, {"0", 6, "0"}, {"1000000", 6, "1"}, {"-25", 1, "-2.5"}, {"7", 0, "7"}} {
		n, _ := new(big.Int).SetString(c.n, 10)
		if got := eip712.FormatUnits(n, c.d); got != c.want {
			t.Errorf("FormatUnits(%s, %d) = %s, want %s", c.n, c.d, got, c.want)
		}
	}
}

// WithUnits puts amounts in units only for amount fields whose token is
// known: a "token" field beside them first, else the verifyingContract.
func TestWithUnits(t *testing.T) {
	tok := "0x5FbDB2315678afecb367f032d93F642f64180aa3"
	other := "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
	domain := []eip712.Row{{Path: "verifyingContract", Type: "address", Value: other}}
	msg := []eip712.Row{
		{Path: "details.token", Type: "address", Value: tok},
		{Path: "details.amount", Type: "uint160", Value: "2500000"},
		{Path: "details.nonce", Type: "uint48", Value: "5"},
		{Path: "value", Type: "uint256", Value: "7"},
	}
	a, _ := wire.ParseAddress(tok)
	got := eip712.WithUnits(domain, msg, map[wire.Address]eip712.Token{a: {Symbol: "USDC", Decimals: 6}})
	if got[1].Units != "2.5 USDC" || got[2].Units != "" || got[3].Units != "" {
		t.Fatalf("rows %+v", got)
	}
}
