package verify_test

import (
	"errors"
	"math/big"
	"testing"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/wire"
)

func TestVerifyAcceptsExampleProposals(t *testing.T) {
	pol := policytest.Policy(t)
	st := policytest.State(t)
	_, _, vk := policytest.Keys(t)
	for _, name := range []string{"tx-ok", "tx-ok-erc20", "tx-ok-approve", "tx-ok-swap"} {
		p := policytest.Proposal(t, pol, policytest.Tx(t, name), st)
		if len(p.Proof) != verify.ProofSize+verify.HintSize {
			t.Fatalf("%s: proof is %d bytes, want %d (with its residue hint)", name, len(p.Proof), verify.ProofSize+verify.HintSize)
		}
		if err := verify.Verify(p, pol, vk, st, verify.Options{}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// Without the hint: the same proof, checked the old way.
		plain := *p
		plain.Proof = p.Proof[:verify.ProofSize]
		if err := verify.Verify(&plain, pol, vk, st, verify.Options{}); err != nil {
			t.Fatalf("%s without its hint: %v", name, err)
		}
	}
}

// TestWrongHintRefused: a proposal whose proof is valid but whose residue
// hint is not (its last coefficient changed, or another proposal's hint) is
// proof_invalid: the signer never retries without the hint.
func TestWrongHintRefused(t *testing.T) {
	pol := policytest.Policy(t)
	st := policytest.State(t)
	_, _, vk := policytest.Keys(t)
	p := policytest.Proposal(t, pol, policytest.Tx(t, "tx-ok"), st)
	q := policytest.Proposal(t, pol, policytest.Tx(t, "tx-ok-erc20"), st)
	tampered := *p
	tampered.Proof = append([]byte(nil), p.Proof...)
	tampered.Proof[len(tampered.Proof)-1] ^= 1
	swapped := *p
	swapped.Proof = append(append([]byte(nil), p.Proof[:verify.ProofSize]...), q.Proof[verify.ProofSize:]...)
	for name, bad := range map[string]*wire.Proposal{"tampered c": &tampered, "another proposal's hint": &swapped} {
		if err := verify.Verify(bad, pol, vk, st, verify.Options{}); !errors.Is(err, wire.ErrProofInvalid) {
			t.Fatalf("%s: got %v, want proof_invalid", name, err)
		}
	}
}

// TestEveryFieldIsBound changes each field of a valid proposal in turn, and
// the signer state, and requires every change to be refused.
func TestEveryFieldIsBound(t *testing.T) {
	pol := policytest.Policy(t)
	st := policytest.State(t)
	_, _, vk := policytest.Keys(t)
	base := policytest.Proposal(t, pol, policytest.Tx(t, "tx-ok-erc20"), st)
	if err := verify.Verify(base, pol, vk, st, verify.Options{}); err != nil {
		t.Fatal(err)
	}
	other, err := policy.Decode(policytest.Example(t, "policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	addr2 := policytest.Router
	cases := []struct {
		name   string
		mutate func(p *wire.Proposal, s *wire.State)
		want   error
	}{
		{"tx.chainId", func(p *wire.Proposal, s *wire.State) { p.Tx.ChainID++ }, violation(policy.RuleChain)},
		{"tx.nonce", func(p *wire.Proposal, s *wire.State) { p.Tx.Nonce++ }, wire.ErrNonceMismatch},
		{"tx.to", func(p *wire.Proposal, s *wire.State) { p.Tx.To = addr2 }, violation(policy.RuleCall)},
		{"tx.value", func(p *wire.Proposal, s *wire.State) { p.Tx.Value = wire.QuantityFromUint64(1) }, wire.ErrProofInvalid},
		{"tx.data (amount byte)", func(p *wire.Proposal, s *wire.State) { p.Tx.Data = flip(p.Tx.Data, 67) }, wire.ErrProofInvalid},
		{"tx.data (selector)", func(p *wire.Proposal, s *wire.State) { p.Tx.Data = flip(p.Tx.Data, 0) }, violation(policy.RuleCall)},
		{"tx.data (recipient)", func(p *wire.Proposal, s *wire.State) { p.Tx.Data = flip(p.Tx.Data, 35) }, violation(policy.RuleArg)},
		{"tx.data (truncated)", func(p *wire.Proposal, s *wire.State) { p.Tx.Data = p.Tx.Data[:67] }, violation(policy.RuleCalldata)},
		{"tx.gas", func(p *wire.Proposal, s *wire.State) { p.Tx.Gas++ }, wire.ErrProofInvalid},
		{"tx.maxFeePerGas", func(p *wire.Proposal, s *wire.State) { p.Tx.MaxFeePerGas = add(p.Tx.MaxFeePerGas, 1) }, wire.ErrProofInvalid},
		{"tx.maxPriorityFeePerGas", func(p *wire.Proposal, s *wire.State) { p.Tx.MaxPriorityFeePerGas = add(p.Tx.MaxPriorityFeePerGas, -1) }, wire.ErrProofInvalid},
		{"policyCommitment", func(p *wire.Proposal, s *wire.State) { p.PolicyCommitment[31] ^= 1 }, wire.ErrUnknownPolicy},
		{"time (within skew)", func(p *wire.Proposal, s *wire.State) { p.Time++ }, wire.ErrProofInvalid},
		{"time (beyond skew)", func(p *wire.Proposal, s *wire.State) { p.Time += 3600 }, wire.ErrStaleTime},
		{"state.spent hint", func(p *wire.Proposal, s *wire.State) { p.State.Spent = add(p.State.Spent, 1) }, wire.ErrStaleState},
		{"state.fees hint", func(p *wire.Proposal, s *wire.State) { p.State.Fees = add(p.State.Fees, 1) }, wire.ErrStaleState},
		{"state.txs hint", func(p *wire.Proposal, s *wire.State) { p.State.Txs++ }, wire.ErrStaleState},
		{"state.tokenSpent hint", func(p *wire.Proposal, s *wire.State) { p.State.TokenSpent = add(p.State.TokenSpent, -1) }, wire.ErrStaleState},
		{"proof byte", func(p *wire.Proposal, s *wire.State) { p.Proof = flip(p.Proof, 40) }, wire.ErrMalformed},
		{"proof length", func(p *wire.Proposal, s *wire.State) { p.Proof = p.Proof[:len(p.Proof)-1] }, wire.ErrMalformed},
		{"version", func(p *wire.Proposal, s *wire.State) { p.Version = 1 }, wire.ErrMalformed},
		{"state.nonce", func(p *wire.Proposal, s *wire.State) { s.Nonce++ }, wire.ErrNonceMismatch},
		{"state.spent", func(p *wire.Proposal, s *wire.State) { s.Spent = add(s.Spent, 1) }, wire.ErrStaleState},
		{"state.spent and hint together", func(p *wire.Proposal, s *wire.State) {
			s.Spent = add(s.Spent, 1)
			p.State.Spent = s.Spent
		}, wire.ErrProofInvalid},
		{"state.fees and hint together", func(p *wire.Proposal, s *wire.State) {
			s.Fees = add(s.Fees, 1)
			p.State.Fees = s.Fees
		}, wire.ErrProofInvalid},
		{"state.txs and hint together", func(p *wire.Proposal, s *wire.State) {
			s.Txs++
			p.State.Txs = s.Txs
		}, wire.ErrProofInvalid},
		{"state.tokens and hint together (the prover understated the token window)", func(p *wire.Proposal, s *wire.State) {
			s.Tokens = []wire.TokenSpent{{Token: policytest.USDC, Spent: add(s.Tokens[0].Spent, 1)}}
			p.State.TokenSpent = s.Tokens[0].Spent
		}, wire.ErrProofInvalid},
		{"state.tokens of another token", func(p *wire.Proposal, s *wire.State) {
			s.Tokens = append(s.Tokens, wire.TokenSpent{Token: policytest.WETH, Spent: wire.QuantityFromUint64(1)})
		}, nil},
		{"state.fees (fee window full)", func(p *wire.Proposal, s *wire.State) {
			s.Fees = wire.NewQuantity(new(big.Int).Mul(big.NewInt(5), big.NewInt(1e16)))
			p.State.Fees = s.Fees
		}, violation(policy.RuleFeeWindow)},
		{"state.txs (count full)", func(p *wire.Proposal, s *wire.State) {
			s.Txs = 20
			p.State.Txs = 20
		}, violation(policy.RuleTxCount)},
		{"state.time", func(p *wire.Proposal, s *wire.State) { s.Time += 3600 }, wire.ErrStaleTime},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := clone(base)
			s := *st
			s.Spent = wire.NewQuantity(&st.Spent.Int)
			s.Tokens = append([]wire.TokenSpent(nil), st.Tokens...)
			c.mutate(p, &s)
			err := verify.Verify(p, other, vk, &s, verify.Options{})
			if c.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted a changed proposal")
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func clone(p *wire.Proposal) *wire.Proposal {
	q := *p
	q.Tx.Data = append(wire.Bytes(nil), p.Tx.Data...)
	q.Proof = append(wire.Bytes(nil), p.Proof...)
	q.Tx.Value = wire.NewQuantity(&p.Tx.Value.Int)
	q.Tx.MaxFeePerGas = wire.NewQuantity(&p.Tx.MaxFeePerGas.Int)
	q.Tx.MaxPriorityFeePerGas = wire.NewQuantity(&p.Tx.MaxPriorityFeePerGas.Int)
	q.State.Spent = wire.NewQuantity(&p.State.Spent.Int)
	q.State.Fees = wire.NewQuantity(&p.State.Fees.Int)
	q.State.TokenSpent = wire.NewQuantity(&p.State.TokenSpent.Int)
	return &q
}

func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 1
	return c
}

func add(q wire.Quantity, d int64) wire.Quantity {
	return wire.NewQuantity(new(big.Int).Add(&q.Int, big.NewInt(d)))
}

func violation(rule string) error { return &wire.Error{Code: wire.PolicyViolation(rule)} }
