package relayconn_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/prover/relayconn"
	"github.com/leash-wallet/leash/relay/client"
	"github.com/leash-wallet/leash/relay/core"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/server"
	"github.com/leash-wallet/leash/wire"
)

func startRelay(t *testing.T) string {
	srv, err := server.New(server.Config{Store: core.NewMemStore(), Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return "ws" + strings.TrimPrefix(hs.URL, "http") + "/v1/ws"
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func fast() client.Config {
	return client.Config{MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}
}

// signer is a Go signer that accepts the first handshake.
func signer(t *testing.T, ctx context.Context, url string) (e2e.Pairing, chan *client.Client, chan string) {
	sk, _ := e2e.GenerateKeyPair(nil)
	secret, _ := e2e.NewChannelSecret(nil)
	p := e2e.Pairing{Relay: url, Secret: secret, SignerPub: sk.Public, Exp: time.Now().Add(time.Minute).Unix()}
	out, codes := make(chan *client.Client, 1), make(chan string, 1)
	go func() {
		c, err := client.AcceptPairing(ctx, fast(), p, sk, func(o e2e.Offer) bool { codes <- o.Code; return true })
		if err != nil {
			t.Errorf("accept: %v", err)
		}
		out <- c
	}()
	return p, out, codes
}

func TestPairOnceThenResumeEncrypted(t *testing.T) {
	url := startRelay(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, signed, codes := signer(t, ctx, url)
	dir := t.TempDir()
	shown := make(chan string, 1)
	cfg := relayconn.Config{PairingURI: p.URI(), DataDir: dir, Logger: quiet(), Client: fast(), Hello: map[string]string{"name": "a"},
		OnCode: func(c string) { shown <- c }}
	conn, err := relayconn.Connect(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	sc := <-signed
	defer sc.Close()
	if a, b := <-shown, <-codes; a != b {
		t.Fatalf("codes %q %q", a, b)
	}
	// The state on disk is encrypted: no key, chain or secret shows.
	raw, err := os.ReadFile(filepath.Join(dir, relayconn.StateFile))
	if err != nil {
		t.Fatal(err)
	}
	st := conn.SessionState()
	for _, secret := range [][]byte{st.Own[:], st.Root[:], st.RecvC.Chain[:], st.SendC.Chain[:], p.Secret[:]} {
		for _, enc := range [][]byte{secret, []byte(base64.RawURLEncoding.EncodeToString(secret))} {
			if bytes.Contains(raw, enc) {
				t.Fatal("a secret of the pairing state is on disk in the clear")
			}
		}
	}
	if bytes.Contains(raw, []byte(`"session"`)) || bytes.Contains(raw, []byte(url)) {
		t.Fatal("the pairing state is not encrypted")
	}
	// A signer message reaches the daemon; the relay forgets it only after
	// the daemon's Ack.
	if _, err := sc.Send(ctx, "receipt", map[string]string{"id": "p-1"}); err != nil {
		t.Fatal(err)
	}
	m := <-conn.Receive()
	if m.Kind != "receipt" || m.Ack == nil {
		t.Fatalf("message %+v", m)
	}
	conn.Close() // a crash before the daemon handled it
	// Restart without the URI: the saved pairing resumes, and the unhandled
	// message comes again.
	cfg.PairingURI = ""
	conn2, err := relayconn.Connect(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	m2 := <-conn2.Receive()
	if string(m2.Body) != string(m.Body) {
		t.Fatalf("redelivered %s", m2.Body)
	}
	m2.Ack()
	if err := conn2.Send(ctx, daemon.Message{Kind: "proposal", Body: json.RawMessage(`{"id":"p-2"}`)}); err != nil {
		t.Fatal(err)
	}
	got, err := sc.Receive(ctx)
	if err != nil || got.Kind != "proposal" {
		t.Fatalf("signer: %v", err)
	}
	_ = sc.Ack(got)
	conn2.Close()
	// Once paired, a pairing URI is not used again (an old one is ignored).
	cfg.PairingURI = p.URI()
	conn3, err := relayconn.Connect(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := conn3.Send(ctx, daemon.Message{Kind: "proposal", Body: json.RawMessage(`{"id":"p-3"}`)}); err != nil {
		t.Fatal(err)
	}
	if got, err = sc.Receive(ctx); err != nil || !strings.Contains(string(got.Body), "p-3") {
		t.Fatalf("signer after the third start: %v", err)
	}
	conn3.Close()
	// Another key does not open the state.
	if err := os.WriteFile(filepath.Join(dir, "state.key"), bytes.Repeat([]byte{1}, 32), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := relayconn.Connect(ctx, cfg); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("wrong key: %v", err)
	}
}

func TestNotPairedNeedsURI(t *testing.T) {
	_, err := relayconn.Connect(context.Background(), relayconn.Config{DataDir: t.TempDir(), Logger: quiet()})
	if !errors.Is(err, relayconn.ErrNotPaired) {
		t.Fatalf("got %v", err)
	}
}

func TestPassphrase(t *testing.T) {
	url := startRelay(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, signed, _ := signer(t, ctx, url)
	dir := t.TempDir()
	cfg := relayconn.Config{PairingURI: p.URI(), DataDir: dir, Passphrase: "correct horse", Logger: quiet(), Client: fast()}
	conn, err := relayconn.Connect(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	sc := <-signed
	defer sc.Close()
	conn.Close()
	if _, err := os.Stat(filepath.Join(dir, "state.key")); err == nil {
		t.Fatal("a key file was written with a passphrase")
	}
	cfg.PairingURI = ""
	cfg.Passphrase = "wrong"
	if _, err := relayconn.Connect(ctx, cfg); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	cfg.Passphrase = "correct horse"
	c2, err := relayconn.Connect(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	c2.Close()
}

// TestInterruptedPairingKeepsTheKey: an agent host that stops before the
// handshake completed pairs again with the same static key, so the signer
// sees one agent key (no conflict), and without a URI it says what to do.
func TestInterruptedPairingKeepsTheKey(t *testing.T) {
	url := startRelay(t)
	dir := t.TempDir()
	sk, _ := e2e.GenerateKeyPair(nil)
	secret, _ := e2e.NewChannelSecret(nil)
	p := e2e.Pairing{Relay: url, Secret: secret, SignerPub: sk.Public, Exp: time.Now().Add(time.Minute).Unix()}
	// First start: nobody answers; the start is abandoned.
	ctx1, cancel1 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	_, err := relayconn.Connect(ctx1, relayconn.Config{PairingURI: p.URI(), DataDir: dir, Logger: quiet(), Client: fast()})
	cancel1()
	if err == nil {
		t.Fatal("paired without a signer")
	}
	if _, err := relayconn.Connect(context.Background(), relayconn.Config{DataDir: dir, Logger: quiet()}); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("interrupted pairing without a URI: %v", err)
	}
	// The signer comes; the second start pairs, with the key of the first.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	keys := make(chan e2e.PublicKey, 4)
	shown := make(chan string, 4)
	done := make(chan error, 1)
	go func() {
		// The user confirms only the offer whose code the agent host shows
		// (the first start's handshake is an offer too, with another code).
		c, err := client.AcceptPairing(ctx, fast(), p, sk, func(o e2e.Offer) bool {
			keys <- o.PeerKey
			select {
			case code := <-shown:
				return code == o.Code
			case <-time.After(2 * time.Second):
				return false
			}
		})
		if c != nil {
			defer c.Close()
		}
		done <- err
	}()
	conn, err := relayconn.Connect(ctx, relayconn.Config{PairingURI: p.URI(), DataDir: dir, Logger: quiet(), Client: fast(),
		OnCode: func(c string) { shown <- c }})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := <-done; err != nil {
		t.Fatalf("the signer refused the second handshake: %v", err)
	}
	first := <-keys
	for len(keys) > 0 {
		if k := <-keys; k != first {
			t.Fatal("the second start used another agent key")
		}
	}
}
