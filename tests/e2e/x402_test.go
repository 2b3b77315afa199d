package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/typedcircuit"
	"github.com/leash-wallet/leash/circuits/typedcircuit/typedtest"
	"github.com/leash-wallet/leash/internal/stack"
	"github.com/leash-wallet/leash/internal/x402ref"
	"github.com/leash-wallet/leash/internal/x402ref/x402reftest"
	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/wire"
)

// keysWithTyped is a keys directory holding the cached policy and
// typed-data setups (links), as `leash setup` writes them side by side.
func keysWithTyped(t *testing.T) string {
	t.Helper()
	polDir, _, _ := policytest.Keys(t)
	typDir := typedtest.Keys(t).Dir
	dir := t.TempDir()
	for src, names := range map[string][]string{
		polDir: {policycircuit.ProvingKeyFile, policycircuit.VerifyingKeyFile},
		typDir: {typedcircuit.ProvingKeyFile, typedcircuit.VerifyingKeyFile},
	} {
		for _, n := range names {
			if err := os.Symlink(filepath.Join(src, n), filepath.Join(dir, n)); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// x402CLI runs `leash x402 fetch URL --agent-host A` and decodes what it
// printed; it returns the exit code too.
func x402CLI(t *testing.T, bin, agentHost, url string) (daemon.X402Result, int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "x402", "fetch", url, "--agent-host", agentHost)
	cmd.Env = append(os.Environ(), "LEASH_AGENT_HOST_TOKEN=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	var res daemon.X402Result
	dec := json.NewDecoder(bytes.NewReader(out.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&res); err != nil && code != 4 {
		t.Fatalf("leash x402 fetch %s printed %q (exit %d, stderr %q): %v", url, out.String(), code, errb.String(), err)
	}
	return res, code, out.String()
}

// TestX402FetchCLI: `leash x402 fetch URL`, the real CLI binary, asks the
// agent host of a running system (the relay a separate process, the
// native signer core paired over it, the devnet with dUSDC) to fetch the
// x402 reference server's resources (@x402/express and the @x402/evm
// facilitator). In-policy calls are paid: the CLI prints the paid body,
// the settlement is mined and the payee's dUSDC grows by the price, exit
// 0. A payment over the dUSDC window, to a payee outside the policy, or
// valid longer than the policy's maxValidity is refused before proving
// with the rule named and exit 3, and nothing moves: no balance, not the
// signer's window.
func TestX402FetchCLI(t *testing.T) {
	x402reftest.Root(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	bin := leashBin(t)
	s, err := stack.Start(ctx, stack.Config{LeashBin: bin, KeysDir: keysWithTyped(t), WorkDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !s.Typed {
		t.Fatal("the stack did not load the typed-data keys")
	}
	// The stack's policy: dUSDC payments to Alice, at most 0.03 a payment
	// and 0.05 in the window, valid at most 600 s.
	const price, premium = 10_000, 30_000 // 0.01 and 0.03 dUSDC
	srv := x402reftest.Start(t, s.Devnet, x402ref.Config{PayTo: s.Alice, Price: price, Premium: premium})
	usdc := s.Addrs.USDC
	balance := func(a common.Address) *big.Int { return x402reftest.Balance(t, s.Eth(), usdc, a) }
	window := func() int64 { return s.Signer.WindowState().TokenSpent(wire.Address(usdc)).Int64() }
	agent := s.Agent.BaseURL

	// A free resource: fetched, nothing paid.
	res, code, _ := x402CLI(t, bin, agent, srv.Free)
	if code != 0 || res.Status != 200 || res.Paid || res.Payment != nil || !strings.Contains(res.Body, `"free":true`) {
		t.Fatalf("free: exit %d %+v", code, res)
	}

	// Three paid calls of 0.01: each printed, mined, and moving exactly the price.
	for i := 1; i <= 3; i++ {
		alice0, payer0 := balance(s.Alice), balance(s.Account)
		res, code, out := x402CLI(t, bin, agent, srv.Paid)
		if code != 0 || res.Status != 200 || !res.Paid || res.Code != "" || !strings.Contains(res.Body, `"answer":42`) {
			t.Fatalf("paid call %d: exit %d\n%s\nserver log:\n%s", i, code, out, srv.Log())
		}
		st := res.Settlement
		if st == nil || !st.Success || st.Network != srv.Network || !strings.EqualFold(st.Payer, s.Account.Hex()) ||
			res.Payment == nil || res.Payment.Amount != "10000" || !strings.EqualFold(res.Payment.PayTo, s.Alice.Hex()) {
			t.Fatalf("paid call %d: settlement %+v payment %+v", i, st, res.Payment)
		}
		rcpt, err := s.Eth().TransactionReceipt(ctx, common.HexToHash(st.Transaction))
		if err != nil || rcpt.Status != 1 {
			t.Fatalf("paid call %d: settlement %s on chain: %v %+v", i, st.Transaction, err, rcpt)
		}
		if d := new(big.Int).Sub(balance(s.Alice), alice0); d.Int64() != price {
			t.Fatalf("paid call %d: Alice received %s, want %d", i, d, price)
		}
		if d := new(big.Int).Sub(payer0, balance(s.Account)); d.Int64() != price {
			t.Fatalf("paid call %d: the account paid %s, want %d", i, d, price)
		}
		if res.ProveMs <= 0 || res.SignerMs <= 0 {
			t.Fatalf("paid call %d: no proof or signer time: %+v", i, res)
		}
		t.Logf("paid call %d: 402 → paid answer %.0f ms (prove %.0f, signer %.0f); settled in %s", i, res.TotalMs, res.ProveMs, res.SignerMs, st.Transaction)
	}
	if got := window(); got != 3*price {
		t.Fatalf("the signer's dUSDC window is %d after three payments", got)
	}

	// Refusals: each before proving, exit 3, the rule named, nothing moved.
	bob := s.Devnet.Accounts()[3].Address
	other := x402reftest.Start(t, s.Devnet, x402ref.Config{PayTo: bob, Price: price})
	slow := x402reftest.Start(t, s.Devnet, x402ref.Config{PayTo: s.Alice, Price: price, MaxTimeout: 900})
	for _, c := range []struct {
		what, url string
		rule      string
	}{
		{"0.03 more is over the 0.05 window", srv.Premium, "token_window"},
		{"a payee outside the policy", other.Paid, "payee"},
		{"valid 900 s, over maxValidity 600 s", slow.Paid, "validity"},
	} {
		alice0, bob0, payer0, win0 := balance(s.Alice), balance(bob), balance(s.Account), window()
		res, code, out := x402CLI(t, bin, agent, c.url)
		if code != 3 || res.Code != wire.PolicyViolation(c.rule) || res.Paid || res.Settlement != nil || res.ProveMs != 0 || res.Message == "" {
			t.Fatalf("%s: exit %d, want 3 and %s\n%s", c.what, code, wire.PolicyViolation(c.rule), out)
		}
		if balance(s.Alice).Cmp(alice0) != 0 || balance(bob).Cmp(bob0) != 0 || balance(s.Account).Cmp(payer0) != 0 || window() != win0 {
			t.Fatalf("%s: refused, yet something moved", c.what)
		}
		t.Logf("%s: exit %d, %s: %s", c.what, code, res.Code, res.Message)
	}

	// No agent host: exit 4 with a coded error, nothing paid.
	if _, code, out := x402CLI(t, bin, "http://127.0.0.1:1", srv.Paid); code != 4 || !strings.Contains(out, `"error"`) {
		t.Fatalf("no agent host: exit %d %q", code, out)
	}
}
