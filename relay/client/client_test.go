package client_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/leash-wallet/leash/relay/client"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/wire"
)

func TestFileState(t *testing.T) {
	fs := &client.FileState{Path: filepath.Join(t.TempDir(), "relay-state.json")}
	if st, err := fs.Load(); err != nil || st != (e2e.State{}) {
		t.Fatalf("missing file: %+v %v", st, err)
	}
	want := e2e.State{Send: 7, Recv: 9}
	if err := fs.Save(want); err != nil {
		t.Fatal(err)
	}
	if st, err := fs.Load(); err != nil || st != want {
		t.Fatalf("round trip: %+v %v", st, err)
	}
}

func TestConfigErrors(t *testing.T) {
	secret, _ := e2e.NewChannelSecret(nil)
	cases := []struct {
		name string
		cfg  client.Config
	}{
		{"http-url", client.Config{URL: "http://127.0.0.1:1/v1/ws", Secret: secret, Role: e2e.RoleAgent}},
		{"no-role", client.Config{URL: "ws://127.0.0.1:1/v1/ws", Secret: secret}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := client.New(c.cfg); !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("got %v", err)
			}
		})
	}
	// Sending before pairing is refused without touching the network.
	c, err := client.New(client.Config{URL: "ws://127.0.0.1:1/v1/ws", Secret: secret, Role: e2e.RoleAgent})
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
