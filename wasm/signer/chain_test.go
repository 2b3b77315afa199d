package signer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leash-wallet/leash/chain/ethchain"
	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/program/programtest"
	"github.com/leash-wallet/leash/wire"
)

// TestNonceStep is issue 13's item 4: one lying eth_getTransactionCount
// moved the ledger's next nonce to 2^40 for ever (the test fails on the
// old code: "the ledger's next nonce moved to 1099511627776"). Now the RPC
// moves it by at most NonceStep past the last nonce the signer or the user
// vouched for; a larger jump waits for the user.
func TestNonceStep(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	store := NewMemStore()
	s := newSigner(t, store, clk)
	if n, _ := s.SyncNonce(ctx, 1<<40); n != 0 {
		t.Fatalf("the ledger's next nonce moved to %d", n)
	}
	h := s.Status().NonceHold
	if h == nil || h.Chain != 1<<40 || h.Ledger != 0 {
		t.Fatalf("hold %+v", h)
	}
	// Within the step: moved, and the hold is gone.
	if n, _ := s.SyncNonce(ctx, NonceStep); n != NonceStep || s.Status().NonceHold != nil {
		t.Fatalf("within the step: %d, hold %+v", n, s.Status().NonceHold)
	}
	// Repeated syncs cannot walk it up a step at a time: the step counts
	// from the anchor (here 0), not from the last sync.
	if n, _ := s.SyncNonce(ctx, NonceStep+1); n != NonceStep || s.Status().NonceHold == nil {
		t.Fatalf("walking up: %d, hold %+v", n, s.Status().NonceHold)
	}
	if _, err := s.ConfirmNonce(ctx, NonceStep+2); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("confirming a value the user was not shown: %v", err)
	}
	if n, err := s.ConfirmNonce(ctx, NonceStep+1); err != nil || n != NonceStep+1 || s.Status().NonceHold != nil {
		t.Fatalf("confirmed: %d, %v", n, err)
	}
	// The confirmation is the new anchor.
	if n, _ := s.SyncNonce(ctx, 2*NonceStep+1); n != 2*NonceStep+1 {
		t.Fatalf("a step past the confirmed nonce: %d", n)
	}
	if n, _ := s.SyncNonce(ctx, 2*NonceStep+2); n != 2*NonceStep+1 || s.Status().NonceHold == nil {
		t.Fatalf("beyond: %d", n)
	}
	if n := s.ResetNonce(ctx); n != 2*NonceStep+1 || s.Status().NonceHold != nil {
		t.Fatalf("dismissed: %d, %+v", n, s.Status().NonceHold)
	}
	if _, err := s.ConfirmNonce(ctx, 2*NonceStep+2); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("confirming a dismissed jump: %v", err)
	}
	// Never backwards.
	if n, _ := s.SyncNonce(ctx, 3); n != 2*NonceStep+1 {
		t.Fatalf("moved back to %d", n)
	}
	// A restart keeps the anchor and the nonce.
	s = newSigner(t, store, clk)
	if st := s.Status(); st.Nonce != 2*NonceStep+1 {
		t.Fatalf("after restart: %d", st.Nonce)
	}
	if n, _ := s.SyncNonce(ctx, 2*NonceStep+2); n != 2*NonceStep+1 {
		t.Fatalf("after restart, beyond the step: %d", n)
	}
	// Every held jump and every decision is in the audit log.
	entries, err := s.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var held, confirmed, dismissed int
	for _, e := range entries {
		switch {
		case e.Kind == "nonce" && strings.Contains(e.Message, "until the user confirms"):
			held++
		case e.Kind == "nonce" && strings.Contains(e.Message, "confirmed"):
			confirmed++
		case e.Kind == "nonce" && strings.Contains(e.Message, "dismissed"):
			dismissed++
		}
	}
	if held != 4 || confirmed != 1 || dismissed != 1 {
		t.Fatalf("audit: %d held, %d confirmed, %d dismissed", held, confirmed, dismissed)
	}
}

// TestNonceAnchorFollowsSignatures: the signer's own signature vouches for
// its nonce, so the step counts from there.
func TestNonceAnchorFollowsSignatures(t *testing.T) {
	p0, _ := proposals(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	store := NewMemStore()
	s := newSigner(t, store, clk)
	if err := s.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}
	if r := s.Submit(ctx, p0); r.Status != wire.StatusSigned {
		t.Fatalf("%+v", r)
	}
	if n, _ := s.SyncNonce(ctx, 1+NonceStep); n != 1+NonceStep {
		t.Fatalf("a step past the signature: %d", n)
	}
	s = newSigner(t, store, clk) // the anchor is stored
	if n, _ := s.SyncNonce(ctx, 2+NonceStep); n != 1+NonceStep {
		t.Fatalf("beyond it after a restart: %d", n)
	}
}

// TestRefreshNonce: the core reads the nonce itself, through its own RPC,
// on the pinned policy's chain; a lying RPC cannot move it past the step,
// and with a second RPC the two must agree.
func TestRefreshNonce(t *testing.T) {
	d := newDevChain(t)
	ctx := context.Background()
	chainCount, err := d.eth.PendingNonceAt(testCtx(t), d.dev.Accounts()[0].Address)
	if err != nil || chainCount <= NonceStep {
		t.Fatalf("the devnet's account 0 sent %d transactions, %v", chainCount, err)
	}
	liar := &lying{real: d.call}
	s := programSigner(t, NewMemStore(), ChainOptions{RPC: liar.call})
	// A fresh ledger for an account that already sent transactions: the
	// jump is held for the user, who confirms it once.
	if n, err := s.RefreshNonce(ctx); err != nil || n != 0 || s.Status().NonceHold == nil || uint64(s.Status().NonceHold.Chain) != chainCount {
		t.Fatalf("fresh ledger: %d, %v, %+v", n, err, s.Status().NonceHold)
	}
	if n, err := s.ConfirmNonce(ctx, chainCount); err != nil || n != chainCount {
		t.Fatalf("confirm: %d, %v", n, err)
	}
	liar.set(func(method string, _ []any) (json.RawMessage, error, bool) {
		return json.RawMessage(`"0x10000000000"`), nil, method == "eth_getTransactionCount"
	})
	if n, err := s.RefreshNonce(ctx); err != nil || n != chainCount {
		t.Fatalf("lying RPC: %d, %v", n, err)
	}
	if h := s.Status().NonceHold; h == nil || h.Chain != 1<<40 {
		t.Fatalf("hold %+v", h)
	}
	s.ResetNonce(ctx)
	// With an honest second RPC the lie does not pass: the reads disagree.
	s.Configure(ChainOptions{RPC: liar.call, SecondRPC: ethchain.Transport(d.eth.Client())})
	if _, err := s.RefreshNonce(ctx); !errors.Is(err, wire.ErrInputUnavailable) {
		t.Fatalf("disagreeing RPCs: %v", err)
	}
	if st := s.Status(); st.Nonce != wire.Uint64(chainCount) || st.NonceHold != nil {
		t.Fatalf("state moved: %+v", st)
	}
	// An RPC of another chain is not read at all.
	liar.set(func(method string, _ []any) (json.RawMessage, error, bool) {
		return json.RawMessage(`"0x1"`), nil, method == "eth_chainId"
	})
	s.Configure(ChainOptions{RPC: liar.call})
	if _, err := s.RefreshNonce(ctx); !errors.Is(err, wire.ErrWrongChain) {
		t.Fatalf("another chain: %v", err)
	}
	s.Configure(ChainOptions{})
	if _, err := s.RefreshNonce(ctx); !errors.Is(err, wire.ErrInputUnavailable) {
		t.Fatalf("no RPC: %v", err)
	}
}

// TestPolicyRegistryInCore: the registry check that the extension did in
// JavaScript (and the native host again) is the core's, before every
// signature, failing closed.
func TestPolicyRegistryInCore(t *testing.T) {
	p0, _ := proposals(t)
	d := newDevChain(t)
	ctx := context.Background()
	key := d.dev.Accounts()[0].Key
	newOne := func(opts ChainOptions) *Signer {
		clk := &fakeClock{t: time.Unix(t0, 0)}
		s, err := New(ctx, Config{Store: NewMemStore(), Clock: clk.Now, ChainOptions: opts})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportVault(ctx, testMnemonic, testPassword, false); err != nil {
			t.Fatal(err)
		}
		_, _, vk := policytest.Keys(t)
		if _, err := s.Pin(ctx, policytest.Example(t, "policy.json"), vk.Bytes()); err != nil {
			t.Fatal(err)
		}
		if err := s.Unlock(ctx, testPassword); err != nil {
			t.Fatal(err)
		}
		return s
	}
	expect := func(name string, opts ChainOptions, code wire.Code, msg string) {
		t.Helper()
		s := newOne(opts)
		r := s.Submit(ctx, p0)
		if code == "" {
			if r.Status != wire.StatusSigned {
				t.Fatalf("%s: %+v", name, r)
			}
			return
		}
		if r.Status != wire.StatusRejected || r.Code != code || r.RawTx != nil || !strings.Contains(r.Message, msg) {
			t.Fatalf("%s: %+v, want %s naming %q", name, r, code, msg)
		}
		if st := s.Status(); st.Nonce != 0 || st.Spent.Big().Sign() != 0 {
			t.Fatalf("%s: state moved %+v", name, st)
		}
	}
	expect("nothing published", d.options(), wire.UnknownPolicy, "no policy commitment")
	expect("no registry: no on-chain check", ChainOptions{RPC: d.call}, "", "")

	_, _, vk := policytest.Keys(t)
	C := policytest.Policy(t).Commitment()
	if _, err := d.reg.Publish(testCtx(t), key, C, wire.Hash32{7}); err != nil {
		t.Fatal(err)
	}
	expect("another key published", d.options(), wire.UnknownPolicy, "vk hash")
	if _, err := d.reg.Publish(testCtx(t), key, wire.Hash32{8}, vk.Hash()); err != nil {
		t.Fatal(err)
	}
	expect("another policy published", d.options(), wire.UnknownPolicy, "is not the pinned")
	if _, err := d.reg.Publish(testCtx(t), key, C, vk.Hash()); err != nil {
		t.Fatal(err)
	}
	expect("published", d.options(), "", "")
	expect("registry without an RPC", ChainOptions{Registry: wire.Address(d.addrs.Registry)}, wire.UnknownPolicy, "no RPC")
	expect("no contract there", ChainOptions{RPC: d.call, Registry: wire.Address{0xde, 0xad}}, wire.UnknownPolicy, "registry")
	expect("a token as the registry", ChainOptions{RPC: d.call, Registry: wire.Address(d.addrs.USD)}, wire.UnknownPolicy, "registry")
	down := func(context.Context, string, []any) (json.RawMessage, error) {
		return nil, errors.New("connection refused")
	}
	expect("RPC down", ChainOptions{RPC: down, Registry: wire.Address(d.addrs.Registry)}, wire.UnknownPolicy, "connection refused")
	if _, err := d.reg.Revoke(testCtx(t), key); err != nil {
		t.Fatal(err)
	}
	expect("revoked: the kill switch", d.options(), wire.Revoked, "revoked")
}

// TestWrongChain: an RPC that serves another chain than the pinned
// policy's is refused when the user enters it and before every use.
func TestWrongChain(t *testing.T) {
	d := newDevChain(t)
	d.publish(t, "threshold")
	d.setPrice(t, buyPrice)
	ctx := context.Background()
	liar := &lying{real: d.call}
	s := programSigner(t, NewMemStore(), ChainOptions{RPC: liar.call, Registry: wire.Address(d.addrs.Registry)}, "threshold")
	if id, err := s.CheckRPC(ctx, d.call); err != nil || id != 1337 {
		t.Fatalf("the devnet: %d, %v", id, err)
	}
	liar.set(func(method string, _ []any) (json.RawMessage, error, bool) {
		return json.RawMessage(`"0x1"`), nil, method == "eth_chainId"
	})
	if id, err := s.CheckRPC(ctx, liar.call); !errors.Is(err, wire.ErrWrongChain) || id != 1 || !strings.Contains(err.Error(), "1337") {
		t.Fatalf("another chain: %d, %v", id, err)
	}
	down := func(context.Context, string, []any) (json.RawMessage, error) {
		return nil, errors.New("connection refused")
	}
	if _, err := s.CheckRPC(ctx, down); !errors.Is(err, wire.ErrInputUnavailable) {
		t.Fatalf("unreachable: %v", err)
	}
	if r := submit(t, s, d.prove(t, "threshold", 0)); r.Code != wire.WrongChain {
		t.Fatalf("program proposal: %+v", r)
	}
	p0, _ := proposals(t)
	s2 := newSigner(t, NewMemStore(), &fakeClock{t: time.Unix(t0, 0)})
	_ = s2.Unlock(ctx, testPassword)
	s2.Configure(ChainOptions{RPC: liar.call, Registry: wire.Address(d.addrs.Registry)})
	if r := s2.Submit(ctx, p0); r.Code != wire.WrongChain {
		t.Fatalf("policy proposal: %+v", r)
	}
	// Pinning a program reads the registry: not on another chain.
	s3 := programSigner(t, NewMemStore(), ChainOptions{RPC: liar.call, Registry: wire.Address(d.addrs.Registry)})
	if _, err := s3.PinProgram(ctx, programtest.Example(t, "threshold.json"), programtest.Keys(t, programtest.Program(t, "threshold").Tmpl()).VK.Bytes()); !errors.Is(err, wire.ErrWrongChain) {
		t.Fatalf("pin: %v", err)
	}
}

// TestSecondRPC: with a second RPC configured, every read the signer
// relies on (oracle re-reads, the head, the registry) must agree on both,
// or nothing is signed (input_unavailable).
func TestSecondRPC(t *testing.T) {
	d := newDevChain(t)
	d.publish(t, "threshold")
	d.setPrice(t, buyPrice)
	second := &lying{real: ethchain.Transport(d.eth.Client())}
	opts := d.options()
	opts.SecondRPC = second.call
	p := d.prove(t, "threshold", 0)
	to := func(params []any) string {
		if m, ok := params[0].(map[string]any); ok {
			s, _ := m["to"].(string)
			return strings.ToLower(s)
		}
		return ""
	}
	oracle, registry := strings.ToLower(d.addrs.Oracle.Hex()), strings.ToLower(d.addrs.Registry.Hex())
	for _, tc := range []struct {
		name string
		lie  func(method string, params []any) (json.RawMessage, error, bool)
	}{
		{"another oracle answer", func(method string, params []any) (json.RawMessage, error, bool) {
			if method != "eth_call" || to(params) != oracle {
				return nil, nil, false
			}
			return json.RawMessage(fmt.Sprintf(`"0x%064x%064x%064x%064x%064x"`, 9, 2900_00000000, 1, 1, 9)), nil, true
		}},
		{"the program revoked", func(method string, params []any) (json.RawMessage, error, bool) {
			if method != "eth_call" || to(params) != registry || !strings.HasPrefix(params[0].(map[string]any)["data"].(string), "0xe96b4f01") {
				return nil, nil, false
			}
			return json.RawMessage(fmt.Sprintf(`"0x%s%064x"`, programtest.Keys(t, programtest.Program(t, "threshold").Tmpl()).VK.Hash().Hex()[2:], 1)), nil, true
		}},
		{"another head", func(method string, _ []any) (json.RawMessage, error, bool) {
			return json.RawMessage(`"0x400"`), nil, method == "eth_blockNumber"
		}},
		{"another block time", func(method string, params []any) (json.RawMessage, error, bool) {
			if method != "eth_getBlockByNumber" {
				return nil, nil, false
			}
			return json.RawMessage(fmt.Sprintf(`{"number":%q,"timestamp":"0x1"}`, params[0])), nil, true
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := programSigner(t, NewMemStore(), opts, "threshold")
			second.set(tc.lie)
			defer second.set(nil)
			r := submit(t, s, p)
			if r.Status != wire.StatusRejected || r.Code != wire.InputUnavailable || r.RawTx != nil {
				t.Fatalf("receipt %+v", r)
			}
			if !strings.Contains(r.Message, "disagree") {
				t.Fatalf("message %q", r.Message)
			}
			if st := s.Status(); st.Nonce != 0 || st.Programs[0].LastBlock != nil {
				t.Fatalf("state moved: %+v", st)
			}
		})
	}
	// Both honest: signed, and the second endpoint was asked.
	s := programSigner(t, NewMemStore(), opts, "threshold")
	before := second.calls
	if r := submit(t, s, p); r.Status != wire.StatusSigned {
		t.Fatalf("agreeing RPCs: %+v", r)
	}
	if second.calls-before < 5 {
		t.Fatalf("the second RPC answered %d reads", second.calls-before)
	}
	if !s.Status().Chain.SecondRPC {
		t.Fatal("status does not say reads are cross-checked")
	}
	// The revocation on chain against a second RPC that hides it.
	if _, err := d.reg.Revoke(testCtx(t), d.dev.Accounts()[0].Key); err != nil {
		t.Fatal(err)
	}
	live := fmt.Sprintf(`"0x%s%s%064x"`, programtest.Policy(t).Commitment().Hex()[2:], func() string { _, _, vk := policytest.Keys(t); return vk.Hash().Hex()[2:] }(), 0)
	second.set(func(method string, params []any) (json.RawMessage, error, bool) {
		ok := method == "eth_call" && to(params) == registry && strings.HasPrefix(params[0].(map[string]any)["data"].(string), "0xf662b881")
		return json.RawMessage(live), nil, ok
	})
	opts.MaxBlockAge = 100
	s = programSigner(t, NewMemStore(), opts, "threshold")
	if r := submit(t, s, edited(t, p, func(q *wire.Proposal) { q.ID = "after-revoke" })); r.Code != wire.InputUnavailable {
		t.Fatalf("a revocation one RPC hides: %+v", r)
	}
}
