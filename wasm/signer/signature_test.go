package signer

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/leash-wallet/leash/circuits/policy"
	pt "github.com/leash-wallet/leash/circuits/policytest"
	tt "github.com/leash-wallet/leash/circuits/typedcircuit/typedtest"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/wasm/eip712"
	"github.com/leash-wallet/leash/wire"
)

// The attacks of issue 17 on signatures, played by a compromised agent host
// holding typed.pk, the policy and any document it likes. Each refusal
// leaves nothing signed and nothing reserved.

// sigSigner is an unlocked signer with examples/policy-x402.json and both
// keys pinned, at typedtest.Now.
func sigSigner(t *testing.T) (*Signer, *fakeClock) {
	t.Helper()
	return sigSignerWith(t, Config{})
}

// sigSignerWith is sigSigner with cfg (its store and clock are set here).
func sigSignerWith(t testing.TB, cfg Config) (*Signer, *fakeClock) {
	t.Helper()
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(tt.Now, 0)}
	cfg.Store, cfg.Clock = NewMemStore(), clk.Now
	s, err := New(ctx, cfg)
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
	if _, err := s.Pin(ctx, pt.Example(t, "policy-x402.json"), vk.Bytes()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PinTypedKey(ctx, tt.Keys(t).VKBytes); err != nil {
		t.Fatal(err)
	}
	return s, clk
}

// payment proves an authorization (edited) against the token sum spent,
// at the signer's time.
func payment(t testing.TB, id string, spent int64, edit func(map[string]any)) []byte {
	t.Helper()
	pol := tt.Policy(t)
	st := &wire.State{Time: tt.Now}
	st.SetTokenSpent(tt.DUSDC, big.NewInt(spent))
	p, err := prover.NewSigProver(pol, tt.Keys(t).PK).Prove(prover.SigRequest{ID: id, TypedData: tt.Authorization(edit), State: st})
	if err != nil {
		t.Fatalf("prove %s: %v", id, err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func nonce(i int) func(map[string]any) { return tt.Message("nonce", fmt.Sprintf("0x%064x", i+1)) }

// swapDoc replaces a signature proposal's typed data (the proof stays).
func swapDoc(t *testing.T, raw []byte, doc []byte) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m["typedData"] = doc
	b, _ := json.Marshal(m)
	return b
}

func setField(t *testing.T, raw []byte, k string, v any) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m[k] = v
	b, _ := json.Marshal(m)
	return b
}

func dusdcSpent(s *Signer) int64 { return s.ledger.View(s.now()).TokenSpent(tt.DUSDC).Int64() }

func TestSignaturePaysWithinPolicy(t *testing.T) {
	s, _ := sigSigner(t)
	ctx := context.Background()
	r := s.Submit(ctx, payment(t, "pay-1", 0, nil))
	if r.Status != wire.StatusSigned || r.Digest == nil || len(r.Signature) != 65 {
		t.Fatalf("receipt %+v", r)
	}
	// The signature is over the document's EIP-712 digest and recovers to the account.
	td, _ := eip712.Decode(tt.Authorization(nil), eip712.V4)
	if h := td.Hash(); *r.Digest != wire.Hash32(h) {
		t.Fatal("signed another digest than the document's")
	}
	sig := append([]byte(nil), r.Signature...)
	sig[64] -= 27
	pub, err := crypto.SigToPub(r.Digest[:], sig)
	if err != nil || !strings.EqualFold(crypto.PubkeyToAddress(*pub).Hex(), testAddress) {
		t.Fatalf("recovered %v %v", pub, err)
	}
	// The payment counts toward dUSDC's window, the one transfers use; no
	// nonce, fee or transaction count.
	v := s.ledger.View(s.now())
	if v.TokenSpent(tt.DUSDC).Int64() != 100000 || v.Nonce != 0 || v.Txs != 0 {
		t.Fatalf("view %+v", v)
	}
	tx := &wire.Tx{ChainID: 1337, To: tt.DUSDC, Gas: 60000, MaxFeePerGas: wire.QuantityFromUint64(1e9),
		Data: pt.Calldata("transfer(address,uint256)", pt.Alice, 1_000_000)}
	st := s.WindowState()
	st.SetTokenSpent(tt.DUSDC, big.NewInt(4_100_000))
	if err := tt.Policy(t).Check(tx, st); wire.CodeOf(err) != wire.PolicyViolation(policy.RuleTokenWindow) {
		t.Fatalf("a transfer past the shared window: %v", err)
	}
	// One audit entry of kind signature, with the contract, amount and digest.
	es := s.RecentAudit()
	e := es[len(es)-1]
	if e.Kind != "signature" || e.Decision != "signed" || e.To == nil || *e.To != tt.DUSDC || e.Value.Int64() != 100000 || *e.TxHash != *r.Digest {
		t.Fatalf("audit %+v", e)
	}
}

func TestSignatureRefusals(t *testing.T) {
	valid := payment(t, "ok", 0, nil)
	doc := func(edit func(map[string]any)) []byte { return tt.Authorization(edit) }
	rawDoc := func(f func(string) string) []byte { return []byte(f(string(tt.Authorization(nil)))) }
	other := payment(t, "other", 0, nonce(7))
	cases := []struct {
		name string
		raw  []byte
		want wire.Code
	}{
		{"a payee outside the policy (document swapped under a valid proof)", swapDoc(t, valid, doc(tt.Message("to", pt.Bob.Hex()))), wire.PolicyViolation("arg")},
		{"from another account", swapDoc(t, valid, doc(tt.Message("from", pt.Alice.Hex()))), wire.PolicyViolation("arg")},
		{"above the per-payment max", swapDoc(t, valid, doc(tt.Message("value", "500001"))), wire.PolicyViolation("arg")},
		{"a raised amount under the old proof (forged proof)", swapDoc(t, valid, doc(tt.Message("value", "200000"))), wire.ProofInvalid},
		{"another nonce under the old proof", swapDoc(t, valid, doc(nonce(9))), wire.ProofInvalid},
		{"another proposal's proof", setField(t, valid, "proof", mustField(t, other, "proof")), wire.ProofInvalid},
		{"validBefore beyond maxValidity", swapDoc(t, valid, doc(tt.Message("validBefore", "1800000601"))), wire.PolicyViolation("validity")},
		{"another verifying contract", swapDoc(t, valid, doc(func(d map[string]any) { d["domain"].(map[string]any)["verifyingContract"] = pt.WETH.Hex() })), wire.PolicyViolation("signature")},
		{"another domain name", swapDoc(t, valid, doc(func(d map[string]any) { d["domain"].(map[string]any)["name"] = "USD Coin" })), wire.PolicyViolation("signature")},
		{"another chain", swapDoc(t, valid, doc(func(d map[string]any) { d["domain"].(map[string]any)["chainId"] = 8453 })), wire.PolicyViolation("signature")},
		{"an unknown primary type", swapDoc(t, valid, doc(func(d map[string]any) {
			ty := d["types"].(map[string]any)
			ty["Payment"] = ty["TransferWithAuthorization"]
			delete(ty, "TransferWithAuthorization")
			d["primaryType"] = "Payment"
		})), wire.PolicyViolation("signature")},
		{"a field of the type renamed", swapDoc(t, valid, doc(func(d map[string]any) {
			fs := d["types"].(map[string]any)["TransferWithAuthorization"].([]any)
			fs[5] = map[string]any{"name": "salt", "type": "bytes32"}
			m := d["message"].(map[string]any)
			m["salt"] = m["nonce"]
			delete(m, "nonce")
		})), wire.PolicyViolation("signature")},
		{"a duplicate field", swapDoc(t, valid, rawDoc(func(s string) string {
			return strings.Replace(s, `"to":"`+pt.Alice.Hex()+`"`, `"to":"`+pt.Alice.Hex()+`","to":"`+pt.Bob.Hex()+`"`, 1)
		})), wire.Malformed},
		{"a missing field", swapDoc(t, valid, doc(func(d map[string]any) { delete(d["message"].(map[string]any), "validAfter") })), wire.Malformed},
		{"an undeclared field", swapDoc(t, valid, doc(tt.Message("memo", "hi"))), wire.Malformed},
		{"an oversized string", swapDoc(t, valid, doc(func(d map[string]any) { d["domain"].(map[string]any)["name"] = strings.Repeat("x", 20000) })), wire.Malformed},
		{"an oversized array", swapDoc(t, valid, doc(func(d map[string]any) {
			d["types"].(map[string]any)["TransferWithAuthorization"] = append(d["types"].(map[string]any)["TransferWithAuthorization"].([]any),
				map[string]any{"name": "list", "type": "uint8[]"})
			d["message"].(map[string]any)["list"] = make([]any, 300)
		})), wire.Malformed},
		{"typed data that is not an object", setField(t, valid, "typedData", "[]"), wire.Malformed},
		{"an unknown key in the proposal", setField(t, valid, "tx", map[string]any{}), wire.Malformed},
		{"a proof that is not a proof", setField(t, valid, "proof", "0x"+strings.Repeat("00", 164)), wire.Malformed},
		{"another policy", setField(t, valid, "policyCommitment", "0x"+strings.Repeat("11", 32)), wire.UnknownPolicy},
		{"a time far from the signer's clock", setField(t, valid, "time", tt.Now+3600), wire.StaleTime},
		{"a token sum the signer does not have", setField(t, valid, "tokenSpent", "0x5"), wire.StaleState},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := sigSigner(t)
			r := s.Submit(context.Background(), tc.raw)
			if r.Status != wire.StatusRejected || r.Code != tc.want {
				t.Fatalf("receipt %+v, want %s", r, tc.want)
			}
			if r.Signature != nil || r.Digest != nil || dusdcSpent(s) != 0 || s.ledger.Seen("ok") {
				t.Fatalf("something was signed or reserved: %+v, spent %d", r, dusdcSpent(s))
			}
			if tc.want == wire.StaleState && (r.State == nil || r.State.TokenSpent.Sign() != 0) {
				t.Fatalf("stale_state without the signer's sum: %+v", r.State)
			}
		})
	}
}

func mustField(t *testing.T, raw []byte, k string) any {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m[k]
}

// TestSignatureReplay: the same authorization again, under its id or
// another, is refused, also after a restart of the signer.
func TestSignatureReplay(t *testing.T) {
	s, clk := sigSigner(t)
	ctx := context.Background()
	p := payment(t, "pay-1", 0, nil)
	if r := s.Submit(ctx, p); r.Status != wire.StatusSigned {
		t.Fatalf("first: %+v", r)
	}
	if r := s.Submit(ctx, p); r.Code != wire.Replay {
		t.Fatalf("same id: %+v", r)
	}
	// The same (domain, nonce), proven again against the new sum, new id.
	again := payment(t, "pay-2", 100000, nil)
	if r := s.Submit(ctx, again); r.Code != wire.Replay {
		t.Fatalf("same nonce, new id: %+v", r)
	}
	s2, err := New(ctx, Config{Store: s.store, Clock: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}
	if r := s2.Submit(ctx, again); r.Code != wire.Replay {
		t.Fatalf("after restart: %+v", r)
	}
	// The typed-data key is stored in the pins record (JSON text, under
	// storage authentication): the restarted signer still verifies and
	// signs a new payment.
	if stored, _ := s.store.Get(ctx, KeyPins); !json.Valid(stored) || !strings.Contains(string(stored), `"typedVK"`) {
		t.Fatalf("the typed-data key is not in the pins record")
	}
	if r := s2.Submit(ctx, payment(t, "pay-3", 100000, nonce(3))); r.Status != wire.StatusSigned {
		t.Fatalf("a new payment after restart: %+v", r)
	}
	if got := dusdcSpent(s2); got != 200000 {
		t.Fatalf("spent %d", got)
	}
}

// TestSignatureWindow: payments of 0.5 dUSDC each fill the 5 dUSDC window;
// the eleventh is refused before anything is reserved.
func TestSignatureWindow(t *testing.T) {
	s, _ := sigSigner(t)
	ctx := context.Background()
	for i := 0; i < 10; i++ {
		if r := s.Submit(ctx, payment(t, fmt.Sprintf("pay-%d", i), int64(i)*500000, func(d map[string]any) {
			nonce(i)(d)
			tt.Message("value", "500000")(d)
		})); r.Status != wire.StatusSigned {
			t.Fatalf("payment %d: %+v", i, r)
		}
	}
	// Proven honestly against the full window it cannot be (unsatisfiable);
	// the host sends one proven against an old sum instead.
	over := payment(t, "pay-over", 0, func(d map[string]any) { nonce(50)(d); tt.Message("value", "1")(d) })
	r := s.Submit(ctx, over)
	if r.Code != wire.PolicyViolation("token_window") || dusdcSpent(s) != 5_000_000 {
		t.Fatalf("over the window: %+v spent %d", r, dusdcSpent(s))
	}
	if _, err := prover.NewSigProver(tt.Policy(t), tt.Keys(t).PK).Precheck(tt.Authorization(tt.Message("value", "1")), s.WindowState()); wire.CodeOf(err) != wire.PolicyViolation("token_window") {
		t.Fatalf("precheck: %v", err)
	}
}

// TestSignatureLockedThenUnlocked: a payment meeting a locked vault waits,
// and is signed by Retry after the unlock.
func TestSignatureLockedThenUnlocked(t *testing.T) {
	s, _ := sigSigner(t)
	ctx := context.Background()
	s.Lock(ctx)
	p := payment(t, "pay-1", 0, nil)
	if r := s.Submit(ctx, p); r.Status != wire.StatusPending {
		t.Fatalf("locked: %+v", r)
	}
	if r := s.Submit(ctx, p); r.Status != wire.StatusPending || len(s.Pending()) != 1 {
		t.Fatalf("held twice: %+v %d", r, len(s.Pending()))
	}
	if err := s.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}
	rs, err := s.Retry(ctx)
	if err != nil || len(rs) != 1 || rs[0].Status != wire.StatusSigned {
		t.Fatalf("retry %+v %v", rs, err)
	}
}

// TestSignatureRace: 8 payments proven against the same empty window, sent
// at once: each is signed or refused stale_state, and the window holds
// exactly the sum of those signed.
func TestSignatureRace(t *testing.T) {
	s, _ := sigSigner(t)
	ctx := context.Background()
	var docs [][]byte
	for i := 0; i < 8; i++ {
		docs = append(docs, payment(t, fmt.Sprintf("race-%d", i), 0, nonce(100+i)))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	signed := 0
	for _, d := range docs {
		wg.Add(1)
		go func(d []byte) {
			defer wg.Done()
			r := s.Submit(ctx, d)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case r.Status == wire.StatusSigned:
				signed++
			case r.Code != wire.StaleState:
				t.Errorf("receipt %+v", r)
			}
		}(d)
	}
	wg.Wait()
	if signed != 1 || dusdcSpent(s) != 100000 {
		t.Fatalf("%d signed, spent %d", signed, dusdcSpent(s))
	}
}

// TestNoTypedKeyNoSignature: a signer without the typed-data key signs no
// typed data.
func TestNoTypedKeyNoSignature(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(tt.Now, 0)}
	s, _ := New(ctx, Config{Store: NewMemStore(), Clock: clk.Now})
	s.ImportVault(ctx, testMnemonic, testPassword, false)
	s.Unlock(ctx, testPassword)
	_, _, vk := pt.Keys(t)
	if _, err := s.Pin(ctx, pt.Example(t, "policy-x402.json"), vk.Bytes()); err != nil {
		t.Fatal(err)
	}
	if r := s.Submit(ctx, payment(t, "p", 0, nil)); r.Code != wire.UnknownPolicy {
		t.Fatalf("%+v", r)
	}
	if _, err := s.PinTypedKey(ctx, vk.Bytes()); wire.CodeOf(err) != wire.Malformed {
		t.Fatalf("the policy key pinned as the typed-data key: %v", err)
	}
}

// TestSignatureSupervisedAndPaused: in supervised mode a signature
// proposal waits in the core's queue, shown as its typed data with each
// field's rule; approving the digest shown signs it. The kill switch
// refuses one outright. (Before the merge with the core's gate the route
// to signatures bypassed both.)
func TestSignatureSupervisedAndPaused(t *testing.T) {
	s, _ := sigSigner(t)
	ctx := context.Background()
	if err := s.SetMode(ctx, Mode{Supervised: true}); err != nil {
		t.Fatal(err)
	}
	raw := payment(t, "sup-1", 0, nil)
	if r := s.Submit(ctx, raw); r.Status != wire.StatusPending {
		t.Fatalf("supervised: %+v", r)
	}
	q := s.Queue(ctx)
	if len(q) != 1 || q[0].Signature == nil || q[0].Signature.PrimaryType != "TransferWithAuthorization" || dusdcSpent(s) != 0 {
		t.Fatalf("queue %+v", q)
	}
	for _, f := range q[0].Signature.Fields {
		if f.Path == "value" && (f.Value != "0.1 dUSDC" || !strings.Contains(f.Rule, "at most 0.5 dUSDC")) {
			t.Errorf("value shown %+v", f)
		}
	}
	if _, err := s.Approve(ctx, "sup-1", wire.Hash32{1}); err == nil {
		t.Fatal("approved another digest than the one shown")
	}
	r, err := s.Approve(ctx, "sup-1", q[0].Digest)
	if err != nil || r.Status != wire.StatusSigned || r.Signature == nil {
		t.Fatalf("approve: %+v %v", r, err)
	}
	if err := s.SetMode(ctx, Mode{Paused: true}); err != nil {
		t.Fatal(err)
	}
	if r := s.Submit(ctx, payment(t, "paused-1", 100000, nonce(4))); r.Code != wire.Revoked {
		t.Fatalf("paused: %+v", r)
	}
}
