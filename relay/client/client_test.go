package client_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/leash-wallet/leash/relay/client"
	"github.com/leash-wallet/leash/relay/core"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/server"
	"github.com/leash-wallet/leash/wire"
)

func TestConfigErrors(t *testing.T) {
	secret, _ := e2e.NewChannelSecret(nil)
	a, _, _ := e2e.HandshakeLocal(nil)
	cases := []struct {
		name string
		cfg  client.Config
	}{
		{"http-url", client.Config{URL: "http://127.0.0.1:1/v1/ws", Keys: secret.Keys(), Role: e2e.RoleAgent}},
		{"no-role", client.Config{URL: "ws://127.0.0.1:1/v1/ws", Keys: secret.Keys()}},
		{"session-of-another-channel", client.Config{URL: "ws://127.0.0.1:1/v1/ws", Keys: secret.Keys(), Role: e2e.RoleAgent, Session: a}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := client.New(c.cfg); !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("got %v", err)
			}
		})
	}
	// Sending on a raw client is refused without touching the network.
	c, err := client.New(client.Config{URL: "ws://127.0.0.1:1/v1/ws", Keys: secret.Keys(), Role: e2e.RoleAgent})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Send(context.Background(), "proposal", 1); !errors.Is(err, client.ErrNotPaired) {
		t.Fatalf("send before pairing: %v", err)
	}
	c.Close()
	if _, err := c.Receive(context.Background()); !errors.Is(err, client.ErrClosed) {
		t.Fatalf("receive after close: %v", err)
	}
}

func startRelay(t *testing.T) string {
	srv, err := server.New(server.Config{Store: core.NewMemStore(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return "ws" + strings.TrimPrefix(hs.URL, "http") + "/v1/ws"
}

// TestPeriodicRekey: a signer with RekeyEvery re-keys while the agent host
// is online; the agent answers by itself, both move to the next epoch, and
// the exchange goes on across it with nothing lost.
func TestPeriodicRekey(t *testing.T) {
	url := startRelay(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sk, _ := e2e.GenerateKeyPair(nil)
	ak, _ := e2e.GenerateKeyPair(nil)
	secret, _ := e2e.NewChannelSecret(nil)
	p := e2e.Pairing{Relay: url, Secret: secret, SignerPub: sk.Public, Exp: time.Now().Add(time.Minute).Unix()}
	quick := client.Config{MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}
	sc := make(chan *client.Client, 1)
	go func() {
		cfg := quick
		cfg.RekeyEvery = time.Millisecond
		c, err := client.AcceptPairing(ctx, cfg, p, sk, func(e2e.Offer) bool { return true })
		if err != nil {
			t.Error(err)
		}
		sc <- c
	}()
	agent, err := client.PairAgent(ctx, quick, p, ak, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer agent.Close()
	signer := <-sc
	if signer == nil {
		t.FailNow()
	}
	defer signer.Close()
	for i := 0; i < 6; i++ {
		if _, err := agent.Send(ctx, "proposal", i); err != nil {
			t.Fatal(err)
		}
		m, err := signer.Receive(ctx)
		if err != nil || m.Kind != "proposal" {
			t.Fatalf("proposal %d: %v", i, err)
		}
		_ = signer.Ack(m)
		time.Sleep(5 * time.Millisecond)
		if _, err := signer.Send(ctx, "receipt", i); err != nil {
			t.Fatal(err)
		}
		r, err := agent.Receive(ctx)
		if err != nil || r.Kind != "receipt" {
			t.Fatalf("receipt %d: %v", i, err)
		}
		_ = agent.Ack(r)
	}
	if e := signer.Session().Epoch(); e < 2 || agent.Stats().Rekeys < 2 || agent.Session().Epoch() < 2 {
		t.Fatalf("epochs signer %d agent %d, agent re-keys %d", e, agent.Session().Epoch(), agent.Stats().Rekeys)
	}
}
