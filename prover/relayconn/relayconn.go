// Package relayconn connects the agent-host daemon to its signer through the
// relay: it pairs once from a pairing URI (a Noise IKpsk2 handshake on the
// URI's pairing channel, then the signer's confirmation on the session
// channel the handshake named), keeps the pairing state (the agent's static
// key, the session and its ratchet, the ack point) encrypted in a data
// directory, and from then on resumes from that state on every start: the
// URI is needed once and is worthless afterwards. It adapts the relay
// client to the daemon's Transport and acknowledges each message only after
// the daemon handled it.
//
// # Security notes
//
// The pairing state is encrypted (XChaCha20-Poly1305) under a 32-byte key
// from a key file (default DataDir/state.key, mode 0600; keep it elsewhere
// with KeyFile) or under a passphrase (scrypt). Whoever holds the state and
// its key can act as this agent host on the channel until the user pairs
// again, and read what arrives from then on (not what was sent before: the
// session ratchets forward). Neither gives any power over the user's funds:
// the signer still verifies every proposal.
package relayconn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/relay/client"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/wire"
)

// StateFile is the encrypted pairing state in the data directory.
const StateFile = "pairing.enc"

// ErrNotPaired: no saved pairing and no pairing URI.
var ErrNotPaired = &wire.Error{Code: wire.Malformed, Message: "this agent host is not paired: start it once with --pair URI (the pairing URI the signer shows)"}

// Config configures Connect.
type Config struct {
	// PairingURI pairs this agent host (leash:pair?v=2&…, from the signer).
	// Needed only the first time; once paired it is refused unless Repair.
	PairingURI string
	Repair     bool   // pair again with PairingURI, replacing the saved pairing
	DataDir    string // holds pairing.enc (and state.key unless KeyFile or Passphrase)
	KeyFile    string // the state key (32 random bytes, created 0600 when missing); default DataDir/state.key
	Passphrase string // instead of a key file: the state key is scrypt(passphrase)
	Hello      any    // the hello body shown to the user (e.g. a name and the policy commitment)
	// OnCode shows the comparison code of a pairing; the user checks that
	// the signer shows the same. Default: logged at level WARN.
	OnCode func(code string)
	Logger *slog.Logger
	// Client tunes the relay client (backoff, timeouts); URL, keys, role,
	// session and state are set here.
	Client client.Config
}

// Conn is a paired relay connection; it implements daemon.Transport.
type Conn struct {
	c     *client.Client
	in    chan daemon.Message
	log   *slog.Logger
	store *store

	mu    sync.Mutex
	stats Stats
}

// Stats counts what the connection noticed.
type Stats struct {
	Lost uint64 // signer messages the relay numbered and never delivered
	Gaps uint64 // signer messages sealed and never opened here
}

// Connect resumes the saved pairing, or pairs first from cfg.PairingURI
// (blocking until the user confirms the pairing in the signer).
func Connect(ctx context.Context, cfg Config) (*Conn, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	key, err := stateKey(cfg)
	if err != nil {
		return nil, err
	}
	st := &store{path: filepath.Join(cfg.DataDir, StateFile), key: key}
	saved, err := st.load()
	if errors.Is(err, fs.ErrNotExist) {
		saved = nil
	} else if err != nil {
		return nil, err
	}
	uri := strings.TrimSpace(cfg.PairingURI)
	var c *client.Client
	switch {
	case saved != nil && saved.State.Session == nil && !cfg.Repair:
		// A pairing was interrupted before the handshake completed: pair
		// again with the same static key, so the signer sees the same
		// agent key (a new offer, not a conflict).
		if uri == "" {
			return nil, wire.Errorf(wire.Malformed, "the pairing was interrupted: start again with --pair URI")
		}
		if c, err = pair(ctx, cfg, st, uri, saved); err != nil {
			return nil, err
		}
	case saved != nil && !cfg.Repair:
		if uri != "" {
			cfg.Logger.Warn("already paired: the pairing URI is ignored (use --repair with a new URI to pair again)")
		}
		if c, err = resume(ctx, cfg, st, saved); err != nil {
			return nil, err
		}
	case uri == "":
		return nil, ErrNotPaired
	default:
		if c, err = pair(ctx, cfg, st, uri, nil); err != nil {
			return nil, err
		}
	}
	conn := &Conn{c: c, in: make(chan daemon.Message), log: cfg.Logger, store: st}
	go conn.receive(ctx)
	return conn, nil
}

func resume(ctx context.Context, cfg Config, st *store, saved *saved) (*client.Client, error) {
	if saved.State.Session == nil {
		return nil, wire.Errorf(wire.Malformed, "%s: no session", st.path)
	}
	s, err := e2e.LoadSession(*saved.State.Session)
	if err != nil {
		return nil, err
	}
	st.setSaved(saved)
	c, err := client.OnSession(clientCfg(cfg, st), saved.Relay, s)
	if err != nil {
		return nil, err
	}
	cfg.Logger.Info("resumed the relay session", "relay", saved.Relay, "channel", s.Channel().String(), "code", s.Code())
	if !saved.Confirmed {
		cfg.Logger.Warn("pairing: waiting for the user to confirm this agent host in the signer", "code", s.Code())
		if err := client.WaitConfirm(ctx, c); err != nil {
			c.Close()
			return nil, fmt.Errorf("pairing: %w", err)
		}
		if err := st.confirm(); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// pair runs the pairing from uri. The static key is saved (encrypted)
// before the handshake goes out; an interrupted pairing (prev) keeps it.
func pair(ctx context.Context, cfg Config, st *store, uri string, prev *saved) (*client.Client, error) {
	p, err := e2e.ParsePairingURI(uri)
	if err != nil {
		return nil, err
	}
	var key e2e.KeyPair
	if prev != nil {
		key, err = e2e.KeyPairFromPrivate(prev.Static)
	} else {
		key, err = e2e.GenerateKeyPair(nil)
	}
	if err != nil {
		return nil, err
	}
	st.setSaved(&saved{Version: stateVersion, Relay: p.Relay, Static: e2e.Key32(key.Private)})
	if err := st.write(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(cfg.Hello)
	if err != nil {
		return nil, err
	}
	show := cfg.OnCode
	if show == nil {
		show = func(code string) {
			cfg.Logger.Warn("pairing: check that the signer shows this comparison code, then confirm there", "code", code)
		}
	}
	cfg.Logger.Info("pairing: sending the handshake", "relay", p.Relay, "agentKey", key.Public.Fingerprint())
	c, err := client.PairAgent(ctx, clientCfg(cfg, st), p, key, body, func(pd e2e.Paired) { show(pd.Code) })
	if err != nil {
		return nil, fmt.Errorf("pairing: %w", err)
	}
	if err := st.confirm(); err != nil {
		c.Close()
		return nil, err
	}
	cfg.Logger.Info("paired with the signer", "channel", c.Session().Channel().String())
	return c, nil
}

func clientCfg(cfg Config, st *store) client.Config {
	c := cfg.Client
	c.State, c.Logger = st, cfg.Logger
	return c
}

// Send seals m for the signer; it returns once the relay stored it durably.
func (c *Conn) Send(ctx context.Context, m daemon.Message) error {
	_, err := c.c.Send(ctx, m.Kind, m.Body)
	return err
}

// Receive yields the signer's messages, one at a time: the next comes
// after the daemon called the previous one's Ack.
func (c *Conn) Receive() <-chan daemon.Message { return c.in }

// Stats returns what the connection noticed.
func (c *Conn) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// Link reports the relay's URL and whether the client is authenticated on
// a connection to it now (for the wallet's signer status).
func (c *Conn) Link() daemon.Link {
	var relay string
	c.store.mu.Lock()
	if c.store.cur != nil {
		relay = c.store.cur.Relay
	}
	c.store.mu.Unlock()
	now, cancel := context.WithCancel(context.Background())
	cancel() // WaitConnected answers at once: nil only when connected
	return daemon.Link{Relay: relay, Connected: c.c.WaitConnected(now) == nil}
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
		if m.Lost > 0 || m.Gap > 0 {
			c.mu.Lock()
			c.stats.Lost += m.Lost
			c.stats.Gaps += m.Gap
			c.mu.Unlock()
			c.log.Warn("messages from the signer were lost before this one (expired on the relay, or taken by another login)",
				"lost", m.Lost, "gap", m.Gap)
		}
		if m.Kind == "" {
			if err := c.c.Ack(m); err != nil {
				c.log.Warn("relay ack failed", "err", err)
			}
			continue
		}
		handled := make(chan struct{})
		var once sync.Once
		ack := func() {
			once.Do(func() {
				if err := c.c.Ack(m); err != nil {
					c.log.Warn("relay ack failed", "err", err)
				}
				close(handled)
			})
		}
		select {
		case c.in <- daemon.Message{Kind: m.Kind, Body: m.Body, Ack: ack}:
		case <-ctx.Done():
			return
		}
		select {
		case <-handled:
		case <-ctx.Done():
			return
		}
	}
}

// SessionState is the session's current state (tests check what reaches the
// disk against it).
func (c *Conn) SessionState() e2e.SessionState { return c.c.Session().State() }
