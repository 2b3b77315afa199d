package signer

import (
	"context"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/leash-wallet/leash/circuits/policy"
	pt "github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/program/programtest"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/wire"
)

// The attacks of issue 12, played by a compromised agent host that holds
// policy.pk, the policy and the program files and sends whatever it likes.
// Each ends refused with its code, nothing signed and nothing reserved.

// attackPolicy is examples/policy.json with small windows, so that each
// window is reached in a few proofs: 3 transactions, fees of 3 × 0.01 ETH,
// 2,000 USDC.
func attackPolicy(t *testing.T) (*policy.Policy, []byte) {
	t.Helper()
	doc := string(pt.Example(t, "policy.json"))
	for old, repl := range map[string]string{
		`"maxFees": "0.05 ether", "maxTxs": 20`: `"maxFees": "0.03 ether", "maxTxs": 3`,
		`"windowMax": "2500 USDC"`:              `"windowMax": "2000 USDC"`,
	} {
		if !strings.Contains(doc, old) {
			t.Fatalf("examples/policy.json changed: %q", old)
		}
		doc = strings.Replace(doc, old, repl, 1)
	}
	pol, err := policy.Decode([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return pol, []byte(doc)
}

// attackSigner is an unlocked signer with doc pinned at t0.
func attackSigner(t *testing.T, doc []byte) (*Signer, *fakeClock) {
	t.Helper()
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	s, err := New(ctx, Config{Store: NewMemStore(), Clock: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportVault(ctx, testMnemonic, testPassword, false); err != nil {
		t.Fatal(err)
	}
	if err := s.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}
	_, _, vk := pt.Keys(t)
	if _, err := s.Pin(ctx, doc, vk.Bytes()); err != nil {
		t.Fatal(err)
	}
	return s, clk
}

// honest proves tx against the signer's own current state, as an agent
// host that follows the receipts does, with a fresh id.
func honest(t *testing.T, pol *policy.Policy, s *Signer, tx *wire.Tx, id string) (*wire.Proposal, error) {
	t.Helper()
	st := s.WindowState()
	tx.Nonce = st.Nonce
	p, err := pt.Prover(t, pol).Prove(proverRequest(tx, st, id))
	return p, err
}

func callTx(to wire.Address, data []byte) *wire.Tx {
	return &wire.Tx{ChainID: 1337, To: to, Data: data, Gas: 200_000, MaxFeePerGas: wire.QuantityFromUint64(2e9),
		MaxPriorityFeePerGas: wire.QuantityFromUint64(1e9)}
}

func usdc(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e6)) }

// assertNothingMoved: a refusal left the nonce and every window sum as it was.
func assertNothingMoved(t *testing.T, s *Signer, before *wire.State) {
	t.Helper()
	after := s.WindowState()
	if after.Nonce != before.Nonce || after.Txs != before.Txs || after.Fees.Cmp(&before.Fees.Int) != 0 ||
		after.Spent.Cmp(&before.Spent.Int) != 0 || len(after.Tokens) != len(before.Tokens) {
		t.Fatalf("a refusal moved the ledger: %+v → %+v", before, after)
	}
}

// TestAttackRouterRecipient: approve the router, then swap through it with
// the output sent to the attacker. On main this proves and signs (the
// swap's arguments were never checked); the v2 policy rules the recipient
// `is self`: the prover cannot prove it, and the same proof carried over to
// the attacker's calldata is refused by the signer's own check.
func TestAttackRouterRecipient(t *testing.T) {
	pol, doc := attackPolicy(t)
	s, _ := attackSigner(t, doc)
	approve, err := honest(t, pol, s, callTx(pt.USDC, pt.Calldata("approve(address,uint256)", pt.Router, usdc(1000))), "approve")
	if err != nil {
		t.Fatal(err)
	}
	if r := submit(t, s, approve); r.Status != wire.StatusSigned {
		t.Fatalf("approve: %+v", r)
	}
	toAttacker := callTx(pt.Router, pt.Swap(usdc(100), pt.USDC, pt.WETH, pt.Bob))
	// The host's own prover refuses, with the rule and what would pass …
	if _, err := honest(t, pol, s, toAttacker, "swap-bob"); wire.CodeOf(err) != wire.PolicyViolation(policy.RuleArg) ||
		!strings.Contains(err.Error(), "args[3]") || !strings.Contains(err.Error(), "the rule allows only "+strings.ToLower(pt.Self.Hex())) {
		t.Fatalf("pre-check: %v", err)
	}
	// … and so does the circuit without the pre-check.
	st := s.WindowState()
	toAttacker.Nonce = st.Nonce
	req := proverRequest(toAttacker, st, "swap-bob")
	req.NoPrecheck = true
	if _, err := pt.Prover(t, pol).Prove(req); wire.CodeOf(err) != wire.Unsatisfiable {
		t.Fatalf("without the pre-check: %v", err)
	}
	// A valid proof of the swap to self, sent with the attacker as recipient.
	self, err := honest(t, pol, s, callTx(pt.Router, pt.Swap(usdc(100), pt.USDC, pt.WETH, pt.Self)), "swap-self")
	if err != nil {
		t.Fatal(err)
	}
	forged := *self
	forged.ID = "swap-forged"
	forged.Tx.Data = pt.Swap(usdc(100), pt.USDC, pt.WETH, pt.Bob)
	before := s.WindowState()
	if r := submit(t, s, &forged); r.Code != wire.PolicyViolation(policy.RuleArg) || r.RawTx != nil {
		t.Fatalf("forged recipient: %+v", r)
	}
	// Neighbours: the recipient moved into the deadline's word, and the
	// attacker as the path's last token.
	for i, data := range [][]byte{
		pt.Calldata(pt.SwapSig, usdc(100), 0, 160, pt.Bob, pt.Self, 2, pt.USDC, pt.WETH),
		pt.Swap(usdc(100), pt.USDC, pt.Bob, pt.Self),
	} {
		f := *self
		f.ID = "swap-neighbour-" + string(rune('a'+i))
		f.Tx.Data = data
		if r := submit(t, s, &f); r.Code != wire.PolicyViolation(policy.RuleArg) {
			t.Fatalf("neighbour %d: %+v", i, r)
		}
	}
	assertNothingMoved(t, s, before)
	if r := submit(t, s, self); r.Status != wire.StatusSigned {
		t.Fatalf("the honest swap to self: %+v", r)
	}
	// The swap counts its input amount toward the USDC window (approve 1000 + swap 100).
	if w := s.Status().Limits; w.Tokens[0].Token != pt.USDC || w.Tokens[0].Spent.Cmp(usdc(1100)) != 0 {
		t.Fatalf("windows %+v", w.Tokens)
	}
}

// TestAttackFeeBurning: no-op transactions, each paying the whole fee cap
// with the priority fee equal to the max fee (value for a colluding block
// producer). On main every one signs; the fee window stops the fourth.
func TestAttackFeeBurning(t *testing.T) {
	pol, doc := attackPolicy(t)
	s, _ := attackSigner(t, doc)
	burn := func() *wire.Tx {
		return &wire.Tx{ChainID: 1337, To: pt.Alice, Gas: 1_000_000, MaxFeePerGas: wire.QuantityFromUint64(1e10),
			MaxPriorityFeePerGas: wire.QuantityFromUint64(1e10)} // 0.01 ETH, all of it tip
	}
	for i := 0; i < 3; i++ {
		p, err := honest(t, pol, s, burn(), "burn-"+string(rune('0'+i)))
		if err != nil {
			t.Fatal(err)
		}
		if r := submit(t, s, p); r.Status != wire.StatusSigned {
			t.Fatalf("burn %d: %+v", i, r)
		}
	}
	// The fee window is full: 3 × 0.01 ETH.
	w := s.Status().Limits
	if w.Fees.Spent.String() != "30000000000000000" || w.Fees.FreesAt != t0+86400 {
		t.Fatalf("fee window %+v", w.Fees)
	}
	if _, err := honest(t, pol, s, burn(), "burn-3"); wire.CodeOf(err) != wire.PolicyViolation(policy.RuleFeeWindow) {
		t.Fatalf("the fourth burn proves: %v", err)
	}
	// A proof made against an older window (before the third burn).
	st := s.WindowState()
	st.Fees = wire.NewQuantity(big.NewInt(2e16))
	st.Txs = 2
	tx := burn()
	tx.Nonce = st.Nonce
	p, err := pt.Prover(t, pol).Prove(proverRequest(tx, st, "burn-stale"))
	if err != nil {
		t.Fatal(err)
	}
	before := s.WindowState()
	r := submit(t, s, p)
	if r.Code != wire.StaleState || r.State == nil || r.State.Fees.String() != "30000000000000000" {
		t.Fatalf("stale window: %+v", r)
	}
	// The same proof with the signer's hint copied in: the proof is bound to
	// the public fee sum, so the pairing fails.
	p.ID, p.State = "burn-stale-2", *r.State
	if r := submit(t, s, p); r.Code != wire.PolicyViolation(policy.RuleFeeWindow) {
		t.Fatalf("hint copied: %+v", r)
	}
	assertNothingMoved(t, s, before)
}

// TestAttackRepeatedTokenTransfers: transfers, each within the per-call
// cap, repeated past the cumulative token cap (approvals count too). On
// main they all sign; the token window refuses the one that crosses it.
func TestAttackRepeatedTokenTransfers(t *testing.T) {
	pol, doc := attackPolicy(t)
	s, clk := attackSigner(t, doc)
	transfer := func(n int64) *wire.Tx {
		return callTx(pt.USDC, pt.Calldata("transfer(address,uint256)", pt.Alice, usdc(n)))
	}
	for i, n := range []int64{1000, 999} {
		p, err := honest(t, pol, s, transfer(n), "t-"+string(rune('0'+i)))
		if err != nil {
			t.Fatal(err)
		}
		if r := submit(t, s, p); r.Status != wire.StatusSigned {
			t.Fatalf("transfer %d: %+v", i, r)
		}
	}
	if _, err := honest(t, pol, s, transfer(2), "t-over"); wire.CodeOf(err) != wire.PolicyViolation(policy.RuleTokenWindow) ||
		!strings.Contains(err.Error(), "at most 1 USDC more would pass") {
		t.Fatalf("over the window: %v", err)
	}
	// Proven against a window that forgot the second transfer: over the
	// signer's own window it is refused with the rule; within it, as stale
	// (the receipt carries the signer's token sum to re-prove with).
	st := s.WindowState()
	st.SetTokenSpent(pt.USDC, usdc(1000))
	before := s.WindowState()
	for _, c := range []struct {
		n    int64
		code wire.Code
	}{{2, wire.PolicyViolation(policy.RuleTokenWindow)}, {1, wire.StaleState}} {
		tx := transfer(c.n)
		tx.Nonce = st.Nonce
		p, err := pt.Prover(t, pol).Prove(proverRequest(tx, st, "t-stale-"+string(rune('0'+c.n))))
		if err != nil {
			t.Fatal(err)
		}
		r := submit(t, s, p)
		if r.Code != c.code || (c.code == wire.StaleState && r.State.TokenSpent.Cmp(usdc(1999)) != 0) {
			t.Fatalf("stale token window, %d USDC: %+v", c.n, r)
		}
	}
	assertNothingMoved(t, s, before)
	// One exactly at the cap passes; after the window, the cap is back.
	p, err := honest(t, pol, s, transfer(1), "t-last")
	if err != nil {
		t.Fatal(err)
	}
	if r := submit(t, s, p); r.Status != wire.StatusSigned {
		t.Fatalf("at the cap: %+v", r)
	}
	tw := s.Status().Limits.Tokens[0]
	if tw.Spent.Cmp(usdc(2000)) != 0 || tw.Cap.Cmp(usdc(2000)) != 0 || tw.FreesAt != t0+86400 || tw.Symbol != "USDC" {
		t.Fatalf("token window %+v", tw)
	}
	clk.Add(24 * time.Hour)
	if _, err := honest(t, pol, s, transfer(1000), "t-next-day"); err != nil {
		t.Fatalf("the next day: %v", err)
	}
}

// TestAttackCountWindow: transactions past the count cap (each harmless on
// its own). On main there is no count; the fourth is refused here.
func TestAttackCountWindow(t *testing.T) {
	pol, doc := attackPolicy(t)
	s, _ := attackSigner(t, doc)
	small := func() *wire.Tx {
		return &wire.Tx{ChainID: 1337, To: pt.Alice, Value: wire.QuantityFromUint64(1), Gas: 21000,
			MaxFeePerGas: wire.QuantityFromUint64(1e9), MaxPriorityFeePerGas: wire.QuantityFromUint64(1)}
	}
	for i := 0; i < 3; i++ {
		p, err := honest(t, pol, s, small(), "c-"+string(rune('0'+i)))
		if err != nil {
			t.Fatal(err)
		}
		if r := submit(t, s, p); r.Status != wire.StatusSigned {
			t.Fatalf("tx %d: %+v", i, r)
		}
	}
	if _, err := honest(t, pol, s, small(), "c-3"); wire.CodeOf(err) != wire.PolicyViolation(policy.RuleTxCount) {
		t.Fatalf("the fourth: %v", err)
	}
	if c := s.Status().Limits.Txs; c.Count != 3 || c.Cap != 3 {
		t.Fatalf("count window %+v", c)
	}
}

// TestAttackPolicyProofAtProgramPool: the pinned program's pool swap, aimed
// at with a policy proof and the recipient set to the attacker. On main the
// policy had to allow the pool's selector and the proof signed. Now the
// call is programOnly: the policy circuit cannot prove it, and the signer
// refuses any policy-only proposal to it (program_only) before verifying;
// and even a policy that forgets programOnly cannot reach a pinned
// program's pool.
func TestAttackPolicyProofAtProgramPool(t *testing.T) {
	sc := programtest.Shared(t, "threshold")
	ctx := context.Background()
	d := newDevChain(t) // a program is pinned once it is published on chain
	d.publish(t, "threshold")
	s := programSigner(t, NewMemStore(), d.options(), "threshold")
	pol := programtest.Policy(t)
	swap := pt.Calldata("swapExactIn(address,uint256,uint256,address,uint256)", sc.Program.Quote, big.NewInt(1e18), 0, pt.Bob, 1<<40)
	tx := callTx(sc.Program.Pool, swap)
	st := s.WindowState()
	tx.Nonce = st.Nonce
	if _, err := pt.Prover(t, pol).Prove(proverRequest(tx, st, "pool")); wire.CodeOf(err) != wire.PolicyViolation(policy.RuleProgramOnly) {
		t.Fatalf("pre-check: %v", err)
	}
	req := proverRequest(tx, st, "pool")
	req.NoPrecheck = true
	if _, err := pt.Prover(t, pol).Prove(req); wire.CodeOf(err) != wire.Unsatisfiable {
		t.Fatalf("the policy circuit proved a programOnly call: %v", err)
	}
	// A valid policy proof (an approve) carried over to the pool's swap.
	approve := callTx(sc.Program.Quote, pt.Calldata("approve(address,uint256)", sc.Program.Pool, big.NewInt(1e18)))
	approve.Nonce = st.Nonce
	p, err := pt.Prover(t, pol).Prove(proverRequest(approve, st, "pool-forged"))
	if err != nil {
		t.Fatal(err)
	}
	p.Tx = *tx
	p.Tx.Nonce = st.Nonce
	before := s.WindowState()
	if r := submit(t, s, p); r.Code != wire.ProgramOnly || r.RawTx != nil {
		t.Fatalf("policy proof at the pool: %+v", r)
	}
	// Locked, it is refused too, not queued for later.
	s.Lock(ctx)
	p.ID = "pool-locked"
	if r := submit(t, s, p); r.Code != wire.ProgramOnly || len(s.Pending()) != 0 {
		t.Fatalf("locked: %+v", r)
	}
	_ = s.Unlock(ctx, testPassword)
	assertNothingMoved(t, s, before)

	// A policy whose author forgot programOnly: its own proof of the pool
	// swap is valid, and the signer still refuses it, because the pool is
	// a pinned program's.
	loose := strings.Replace(string(programtest.Example(t, "policy.json")), `"programOnly": true,`, ``, 1)
	lpol, err := policy.Decode([]byte(loose))
	if err != nil {
		t.Fatal(err)
	}
	_, _, vk := pt.Keys(t)
	if _, err := s.Pin(ctx, []byte(loose), vk.Bytes()); err != nil {
		t.Fatal(err)
	}
	self := callTx(sc.Program.Pool, pt.Calldata("swapExactIn(address,uint256,uint256,address,uint256)", sc.Program.Quote, big.NewInt(1e18), 0, pt.Self, 1<<40))
	lp, err := honest(t, lpol, s, self, "pool-loose")
	if err != nil {
		t.Fatalf("a loose policy's proof of the pool swap: %v", err)
	}
	if r := submit(t, s, lp); r.Code != wire.ProgramOnly {
		t.Fatalf("second line: %+v", r)
	}
	assertNothingMoved(t, s, before)
	// Unpinned, the pool is the loose policy's to use (the registry,
	// which holds the examples' policy, not this one, is set aside).
	if err := s.UnpinProgram(ctx, sc.Pin.Commitment); err != nil {
		t.Fatal(err)
	}
	s.Configure(ChainOptions{RPC: d.call})
	if r := submit(t, s, lp); r.Status != wire.StatusSigned {
		t.Fatalf("without the program: %+v", r)
	}
}

// TestPolicyForAnotherAccount: "self" means the policy's account, so a
// policy committed for another account is refused at pin time and at
// decision time.
func TestPolicyForAnotherAccount(t *testing.T) {
	_, doc := attackPolicy(t)
	other := strings.Replace(string(doc), `"account": "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"`, `"account": "0x90F79bf6EB2c4f870365E785982E1f101E93b906"`, 1)
	ctx := context.Background()
	s, _ := attackSigner(t, doc)
	_, _, vk := pt.Keys(t)
	if _, err := s.Pin(ctx, []byte(other), vk.Bytes()); wire.CodeOf(err) != wire.Malformed || !strings.Contains(err.Error(), "not this wallet's address") {
		t.Fatalf("pin: %v", err)
	}
	// Pinned before the vault existed: refused when deciding.
	s2, err := New(ctx, Config{Store: NewMemStore(), Clock: (&fakeClock{t: time.Unix(t0, 0)}).Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Pin(ctx, []byte(other), vk.Bytes()); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.ImportVault(ctx, testMnemonic, testPassword, false); err != nil {
		t.Fatal(err)
	}
	_ = s2.Unlock(ctx, testPassword)
	opol, _ := policy.Decode([]byte(other))
	p, err := honest(t, opol, s2, &wire.Tx{ChainID: 1337, To: pt.Alice, Value: wire.QuantityFromUint64(1), Gas: 21000,
		MaxFeePerGas: wire.QuantityFromUint64(1e9), MaxPriorityFeePerGas: wire.QuantityFromUint64(1)}, "other")
	if err != nil {
		t.Fatal(err)
	}
	if r := submit(t, s2, p); r.Code != wire.UnknownPolicy || !strings.Contains(r.Message, "signs as") {
		t.Fatalf("decide: %+v", r)
	}
}

func proverRequest(tx *wire.Tx, st *wire.State, id string) prover.Request {
	return prover.Request{ID: id, Tx: tx, State: st}
}

// TestInspectNamesV2Rule: the approval screen (the display model) names the
// v2 call that allows a proposal with each argument's rule, from the same
// check the signer applies; the router-recipient attack shows the rule it
// breaks instead, and nothing is signed.
func TestInspectNamesV2Rule(t *testing.T) {
	pol, doc := attackPolicy(t)
	s, _ := attackSigner(t, doc)
	ctx := context.Background()
	self, err := honest(t, pol, s, callTx(pt.Router, pt.Swap(usdc(100), pt.USDC, pt.WETH, pt.Self)), "swap-self")
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.Inspect(ctx, mustJSON(t, self))
	if err != nil {
		t.Fatal(err)
	}
	if v.Violation != nil || !v.Proof.OK || !strings.Contains(v.Rule, "swapExactTokensForTokens(") || !strings.Contains(v.Rule, "must be self") {
		t.Fatalf("rule %q violation %+v proof %+v", v.Rule, v.Violation, v.Proof)
	}
	var recipient *RuleArg
	for i := range v.RuleArgs {
		if strings.Contains(v.RuleArgs[i].Rule, "must be self") {
			recipient = &v.RuleArgs[i]
		}
	}
	if recipient == nil || recipient.Type != "address" || !strings.EqualFold(recipient.Value[:42], pt.Self.Hex()) {
		t.Fatalf("args %+v", v.RuleArgs)
	}
	if !strings.Contains(v.Spend, "USDC") || !strings.Contains(v.Rule, "counts") {
		t.Fatalf("spend %q", v.Spend)
	}
	forged := *self
	forged.ID = "swap-forged"
	forged.Tx.Data = pt.Swap(usdc(100), pt.USDC, pt.WETH, pt.Bob)
	vf, err := s.Inspect(ctx, mustJSON(t, &forged))
	if err != nil {
		t.Fatal(err)
	}
	if vf.Rule != "" || len(vf.RuleArgs) != 0 || vf.Violation == nil || vf.Violation.Code != string(wire.PolicyViolation(policy.RuleArg)) || !hasWarning(vf.Warnings, WarnPolicy) {
		t.Fatalf("forged: rule %q violation %+v", vf.Rule, vf.Violation)
	}
}
