package verify_test

import (
	"encoding/json"
	"testing"

	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/wire"
)

// FuzzVerify feeds arbitrary proposal documents through decode and Verify:
// nothing may panic, every refusal is coded, and nothing is accepted unless
// it carries the very transaction that was proven.
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
			// Groth16 proofs are randomized, so another valid proof may exist,
			// but only ever for the very same transaction.
			got, _ := json.Marshal(p.Tx)
			want, _ := json.Marshal(valid.Tx)
			if string(got) != string(want) {
				t.Fatalf("accepted a different transaction: %s", got)
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
	f.Add([]byte(valid.Proof))                    // with its residue hint
	f.Add([]byte(valid.Proof[:verify.ProofSize])) // without
	f.Add(make([]byte, verify.ProofSize))
	f.Add(make([]byte, verify.ProofSize+verify.HintSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := verify.DecodeProof(b); err != nil && wire.CodeOf(err) != wire.Malformed {
			t.Fatalf("uncoded error %v", err)
		}
	})
}
