package daemon_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	pt "github.com/leash-wallet/leash/circuits/policytest"
	tt "github.com/leash-wallet/leash/circuits/typedcircuit/typedtest"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/prover/daemon/daemontest"
	"github.com/leash-wallet/leash/wasm/signer"
	"github.com/leash-wallet/leash/wire"
)

const mnemonic = "test test test test test test test test test test test junk"

// sigHarness is a daemon with the typed-data prover for the x402 example
// policy, whose fake signer hands signature proposals to a real signer
// core (wasm/signer, the one in the extension) with both keys pinned.
func sigHarness(t testing.TB, withProver bool) (*daemontest.Harness, *signer.Signer) {
	t.Helper()
	ctx := context.Background()
	pol := tt.Policy(t)
	cfg := daemon.Config{Policy: pol}
	if withProver {
		cfg.Signatures = prover.NewSigProver(pol, tt.Keys(t).PK)
	}
	h := daemontest.Start(t, cfg)
	core, err := signer.New(ctx, signer.Config{Store: signer.NewMemStore()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := core.ImportVault(ctx, mnemonic, "pw-pw-pw-pw", false); err != nil {
		t.Fatal(err)
	}
	if err := core.Unlock(ctx, "pw-pw-pw-pw"); err != nil {
		t.Fatal(err)
	}
	_, _, vk := pt.Keys(t)
	if _, err := core.Pin(ctx, pt.Example(t, "policy-x402.json"), vk.Bytes()); err != nil {
		t.Fatal(err)
	}
	if _, err := core.PinTypedKey(ctx, tt.Keys(t).VKBytes); err != nil {
		t.Fatal(err)
	}
	f := func(raw []byte) wire.Receipt { return core.Submit(ctx, raw) }
	h.Signer.Typed.Store(&f)
	return h, core
}

// pay is an x402 authorization valid for 5 minutes from now.
func pay(i int, value string, to wire.Address) []byte {
	return tt.Authorization(func(d map[string]any) {
		m := d["message"].(map[string]any)
		m["nonce"] = fmt.Sprintf("0x%064x", 5000+i)
		m["value"] = value
		m["to"] = to.Hex()
		m["validBefore"] = fmt.Sprint(time.Now().Unix() + 300)
	})
}

func TestSignatures(t *testing.T) {
	h, core := sigHarness(t, true)
	ctx := context.Background()
	s, err := h.Client.Sign(ctx, pay(1, "400000", pt.Alice))
	if err != nil || s.Status != daemon.StatusSigned || len(s.Signature) != 65 || s.Attempts != 1 {
		t.Fatalf("sign: %+v %v", s, err)
	}
	sig := append([]byte(nil), s.Signature...)
	sig[64] -= 27
	pub, err := crypto.SigToPub(s.Digest[:], sig)
	if err != nil || !strings.EqualFold(crypto.PubkeyToAddress(*pub).Hex(), pt.Self.Hex()) {
		t.Fatalf("recovered %v %v", pub, err)
	}
	// Refused before proving, with the rule named: a payee outside the policy.
	s, err = h.Client.Sign(ctx, pay(2, "1000", pt.Bob))
	if err != nil || s.Code != wire.PolicyViolation("arg") || s.ProveMs != 0 || !strings.Contains(s.Message, "to") {
		t.Fatalf("payee: %+v %v", s, err)
	}
	// A replay: proven and sent (the agent host does not keep nonces), the
	// signer refuses it.
	s, err = h.Client.Sign(ctx, pay(1, "400000", pt.Alice))
	if err != nil || s.Code != wire.Replay {
		t.Fatalf("replay: %+v %v", s, err)
	}
	// The signer's window moved without the daemon (another agent host, or
	// a restart): stale_state, adopt, prove again, signed.
	st := core.WindowState()
	other := prover.NewSigProver(tt.Policy(t), tt.Keys(t).PK)
	p, err := other.Prove(prover.SigRequest{ID: "elsewhere", TypedData: pay(3, "500000", pt.Alice), State: &wire.State{Time: uint64(time.Now().Unix()), Tokens: st.Tokens}})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(p)
	if r := core.Submit(ctx, raw); r.Status != wire.StatusSigned {
		t.Fatalf("elsewhere: %+v", r)
	}
	s, err = h.Client.Sign(ctx, pay(4, "400000", pt.Alice))
	if err != nil || s.Status != daemon.StatusSigned || s.Attempts != 2 {
		t.Fatalf("after the window moved: %+v %v", s, err)
	}
	// 0.4 + 0.5 + 0.4 of 5 dUSDC: seven payments of 0.5 fit, the eighth is
	// refused by the pre-check, before proving.
	for i := 0; i < 8; i++ {
		s, err = h.Client.Sign(ctx, pay(10+i, "500000", pt.Alice))
		if err != nil {
			t.Fatal(err)
		}
	}
	if s.Code != wire.PolicyViolation("token_window") || s.ProveMs != 0 {
		t.Fatalf("over the window: %+v", s)
	}
	if got := core.WindowState().TokenSpent(tt.DUSDC); got.Cmp(big.NewInt(4_800_000)) != 0 {
		t.Fatalf("signer's window %v", got)
	}
	// The agent sees the budget left for payments in its wallet (the
	// token window the payments share with transfers).
	w, err := h.Client.Wallet(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, b := range w.Budget {
		if b.Rule == "token_window" && strings.EqualFold(b.Token, tt.DUSDC.Hex()) {
			found = true
			if b.Remaining != "0.2 dUSDC" {
				t.Errorf("dUSDC budget line %+v", b)
			}
		}
	}
	if !found {
		t.Errorf("no dUSDC budget line in %+v", w.Budget)
	}
	// Malformed typed data: 400.
	if _, err := h.Client.Sign(ctx, []byte(`{"types":{}}`)); wire.CodeOf(err) != wire.Malformed {
		t.Fatalf("malformed: %v", err)
	}
}

func TestSignaturesNotConfigured(t *testing.T) {
	h, _ := sigHarness(t, false)
	_, err := h.Client.Sign(context.Background(), pay(1, "1", pt.Alice))
	if wire.CodeOf(err) != daemon.CodeNotConfigured {
		t.Fatalf("%v", err)
	}
}
