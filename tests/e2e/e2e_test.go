// Package e2e runs the whole system: agent → agent-host daemon → relay →
// signer → dev chain, with real processes and sockets.
package e2e

import (
	"context"
	"fmt"
	"math/big"
	"net/http"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/internal/stack"
	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/prover/daemon/daemontest"
	"github.com/leash-wallet/leash/wire"
)

func leashBin(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "leash")
	out, err := exec.Command("go", "build", "-o", bin, "../../cmd/leash").CombinedOutput()
	if err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

var ethWei = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)

// pay asks the agent host to send value wei to alice and waits for the outcome.
func pay(ctx context.Context, t *testing.T, s *stack.Stack, value *big.Int, key string) daemon.Record {
	t.Helper()
	rec, err := s.Agent.Submit(ctx, daemon.Payment(wire.Address(s.Alice), value), key, 90*time.Second)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	return rec
}

// startStack starts the whole stack (devnet, relay, agent host, native
// signer) on the policy test keys; every response of the real agent host
// is checked against its OpenAPI document, reported when the test ends.
// The context ends 5 minutes from now, or after the stack is closed.
func startStack(t *testing.T) (context.Context, *stack.Stack) {
	keys, _, _ := policytest.Keys(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel) // cleanups run last-in first-out: after the stack's Close
	spec := &daemontest.SpecCheck{}
	s, err := stack.Start(ctx, stack.Config{LeashBin: leashBin(t), KeysDir: keys, WorkDir: t.TempDir(),
		APIMiddleware: func(h http.Handler) http.Handler { return spec.Wrap(t, h) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		spec.Report(t)
		t.Logf("%d agent-host responses checked against docs/agent-host-api.yaml", spec.Checked())
	})
	return ctx, s
}

// TestEndToEnd: in-policy payments are mined and the balances move by
// exactly what was paid; the relay is SIGKILLed and restarted mid-run and
// nothing is lost or paid twice; an off-policy request is refused by the
// pre-check; after an on-chain revoke, the next proposal is refused.
func TestEndToEnd(t *testing.T) {
	ctx, s := startStack(t)
	before, err := s.Balance(ctx, s.Alice)
	if err != nil {
		t.Fatal(err)
	}
	tenth := new(big.Int).Div(ethWei, big.NewInt(10))

	rec := pay(ctx, t, s, tenth, "first")
	if rec.Status != daemon.StatusMined || rec.TxHash == nil {
		t.Fatalf("first payment: %+v", rec)
	}
	t.Logf("first payment mined in %.0f ms (prove %.0f ms, sent→signed %.0f ms)", rec.Timings.TotalMs, rec.Timings.ProveMs, rec.Timings.SignedMs)

	// Four payments in flight while the relay is killed and restarted.
	var wg sync.WaitGroup
	recs := make([]daemon.Record, 4)
	for i := range recs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			recs[i] = pay(ctx, t, s, tenth, fmt.Sprintf("burst-%d", i))
		}(i)
	}
	time.Sleep(300 * time.Millisecond)
	if err := s.KillRelay(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if err := s.StartRelay(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i, r := range recs {
		if r.Status != daemon.StatusMined {
			t.Fatalf("burst %d: %+v", i, r)
		}
	}
	after, _ := s.Balance(ctx, s.Alice)
	paid := new(big.Int).Sub(after, before)
	if want := new(big.Int).Mul(tenth, big.NewInt(5)); paid.Cmp(want) != 0 {
		t.Fatalf("alice received %s wei, want exactly %s", paid, want)
	}

	// Off policy: above the per-transaction cap, refused before proving.
	rec = pay(ctx, t, s, new(big.Int).Mul(ethWei, big.NewInt(2)), "too-much")
	if rec.Status != daemon.StatusRejected || rec.Code != "policy_violation:value" {
		t.Fatalf("over the cap: %+v", rec)
	}

	// The kill switch: revoke on chain; the next proposal is refused.
	if err := s.Revoke(ctx); err != nil {
		t.Fatal(err)
	}
	rec = pay(ctx, t, s, tenth, "after-revoke")
	if rec.Status != daemon.StatusRejected || rec.Code != wire.Revoked {
		t.Fatalf("after revoke: %+v", rec)
	}
	final, _ := s.Balance(ctx, s.Alice)
	if final.Cmp(after) != 0 {
		t.Fatal("a payment went through after the revoke")
	}
}
