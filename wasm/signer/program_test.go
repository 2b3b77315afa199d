package signer

import (
	"context"
	"testing"
	"time"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/wire"
)

// asProgram turns a policy proposal into one that claims a program proof.
// A fake hook decides it in these tests: what they check is the routing
// and that everything around the verifier (nonce, ledger, signing, replay)
// stays the signer core's.
func asProgram(t *testing.T, raw []byte, id string) []byte {
	return edit(t, raw, func(p *wire.Proposal) {
		p.ID = id
		p.Program = &wire.ProgramClaim{Commitment: wire.Hash32{1}, Block: 7, Inputs: []wire.Quantity{wire.QuantityFromUint64(3e11)}}
	})
}

func TestProgramProposalWithoutHookRefused(t *testing.T) {
	p0, _ := proposals(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	s := newSigner(t, NewMemStore(), clk)
	if err := s.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}
	r := s.Submit(ctx, asProgram(t, p0, "prog-1"))
	if r.Status != wire.StatusRejected || r.Code != wire.UnknownPolicy || r.RawTx != nil {
		t.Fatalf("receipt %+v", r)
	}
	if st := s.Status(); st.Nonce != 0 {
		t.Fatalf("nonce moved to %d", st.Nonce)
	}
}

func TestProgramProposalHook(t *testing.T) {
	p0, _ := proposals(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	type call struct {
		id    string
		nonce uint64
		pol   wire.Hash32
	}
	var calls []call
	verdict := error(nil)
	s := newSigner(t, NewMemStore(), clk) // the example policy pinned
	s.cfg.VerifyProgram = func(ctx context.Context, p *wire.Proposal, pol *policy.Policy, st *wire.State) error {
		calls = append(calls, call{p.ID, uint64(st.Nonce), pol.Commitment()})
		return verdict
	}
	if err := s.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}

	// The hook refuses: its code is the receipt's, nothing is signed.
	verdict = wire.Errorf(wire.InputMismatch, "fake: the oracle says otherwise")
	r := s.Submit(ctx, asProgram(t, p0, "prog-bad"))
	if r.Status != wire.StatusRejected || r.Code != wire.InputMismatch || r.RawTx != nil {
		t.Fatalf("refused by the hook: receipt %+v", r)
	}
	if len(calls) != 1 || calls[0].id != "prog-bad" || calls[0].nonce != 0 || calls[0].pol != *s.Status().PolicyCommitment {
		t.Fatalf("hook calls %+v", calls)
	}

	// The hook accepts: the core signs, reserves the nonce and refuses a replay.
	verdict = nil
	r = s.Submit(ctx, asProgram(t, p0, "prog-ok"))
	if r.Status != wire.StatusSigned || r.RawTx == nil {
		t.Fatalf("accepted by the hook: receipt %+v", r)
	}
	if st := s.Status(); st.Nonce != 1 {
		t.Fatalf("nonce %d after signing, want 1", st.Nonce)
	}
	r = s.Submit(ctx, asProgram(t, p0, "prog-ok"))
	if r.Code != wire.Replay {
		t.Fatalf("replay: receipt %+v", r)
	}
	// The core's own checks come before the hook: a stale nonce never reaches it.
	n := len(calls)
	r = s.Submit(ctx, asProgram(t, p0, "prog-stale"))
	if r.Code != wire.NonceMismatch || len(calls) != n {
		t.Fatalf("stale nonce: receipt %+v, hook called %d times", r, len(calls)-n)
	}

	// A policy proposal still goes to the policy verifier, not to the hook:
	// p1 (nonce 1, after p0's spend) is signed on its own proof.
	n = len(calls)
	_, p1 := proposals(t)
	r = s.Submit(ctx, p1)
	if r.Status != wire.StatusSigned || len(calls) != n {
		t.Fatalf("policy proposal: receipt %+v, hook called %d times", r, len(calls)-n)
	}
}
