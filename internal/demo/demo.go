// Package demo runs the scripted tour of `make demo` on a whole-system
// stack: in-policy payments proven, verified, signed and mined; an
// off-policy request refused by the pre-check; a forged proposal (a valid
// proof re-targeted at another transaction) refused by the signer; a
// strategy agent whose trades carry program proofs (strategy.go); an
// on-chain revoke that stops all signing; then a summary table.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/internal/stack"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/wasm/signerhost"
	"github.com/leash-wallet/leash/wire"
)

// Config configures Run.
type Config struct {
	Out      io.Writer
	LeashBin string
	KeysDir  string
	WorkDir  string
	// Hold makes the run a sandbox: after the tour the policy is published
	// again (the tour ends by revoking it), the sandbox block is printed
	// (Sandbox: the agent host's URL, RPC, account, policy file and an MCP
	// client config, as JSON) and everything keeps running until ctx ends.
	Hold bool
	// NoTour, with Hold, skips the scripted tour: the sandbox is ready as
	// soon as the system is up.
	NoTour bool
	// AgentAddr is where the agent host listens; default 127.0.0.1:8645
	// with Hold when it is free, else a free port.
	AgentAddr string
	// InfoFile, when set, also receives the sandbox block.
	InfoFile string
	// ExtensionSigner, when set (tests/browser/signer.mjs), makes the real
	// extension in headless Chromium the signer. The strategy segment then
	// is skipped: the extension does not verify program proofs yet.
	ExtensionSigner string
	// Root is the repository root (tests/x402 and node_modules for the x402
	// segment); default the working directory.
	Root string
}

type row struct {
	what, outcome, code string
	proveMs, signerMs   float64
	totalMs             float64
	tx                  string
}

type tour struct {
	cfg   Config
	start time.Time
	mu    sync.Mutex
	s     *stack.Stack
	rows  []row
	took  map[string]time.Duration         // signer's verify+sign time by proposal id
	codes map[string]wire.Code             // signer's refusals by proposal id
	waits map[string]chan signerhost.Event // the strategy segment's waiters by proposal id
	win   *wire.State                      // with the extension: the window sums of what the tour got signed
}

// Run runs the tour; it returns an error if any step does not end as the
// tour expects.
func Run(ctx context.Context, cfg Config) error {
	t := &tour{cfg: cfg, start: time.Now(), took: map[string]time.Duration{}, codes: map[string]wire.Code{}, win: &wire.State{}}
	fmt.Fprintln(cfg.Out, "Leash demo: an AI agent's wallet on a cryptographic leash")
	fmt.Fprintln(cfg.Out, strings.Repeat("─", 78))
	if err := ensureProgramKeys(cfg.KeysDir, t.say); err != nil {
		return err
	}
	if err := ensureTypedKeys(cfg.KeysDir, t.say); err != nil {
		return err
	}
	if cfg.Root == "" {
		t.cfg.Root = "."
	}
	s, err := stack.Start(ctx, stack.Config{LeashBin: cfg.LeashBin, KeysDir: cfg.KeysDir, WorkDir: cfg.WorkDir,
		Say: t.say, OnEvent: t.onEvent, Program: true, ExtensionSigner: cfg.ExtensionSigner, AgentAddr: agentAddr(cfg)})
	if err != nil {
		return err
	}
	defer s.Close()
	t.s = s
	info, _ := policycircuit.GetInfo()
	t.say("policy", "%s", strings.ReplaceAll(strings.TrimSpace(s.Policy.Describe()), "\n", "\n"+strings.Repeat(" ", 22)))
	t.say("circuit", "%d constraints, %d public inputs, one setup for every policy", info.Constraints, info.PublicInputs)
	t.say("dashboard", "live at %s/", s.Agent.BaseURL)
	if cfg.Hold && cfg.NoTour {
		return t.hold(ctx)
	}

	tenth := eth(1, 10)
	for i := 0; i < 3; i++ {
		if err := t.pay(ctx, tenth, daemon.StatusMined, ""); err != nil {
			return err
		}
	}
	if err := t.pay(ctx, eth(2, 1), daemon.StatusRejected, "policy_violation:value"); err != nil {
		return err
	}
	if err := t.forge(ctx); err != nil {
		return err
	}
	if err := t.x402(ctx); err != nil {
		return err
	}
	if err := t.strategy(ctx); err != nil {
		return err
	}
	if err := t.attacks(ctx); err != nil {
		return err
	}
	t.say("user", "revokes the policy on chain: the kill switch")
	if err := s.Revoke(ctx); err != nil {
		return err
	}
	if err := t.pay(ctx, tenth, daemon.StatusRejected, string(wire.Revoked)); err != nil {
		return err
	}
	if s.Signer == nil {
		time.Sleep(300 * time.Millisecond) // the extension's activity list is polled: let its last line arrive
	}
	t.summary()
	if cfg.Hold {
		return t.hold(ctx)
	}
	return nil
}

func eth(num, den int64) *big.Int {
	e := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	return new(big.Int).Div(e.Mul(e, big.NewInt(num)), big.NewInt(den))
}

func fmtEth(v *big.Int) string {
	r := new(big.Rat).SetFrac(v, eth(1, 1))
	return strings.TrimRight(strings.TrimRight(r.FloatString(4), "0"), ".") + " ETH"
}

func (t *tour) say(who, format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.cfg.Out, "[%6.2fs] %-11s %s\n", time.Since(t.start).Seconds(), who, fmt.Sprintf(format, args...))
}

func (t *tour) onEvent(e signerhost.Event) {
	t.notify(e)
	switch e.Status {
	case wire.StatusSigned:
		t.mu.Lock()
		t.took[e.ID] = e.Took
		t.mu.Unlock()
		if e.Took > 0 {
			t.say("signer", "verified the proof and signed in %.1f ms → %s", ms(e.Took), e.TxHash)
		} else {
			t.say("signer", "the extension verified the proof and signed → %s", e.TxHash)
		}
	case wire.StatusMined:
		t.say("chain", "mined %s (%.0f ms after broadcast)", e.TxHash, ms(e.Mined))
	case wire.StatusRejected:
		if e.Code == wire.NonceMismatch && t.s != nil && t.s.Signer == nil {
			// The extension's ledger was behind the chain (the account also
			// deployed the contracts): it syncs its nonce and decides again.
			t.say("signer", "the extension's nonce was behind the chain's: it synced it and checked the proposal again")
			return
		}
		t.mu.Lock()
		t.codes[e.ID] = e.Code
		t.mu.Unlock()
		t.say("signer", "REFUSED %s: %s", e.Code, e.Message)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// pay asks the agent host for a payment to Alice and checks the outcome.
func (t *tour) pay(ctx context.Context, value *big.Int, want string, wantCode string) error {
	what := "pay " + fmtEth(value) + " to Alice"
	t.say("agent", "→ %s", what)
	rec, err := t.s.Agent.Submit(ctx, daemon.Payment(wire.Address(t.s.Alice), value), "", 2*time.Minute)
	if err != nil {
		return err
	}
	switch {
	case rec.Status == daemon.StatusRejected && rec.Attempts == 0:
		t.say("pre-check", "REFUSED %s: %s (no proof attempted)", rec.Code, rec.Message)
	case rec.Status == daemon.StatusMined:
		t.say("agent-host", "proof took %.0f ms; mined %.0f ms after the request", rec.Timings.ProveMs, rec.Timings.TotalMs)
		t.counted(rec.Tx)
	default:
		t.say("agent-host", "%s %s %s", rec.Status, rec.Code, rec.Message)
	}
	t.record(what, rec)
	if rec.Status != want || string(rec.Code) != wantCode {
		return fmt.Errorf("%s: ended %s %s, the tour expected %s %s", what, rec.Status, rec.Code, want, wantCode)
	}
	return nil
}

func (t *tour) record(what string, rec daemon.Record) {
	r := row{what: what, outcome: rec.Status, code: string(rec.Code), proveMs: rec.Timings.ProveMs, totalMs: rec.Timings.TotalMs}
	if rec.TxHash != nil {
		r.tx = rec.TxHash.Hex()[:12] + "…"
	}
	t.mu.Lock()
	for id, d := range t.took {
		if strings.HasPrefix(id, rec.ID+".") {
			r.signerMs = ms(d)
		}
	}
	t.rows = append(t.rows, r)
	t.mu.Unlock()
}

// forge plays a compromised agent host: it proves a 0.1 ETH payment, then
// sends the proof with the transaction changed to 0.9 ETH (still within the
// policy's caps, so only the proof can catch it).
// signerState is the nonce and window state a proposal is proven against:
// the chain's pending nonce of the signer's account (the signer syncs its
// ledger forward to it; the strategy's oracle moves use the same account),
// and the signer's window sums: read from the native core, or with the
// extension, what the tour got signed (policy.Count).
func (t *tour) signerState(ctx context.Context) (uint64, *wire.State, error) {
	n, err := t.s.Eth().PendingNonceAt(ctx, t.s.Account)
	if err != nil {
		return 0, nil, err
	}
	var st *wire.State
	if t.s.Signer != nil {
		st = t.s.Signer.WindowState()
	} else {
		t.mu.Lock()
		st = t.win.Clone()
		t.mu.Unlock()
	}
	st.Nonce, st.Time = wire.Uint64(n), uint64(time.Now().Unix())
	return n, st, nil
}

// counted adds a signed transaction to the tour's copy of the window.
func (t *tour) counted(tx *wire.Tx) {
	if tx == nil {
		return
	}
	t.mu.Lock()
	t.s.Policy.Count(t.win, tx)
	t.mu.Unlock()
}

func (t *tour) forge(ctx context.Context) error {
	t.say("attacker", "a compromised agent host proves 0.1 ETH to Alice, then sends that proof for 0.9 ETH")
	pk, err := policycircuit.ReadProvingKey(t.s.KeysDir)
	if err != nil {
		return err
	}
	pr, err := prover.New(t.s.Policy, pk)
	if err != nil {
		return err
	}
	nonce, st, err := t.signerState(ctx)
	if err != nil {
		return err
	}
	tx := &wire.Tx{ChainID: 1337, Nonce: wire.Uint64(nonce), To: wire.Address(t.s.Alice), Value: wire.NewQuantity(eth(1, 10)),
		Gas: 21000, MaxFeePerGas: wire.QuantityFromUint64(4e9), MaxPriorityFeePerGas: wire.QuantityFromUint64(1e9)}
	p, err := pr.Prove(prover.Request{ID: "forged-1", Tx: tx, State: st})
	if err != nil {
		return err
	}
	p.Tx.Value = wire.NewQuantity(eth(9, 10))
	body, _ := json.Marshal(p)
	if err := t.s.AgentLink.Send(ctx, daemon.Message{Kind: daemon.KindProposal, Body: body}); err != nil {
		return err
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		t.mu.Lock()
		code, ok := t.codes[p.ID]
		t.mu.Unlock()
		if ok {
			t.mu.Lock()
			t.rows = append(t.rows, row{what: "forged: 0.1 ETH proof sent as 0.9 ETH", outcome: "rejected", code: string(code)})
			t.mu.Unlock()
			if code != wire.ProofInvalid {
				return fmt.Errorf("forged proposal refused with %s, expected proof_invalid", code)
			}
			return nil
		}
	}
	return fmt.Errorf("the forged proposal got no answer")
}

func (t *tour) summary() {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.cfg.Out
	fmt.Fprintln(w, strings.Repeat("─", 78))
	fmt.Fprintf(w, "%-40s %-9s %-24s %8s %9s %9s  %s\n", "request", "outcome", "code", "prove ms", "signer ms", "total ms", "tx")
	var proves, totals []float64
	for _, r := range t.rows {
		fmt.Fprintf(w, "%-40s %-9s %-24s %8s %9s %9s  %s\n", r.what, r.outcome, r.code, num(r.proveMs), num(r.signerMs), num(r.totalMs), r.tx)
		if r.outcome == daemon.StatusMined {
			proves, totals = append(proves, r.proveMs), append(totals, r.totalMs)
		}
	}
	fmt.Fprintf(w, "\nmined: %d; median prove %.0f ms; median request → mined %.0f ms; every refusal above signed nothing.\n",
		len(proves), median(proves), median(totals))
}

func num(v float64) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", v)
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}
