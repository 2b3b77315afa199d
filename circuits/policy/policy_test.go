package policy_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/wire"
)

func example(t testing.TB) []byte {
	b, err := os.ReadFile("../../examples/policy.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeMap(t testing.TB, b []byte) map[string]any {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func commit(t testing.TB, m any) wire.Hash32 {
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	p, err := policy.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return p.Commitment()
}

// TestGoldenCommitment pins the commitment of the example policy, so that
// any change to the canonical encoding is noticed.
func TestGoldenCommitment(t *testing.T) {
	want, err := os.ReadFile("testdata/golden_commitment.txt")
	if err != nil {
		t.Fatal(err)
	}
	p, err := policy.Decode(example(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Commitment().Hex(); got != strings.TrimSpace(string(want)) {
		t.Fatalf("commitment %s, golden %s", got, want)
	}
}

func TestCommitmentIsCanonical(t *testing.T) {
	base := commit(t, decodeMap(t, example(t)))
	variants := map[string]func(m map[string]any){
		"reversed targets": func(m map[string]any) {
			ts := m["targets"].([]any)
			for i, j := 0, len(ts)-1; i < j; i, j = i+1, j-1 {
				ts[i], ts[j] = ts[j], ts[i]
			}
		},
		"upper-case addresses": func(m map[string]any) {
			for _, t := range m["targets"].([]any) {
				tm := t.(map[string]any)
				tm["address"] = "0x" + strings.ToUpper(tm["address"].(string)[2:])
			}
		},
		"reversed selectors": func(m map[string]any) {
			tm := m["targets"].([]any)[1].(map[string]any)
			s := tm["selectors"].([]any)
			s[0], s[1] = s[1], s[0]
		},
		"selector by hex instead of signature": func(m map[string]any) {
			tm := m["targets"].([]any)[1].(map[string]any)
			tm["selectors"].([]any)[0] = "0xa9059cbb"
		},
		"cosmetic name and labels": func(m map[string]any) {
			m["name"] = "renamed"
			m["targets"].([]any)[0].(map[string]any)["label"] = "relabelled"
		},
		"amount in wei instead of ether": func(m map[string]any) { m["maxValuePerTx"] = "1000000000000000000" },
		"time as unix seconds":           func(m map[string]any) { m["notBefore"] = 1767225600 },
	}
	for name, f := range variants {
		m := decodeMap(t, example(t))
		f(m)
		if got := commit(t, m); got != base {
			t.Errorf("%s: commitment changed", name)
		}
	}
	// Key order: re-serialize with keys reversed by hand.
	var raw map[string]json.RawMessage
	json.Unmarshal(example(t), &raw)
	var sb strings.Builder
	sb.WriteString("{")
	keys := []string{"salt", "targets", "maxFeePerTx", "window", "maxValuePerTx", "notAfter", "notBefore", "chainId", "name", "version"}
	for i, k := range keys {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, "%q:%s", k, raw[k])
	}
	sb.WriteString("}")
	p, err := policy.Decode([]byte(sb.String()))
	if err != nil {
		t.Fatal(err)
	}
	if p.Commitment() != base {
		t.Error("key order changed the commitment")
	}
}

func TestCommitmentBindsEveryField(t *testing.T) {
	base := commit(t, decodeMap(t, example(t)))
	changes := map[string]func(m map[string]any){
		"chainId":         func(m map[string]any) { m["chainId"] = 1 },
		"notBefore":       func(m map[string]any) { m["notBefore"] = 1767225601 },
		"notAfter":        func(m map[string]any) { m["notAfter"] = 1830297598 },
		"maxValuePerTx":   func(m map[string]any) { m["maxValuePerTx"] = "0.9 ether" },
		"window.seconds":  func(m map[string]any) { m["window"].(map[string]any)["seconds"] = 3600 },
		"window.maxValue": func(m map[string]any) { m["window"].(map[string]any)["maxValue"] = "2 ether" },
		"maxFeePerTx":     func(m map[string]any) { m["maxFeePerTx"] = "0.02 ether" },
		"salt": func(m map[string]any) {
			m["salt"] = "0x0000000000000000000000000000000000000000000000000000000000000001"
		},
		"a target":      func(m map[string]any) { tgt(m, 0)["address"] = "0x90F79bf6EB2c4f870365E785982E1f101E93b906" },
		"valueTransfer": func(m map[string]any) { tgt(m, 2)["valueTransfer"] = true },
		"a selector":    func(m map[string]any) { tgt(m, 2)["selectors"].([]any)[1] = "0x7ff36ab6" },
		"erc20 cap":     func(m map[string]any) { tgt(m, 1)["erc20"].(map[string]any)["maxAmount"] = "1000000001" },
		"erc20 recipient": func(m map[string]any) {
			tgt(m, 1)["erc20"].(map[string]any)["recipients"] = []any{"0x90F79bf6EB2c4f870365E785982E1f101E93b906"}
		},
		"recipient → spender": func(m map[string]any) {
			e := tgt(m, 1)["erc20"].(map[string]any)
			e["spenders"], e["recipients"] = e["recipients"], e["spenders"]
		},
		"drop the erc20 rule": func(m map[string]any) { delete(tgt(m, 1), "erc20") },
	}
	for name, f := range changes {
		m := decodeMap(t, example(t))
		f(m)
		if got := commit(t, m); got == base {
			t.Errorf("%s: commitment did not change", name)
		}
	}
}

func tgt(m map[string]any, i int) map[string]any { return m["targets"].([]any)[i].(map[string]any) }

// TestValidation gives each mistake its own clear message.
func TestValidation(t *testing.T) {
	cases := []struct {
		name string
		edit func(m map[string]any)
		want string
	}{
		{"duplicate target (other case)", func(m map[string]any) {
			m["targets"] = append(m["targets"].([]any), map[string]any{"address": "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "valueTransfer": true})
		}, "duplicate target"},
		{"notBefore after notAfter", func(m map[string]any) { m["notBefore"] = "2029-01-01T00:00:00Z" }, "notBefore"},
		{"value cap overflows", func(m map[string]any) { m["maxValuePerTx"] = "0x1" + strings.Repeat("0", 32) }, "maxValuePerTx"},
		{"window cap overflows", func(m map[string]any) { m["window"].(map[string]any)["maxValue"] = "0x1" + strings.Repeat("0", 32) }, "window.maxValue"},
		{"fee cap overflows", func(m map[string]any) { m["maxFeePerTx"] = "0x1" + strings.Repeat("0", 48) }, "maxFeePerTx"},
		{"token cap overflows", func(m map[string]any) {
			tgt(m, 1)["erc20"].(map[string]any)["maxAmount"] = "0x1" + strings.Repeat("0", 32)
		}, "erc20.maxAmount"},
		{"bad hex selector", func(m map[string]any) { tgt(m, 2)["selectors"] = []any{"0x1234"} }, "4 bytes"},
		{"bad signature", func(m map[string]any) { tgt(m, 2)["selectors"] = []any{"transfer(address"} }, "selector"},
		{"non-canonical type", func(m map[string]any) { tgt(m, 2)["selectors"] = []any{"transfer(address,uint)"} }, "uint256"},
		{"spaces in signature", func(m map[string]any) { tgt(m, 2)["selectors"] = []any{"transfer(address, uint256)"} }, "no spaces"},
		{"duplicate selector", func(m map[string]any) {
			tgt(m, 1)["selectors"] = []any{"transfer(address,uint256)", "0xa9059cbb"}
		}, "same selector"},
		{"target allows nothing", func(m map[string]any) { tgt(m, 2)["selectors"] = []any{} }, "allows nothing"},
		{"too many selectors", func(m map[string]any) {
			s := []any{}
			for i := 0; i < 17; i++ {
				s = append(s, fmt.Sprintf("0x%08x", i+1))
			}
			tgt(m, 2)["selectors"] = s
		}, "at most 16"},
		{"duplicate recipient", func(m map[string]any) {
			e := tgt(m, 1)["erc20"].(map[string]any)
			e["recipients"] = []any{"0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"}
		}, "duplicate address"},
		{"missing salt", func(m map[string]any) { delete(m, "salt") }, "salt"},
		{"salt above the modulus", func(m map[string]any) { m["salt"] = "0x" + strings.Repeat("ff", 32) }, "modulus"},
		{"zero chain id", func(m map[string]any) { m["chainId"] = 0 }, "chainId"},
		{"zero window", func(m map[string]any) { m["window"].(map[string]any)["seconds"] = 0 }, "window.seconds"},
		{"no targets", func(m map[string]any) { m["targets"] = []any{} }, "at least one target"},
		{"unknown field", func(m map[string]any) { m["maxValue"] = "1 ether" }, "unknown field"},
		{"amount as a JSON number", func(m map[string]any) { m["maxValuePerTx"] = 1000 }, "strings"},
		{"unknown unit", func(m map[string]any) { m["maxValuePerTx"] = "1 bitcoin" }, "unknown unit"},
		{"fraction of a wei", func(m map[string]any) { m["maxValuePerTx"] = "1.5 wei" }, "fraction of a wei"},
		{"negative amount", func(m map[string]any) { m["maxValuePerTx"] = "-1" }, "non-negative"},
		{"bad address", func(m map[string]any) { tgt(m, 0)["address"] = "0x1234" }, "address"},
		{"wrong version", func(m map[string]any) { m["version"] = 2 }, "version"},
		{"bad time", func(m map[string]any) { m["notAfter"] = "tomorrow" }, "RFC 3339"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := decodeMap(t, example(t))
			c.edit(m)
			b, _ := json.Marshal(m)
			_, err := policy.Decode(b)
			if !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("got %v, want malformed", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("message %q does not mention %q", err, c.want)
			}
		})
	}
}

// TestExpfail requires every testdata/expfail_*.json policy to be refused.
func TestExpfail(t *testing.T) {
	files, _ := filepath.Glob("testdata/expfail_*.json")
	if len(files) == 0 {
		t.Fatal("no expfail files")
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if _, err := policy.Decode(b); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("%s: got %v, want malformed", f, err)
		}
	}
}

func TestCapacity(t *testing.T) {
	m := decodeMap(t, example(t))
	var ts []any
	for i := 0; i < policy.MaxTargets; i++ {
		ts = append(ts, map[string]any{"address": fmt.Sprintf("0x%040x", i+1), "valueTransfer": true})
	}
	m["targets"] = ts
	b, _ := json.Marshal(m)
	p, err := policy.Decode(b)
	if err != nil {
		t.Fatalf("1,024 targets: %v", err)
	}
	last, _ := wire.ParseAddress(fmt.Sprintf("0x%040x", policy.MaxTargets))
	tx := &wire.Tx{ChainID: 1337, To: last, Gas: 21000, MaxFeePerGas: wire.QuantityFromUint64(1), MaxPriorityFeePerGas: wire.QuantityFromUint64(1)}
	mem := p.MembershipFor(tx)
	if !mem.Found || !mem.SelFound {
		t.Fatal("the 1,024th target is not found")
	}
	if err := p.Check(tx, new(big.Int), 1795564800); err != nil {
		t.Fatal(err)
	}
	m["targets"] = append(ts, map[string]any{"address": fmt.Sprintf("0x%040x", 5000), "valueTransfer": true})
	b, _ = json.Marshal(m)
	if _, err := policy.Decode(b); err == nil || !strings.Contains(err.Error(), "at most 1024") {
		t.Fatalf("1,025 targets: %v", err)
	}
}

func TestSelectors(t *testing.T) {
	for in, want := range map[string]uint32{
		"transfer(address,uint256)": 0xa9059cbb,
		"approve(address,uint256)":  0x095ea7b3,
		"0xA9059CBB":                0xa9059cbb,
		"swapExactTokensForTokens(uint256,uint256,address[],address,uint256)": 0x38ed1739,
		"execute((address,uint256,bytes)[])":                                  0x3f707e6b,
	} {
		got, err := policy.ParseSelector(in)
		if err != nil || got != want {
			t.Errorf("%s: got 0x%08x %v, want 0x%08x", in, got, err, want)
		}
	}
}
