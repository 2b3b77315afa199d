package signer

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/leash-wallet/leash/chain/contracts"
	"github.com/leash-wallet/leash/circuits/policy"
	pt "github.com/leash-wallet/leash/circuits/policytest"
	tt "github.com/leash-wallet/leash/circuits/typedcircuit/typedtest"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/wire"
)

// permitPolicy is examples/policy-x402.json with an EIP-2612 Permit rule
// (docs/policy.md's recipe): dUSDC allowances only to spender, at most 1
// dUSDC, counted in the dUSDC window.
func permitPolicy(t *testing.T, spender common.Address) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(pt.Example(t, "policy-x402.json"), &doc); err != nil {
		t.Fatal(err)
	}
	doc["signatures"] = []any{map[string]any{
		"label":       "permits to the router",
		"domain":      map[string]any{"name": contracts.USDCName, "version": contracts.USDCVersion, "chainId": 1337, "verifyingContract": tt.DUSDC.Hex()},
		"primaryType": "Permit",
		"fields": map[string]any{"owner": map[string]any{"is": "self"}, "spender": map[string]any{"eq": spender.Hex()},
			"value": map[string]any{"max": "1 dUSDC", "spend": true}, "nonce": "any", "deadline": "any"},
	}}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// permitDoc is an EIP-2612 Permit of dUSDC from the signer's account.
func permitDoc(spender common.Address, value, nonce int64, deadline uint64) []byte {
	f := func(n, ty string) map[string]any { return map[string]any{"name": n, "type": ty} }
	b, _ := json.Marshal(map[string]any{
		"types": map[string]any{
			"EIP712Domain": []any{f("name", "string"), f("version", "string"), f("chainId", "uint256"), f("verifyingContract", "address")},
			"Permit":       []any{f("owner", "address"), f("spender", "address"), f("value", "uint256"), f("nonce", "uint256"), f("deadline", "uint256")},
		},
		"primaryType": "Permit",
		"domain":      map[string]any{"name": contracts.USDCName, "version": contracts.USDCVersion, "chainId": 1337, "verifyingContract": tt.DUSDC.Hex()},
		"message": map[string]any{"owner": pt.Self.Hex(), "spender": spender.Hex(), "value": fmt.Sprint(value),
			"nonce": fmt.Sprint(nonce), "deadline": fmt.Sprint(deadline)},
	})
	return b
}

// TestPermitCounterNonce: an EIP-2612 permit's nonce is the token's
// counter, which moves only when a permit is used. Before, a counter
// signed once was refused as a replay until its record expired, even
// though the permit was never used and the token still expects that
// counter. Now, with an RPC, the core reads nonces(owner) on the devnet's
// TestUSDC: a new permit at an unused counter is signed (each counted in
// the window; at most one per counter can be used), the very same permit
// again is a replay, and a counter the token has used is a replay.
// Without an RPC the old record stays.
func TestPermitCounterNonce(t *testing.T) {
	d := newDevChain(t)
	ctx := testCtx(t)
	spender := d.dev.Accounts()[5]
	raw := permitPolicy(t, spender.Address)
	pol, err := policy.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	newPermitSigner := func(opts ChainOptions) *Signer {
		return typedSignerWith(t, opts, raw, tt.Keys(t).VKBytes)
	}
	deadline := uint64(tt.Now + 300)
	prove := func(s *Signer, id string, value, nonce int64) []byte {
		t.Helper()
		st := &wire.State{Time: tt.Now}
		st.SetTokenSpent(tt.DUSDC, s.ledger.View(s.now()).TokenSpent(tt.DUSDC))
		p, err := prover.NewSigProver(pol, tt.Keys(t).PK).Prove(prover.SigRequest{ID: id, TypedData: permitDoc(spender.Address, value, nonce, deadline), State: st})
		if err != nil {
			t.Fatalf("prove %s: %v", id, err)
		}
		b, _ := json.Marshal(p)
		return b
	}
	submit := func(s *Signer, raw []byte) wire.Receipt { return s.Submit(ctx, raw) }

	s := newPermitSigner(ChainOptions{RPC: d.call})
	a := submit(s, prove(s, "permit-a", 100_000, 0))
	if a.Status != wire.StatusSigned {
		t.Fatalf("permit a: %+v", a)
	}
	// The very same permit under a new id: a replay.
	if r := submit(s, prove(s, "permit-a-again", 100_000, 0)); r.Code != wire.Replay {
		t.Fatalf("the same permit again: %+v", r)
	}
	// Another permit at counter 0, which the token still expects: signed
	// (before: replay until now + maxValidity).
	b := submit(s, prove(s, "permit-b", 200_000, 0))
	if b.Status != wire.StatusSigned {
		t.Fatalf("a new permit at the unused counter 0: %+v", b)
	}
	if got := dusdcSpent(s); got != 300_000 {
		t.Fatalf("window %d: both permits count", got)
	}
	// Permit b is used on chain: the token's counter moves to 1, and permit
	// a (counter 0 too) can no longer be used.
	tok := contracts.NewTestUSDC()
	snd, err := contracts.NewSender(ctx, d.eth, spender.Key)
	if err != nil {
		t.Fatal(err)
	}
	usdc := common.Address(tt.DUSDC)
	tx, err := snd.Send(ctx, &usdc, nil, tok.PackPermit(common.Address(pt.Self), spender.Address, big.NewInt(200_000), new(big.Int).SetUint64(deadline), b.Signature))
	if err != nil {
		t.Fatal(err)
	}
	if rc, err := contracts.WaitMined(ctx, d.eth, tx); err != nil || rc[0].Status != 1 {
		t.Fatalf("permit b on chain: %v %+v", err, rc)
	}
	// Counter 0 is used: refused, nothing counted.
	if r := submit(s, prove(s, "permit-c", 50_000, 0)); r.Code != wire.Replay || !strings.Contains(r.Message, "used on chain") {
		t.Fatalf("a used counter: %+v", r)
	}
	if got := dusdcSpent(s); got != 300_000 {
		t.Fatalf("a refusal counted: %d", got)
	}
	// Counter 1: signed.
	if r := submit(s, prove(s, "permit-d", 50_000, 1)); r.Status != wire.StatusSigned {
		t.Fatalf("counter 1: %+v", r)
	}

	// A hostile RPC: a nonce above the true one only refuses (replay); an
	// answer that is not a nonce falls back to the (domain, nonce) record.
	// (A nonce below the true one gets a permit the token refuses signed,
	// counted in the window: nothing more.)
	liar := &lying{real: d.call}
	isNonces := func(method string, params []any) bool {
		if method != "eth_call" || len(params) == 0 {
			return false
		}
		m, ok := params[0].(map[string]any)
		return ok && strings.HasPrefix(fmt.Sprint(m["data"]), "0x7ecebe00")
	}
	ls := newPermitSigner(ChainOptions{RPC: liar.call})
	liar.set(func(method string, params []any) (json.RawMessage, error, bool) {
		if !isNonces(method, params) {
			return nil, nil, false
		}
		return json.RawMessage(`"0x` + strings.Repeat("0", 62) + `09"`), nil, true
	})
	if r := submit(ls, prove(ls, "lie-high", 10_000, 8)); r.Code != wire.Replay {
		t.Fatalf("a nonce claimed above the counter: %+v", r)
	}
	liar.set(func(method string, params []any) (json.RawMessage, error, bool) {
		if !isNonces(method, params) {
			return nil, nil, false
		}
		return json.RawMessage(`"0x1234"`), nil, true
	})
	if r := submit(ls, prove(ls, "garbled-1", 10_000, 8)); r.Status != wire.StatusSigned {
		t.Fatalf("a garbled nonce answer, first permit at 8: %+v", r)
	}
	if r := submit(ls, prove(ls, "garbled-2", 20_000, 8)); r.Code != wire.Replay || !strings.Contains(r.Message, "domain and nonce") {
		t.Fatalf("a garbled nonce answer, second permit at 8: %+v", r)
	}

	// Without an RPC: the (domain, nonce) record, as before.
	off := newPermitSigner(ChainOptions{})
	if r := submit(off, prove(off, "off-a", 100_000, 5)); r.Status != wire.StatusSigned {
		t.Fatalf("no rpc, first: %+v", r)
	}
	if r := submit(off, prove(off, "off-b", 200_000, 5)); r.Code != wire.Replay {
		t.Fatalf("no rpc, the same counter: %+v", r)
	}
}
