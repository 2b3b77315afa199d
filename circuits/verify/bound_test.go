package verify_test

import (
	"testing"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/wire"
)

// TestEveryPublicInputIsBound perturbs each public input of a valid proof
// and requires the pairing check to fail. A public input that appeared in no
// constraint would have a zero K point and would not be bound at all.
func TestEveryPublicInputIsBound(t *testing.T) {
	pol := policytest.Policy(t)
	st := policytest.State(t)
	_, _, vk := policytest.Keys(t)
	p := policytest.Proposal(t, pol, policytest.Tx(t, "tx-ok-erc20"), st)
	pub, err := pol.PublicInputs(&p.Tx, st, p.Time)
	if err != nil {
		t.Fatal(err)
	}
	if err := verify.VerifyProof(vk, p.Proof, pub); err != nil {
		t.Fatal(err)
	}
	for i := range pub {
		changed := append(pub[:0:0], pub...)
		one := policy.ElemU64(1)
		changed[i].Add(&changed[i], &one)
		if err := verify.VerifyProof(vk, p.Proof, changed); err == nil || wire.CodeOf(err) != wire.ProofInvalid {
			t.Errorf("public input %d (%s) is not bound: %v", i, policy.PublicInputNames[i], err)
		}
	}
}
