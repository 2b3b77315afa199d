package signer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/types"

	"github.com/leash-wallet/leash/wire"
)

func TestSignCheckedByEthers(t *testing.T) {
	p0, _ := proposals(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	s := newSigner(t, NewMemStore(), clk)
	if err := s.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}
	r := s.Submit(ctx, p0)
	if r.Status != wire.StatusSigned || r.RawTx == nil || r.TxHash == nil {
		t.Fatalf("receipt %+v", r)
	}
	if len(r.RawTx) == 0 || r.RawTx[0] != 0x02 {
		t.Fatal("not an EIP-1559 envelope")
	}
	p, _ := wire.DecodeProposal(p0)

	// go-ethereum's own decoding.
	var tx types.Transaction
	if err := tx.UnmarshalBinary(r.RawTx); err != nil {
		t.Fatal(err)
	}
	sender, err := types.Sender(types.LatestSignerForChainID(tx.ChainId()), &tx)
	if err != nil || sender.Hex() != testAddress {
		t.Fatalf("sender %s %v", sender.Hex(), err)
	}

	// An independent library: ethers v6.
	got := ethersDecode(t, "0x"+fmt.Sprintf("%x", []byte(r.RawTx)))[0]
	want := map[string]any{
		"type":                 float64(2),
		"chainId":              fmt.Sprintf("0x%x", uint64(p.Tx.ChainID)),
		"nonce":                fmt.Sprintf("0x%x", uint64(p.Tx.Nonce)),
		"to":                   strings.ToLower(p.Tx.To.Hex()),
		"value":                bigHex(p.Tx.Value),
		"data":                 "0x" + fmt.Sprintf("%x", []byte(p.Tx.Data)),
		"gas":                  fmt.Sprintf("0x%x", uint64(p.Tx.Gas)),
		"maxFeePerGas":         bigHex(p.Tx.MaxFeePerGas),
		"maxPriorityFeePerGas": bigHex(p.Tx.MaxPriorityFeePerGas),
		"from":                 testAddress,
		"hash":                 r.TxHash.Hex(),
		"signatureValid":       true,
	}
	for k, w := range want {
		g := got[k]
		if gs, ok := g.(string); ok && k == "to" {
			g = strings.ToLower(gs)
		}
		if fmt.Sprint(g) != fmt.Sprint(w) {
			t.Errorf("ethers %s = %v, want %v", k, g, w)
		}
	}
	if al, _ := got["accessList"].([]any); len(al) != 0 {
		t.Errorf("access list %v", got["accessList"])
	}

	// The same proposal again is a replay; a copy under a new id meets the
	// advanced nonce.
	if r := s.Submit(ctx, p0); r.Code != wire.Replay {
		t.Fatalf("replay: %+v", r)
	}
	r2 := s.Submit(ctx, withID(t, p0, "p0-again"))
	if r2.Code != wire.NonceMismatch || r2.Nonce == nil || *r2.Nonce != 1 || r2.State == nil || r2.State.Spent.Cmp(p.Tx.Value.Big()) != 0 ||
		r2.State.Txs != 1 || r2.State.Fees.Sign() == 0 {
		t.Fatalf("nonce mismatch receipt %+v", r2)
	}
}

func TestStaleStateAndSecondSign(t *testing.T) {
	_, p1 := proposals(t)
	p0, _ := proposals(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	s := newSigner(t, NewMemStore(), clk)
	_ = s.Unlock(ctx, testPassword)
	// p1 before p0: the nonce is 0.
	if r := s.Submit(ctx, p1); r.Code != wire.NonceMismatch || *r.Nonce != 0 {
		t.Fatalf("%+v", r)
	}
	if r := s.Submit(ctx, p0); r.Status != wire.StatusSigned {
		t.Fatalf("%+v", r)
	}
	// p1 with a wrong hint is stale_state, carrying the signer's view.
	for name, f := range map[string]func(p *wire.Proposal){
		"spent": func(p *wire.Proposal) { p.State.Spent = wire.Quantity{} },
		"fees":  func(p *wire.Proposal) { p.State.Fees = wire.Quantity{} },
		"txs":   func(p *wire.Proposal) { p.State.Txs = 0 },
	} {
		stale := edit(t, p1, func(p *wire.Proposal) { p.ID = "p1-stale-" + name; f(p) })
		r := s.Submit(ctx, stale)
		if r.Code != wire.StaleState || *r.Nonce != 1 || r.State == nil || r.State.Spent.Sign() == 0 || r.State.Txs != 1 {
			t.Fatalf("stale %s: %+v", name, r)
		}
	}
	if r := s.Submit(ctx, p1); r.Status != wire.StatusSigned {
		t.Fatalf("p1: %+v", r)
	}
	// A proposal whose proof was bound to other fields is refused.
	forged := edit(t, p1, func(p *wire.Proposal) {
		p.ID = "forged"
		p.Tx.Nonce = 2
		p.State = currentHint(s)
	})
	if r := s.Submit(ctx, forged); r.Code != wire.ProofInvalid {
		t.Fatalf("forged: %+v", r)
	}
	// Time moves past the skew: stale_time.
	clk.Add(10 * time.Minute)
	late := edit(t, p1, func(p *wire.Proposal) {
		p.ID = "late"
		p.Tx.Nonce = 2
		p.State = currentHint(s)
	})
	if r := s.Submit(ctx, late); r.Code != wire.StaleTime {
		t.Fatalf("late: %+v", r)
	}
}

func TestRefusals(t *testing.T) {
	p0, _ := proposals(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	s := newSigner(t, NewMemStore(), clk)
	_ = s.Unlock(ctx, testPassword)
	cases := map[string]struct {
		raw  []byte
		code wire.Code
	}{
		"not json":      {[]byte("{"), wire.Malformed},
		"unknown field": {[]byte(strings.Replace(string(p0), `"version":2`, `"version":2,"x":1`, 1)), wire.Malformed},
		"other policy":  {edit(t, p0, func(p *wire.Proposal) { p.ID = "o"; p.PolicyCommitment[31] ^= 1 }), wire.UnknownPolicy},
		"short proof":   {edit(t, p0, func(p *wire.Proposal) { p.ID = "s"; p.Proof = p.Proof[:10] }), wire.Malformed},
		"other from": {edit(t, p0, func(p *wire.Proposal) {
			p.ID = "f"
			a := wire.Address{1}
			p.Tx.From = &a
		}), wire.Malformed},
		"huge": {[]byte(`{"id":"` + strings.Repeat("a", 1<<20) + `"}`), wire.Malformed},
	}
	for name, c := range cases {
		if r := s.Submit(ctx, c.raw); r.Code != c.code || r.Status != wire.StatusRejected {
			t.Errorf("%s: %+v", name, r)
		}
	}
	if st := s.Status(); st.Nonce != 0 || st.Spent.Sign() != 0 || st.Limits.Txs.Count != 0 || st.Limits.Fees.Spent.Sign() != 0 {
		t.Fatalf("refusals changed the ledger: %+v", st)
	}
}

// currentHint is the signer's window as a proposal hint (plain transfers:
// no token).
func currentHint(s *Signer) wire.Hint {
	st := s.WindowState()
	return wire.Hint{Spent: st.Spent, Fees: st.Fees, Txs: st.Txs}
}

// TestLockedKeptAcrossRestart: a proposal arriving while locked is answered
// pending/locked, kept in the store across a restart, and signed by Retry
// after unlock.
func TestLockedKeptAcrossRestart(t *testing.T) {
	p0, _ := proposals(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	store := NewMemStore()
	s := newSigner(t, store, clk)
	r := s.Submit(ctx, p0)
	if r.Status != wire.StatusPending || r.Code != wire.Locked {
		t.Fatalf("%+v", r)
	}
	if r := s.Submit(ctx, p0); r.Status != wire.StatusPending { // redelivery: kept once
		t.Fatalf("%+v", r)
	}
	if n := len(s.Pending()); n != 1 {
		t.Fatalf("%d pending", n)
	}
	if _, err := s.Retry(ctx); !errors.Is(err, wire.ErrLocked) {
		t.Fatalf("retry while locked: %v", err)
	}

	s2 := newSigner(t, store, clk) // the service worker restarted
	if n := len(s2.Pending()); n != 1 {
		t.Fatalf("%d pending after restart", n)
	}
	if err := s2.Unlock(ctx, "wrong password"); !errors.Is(err, wire.ErrBadPassword) {
		t.Fatalf("%v", err)
	}
	if err := s2.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}
	rs, err := s2.Retry(ctx)
	if err != nil || len(rs) != 1 || rs[0].Status != wire.StatusSigned {
		t.Fatalf("retry: %+v %v", rs, err)
	}
	if len(s2.Pending()) != 0 {
		t.Fatal("queue not drained")
	}
	s3 := newSigner(t, store, clk)
	if len(s3.Pending()) != 0 || s3.Status().Nonce != 1 {
		t.Fatalf("after restart: %+v", s3.Status())
	}
	entries, err := s3.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var decisions []string
	for _, e := range entries {
		if e.Kind == "proposal" {
			decisions = append(decisions, e.Decision)
		}
	}
	if strings.Join(decisions, ",") != "pending,pending,signed" {
		t.Fatalf("audit decisions %v", decisions)
	}
}

func TestPendingBounded(t *testing.T) {
	p0, _ := proposals(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	s, _ := New(ctx, Config{Store: NewMemStore(), Clock: clk.Now, MaxPending: 3})
	_, _ = s.ImportVault(ctx, testMnemonic, testPassword, false)
	s.pins = newSigner(t, NewMemStore(), clk).pins
	for i := 0; i < 5; i++ {
		r := s.Submit(ctx, withID(t, p0, fmt.Sprintf("q%d", i)))
		if (i < 3) != (r.Status == wire.StatusPending) || r.Code != wire.Locked {
			t.Fatalf("%d: %+v", i, r)
		}
	}
}

// TestConcurrentSubmitG2 races copies of one valid proposal under distinct
// ids: exactly one is signed, whatever the interleaving.
func TestConcurrentSubmitG2(t *testing.T) {
	p0, _ := proposals(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	s := newSigner(t, NewMemStore(), clk)
	_ = s.Unlock(ctx, testPassword)
	const n = 16
	var wg sync.WaitGroup
	receipts := make([]wire.Receipt, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			receipts[i] = s.Submit(ctx, withID(t, p0, fmt.Sprintf("race-%d", i)))
		}(i)
	}
	wg.Wait()
	signed := 0
	for _, r := range receipts {
		switch {
		case r.Status == wire.StatusSigned:
			signed++
		case r.Code == wire.NonceMismatch || r.Code == wire.StaleState:
		default:
			t.Errorf("unexpected %+v", r)
		}
	}
	if signed != 1 {
		t.Fatalf("%d signed, want exactly 1", signed)
	}
	if st := s.Status(); st.Nonce != 1 {
		t.Fatalf("nonce %d", st.Nonce)
	}
}

func TestCorruptVaultUntouched(t *testing.T) {
	p0, _ := proposals(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	store := NewMemStore()
	_ = newSigner(t, store, clk)
	good, _ := store.Get(ctx, KeyVault)
	bad := good[:len(good)/2]
	_ = store.Put(ctx, KeyVault, bad)

	s, err := New(ctx, Config{Store: store, Clock: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if st := s.Status(); st.Vault != "corrupt" || st.VaultError == "" {
		t.Fatalf("%+v", st)
	}
	if err := s.Unlock(ctx, testPassword); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("unlock: %v", err)
	}
	if r := s.Submit(ctx, p0); r.Code != wire.Malformed || r.Status != wire.StatusRejected {
		t.Fatalf("%+v", r)
	}
	if _, err := s.ImportVault(ctx, testMnemonic, testPassword, false); err == nil {
		t.Fatal("import over an existing vault without replace")
	}
	if now, _ := store.Get(ctx, KeyVault); string(now) != string(bad) {
		t.Fatal("the stored blob was changed")
	}
	// A failed replacement (weak password) leaves it too.
	if _, err := s.ImportVault(ctx, testMnemonic, "short", true); err == nil {
		t.Fatal("weak password accepted")
	}
	if now, _ := store.Get(ctx, KeyVault); string(now) != string(bad) {
		t.Fatal("a failed import changed the stored blob")
	}
	if _, err := s.ImportVault(ctx, testMnemonic, testPassword, true); err != nil {
		t.Fatal(err)
	}
	if st := s.Status(); st.Vault != "locked" || !strings.EqualFold(st.Address.Hex(), testAddress) {
		t.Fatalf("%+v", st)
	}
}

func TestChangePasswordAndExport(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	store := NewMemStore()
	s := newSigner(t, store, clk)
	before, _ := store.Get(ctx, KeyVault)
	if err := s.ChangePassword(ctx, "wrong password", "another password"); !errors.Is(err, wire.ErrBadPassword) {
		t.Fatal(err)
	}
	if after, _ := store.Get(ctx, KeyVault); string(after) != string(before) {
		t.Fatal("failed change wrote the vault")
	}
	if err := s.ChangePassword(ctx, testPassword, "another password"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ExportMnemonic(ctx, testPassword); !errors.Is(err, wire.ErrBadPassword) {
		t.Fatal(err)
	}
	m, err := s.ExportMnemonic(ctx, "another password")
	if err != nil || m != testMnemonic {
		t.Fatal(err)
	}
	s2 := newSigner(t, store, clk)
	if err := s2.Unlock(ctx, "another password"); err != nil {
		t.Fatal(err)
	}
	for _, k := range store.Keys() {
		v, _ := store.Get(ctx, k)
		if strings.Contains(string(v), "junk") || strings.Contains(string(v), "another password") {
			t.Fatalf("plaintext secret in store key %s", k)
		}
	}
}

func TestAuditTamperDetected(t *testing.T) {
	p0, _ := proposals(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	store := NewMemStore()
	s := newSigner(t, store, clk)
	_ = s.Unlock(ctx, testPassword)
	s.Submit(ctx, p0)
	s.Submit(ctx, p0)
	entries, err := s.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 5 {
		t.Fatalf("%d entries", len(entries))
	}
	// Rewrite the replay refusal into a signature.
	last := entries[len(entries)-1]
	last.Decision = "signed"
	last.Code = ""
	b, _ := json.Marshal(last)
	_ = store.Put(ctx, auditKey(last.Seq), b)
	if _, err := s.Audit(ctx); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("rewritten entry not detected: %v", err)
	}
}

func TestSyncNonceForwardOnly(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	store := NewMemStore()
	s := newSigner(t, store, clk)
	if n, _ := s.SyncNonce(ctx, 5); n != 5 {
		t.Fatal(n)
	}
	if n, _ := s.SyncNonce(ctx, 2); n != 5 {
		t.Fatal("moved back", n)
	}
	if newSigner(t, store, clk).Status().Nonce != 5 {
		t.Fatal("not persisted")
	}
}

func TestAutoLockHoldsProposal(t *testing.T) {
	p0, _ := proposals(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	s := newSigner(t, NewMemStore(), clk)
	_ = s.Unlock(ctx, testPassword)
	clk.Add(15 * time.Minute) // the default idle timeout
	if st := s.Status(); st.Vault != "locked" {
		t.Fatalf("vault %s after 15 idle minutes", st.Vault)
	}
	if r := s.Submit(ctx, p0); r.Status != wire.StatusPending || r.Code != wire.Locked {
		t.Fatalf("%+v", r)
	}
}
