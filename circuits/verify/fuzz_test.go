package verify_test

import (
	"encoding/json"
	"testing"

	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/circuits/wire"
)

// FuzzVerify feeds arbitrary proposal documents through decode and Verify:
// nothing may panic, every refusal is coded, and nothing is accepted unless
// it is the valid proposal itself (or a re-encoding of it).
func FuzzVerify(f *testing.F) {
	pol := policytest.Policy(f)
	st := policytest.State(f)
	_, _, vk := policytest.Keys(f)
	valid := policytest.Proposal(f, pol, policytest.Tx(f, "tx-ok"), st)
	seed, _ := json.Marshal(valid)
	f.Add(seed)
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := wire.DecodeProposal(b)
		if err != nil {
			return
		}
		err = verify.Verify(p, pol, vk, st, verify.Options{})
		if err == nil {
			if p.Tx.Nonce != valid.Tx.Nonce || string(p.Proof) != string(valid.Proof) || p.Tx.To != valid.Tx.To ||
				p.Tx.Value.Cmp(&valid.Tx.Value.Int) != 0 || string(p.Tx.Data) != string(valid.Tx.Data) {
				t.Fatalf("accepted a different proposal: %s", b)
			}
			return
		}
		if wire.CodeOf(err) == wire.Internal {
			t.Fatalf("uncoded error %v", err)
		}
	})
}

func FuzzDecodeProof(f *testing.F) {
	pol := policytest.Policy(f)
	st := policytest.State(f)
	valid := policytest.Proposal(f, pol, policytest.Tx(f, "tx-ok"), st)
	f.Add([]byte(valid.Proof))
	f.Add(make([]byte, verify.ProofSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := verify.DecodeProof(b); err != nil && wire.CodeOf(err) != wire.Malformed {
			t.Fatalf("uncoded error %v", err)
		}
	})
}
