package verify

import (
	"math/big"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/wasm/eip712"
	"github.com/leash-wallet/leash/wire"
)

// TypedVerifyingKey is a loaded verifying key of the typed-data circuit
// (circuits/typedcircuit), decoded as strictly as the policy circuit's.
type TypedVerifyingKey struct{ k *VerifyingKey }

// LoadTypedVerifyingKey decodes a typed-data circuit key (7 public inputs).
func LoadTypedVerifyingKey(b []byte) (*TypedVerifyingKey, error) {
	k, err := loadKey(b, policy.NumSigPublicInputs)
	if err != nil {
		return nil, err
	}
	return &TypedVerifyingKey{k: k}, nil
}

// Hash is keccak256 of the key's bytes.
func (k *TypedVerifyingKey) Hash() wire.Hash32 { return k.k.Hash() }

// Bytes returns the key's encoding.
func (k *TypedVerifyingKey) Bytes() []byte { return k.k.Bytes() }

// Signature is a verified signature proposal: the decoded document (whose
// Hash is what to sign), the message read from it and the rule that
// allows it, with its spend.
type Signature struct {
	TypedData *eip712.TypedData
	Message   *policy.TypedMessage
	Match     *policy.SigMatch
}

// VerifySignature checks signature proposal p against the pinned policy
// pol and typed-data key vk with the signer's own state st (its clock and
// window sums). Every public input comes from the document p carries and
// from st: the domain, type and words (policy.ReadTyped), the commitment,
// the skew-checked time and the signer's token sum. Refusals, in order:
// unknown_policy, malformed (the document), policy_violation:signature,
// stale_time, policy_violation:time/arg/validity/token_window,
// stale_state (the proposal's tokenSpent is not the signer's),
// proof_invalid. The replay record is the ledger's (ReserveSignature).
// With stale_state it also returns the match (the token to re-prove for).
func VerifySignature(p *wire.SigProposal, pol *policy.Policy, vk *TypedVerifyingKey, st *wire.State, opt Options) (*Signature, error) {
	if p == nil || pol == nil || vk == nil || st == nil {
		return nil, wire.Errorf(wire.Malformed, "verify: missing proposal, policy, key or state")
	}
	if p.PolicyCommitment != pol.Commitment() {
		return nil, wire.Errorf(wire.UnknownPolicy, "proposal is for policy %s, the pinned policy is %s", p.PolicyCommitment, pol.Commitment())
	}
	td, err := eip712.Decode(p.TypedData, eip712.V4)
	if err != nil {
		return nil, err
	}
	m, err := policy.ReadTyped(td)
	if err != nil {
		return nil, err
	}
	if err := checkTime(p.Time, st, opt.MaxSkew); err != nil {
		return nil, err
	}
	sm, err := pol.CheckSignature(m, st)
	if err != nil {
		return nil, err
	}
	want := new(big.Int)
	if sm.Spends {
		want = st.TokenSpent(sm.SpendToken)
	}
	if p.TokenSpent.Cmp(want) != 0 {
		return &Signature{TypedData: td, Message: m, Match: sm}, wire.Errorf(wire.StaleState, "proven against a token window sum of %s, the signer's is %s", &p.TokenSpent.Int, want)
	}
	pub, err := pol.SigPublicInputs(m, st, p.Time)
	if err != nil {
		return nil, err
	}
	v, err := vk.k.verifier()
	if err != nil {
		return nil, err
	}
	if err := v.VerifyBytes(p.Proof, pub); err != nil {
		if wire.CodeOf(err) == wire.ProofInvalid {
			return nil, wire.Errorf(wire.ProofInvalid, "the proof does not verify for this typed data, policy, state and time")
		}
		return nil, err
	}
	return &Signature{TypedData: td, Message: m, Match: sm}, nil
}
