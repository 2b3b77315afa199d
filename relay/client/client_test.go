package client_test

import (
	"context"
	"errors"
	"testing"

	"github.com/leash-wallet/leash/relay/client"
	"github.com/leash-wallet/leash/relay/e2e"
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
