package wire_test

import (
	"encoding/json"
	"testing"

	"github.com/leash-wallet/leash/wire"
)

// The decoders must never panic, must return coded errors, and what they
// accept must round-trip.

func FuzzDecodeTx(f *testing.F) {
	f.Add([]byte(`{"chainId":"0x539","nonce":"0x0","to":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8","value":"0x1","data":"0x","gas":"0x5208","maxFeePerGas":"0x2","maxPriorityFeePerGas":"0x1"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tx, err := wire.DecodeTx(b)
		if err != nil {
			if wire.CodeOf(err) != wire.Malformed {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		out, err := json.Marshal(tx)
		if err != nil {
			t.Fatal(err)
		}
		tx2, err := wire.DecodeTx(out)
		if err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
		out2, _ := json.Marshal(tx2)
		if string(out) != string(out2) {
			t.Fatalf("round trip: %s != %s", out, out2)
		}
	})
}

// FuzzDecodeUserTx: the user's transactions (a missing "to" is a
// creation) decode strictly, with coded errors, and agree with DecodeTx
// whenever "to" is there.
func FuzzDecodeUserTx(f *testing.F) {
	f.Add([]byte(`{"chainId":"0x539","nonce":"0x0","to":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8","value":"0x1","data":"0x","gas":"0x5208","maxFeePerGas":"0x2","maxPriorityFeePerGas":"0x1"}`))
	f.Add([]byte(`{"chainId":"0x539","nonce":"0x0","value":"0x0","data":"0x6000","gas":"0x5208","maxFeePerGas":"0x2","maxPriorityFeePerGas":"0x1"}`))
	f.Add([]byte(`{"chainId":"0x539","nonce":"0x0","value":"0x0","gas":"0x5208","maxFeePerGas":"0x2","maxPriorityFeePerGas":"0x1"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tx, create, err := wire.DecodeUserTx(b)
		if err != nil {
			if wire.CodeOf(err) != wire.Malformed {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		if create && (len(tx.Data) == 0 || tx.To != (wire.Address{})) {
			t.Fatalf("a creation without init code or with a recipient: %+v", tx)
		}
		plain, err := wire.DecodeTx(b)
		if create != (err != nil) {
			t.Fatalf("create %v but DecodeTx says %v", create, err)
		}
		if !create {
			a, _ := json.Marshal(tx)
			c, _ := json.Marshal(plain)
			if string(a) != string(c) {
				t.Fatalf("DecodeUserTx %s, DecodeTx %s", a, c)
			}
		}
	})
}

func FuzzDecodeProposal(f *testing.F) {
	f.Add([]byte(`{"version":2,"id":"p-1","tx":{"chainId":"0x539","nonce":"0x0","to":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8","value":"0x1","data":"0x","gas":"0x5208","maxFeePerGas":"0x2","maxPriorityFeePerGas":"0x1"},"policyCommitment":"0x1187c5b8e75be8ca89c77ecc2e069abc73ef2f3a05af07e57153c86d6affdfaf","time":1795564800,"state":{"spent":"0x0","fees":"0x0","txs":0,"tokenSpent":"0x0"},"proof":"0x00"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := wire.DecodeProposal(b)
		// DecodeProposal decodes once; a strict decode into Proposal (its
		// UnmarshalJSON) must give the same verdict and value.
		var q wire.Proposal
		qerr := wire.DecodeStrict(b, &q, "proposal")
		if (err == nil) != (qerr == nil) || wire.CodeOf(err) != wire.CodeOf(qerr) {
			t.Fatalf("DecodeProposal: %v; DecodeStrict into Proposal: %v", err, qerr)
		}
		if err == nil {
			a, _ := json.Marshal(p)
			c, _ := json.Marshal(&q)
			if string(a) != string(c) {
				t.Fatalf("DecodeProposal %s, DecodeStrict %s", a, c)
			}
		}
		if err != nil {
			if wire.CodeOf(err) != wire.Malformed {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		out, _ := json.Marshal(p)
		if _, err := wire.DecodeProposal(out); err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
	})
}

func FuzzDecodeState(f *testing.F) {
	f.Add([]byte(`{"nonce":"0x0","time":1795564800,"spent":"0x22b1c8c1227a0000","fees":"0x0","txs":5,"tokens":[{"token":"0x5FbDB2315678afecb367f032d93F642f64180aa3","spent":"0x1"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := wire.DecodeState(b); err != nil && wire.CodeOf(err) != wire.Malformed {
			t.Fatalf("uncoded error %v", err)
		}
	})
}

// FuzzStrictKeys: every object key of an accepted proposal is byte-equal
// to a field name (a map decode keeps keys exactly as written).
func FuzzStrictKeys(f *testing.F) {
	f.Add([]byte(`{"version":2,"id":"p-1","tx":{"chainId":"0x539","nonce":"0x0","to":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8","value":"0x1","data":"0x","gas":"0x5208","maxFeePerGas":"0x2","maxPriorityFeePerGas":"0x1"},"policyCommitment":"0x1187c5b8e75be8ca89c77ecc2e069abc73ef2f3a05af07e57153c86d6affdfaf","time":1795564800,"state":{"spent":"0x0","fees":"0x0","txs":0,"tokenSpent":"0x0"},"proof":"0x00"}`))
	f.Add([]byte(`{"version":2,"TX":{},"tx":{}}`))
	top := map[string]bool{"version": true, "id": true, "tx": true, "policyCommitment": true, "time": true, "state": true, "proof": true, "program": true}
	txKeys := map[string]bool{"from": true, "type": true, "chainId": true, "nonce": true, "to": true, "value": true, "data": true,
		"input": true, "gas": true, "maxFeePerGas": true, "maxPriorityFeePerGas": true, "accessList": true}
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := wire.DecodeProposal(b); err != nil {
			return
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("accepted but not an object: %v", err)
		}
		for k := range m {
			if !top[k] {
				t.Fatalf("accepted key %q", k)
			}
		}
		var tx map[string]json.RawMessage
		if err := json.Unmarshal(m["tx"], &tx); err != nil {
			t.Fatal(err)
		}
		for k := range tx {
			if !txKeys[k] {
				t.Fatalf("accepted tx key %q", k)
			}
		}
	})
}

func FuzzDecodeSigProposal(f *testing.F) {
	f.Add([]byte(`{"version":2,"id":"s-1","typedData":{"types":{"EIP712Domain":[]},"primaryType":"EIP712Domain","domain":{},"message":{}},"policyCommitment":"0x1187c5b8e75be8ca89c77ecc2e069abc73ef2f3a05af07e57153c86d6affdfaf","time":1795564800,"tokenSpent":"0x0","proof":"0x00"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := wire.DecodeSigProposal(b)
		var q wire.SigProposal // as for FuzzDecodeProposal: one verdict, one value
		qerr := wire.DecodeStrict(b, &q, "signature proposal")
		if (err == nil) != (qerr == nil) || wire.CodeOf(err) != wire.CodeOf(qerr) {
			t.Fatalf("DecodeSigProposal: %v; DecodeStrict into SigProposal: %v", err, qerr)
		}
		if err == nil {
			a, _ := json.Marshal(p)
			c, _ := json.Marshal(&q)
			if string(a) != string(c) {
				t.Fatalf("DecodeSigProposal %s, DecodeStrict %s", a, c)
			}
		}
		if err != nil {
			if wire.CodeOf(err) != wire.Malformed {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		p2, err := wire.DecodeSigProposal(out)
		if err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
		out2, _ := json.Marshal(p2)
		if string(out) != string(out2) {
			t.Fatalf("round trip: %s != %s", out, out2)
		}
		if !wire.IsSigProposal(out) {
			t.Fatal("an accepted signature proposal is not routed as one")
		}
	})
}
