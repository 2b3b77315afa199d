package policy_test

import (
	"os"
	"testing"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/wasm/eip712"
	"github.com/leash-wallet/leash/wire"
)

func FuzzDecodePolicy(f *testing.F) {
	for _, name := range []string{"policy.json", "policy-x402.json"} {
		if b, err := os.ReadFile("../../examples/" + name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := policy.Decode(b)
		if err != nil {
			if wire.CodeOf(err) != wire.Malformed {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		_ = p.Describe()
		_ = p.Commitment()
		_ = p.Warnings()
		_ = p.LintErrors()
	})
}

// FuzzCheck: any transaction checked against the example policy gets nil
// or a coded error, and what Check accepts Match accepts with a spend that
// fits its window.
func FuzzCheck(f *testing.F) {
	b, err := os.ReadFile("../../examples/policy.json")
	if err != nil {
		f.Fatal(err)
	}
	p, err := policy.Decode(b)
	if err != nil {
		f.Fatal(err)
	}
	targets := []wire.Address{}
	for _, t := range p.Targets {
		targets = append(targets, t.Address)
	}
	f.Add(uint8(1), []byte{0xa9, 0x05, 0x9c, 0xbb}, uint64(100), uint8(0))
	f.Add(uint8(3), make([]byte, 4+32*8), uint64(0), uint8(9))
	f.Fuzz(func(t *testing.T, to uint8, data []byte, value uint64, txs uint8) {
		tx := &wire.Tx{ChainID: 1337, To: targets[int(to)%len(targets)], Data: data, Value: wire.QuantityFromUint64(value),
			Gas: 21000, MaxFeePerGas: wire.QuantityFromUint64(1e9), MaxPriorityFeePerGas: wire.QuantityFromUint64(1)}
		st := &wire.State{Time: 1795564800, Txs: uint64(txs)}
		err := p.Check(tx, st)
		if err != nil {
			if c := wire.CodeOf(err); !c.IsPolicyViolation() && c != wire.Malformed {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		m, err := p.Match(tx)
		if err != nil {
			t.Fatalf("Check accepted, Match refused: %v", err)
		}
		if m.Spends && m.SpendAmount.Cmp(m.Window.Max) > 0 {
			t.Fatalf("spend %s above its window %s", m.SpendAmount, m.Window.Max)
		}
		if _, err := p.PublicInputs(tx, st, st.Time); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzCheckSignature: any typed-data document read and checked against the
// x402 example gets nil or a coded error, and what CheckSignature accepts
// has a spend within its window and a deadline within maxValidity.
func FuzzCheckSignature(f *testing.F) {
	b, err := os.ReadFile("../../examples/policy-x402.json")
	if err != nil {
		f.Fatal(err)
	}
	p, err := policy.Decode(b)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(authorization(nil))
	f.Add(authorization(func(d map[string]any) { d["message"].(map[string]any)["to"] = bob }))
	f.Fuzz(func(t *testing.T, doc []byte) {
		td, err := eip712.Decode(doc, eip712.V4)
		if err != nil {
			return
		}
		m, err := policy.ReadTyped(td)
		if err == nil {
			var sm *policy.SigMatch
			sm, err = p.CheckSignature(m, &wire.State{Time: sigNow})
			if err == nil && (!sm.Spends || sm.SpendAmount.Cmp(sm.Window.Max) > 0) {
				t.Fatalf("accepted a spend of %v", sm.SpendAmount)
			}
		}
		if err != nil && wire.CodeOf(err) == wire.Internal {
			t.Fatalf("uncoded error %v", err)
		}
	})
}
