package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/leash-wallet/leash/chain/contracts"
	"github.com/leash-wallet/leash/circuits/typedcircuit"
	"github.com/leash-wallet/leash/internal/x402ref"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/wire"
)

// ensureTypedKeys makes the typed-data circuit's setup on the first run.
func ensureTypedKeys(dir string, say func(who, format string, args ...any)) error {
	_, errPK := os.Stat(filepath.Join(dir, typedcircuit.ProvingKeyFile))
	_, errVK := os.Stat(filepath.Join(dir, typedcircuit.VerifyingKeyFile))
	if errPK == nil && errVK == nil {
		return nil
	}
	say("setup", "first run: the user-side setup of the typed-data circuit (once, ~15 s)")
	keys, err := typedcircuit.Setup(func(s string) { say("setup", "%s", s) })
	if err != nil {
		return err
	}
	return keys.Write(dir)
}

// x402 runs the payments segment: an agent pays an x402 API (the
// reference server and facilitator from @x402/express and @x402/evm) in
// dUSDC, each authorization proven against the policy and signed by the
// user's signer; paid calls settle on chain. Then a payment over the
// window, a payee outside the policy, a replayed authorization and a
// forged proof, each refused with nothing signed.
func (t *tour) x402(ctx context.Context) error {
	s := t.s
	if !s.Typed {
		return errors.New("x402: the stack has no typed-data keys")
	}
	root, err := filepath.Abs(t.cfg.Root)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(root, "node_modules", "@x402", "express", "package.json")); err != nil {
		return fmt.Errorf("x402: the reference packages are missing (make deps): %w", err)
	}
	accts := s.Devnet.Accounts()
	start := func(payTo common.Address) (*x402ref.Server, error) {
		return x402ref.StartOnDevnet(ctx, s.Devnet, x402ref.Config{Root: root, PayTo: payTo, Price: 10_000, Premium: 30_000})
	}
	srv, err := start(s.Alice)
	if err != nil {
		return err
	}
	defer srv.Close()
	t.say("x402", "an x402 API at %s (reference @x402/express + facilitator): /paid costs 0.01 dUSDC, /premium 0.03", srv.URL)
	before, err := t.usdcBalance(ctx, s.Alice)
	if err != nil {
		return err
	}
	fetch := func(what, url string, wantCode wire.Code) error {
		t.say("agent", "→ %s", what)
		res, err := s.Agent.FetchX402(ctx, daemon.X402Request{URL: url})
		if err != nil {
			return err
		}
		r := row{what: what, outcome: "paid", code: string(res.Code), proveMs: res.ProveMs, signerMs: res.SignerMs, totalMs: res.TotalMs}
		switch {
		case res.Code != "":
			r.outcome = "rejected"
			t.say("leash", "REFUSED %s: %s", res.Code, res.Message)
		case res.Settlement != nil:
			r.tx = short(res.Settlement.Transaction)
			t.say("x402", "HTTP %d; settled on chain in %s; proof %.0f ms, signer %.0f ms, 402 → paid answer %.0f ms",
				res.Status, r.tx, res.ProveMs, res.SignerMs, res.TotalMs)
		}
		t.mu.Lock()
		t.rows = append(t.rows, r)
		t.mu.Unlock()
		if res.Code != wantCode || (wantCode == "" && (!res.Paid || res.Settlement == nil || !res.Settlement.Success)) {
			return fmt.Errorf("%s: ended %q %s, the tour expected %q", what, res.Code, res.Message, wantCode)
		}
		return nil
	}
	for i := 0; i < 3; i++ {
		if err := fetch("x402: GET /paid (0.01 dUSDC)", srv.Paid, ""); err != nil {
			return err
		}
	}
	after, err := t.usdcBalance(ctx, s.Alice)
	if err != nil {
		return err
	}
	t.say("chain", "Alice received %s dUSDC (atomic units) from the three settlements", new(big.Int).Sub(after, before))
	if err := fetch("x402: GET /premium (over the window)", srv.Premium, wire.PolicyViolation("token_window")); err != nil {
		return err
	}
	bob, err := start(accts[3].Address)
	if err != nil {
		return err
	}
	defer bob.Close()
	if err := fetch("x402: an API paying someone else", bob.Paid, wire.PolicyViolation("payee")); err != nil {
		return err
	}
	return t.x402Attacks(ctx)
}

// x402Attacks: a replayed authorization and a forged proof, sent by a
// compromised agent host.
func (t *tour) x402Attacks(ctx context.Context) error {
	s := t.s
	doc := t.authorization(1000, 7)
	t.say("attacker", "has an authorization signed, then asks for the same one again (replay)")
	first, err := s.Agent.Sign(ctx, doc)
	if err != nil || first.Status != daemon.StatusSigned {
		return fmt.Errorf("x402 replay setup: %+v %v", first, err)
	}
	again, err := s.Agent.Sign(ctx, doc)
	if err != nil {
		return err
	}
	t.mu.Lock()
	t.rows = append(t.rows, row{what: "x402: a replayed authorization", outcome: again.Status, code: string(again.Code), proveMs: again.ProveMs})
	t.mu.Unlock()
	t.say("signer", "REFUSED %s: %s", again.Code, again.Message)
	if again.Code != wire.Replay {
		return fmt.Errorf("the replayed authorization ended %s, expected replay", again.Code)
	}

	t.say("attacker", "proves a 0.001 dUSDC authorization, then sends that proof for 0.015 dUSDC")
	pk, err := typedcircuit.ReadProvingKey(s.KeysDir)
	if err != nil {
		return err
	}
	st := &wire.State{Time: uint64(time.Now().Unix())}
	if s.Signer != nil {
		st = s.Signer.WindowState()
	} else {
		st.Tokens = t.win.Tokens
	}
	st.SetTokenSpent(wire.Address(s.Addrs.USDC), big.NewInt(31_000)) // what the tour got signed: 3 × 0.01 + 0.001
	p, err := prover.NewSigProver(s.Policy, pk).Prove(prover.SigRequest{ID: "forged-x402", TypedData: t.authorization(1000, 8), State: st})
	if err != nil {
		return err
	}
	p.TypedData = t.authorization(15_000, 8)
	body, _ := json.Marshal(p)
	if err := s.AgentLink.Send(ctx, daemon.Message{Kind: daemon.KindProposal, Body: body}); err != nil {
		return err
	}
	code, err := t.waitCode(p.ID)
	if err != nil {
		return err
	}
	t.mu.Lock()
	t.rows = append(t.rows, row{what: "x402: forged proof (0.001 sent as 0.015)", outcome: "rejected", code: string(code)})
	t.mu.Unlock()
	if code != wire.ProofInvalid {
		return fmt.Errorf("the forged authorization was refused with %s, expected proof_invalid", code)
	}
	return nil
}

// authorization is an EIP-3009 authorization of value (atomic dUSDC) to
// Alice with a fixed nonce, valid 5 minutes.
func (t *tour) authorization(value int64, nonce int) []byte {
	s := t.s
	f := func(n, ty string) map[string]any { return map[string]any{"name": n, "type": ty} }
	doc := map[string]any{
		"types": map[string]any{
			"EIP712Domain": []any{f("name", "string"), f("version", "string"), f("chainId", "uint256"), f("verifyingContract", "address")},
			"TransferWithAuthorization": []any{f("from", "address"), f("to", "address"), f("value", "uint256"), f("validAfter", "uint256"),
				f("validBefore", "uint256"), f("nonce", "bytes32")}},
		"primaryType": "TransferWithAuthorization",
		"domain":      map[string]any{"name": contracts.USDCName, "version": contracts.USDCVersion, "chainId": 1337, "verifyingContract": s.Addrs.USDC.Hex()},
		"message": map[string]any{"from": s.Account.Hex(), "to": s.Alice.Hex(), "value": fmt.Sprint(value), "validAfter": "0",
			"validBefore": fmt.Sprint(time.Now().Unix() + 300), "nonce": fmt.Sprintf("0x%064x", 0xdead0000+nonce)},
	}
	b, _ := json.Marshal(doc)
	return b
}

func (t *tour) usdcBalance(ctx context.Context, a common.Address) (*big.Int, error) {
	return x402ref.Balance(ctx, t.s.Eth(), t.s.Addrs.USDC, a)
}

// waitCode waits for the signer's refusal code of proposal id.
func (t *tour) waitCode(id string) (wire.Code, error) {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		t.mu.Lock()
		code, ok := t.codes[id]
		t.mu.Unlock()
		if ok {
			return code, nil
		}
	}
	return "", fmt.Errorf("proposal %s got no answer", id)
}
