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

func decode(t testing.TB, m any) (*policy.Policy, error) {
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return policy.Decode(b)
}

func commit(t testing.TB, m any) wire.Hash32 {
	p, err := decode(t, m)
	if err != nil {
		t.Fatal(err)
	}
	return p.Commitment()
}

// The targets of examples/policy.json, in document order.
const (
	tAlice = iota
	tUSDC
	tWETH
	tRouter
	tPool
)

func tgt(m map[string]any, i int) map[string]any { return m["targets"].([]any)[i].(map[string]any) }
func call(m map[string]any, i, k int) map[string]any {
	return tgt(m, i)["calls"].([]any)[k].(map[string]any)
}
func args(m map[string]any, i, k int) []any { return call(m, i, k)["args"].([]any) }

const (
	alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
	bob   = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"
	usdc  = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
)

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
		"reversed calls": func(m map[string]any) {
			cs := tgt(m, tUSDC)["calls"].([]any)
			cs[0], cs[1] = cs[1], cs[0]
		},
		"reversed oneOf members": func(m map[string]any) {
			set := args(m, tPool, 0)[0].(map[string]any)["oneOf"].([]any)
			set[0], set[1] = set[1], set[0]
		},
		"a 0x selector with the same rules": func(m map[string]any) { call(m, tUSDC, 0)["fn"] = "0xa9059cbb" },
		"cosmetic name, labels and acknowledgements": func(m map[string]any) {
			m["name"] = "renamed"
			tgt(m, tAlice)["label"] = "relabelled"
			call(m, tRouter, 0)["acknowledge"] = []any{}
		},
		"token amount in base units": func(m map[string]any) { tgt(m, tUSDC)["windowMax"] = "2500000000" },
		"is self as eq": func(m map[string]any) {
			args(m, tRouter, 0)[3] = map[string]any{"eq": "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"}
		},
		"amount in wei":            func(m map[string]any) { m["maxValuePerTx"] = "1000000000000000000" },
		"time as unix seconds":     func(m map[string]any) { m["notBefore"] = 1767225600 },
		"any written as an object": func(m map[string]any) { args(m, tRouter, 0)[1] = map[string]any{"any": true} },
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
	keys := []string{"salt", "targets", "window", "maxFeePerTx", "maxValuePerTx", "notAfter", "notBefore", "account", "chainId", "name", "version"}
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
	win := func(m map[string]any) map[string]any { return m["window"].(map[string]any) }
	changes := map[string]func(m map[string]any){
		"chainId":          func(m map[string]any) { m["chainId"] = 1 },
		"account":          func(m map[string]any) { m["account"] = bob },
		"notBefore":        func(m map[string]any) { m["notBefore"] = 1767225601 },
		"notAfter":         func(m map[string]any) { m["notAfter"] = 1830297598 },
		"maxValuePerTx":    func(m map[string]any) { m["maxValuePerTx"] = "0.9 ether" },
		"maxFeePerTx":      func(m map[string]any) { m["maxFeePerTx"] = "0.02 ether" },
		"window.seconds":   func(m map[string]any) { win(m)["seconds"] = 3600 },
		"window.maxValue":  func(m map[string]any) { win(m)["maxValue"] = "2 ether" },
		"window.maxFees":   func(m map[string]any) { win(m)["maxFees"] = "0.06 ether" },
		"window.maxTxs":    func(m map[string]any) { win(m)["maxTxs"] = 21 },
		"salt":             func(m map[string]any) { m["salt"] = "0x" + strings.Repeat("0", 63) + "1" },
		"a target address": func(m map[string]any) { tgt(m, tAlice)["address"] = bob },
		"a token window":   func(m map[string]any) { tgt(m, tWETH)["windowMax"] = "3 WETH" },
		"a window-only token dropped": func(m map[string]any) {
			// Its window is gone; the swap's oneOf must follow.
			ts := m["targets"].([]any)
			m["targets"] = append(ts[:tWETH:tWETH], ts[tWETH+1:]...)
			for _, k := range []int{0, 1} {
				args(m, tRouter-1, 0)[2].(map[string]any)["array"].([]any)[k] = map[string]any{"eq": usdc}
			}
			args(m, tPool-1, 0)[0] = map[string]any{"eq": usdc}
		},
		"a call's function": func(m map[string]any) { call(m, tUSDC, 0)["fn"] = "transfer(address,uint128)" },
		"programOnly":       func(m map[string]any) { call(m, tPool, 0)["programOnly"] = false },
		"a max":             func(m map[string]any) { args(m, tUSDC, 0)[1].(map[string]any)["max"] = "999 USDC" },
		"a min added":       func(m map[string]any) { args(m, tUSDC, 0)[1].(map[string]any)["min"] = "1" },
		"spend removed":     func(m map[string]any) { delete(args(m, tUSDC, 0)[1].(map[string]any), "spend") },
		"spend token moved": func(m map[string]any) {
			args(m, tRouter, 0)[0].(map[string]any)["spend"] = usdc
		},
		"a oneOf member": func(m map[string]any) { args(m, tUSDC, 0)[0] = map[string]any{"oneOf": []any{bob}} },
		"eq → oneOf": func(m map[string]any) {
			args(m, tUSDC, 1)[0] = map[string]any{"oneOf": []any{"0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"}}
		},
		"a rule → any": func(m map[string]any) {
			args(m, tRouter, 0)[3] = "any"
			call(m, tRouter, 0)["acknowledge"] = []any{"any-address:args[3]"}
		},
		"an array length": func(m map[string]any) {
			arr := args(m, tRouter, 0)[2].(map[string]any)
			arr["array"] = arr["array"].([]any)[:1]
		},
		"transfer-value → a call": func(m map[string]any) {
			tgt(m, tAlice)["calls"] = []any{map[string]any{"fn": "0x00000000", "args": []any{}}}
		},
	}
	for name, f := range changes {
		m := decodeMap(t, example(t))
		f(m)
		if got := commit(t, m); got == base {
			t.Errorf("%s: commitment did not change", name)
		}
	}
}

// TestValidation gives each mistake its own clear message naming the field.
func TestValidation(t *testing.T) {
	swap := func(m map[string]any) []any { return args(m, tRouter, 0) }
	cases := []struct {
		name string
		edit func(m map[string]any)
		want string
	}{
		{"duplicate target (other case)", func(m map[string]any) {
			m["targets"] = append(m["targets"].([]any), map[string]any{"address": strings.ToLower(alice), "calls": []any{map[string]any{"fn": "transfer-value"}}})
		}, "duplicate target"},
		{"notBefore after notAfter", func(m map[string]any) { m["notBefore"] = "2029-01-01T00:00:00Z" }, "notBefore"},
		{"value cap overflows", func(m map[string]any) { m["maxValuePerTx"] = "0x1" + strings.Repeat("0", 32) }, "maxValuePerTx"},
		{"window cap overflows", func(m map[string]any) { m["window"].(map[string]any)["maxValue"] = "0x1" + strings.Repeat("0", 32) }, "window.maxValue"},
		{"fee cap overflows", func(m map[string]any) { m["maxFeePerTx"] = "0x1" + strings.Repeat("0", 48) }, "maxFeePerTx"},
		{"fee window overflows", func(m map[string]any) { m["window"].(map[string]any)["maxFees"] = "0x1" + strings.Repeat("0", 48) }, "window.maxFees"},
		{"no transactions allowed", func(m map[string]any) { m["window"].(map[string]any)["maxTxs"] = 0 }, "window.maxTxs"},
		{"too many transactions for the ledger", func(m map[string]any) { m["window"].(map[string]any)["maxTxs"] = 1 << 20 }, "window.maxTxs"},
		{"missing maxFees", func(m map[string]any) { delete(m["window"].(map[string]any), "maxFees") }, "window.maxFees: required"},
		{"missing account", func(m map[string]any) { delete(m, "account") }, "account: required"},
		{"zero account", func(m map[string]any) { m["account"] = "0x" + strings.Repeat("0", 40) }, "account"},
		{"token window overflows", func(m map[string]any) { tgt(m, tUSDC)["windowMax"] = "0x1" + strings.Repeat("0", 32) }, "windowMax"},
		{"bad hex selector", func(m map[string]any) { call(m, tUSDC, 0)["fn"] = "0x1234" }, "4 bytes"},
		{"bad signature", func(m map[string]any) { call(m, tUSDC, 0)["fn"] = "transfer(address" }, "selector"},
		{"non-canonical type", func(m map[string]any) { call(m, tUSDC, 0)["fn"] = "transfer(address,uint)" }, "uint256"},
		{"spaces in signature", func(m map[string]any) { call(m, tUSDC, 0)["fn"] = "transfer(address, uint256)" }, "no spaces"},
		{"bytes argument", func(m map[string]any) {
			call(m, tUSDC, 0)["fn"] = "transferAndCall(address,uint256)"
			call(m, tUSDC, 0)["fn"] = "transfer(address,bytes)"
		}, "nested calls"},
		{"string argument", func(m map[string]any) { call(m, tUSDC, 0)["fn"] = "transfer(address,string)" }, "cannot be ruled"},
		{"array of arrays", func(m map[string]any) { call(m, tUSDC, 0)["fn"] = "transfer(address,uint256[][])" }, "dynamic elements"},
		{"duplicate call (signature and hex)", func(m map[string]any) {
			tgt(m, tUSDC)["calls"] = append(tgt(m, tUSDC)["calls"].([]any), map[string]any{"fn": "0xa9059cbb", "args": []any{"any", "any"}})
		}, "duplicate call"},
		{"rule on a non-existent argument", func(m map[string]any) { call(m, tUSDC, 0)["args"] = append(args(m, tUSDC, 0), "any") }, "needs 2 rules (got 3)"},
		{"a rule missing", func(m map[string]any) { call(m, tUSDC, 0)["args"] = args(m, tUSDC, 0)[:1] }, "needs 2 rules (got 1)"},
		{"max on an address", func(m map[string]any) { args(m, tUSDC, 0)[0] = map[string]any{"max": "5"} }, "args[0]: max/min compare unsigned integers, this word is address"},
		{"oneOf on an amount", func(m map[string]any) { args(m, tUSDC, 0)[1] = map[string]any{"oneOf": []any{alice}} }, "args[1]: oneOf needs an address word"},
		{"self on an amount", func(m map[string]any) { args(m, tUSDC, 0)[1] = map[string]any{"is": "self"} }, "needs an address word"},
		{"spend on an address", func(m map[string]any) { args(m, tUSDC, 0)[0] = map[string]any{"eq": alice, "spend": true} }, "args[0].spend: only an unsigned integer word"},
		{"max above the type", func(m map[string]any) { call(m, tUSDC, 0)["fn"] = "transfer(address,uint8)" }, "does not fit uint8"},
		{"min above max", func(m map[string]any) { args(m, tUSDC, 0)[1].(map[string]any)["min"] = "2000 USDC" }, "min 2000000000 is above max"},
		{"max of 2^128", func(m map[string]any) { args(m, tUSDC, 0)[1].(map[string]any)["max"] = "0x1" + strings.Repeat("0", 32) }, "2^128"},
		{"eq not an address", func(m map[string]any) { args(m, tUSDC, 1)[0] = map[string]any{"eq": "0x1234"} }, "args[0].eq"},
		{"eq as a number", func(m map[string]any) { args(m, tUSDC, 1)[1] = map[string]any{"eq": 5} }, "JSON string"},
		{"two kinds in one rule", func(m map[string]any) { args(m, tUSDC, 1)[0] = map[string]any{"eq": alice, "oneOf": []any{alice}} }, "exactly one of"},
		{"spend alone", func(m map[string]any) { args(m, tUSDC, 0)[1] = map[string]any{"spend": true} }, "exactly one of"},
		{"unknown string rule", func(m map[string]any) { args(m, tUSDC, 0)[0] = "anything" }, "only string rule"},
		{"is other", func(m map[string]any) { args(m, tUSDC, 0)[0] = map[string]any{"is": "owner"} }, "\"self\""},
		{"oneOf empty", func(m map[string]any) { args(m, tUSDC, 0)[0] = map[string]any{"oneOf": []any{}} }, "1 to 256"},
		{"oneOf too large", func(m map[string]any) {
			var set []any
			for i := 0; i < 257; i++ {
				set = append(set, fmt.Sprintf("0x%040x", i+1))
			}
			args(m, tUSDC, 0)[0] = map[string]any{"oneOf": set}
		}, "1 to 256"},
		{"oneOf duplicate", func(m map[string]any) {
			args(m, tUSDC, 0)[0] = map[string]any{"oneOf": []any{alice, strings.ToLower(alice)}}
		}, "duplicate address"},
		{"three oneOf sets", func(m map[string]any) { swap(m)[3] = map[string]any{"oneOf": []any{alice}} }, "at most 2 oneOf sets"},
		{"array rule on a static word", func(m map[string]any) { swap(m)[0] = map[string]any{"array": []any{}} }, "only a dynamic array"},
		{"dynamic array without an array rule", func(m map[string]any) { swap(m)[2] = "any" }, "{\"array\""},
		{"array too long for the circuit", func(m map[string]any) {
			swap(m)[2].(map[string]any)["array"] = []any{"any", "any", "any"}
		}, "the circuit holds 8"},
		{"spend true without a window", func(m map[string]any) {
			delete(tgt(m, tUSDC), "windowMax")
			tgt(m, tUSDC)["symbol"] = "USDC"
		}, "declares no windowMax"},
		{"spend on a token without a window", func(m map[string]any) { args(m, tRouter, 0)[0].(map[string]any)["spend"] = bob }, "no target declares a windowMax"},
		{"two spend tokens in one call", func(m map[string]any) {
			swap(m)[1] = map[string]any{"max": "5", "spend": true}
		}, "same token"},
		{"tokenArg on an amount", func(m map[string]any) { swap(m)[0].(map[string]any)["spend"] = map[string]any{"tokenArg": 1} }, "not an address word"},
		{"tokenArg out of range", func(m map[string]any) { swap(m)[0].(map[string]any)["spend"] = map[string]any{"tokenArg": 9} }, "not a calldata word"},
		{"tokenArg on an unruled address", func(m map[string]any) {
			swap(m)[0].(map[string]any)["spend"] = map[string]any{"tokenArg": 3}
			swap(m)[3] = "any"
		}, "must be ruled eq or oneOf"},
		{"tokenArg naming a token without a window", func(m map[string]any) {
			swap(m)[2].(map[string]any)["array"].([]any)[0] = map[string]any{"oneOf": []any{usdc, bob}}
		}, "may name " + strings.ToLower(bob)},
		{"0x selector without args", func(m map[string]any) { call(m, tUSDC, 0)["fn"] = "0xa9059cbb"; delete(call(m, tUSDC, 0), "args") }, "explicit args"},
		{"transfer-value with args", func(m map[string]any) { call(m, tAlice, 0)["args"] = []any{"any"} }, "no arguments"},
		{"target allows nothing", func(m map[string]any) { tgt(m, tRouter)["calls"] = []any{} }, "allows nothing"},
		{"too many calls", func(m map[string]any) {
			var cs []any
			for i := 0; i < 17; i++ {
				cs = append(cs, map[string]any{"fn": fmt.Sprintf("0x%08x", i+1), "args": []any{}})
			}
			tgt(m, tRouter)["calls"] = cs
		}, "at most 16 per target"},
		{"duplicate symbol", func(m map[string]any) { tgt(m, tWETH)["symbol"] = "usdc" }, "also the symbol"},
		{"symbol that is a unit", func(m map[string]any) { tgt(m, tWETH)["symbol"] = "ETH" }, "unit of ether"},
		{"missing salt", func(m map[string]any) { delete(m, "salt") }, "salt"},
		{"salt above the modulus", func(m map[string]any) { m["salt"] = "0x" + strings.Repeat("ff", 32) }, "modulus"},
		{"zero chain id", func(m map[string]any) { m["chainId"] = 0 }, "chainId"},
		{"zero window", func(m map[string]any) { m["window"].(map[string]any)["seconds"] = 0 }, "window.seconds"},
		{"no targets", func(m map[string]any) { m["targets"] = []any{} }, "at least one target"},
		{"unknown field", func(m map[string]any) { m["maxValue"] = "1 ether" }, "unknown field"},
		{"the v1 selectors field", func(m map[string]any) { tgt(m, tAlice)["valueTransfer"] = true }, "unknown field"},
		{"amount as a JSON number", func(m map[string]any) { m["maxValuePerTx"] = 1000 }, "strings"},
		{"unknown unit", func(m map[string]any) { m["maxValuePerTx"] = "1 bitcoin" }, "unknown unit"},
		{"fraction of a wei", func(m map[string]any) { m["maxValuePerTx"] = "1.5 wei" }, "fraction of a wei"},
		{"negative amount", func(m map[string]any) { m["maxValuePerTx"] = "-1" }, "non-negative"},
		{"bad address", func(m map[string]any) { tgt(m, tAlice)["address"] = "0x1234" }, "address"},
		{"wrong version", func(m map[string]any) { m["version"] = 1 }, "version"},
		{"bad time", func(m map[string]any) { m["notAfter"] = "tomorrow" }, "RFC 3339"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := decodeMap(t, example(t))
			c.edit(m)
			_, err := decode(t, m)
			if !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("got %v, want malformed", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("message %q does not mention %q", err, c.want)
			}
		})
	}
}

// TestEveryProblemListed: Decode reports all the problems of a document,
// each naming its field, not just the first.
func TestEveryProblemListed(t *testing.T) {
	m := decodeMap(t, example(t))
	args(m, tUSDC, 0)[0] = map[string]any{"max": "5"}                                                               // max on an address
	call(m, tUSDC, 1)["args"] = append(args(m, tUSDC, 1), "any")                                                    // a rule on a non-existent argument
	tgt(m, tAlice)["calls"] = []any{map[string]any{"fn": "transfer-value"}, map[string]any{"fn": "transfer-value"}} // duplicate call
	m["window"].(map[string]any)["maxTxs"] = 0
	_, err := decode(t, m)
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		"targets[1] (0x5fbdb2315678afecb367f032d93f642f64180aa3).calls[0].args[0]: max/min",
		"targets[1] (0x5fbdb2315678afecb367f032d93f642f64180aa3).calls[1].args: approve(address,uint256) has 2 calldata head words",
		"targets[0] (0x70997970c51812dc3a010c7d01b50e0d17dc79c8).calls[1]: duplicate call",
		"window.maxTxs",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q is not listed in %v", want, err)
		}
	}
}

// TestExpfail requires every testdata/expfail_*.json policy to be refused.
func TestExpfail(t *testing.T) {
	files, _ := filepath.Glob("testdata/expfail_*.json")
	if len(files) < 10 {
		t.Fatalf("%d expfail files", len(files))
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if _, err := policy.Decode(b); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("%s: got %v, want malformed", f, err)
		}
	}
}

func minimal(targets []any) map[string]any {
	return map[string]any{"version": 2, "chainId": 1337, "account": "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
		"notBefore": 0, "notAfter": 2000000000, "maxValuePerTx": "1", "maxFeePerTx": "1 ether",
		"window":  map[string]any{"seconds": 60, "maxValue": "1", "maxFees": "1 ether", "maxTxs": 10},
		"targets": targets, "salt": "0x0000000000000000000000000000000000000000000000000000000000000001"}
}

func addrN(i int) string { return fmt.Sprintf("0x%040x", i) }

// TestCapacity fills every capacity of the circuit, then goes one over.
func TestCapacity(t *testing.T) {
	var ts []any
	for i := 0; i < policy.MaxTargets; i++ {
		ts = append(ts, map[string]any{"address": addrN(i + 1), "calls": []any{map[string]any{"fn": "transfer-value"}}})
	}
	p, err := decode(t, minimal(ts))
	if err != nil {
		t.Fatalf("1,024 targets: %v", err)
	}
	tx := &wire.Tx{ChainID: 1337, To: addr(t, addrN(policy.MaxTargets)), Gas: 21000, MaxFeePerGas: wire.QuantityFromUint64(1), MaxPriorityFeePerGas: wire.QuantityFromUint64(1)}
	if err := p.Check(tx, &wire.State{Time: 1795564800}); err != nil {
		t.Fatalf("the 1,024th target: %v", err)
	}
	if _, err := decode(t, minimal(append(ts, map[string]any{"address": addrN(5000), "calls": []any{map[string]any{"fn": "transfer-value"}}}))); err == nil || !strings.Contains(err.Error(), "at most 1024") {
		t.Fatalf("1,025 targets: %v", err)
	}

	// 16 calls on one target, each with 8 ruled words and 2 sets of 256.
	var set1, set2 []any
	for i := 0; i < policy.MaxSetSize; i++ {
		set1, set2 = append(set1, addrN(i+1)), append(set2, addrN(i+1000))
	}
	var calls []any
	for c := 0; c < policy.MaxCalls; c++ {
		calls = append(calls, map[string]any{"fn": fmt.Sprintf("f%d(address,address,uint256,uint256,uint256,uint256,uint256,uint256)", c),
			"args": []any{map[string]any{"oneOf": set1}, map[string]any{"oneOf": set2}, map[string]any{"max": "5"},
				map[string]any{"min": "1"}, map[string]any{"eq": "7"}, map[string]any{"max": "9", "min": "2"}, "any", map[string]any{"eq": "0"}}})
	}
	big := minimal([]any{map[string]any{"address": addrN(1), "calls": calls}})
	p, err = decode(t, big)
	if err != nil {
		t.Fatalf("16 full calls: %v", err)
	}
	if n := len(p.Calls()); n != 16 {
		t.Fatalf("%d calls", n)
	}
	big["targets"].([]any)[0].(map[string]any)["calls"] = append(calls, map[string]any{"fn": "g()", "args": []any{}})
	if _, err := decode(t, big); err == nil {
		t.Fatal("17 calls accepted")
	}
}

func addr(t *testing.T, s string) wire.Address {
	a, err := wire.ParseAddress(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestSelectors(t *testing.T) {
	for in, want := range map[string]uint32{
		"transfer(address,uint256)": 0xa9059cbb,
		"approve(address,uint256)":  0x095ea7b3,
		"0xA9059CBB":                0xa9059cbb,
		"swapExactTokensForTokens(uint256,uint256,address[],address,uint256)":        0x38ed1739,
		"execute((address,uint256,bytes)[])":                                         0x3f707e6b,
		"exactInputSingle((address,address,uint24,address,uint256,uint256,uint160))": 0x04e45aaf,
		"permit(address,address,uint256,uint256,uint8,bytes32,bytes32)":              0xd505accf,
		"swapExactIn(address,uint256,uint256,address,uint256)":                       0,
	} {
		got, err := policy.ParseSelector(in)
		if err != nil || (want != 0 && got != want) {
			t.Errorf("%s: got 0x%08x %v, want 0x%08x", in, got, err, want)
		}
	}
	for _, bad := range []string{"f(uint)", "f(int)", "f(byte)", "f(uint7)", "f(uint264)", "f(bytes33)", "f(bytes0)", "f(,)",
		"f(address,)", "f(())", "f((uint256)", "f(uint256))", "f(uint256[0])", "f(uint256[01])", "f(uint256[)", "f(tuple)",
		"f(fixed128x18)", "f(Address)", "f(uint256[9999999999])", "f(" + strings.Repeat("(", 20) + "uint256" + strings.Repeat(")", 20) + ")"} {
		if _, err := policy.ParseSelector(bad); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

// TestLayout checks word positions: static tuples and fixed arrays flatten,
// dynamic arrays take an offset in the head and a length and elements in
// the tail, in parameter order.
func TestLayout(t *testing.T) {
	cases := []struct {
		fn    string
		args  []any
		types []string
		ops   map[int]int64 // forced offset/length words
	}{
		{"f((address,uint256),uint8[2])", []any{"any", "any", "any", "any"}, []string{"address", "uint256", "uint8", "uint8"}, nil},
		{"f(uint256[],address)", []any{map[string]any{"array": []any{"any", "any"}}, "any"},
			[]string{"offset", "address", "length", "uint256", "uint256"}, map[int]int64{0: 64, 2: 2}},
		{"f(address[],uint256[])", []any{map[string]any{"array": []any{"any"}}, map[string]any{"array": []any{"any", "any"}}},
			[]string{"offset", "offset", "length", "address", "length", "uint256", "uint256"}, map[int]int64{0: 64, 1: 128, 2: 1, 4: 2}},
		{"f((address,uint256)[])", []any{map[string]any{"array": []any{"any", "any", "any", "any"}}},
			[]string{"offset", "length", "address", "uint256", "address", "uint256"}, map[int]int64{0: 32, 1: 2}},
		{"f(uint256[])", []any{map[string]any{"array": []any{}}}, []string{"offset", "length"}, map[int]int64{0: 32, 1: 0}},
	}
	for _, c := range cases {
		p, err := decode(t, minimal([]any{map[string]any{"address": addrN(1), "calls": []any{map[string]any{"fn": c.fn, "args": c.args,
			"acknowledge": []any{}}}}}))
		if err != nil {
			t.Fatalf("%s: %v", c.fn, err)
		}
		cr := p.Calls()[0]
		if len(cr.Slots) != len(c.types) {
			t.Fatalf("%s: %d words, want %d", c.fn, len(cr.Slots), len(c.types))
		}
		for i, s := range cr.Slots {
			if s.Type != c.types[i] {
				t.Errorf("%s: word %d is %s, want %s", c.fn, i, s.Type, c.types[i])
			}
			if v, ok := c.ops[i]; ok && (s.Flags != policy.FlagEq || s.Ops[1].Int64() != v || s.Ops[0].Sign() != 0) {
				t.Errorf("%s: word %d forced to %v (flags %d), want %d", c.fn, i, s.Ops, s.Flags, v)
			}
		}
	}
}

// TestMatch: the call that allows a transaction, its spend token and amount.
func TestMatch(t *testing.T) {
	p, err := policy.Decode(example(t))
	if err != nil {
		t.Fatal(err)
	}
	word := func(v any) []byte {
		var w [32]byte
		switch x := v.(type) {
		case string:
			a := addr(t, x)
			copy(w[12:], a[:])
		case int:
			big.NewInt(int64(x)).FillBytes(w[:])
		}
		return w[:]
	}
	data := func(sel uint32, words ...any) []byte {
		out := []byte{byte(sel >> 24), byte(sel >> 16), byte(sel >> 8), byte(sel)}
		for _, w := range words {
			out = append(out, word(w)...)
		}
		return out
	}
	weth := "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"
	self := "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
	router := addr(t, "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512")
	for _, c := range []struct {
		to     wire.Address
		data   []byte
		token  string
		amount int64
	}{
		{addr(t, usdc), data(0xa9059cbb, alice, 700), usdc, 700},
		{addr(t, alice), nil, "", 0},
		{router, data(0x38ed1739, 55, 0, 160, self, 9, 2, weth, usdc), weth, 55},
		{router, data(0x38ed1739, 66, 0, 160, self, 9, 2, usdc, weth), usdc, 66},
	} {
		tx := &wire.Tx{ChainID: 1337, To: c.to, Data: c.data, Gas: 1, MaxFeePerGas: wire.QuantityFromUint64(1), MaxPriorityFeePerGas: wire.QuantityFromUint64(1)}
		m, err := p.Match(tx)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Spends; got != (c.token != "") {
			t.Fatalf("spends %v", got)
		}
		if c.token != "" && (m.SpendToken != addr(t, c.token) || m.SpendAmount.Int64() != c.amount) {
			t.Fatalf("spend %s %s, want %s %d", m.SpendToken.Hex(), m.SpendAmount, c.token, c.amount)
		}
	}
}

// TestLint: every finding names its field and risk, refuses until it is
// acknowledged in its own call, and an acknowledgement must match a finding.
func TestLint(t *testing.T) {
	p, err := policy.Decode(example(t))
	if err != nil {
		t.Fatal(err)
	}
	if errs := p.LintErrors(); errs != nil {
		t.Fatalf("the example has findings: %v", errs)
	}
	cases := []struct {
		name string
		edit func(m map[string]any)
		want string
		ack  func(m map[string]any)
	}{
		{"an address ruled any (the router recipient)", func(m map[string]any) { args(m, tRouter, 0)[3] = "any" },
			"calls[0].args[3]: an address argument ruled only \"any\"",
			func(m map[string]any) { call(m, tRouter, 0)["acknowledge"] = []any{"any-address:args[3]"} }},
		{"an approve spender ruled any", func(m map[string]any) { args(m, tUSDC, 1)[0] = "any" },
			"calls[1].args[0]: an address",
			func(m map[string]any) { call(m, tUSDC, 1)["acknowledge"] = []any{"any-address:args[0]"} }},
		{"an array element address ruled any", func(m map[string]any) {
			args(m, tRouter, 0)[2].(map[string]any)["array"].([]any)[1] = "any"
		}, "args[2].array[1]: an address", func(m map[string]any) { call(m, tRouter, 0)["acknowledge"] = []any{"any-address:args[2].array[1]"} }},
		{"a 0x selector word ruled any", func(m map[string]any) {
			tgt(m, tRouter)["calls"] = append(tgt(m, tRouter)["calls"].([]any), map[string]any{"fn": "0x12345678", "args": []any{map[string]any{"max": "1"}, "any"}})
		}, "calls[1].args[1]: a word of a 0x selector", func(m map[string]any) { call(m, tRouter, 1)["acknowledge"] = []any{"any-address:args[1]"} }},
		{"multicall by hex (nested calls)", func(m map[string]any) {
			tgt(m, tRouter)["calls"] = append(tgt(m, tRouter)["calls"].([]any), map[string]any{"fn": "0xac9650d8", "args": []any{map[string]any{"eq": "32"}}})
		}, "multicall(bytes[])", func(m map[string]any) { call(m, tRouter, 1)["acknowledge"] = []any{"nested-call"} }},
		{"transferFrom without rules", func(m map[string]any) {
			tgt(m, tUSDC)["calls"] = append(tgt(m, tUSDC)["calls"].([]any), map[string]any{"fn": "transferFrom(address,address,uint256)", "args": []any{"any", "any", "any"}})
		}, "transferFrom without rules", func(m map[string]any) {
			call(m, tUSDC, 2)["acknowledge"] = []any{"any-address:args[0]", "any-address:args[1]", "unruled"}
		}},
		{"setApprovalForAll without rules", func(m map[string]any) {
			tgt(m, tUSDC)["calls"] = append(tgt(m, tUSDC)["calls"].([]any), map[string]any{"fn": "0xa22cb465", "args": []any{"any", "any"}})
		}, "setApprovalForAll", func(m map[string]any) {
			call(m, tUSDC, 2)["acknowledge"] = []any{"any-address:args[0]", "any-address:args[1]", "unruled"}
		}},
		{"increaseAllowance without rules", func(m map[string]any) {
			tgt(m, tUSDC)["calls"] = append(tgt(m, tUSDC)["calls"].([]any), map[string]any{"fn": "increaseAllowance(address,uint256)", "args": []any{"any", "any"}})
		}, "increaseAllowance", func(m map[string]any) {
			call(m, tUSDC, 2)["acknowledge"] = []any{"any-address:args[0]", "unruled"}
		}},
		{"permit without rules", func(m map[string]any) {
			tgt(m, tUSDC)["calls"] = append(tgt(m, tUSDC)["calls"].([]any), map[string]any{"fn": "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)",
				"args": []any{"any", "any", "any", "any", "any", "any", "any"}})
		}, "permit without rules", func(m map[string]any) {
			call(m, tUSDC, 2)["acknowledge"] = []any{"any-address:args[0]", "any-address:args[1]", "unruled"}
		}},
		{"an acknowledgement that matches nothing", func(m map[string]any) { call(m, tUSDC, 0)["acknowledge"] = []any{"any-address:args[1]"} },
			"acknowledge[0]: \"any-address:args[1]\" matches no finding", nil},
		{"an acknowledgement on the wrong call", func(m map[string]any) {
			args(m, tRouter, 0)[3] = "any"
			call(m, tUSDC, 0)["acknowledge"] = []any{"any-address:args[3]"}
		}, "args[3]: an address", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := decodeMap(t, example(t))
			c.edit(m)
			p, err := decode(t, m)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			errs := p.LintErrors()
			if !strings.Contains(errs.Error(), c.want) {
				t.Fatalf("lint %q does not mention %q", errs, c.want)
			}
			if c.ack == nil {
				return
			}
			c.ack(m)
			if p, err = decode(t, m); err != nil {
				t.Fatal(err)
			}
			if errs := p.LintErrors(); errs != nil {
				t.Fatalf("acknowledged, still: %v", errs)
			}
		})
	}
}

// TestDescribe states every rule.
func TestDescribe(t *testing.T) {
	p, err := policy.Decode(example(t))
	if err != nil {
		t.Fatal(err)
	}
	d := p.Describe()
	for _, want := range []string{
		"Chain 1337 only, for account 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
		"at most 1 ETH per transaction, and 3 ETH in any day",
		"at most 0.01 ETH per transaction, and 0.05 ETH in any day",
		"At most 20 transactions in any day",
		"at most 2500 USDC",
		"plain value transfers",
		"word 0, args[0] (address): one of 1 addresses: 0x70997970c51812dc3a010c7d01b50e0d17dc79c8 (Alice (savings account))",
		"word 1, args[1] (uint256): at most 1000 USDC; counts toward the window of USDC",
		"must be 0xe7f1725e7734ce288f8367e1bb143e90bb3f0512 (DEX router)",
		"word 2, args[2] (offset) (offset): must be 160",
		"word 3, args[3] (address): must be self",
		"word 5, args[2] (length) (length): must be 2",
		"is the token this call spends",
		"only through a pinned program's proof",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("Describe lacks %q:\n%s", want, d)
		}
	}
}

// TestCookbook decodes the recipes of docs/policy.md with real addresses:
// each is a valid policy with no lint finding, and allows what it should.
func TestCookbook(t *testing.T) {
	const (
		router = "0x7a250d5630B4cF539739dF2C5dAcb4c659F2488D"
		v3     = "0x68b3465833fb72A70ecDF485E0e4C7bD8665Fc45"
		usdcM  = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
		weth   = "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"
		pool   = "0x00000000000000000000000000000000000000Aa"
		base   = "0x00000000000000000000000000000000000000bB"
		quote  = "0x00000000000000000000000000000000000000cC"
	)
	usdcT := map[string]any{"address": usdcM, "label": "USDC", "symbol": "USDC", "decimals": 6, "windowMax": "2500 USDC",
		"calls": []any{
			map[string]any{"fn": "transfer(address,uint256)", "args": []any{map[string]any{"oneOf": []any{alice, bob}}, map[string]any{"max": "1000 USDC", "spend": true}}},
			map[string]any{"fn": "approve(address,uint256)", "args": []any{map[string]any{"eq": router}, map[string]any{"max": "2000 USDC"}}},
		}}
	wethT := map[string]any{"address": weth, "symbol": "WETH", "decimals": 18, "windowMax": "1 WETH"}
	set := []any{usdcM, weth}
	recipes := map[string][]any{
		"v2 router": {usdcT, wethT, map[string]any{"address": router, "calls": []any{map[string]any{
			"fn": "swapExactTokensForTokens(uint256,uint256,address[],address,uint256)",
			"args": []any{map[string]any{"max": "500 USDC", "spend": map[string]any{"tokenArg": 6}}, map[string]any{"min": "1"},
				map[string]any{"array": []any{map[string]any{"oneOf": set}, map[string]any{"oneOf": set}}}, map[string]any{"is": "self"}, "any"}}}}},
		"v3 exactInputSingle": {usdcT, wethT, map[string]any{"address": v3, "calls": []any{map[string]any{
			"fn": "exactInputSingle((address,address,uint24,address,uint256,uint256,uint160))",
			"args": []any{map[string]any{"oneOf": set}, map[string]any{"oneOf": set}, map[string]any{"eq": "3000"}, map[string]any{"is": "self"},
				map[string]any{"max": "500 USDC", "spend": map[string]any{"tokenArg": 0}}, map[string]any{"min": "1"}, map[string]any{"eq": "0"}}}}}},
		"payments": {usdcT},
		"program-only pool": {
			map[string]any{"address": base, "symbol": "dETH", "decimals": 18, "windowMax": "2 dETH"},
			map[string]any{"address": quote, "symbol": "dUSD", "decimals": 18, "windowMax": "5000 dUSD"},
			map[string]any{"address": pool, "calls": []any{map[string]any{"fn": "swapExactIn(address,uint256,uint256,address,uint256)", "programOnly": true,
				"args": []any{map[string]any{"oneOf": []any{base, quote}}, map[string]any{"max": "1000 dUSD", "spend": map[string]any{"tokenArg": 0}},
					"any", map[string]any{"is": "self"}, "any"}}}}},
	}
	for name, targets := range recipes {
		p, err := decode(t, minimal(targets))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if errs := p.LintErrors(); errs != nil {
			t.Errorf("%s: lint %v", name, errs)
		}
	}
	p, _ := decode(t, minimal(recipes["v3 exactInputSingle"]))
	var cr *policy.CallRule
	for _, c := range p.Calls() {
		if c.Selector == 0x04e45aaf {
			cr = c
		}
	}
	if cr == nil || cr.Words != 7 || cr.TokenArg != 0 {
		t.Fatalf("exactInputSingle: 0x%08x, %d words, tokenArg %d", cr.Selector, cr.Words, cr.TokenArg)
	}
}
