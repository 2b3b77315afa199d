package e2e

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/wire"
)

// TestAgentHostRestartKeepsIdempotencyKeys: on the whole system (devnet,
// relay process, native signer), a payment is mined, the agent host is
// restarted over its data directory (one more payment was submitted just
// before), and the agent retries both with their Idempotency-Keys: each
// retry returns its first record and Alice is paid once per key (before
// the keys were kept on disk, the retry of a mined payment was proposed,
// signed and mined again).
func TestAgentHostRestartKeepsIdempotencyKeys(t *testing.T) {
	ctx, s := startStack(t)
	before, err := s.Balance(ctx, s.Alice)
	if err != nil {
		t.Fatal(err)
	}
	tenth := new(big.Int).Div(ethWei, big.NewInt(10))

	first := pay(ctx, t, s, tenth, "restart-1")
	if first.Status != daemon.StatusMined || first.TxHash == nil {
		t.Fatalf("first payment: %+v", first)
	}
	second, err := s.Agent.Submit(ctx, daemon.Payment(wire.Address(s.Alice), tenth), "restart-2", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RestartAgentHost(); err != nil {
		t.Fatal(err)
	}

	again := pay(ctx, t, s, tenth, "restart-1")
	if again.ID != first.ID || again.Status != daemon.StatusMined || again.TxHash == nil || *again.TxHash != *first.TxHash {
		t.Fatalf("the mined payment's retry after the restart: %+v, first %+v", again, first)
	}
	again2 := pay(ctx, t, s, tenth, "restart-2")
	if again2.ID != second.ID || !again2.Final {
		t.Fatalf("the cut-off payment's retry after the restart: %+v, first %+v", again2, second)
	}
	t.Logf("the payment submitted before the restart came back %s (%s: %s)", again2.Status, again2.Code, again2.Message)
	if _, err := s.Agent.Submit(ctx, daemon.Payment(wire.Address(s.Alice), tenth), "restart-1", 0); err != nil {
		t.Fatalf("an exact retry: %v", err)
	}
	if _, err := s.Agent.Submit(ctx, daemon.Payment(wire.Address(s.Alice), new(big.Int).Mul(tenth, big.NewInt(2))), "restart-1", 0); !errors.Is(err, daemon.ErrIdempotencyMismatch) {
		t.Fatalf("the key with another payment after the restart: %v", err)
	}
	// The restarted agent host pays with a new key (nonce read from chain).
	third := pay(ctx, t, s, tenth, "restart-3")
	if third.Status != daemon.StatusMined {
		t.Fatalf("a new payment after the restart: %+v", third)
	}

	// Alice got one payment per key: the second only if it left before the
	// restart (it then shows interrupted, its outcome unknown to the new
	// daemon; failed means it was never sent).
	time.Sleep(2 * time.Second) // a second payment the signer took before the restart is mined by now
	after, _ := s.Balance(ctx, s.Alice)
	paid := new(big.Int).Sub(after, before)
	n := new(big.Int).Div(paid, tenth).Int64()
	if new(big.Int).Mod(paid, tenth).Sign() != 0 || n < 2 || n > 3 || (again2.Status == daemon.StatusFailed && n != 2) {
		t.Fatalf("alice received %s wei (%d payments) for three keys, the second %s", paid, n, again2.Status)
	}
}
