// Package relayconn connects the agent-host daemon to its signer through the
// relay: it keeps the agent's static X25519 key and the session state in a
// data directory (so a restart resumes without pairing again), pairs with a
// signer from its pairing URI the first time, and adapts the relay client to
// the daemon's Transport.
//
// Security notes: the pairing URI holds the channel secret and the data
// directory holds the agent's private key; both are written with mode 0600.
// Neither gives any power over the user's funds: the signer still verifies
// every proposal.
package relayconn

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/relay/client"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/wire"
)

// Config configures Connect.
type Config struct {
	PairingURI string // leash:pair?relay=…&channel=…&pub=… shown by the signer
	DataDir    string // holds agent.key, session-<channel>.json
	Hello      any    // the hello body shown to the user (e.g. a name and the policy commitment)
	Logger     *slog.Logger
}

// Conn is a paired relay connection; it implements daemon.Transport.
type Conn struct {
	c     *client.Client
	in    chan daemon.Message
	log   *slog.Logger
	relay string
}

// Connect resumes the session for the pairing in cfg, or pairs first. The
// first pairing blocks until the user confirms it in their signer.
func Connect(ctx context.Context, cfg Config) (*Conn, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	p, err := e2e.ParsePairingURI(strings.TrimSpace(cfg.PairingURI))
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	key, err := loadOrCreateKey(filepath.Join(cfg.DataDir, "agent.key"))
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(p.Secret[:]))
	state := &client.FileState{Path: filepath.Join(cfg.DataDir, "session-"+hex.EncodeToString(sum[:8])+".json")}
	st, err := state.Load()
	if err != nil {
		return nil, err
	}
	ccfg := client.Config{URL: p.Relay, Secret: p.Secret, Role: e2e.RoleAgent, State: state, Logger: cfg.Logger}
	var c *client.Client
	if st.Send > 0 {
		sess, err := e2e.NewSession(p.Secret, e2e.RoleAgent, key, p.SignerPub)
		if err != nil {
			return nil, err
		}
		sess.SetState(st)
		ccfg.Session = sess
		if c, err = client.New(ccfg); err != nil {
			return nil, err
		}
		cfg.Logger.Info("resumed the relay session", "relay", p.Relay, "send", st.Send, "recv", st.Recv)
	} else {
		body, _ := json.Marshal(cfg.Hello)
		cfg.Logger.Info("pairing: waiting for the user to confirm this agent in the signer",
			"relay", p.Relay, "agentKey", key.Public.Fingerprint())
		if c, err = client.PairAgent(ctx, ccfg, p, key, body); err != nil {
			return nil, fmt.Errorf("pairing: %w", err)
		}
		cfg.Logger.Info("paired with the signer")
	}
	conn := &Conn{c: c, in: make(chan daemon.Message, 64), log: cfg.Logger, relay: p.Relay}
	go conn.receive(ctx)
	return conn, nil
}

// Send seals m for the signer; it returns once the relay stored it durably.
func (c *Conn) Send(ctx context.Context, m daemon.Message) error {
	_, err := c.c.Send(ctx, m.Kind, m.Body)
	return err
}

// Receive yields the signer's messages.
func (c *Conn) Receive() <-chan daemon.Message { return c.in }

// Link reports the relay's URL and whether the client is authenticated on
// a connection to it now (for the wallet's signer status).
func (c *Conn) Link() daemon.Link {
	now, cancel := context.WithCancel(context.Background())
	cancel() // WaitConnected answers at once: nil only when connected
	return daemon.Link{Relay: c.relay, Connected: c.c.WaitConnected(now) == nil}
}

// Close closes the relay connection.
func (c *Conn) Close() error { return c.c.Close() }

func (c *Conn) receive(ctx context.Context) {
	defer close(c.in)
	for {
		m, err := c.c.Receive(ctx)
		if err != nil {
			if ctx.Err() == nil {
				c.log.Error("relay receive ended", "err", err)
			}
			return
		}
		if m.Kind != "" {
			select {
			case c.in <- daemon.Message{Kind: m.Kind, Body: m.Body}:
			case <-ctx.Done():
				return
			}
		}
		if err := c.c.Ack(m); err != nil {
			c.log.Warn("relay ack failed", "err", err)
		}
	}
}

// loadOrCreateKey keeps the agent's static X25519 private key in path (0600).
func loadOrCreateKey(path string) (e2e.KeyPair, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		kp, err := e2e.GenerateKeyPair(nil)
		if err != nil {
			return kp, err
		}
		if err := os.WriteFile(path, []byte(hex.EncodeToString(kp.Private[:])+"\n"), 0o600); err != nil {
			return kp, err
		}
		return kp, nil
	}
	if err != nil {
		return e2e.KeyPair{}, err
	}
	raw, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(raw) != 32 {
		return e2e.KeyPair{}, wire.Errorf(wire.Malformed, "%s: not a 32-byte hex key", path)
	}
	var priv [32]byte
	copy(priv[:], raw)
	return e2e.KeyPairFromPrivate(priv)
}
