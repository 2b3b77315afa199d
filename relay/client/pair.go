package client

import (
	"context"
	"crypto/subtle"
	"errors"
	"time"

	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/wire"
)

// PairAgent is the agent host's side of pairing: it logs in to the pairing
// channel named in p, sends Noise message 1 (its static key, a fresh
// session auth key and body, encrypted to the signer's key from the URI),
// and waits for the signer's response. It then calls shown with the
// comparison code (the agent host shows it; the user compares it with the
// signer's), moves to the session channel and waits there for the signer's
// confirmation, which the signer sends once the user confirmed. It returns
// a client on the session channel with the session set; cfg.State, when
// set, holds the session from the moment the handshake completes.
//
// A response that does not authenticate (a URI holder's) is dropped; the
// pairing fails when p expires first.
func PairAgent(ctx context.Context, cfg Config, p e2e.Pairing, agent e2e.KeyPair, body []byte, shown func(e2e.Paired)) (*Client, error) {
	if p.Expired(time.Now()) {
		return nil, wire.Errorf(e2e.Expired, "the pairing URI expired at %s: make a new one in the signer", time.Unix(p.Exp, 0).UTC().Format(time.RFC3339))
	}
	ctx, cancel := context.WithDeadline(ctx, time.Unix(p.Exp, 0).Add(time.Minute))
	defer cancel()
	auth, err := e2e.NewAuthKey(nil)
	if err != nil {
		return nil, err
	}
	ttl := uint32(max(60, time.Until(time.Unix(p.Exp, 0)).Seconds()))
	in, err := e2e.Initiate(p, agent, auth, body, ttl, nil)
	if err != nil {
		return nil, err
	}
	sess, paired, err := handshakeAgent(ctx, cfg, in)
	if err != nil {
		return nil, expired(ctx, p, err)
	}
	if shown != nil {
		shown(paired)
	}
	c, err := OnSession(cfg, p.Relay, sess)
	if err != nil {
		return nil, err
	}
	if err := WaitConfirm(ctx, c); err != nil {
		c.Close()
		return nil, expired(ctx, p, err)
	}
	return c, nil
}

func expired(ctx context.Context, p e2e.Pairing, err error) error {
	if ctx.Err() != nil && p.Expired(time.Now().Add(-time.Minute)) {
		return wire.Errorf(e2e.Expired, "the pairing was not confirmed before the URI expired: make a new one in the signer")
	}
	return err
}

// handshakeAgent runs message 1 and 2 over the pairing channel.
func handshakeAgent(ctx context.Context, cfg Config, in *e2e.Initiator) (*e2e.Session, e2e.Paired, error) {
	p := in.Pairing()
	raw := cfg
	raw.URL, raw.Keys, raw.Role, raw.Session, raw.State = p.Relay, p.Secret.Keys(), e2e.RoleAgent, nil, nil
	c, err := New(raw)
	if err != nil {
		return nil, e2e.Paired{}, err
	}
	defer c.Close()
	if err := c.SendEnvelope(ctx, in.Envelope()); err != nil {
		return nil, e2e.Paired{}, err
	}
	for {
		m, err := c.Receive(ctx)
		if err != nil {
			return nil, e2e.Paired{}, err
		}
		sess, paired, err := in.Finish(m.Envelope)
		_ = c.Ack(m) // a response that does not authenticate is dropped
		if err == nil {
			return sess, paired, nil
		}
		c.log.Warn("pairing: dropped a handshake response that does not authenticate", "err", err)
	}
}

// OnSession starts a client on a session's own channel.
func OnSession(cfg Config, url string, s *e2e.Session) (*Client, error) {
	cfg.URL, cfg.Keys, cfg.Role, cfg.Session = url, s.Keys(), s.Role(), s
	return New(cfg)
}

// WaitConfirm waits on the agent's session channel for the signer's
// confirmation (KindConfirm carrying the handshake hash) and acknowledges
// it. Anything else before it is acknowledged and dropped: the signer sends
// nothing before it.
func WaitConfirm(ctx context.Context, c *Client) error {
	s := c.Session()
	if s == nil || s.Role() != e2e.RoleAgent {
		return wire.Errorf(wire.Malformed, "relay client: WaitConfirm needs the agent's session")
	}
	h := s.Hash()
	for {
		m, err := c.Receive(ctx)
		if err != nil {
			return err
		}
		ok := m.E2EKind == e2e.KindConfirm && subtle.ConstantTimeCompare(m.Payload, h[:]) == 1
		if err := c.Ack(m); err != nil {
			return err
		}
		if ok {
			return nil
		}
	}
}

// Confirm sends the signer's confirmation of a pairing on its session
// channel: the first envelope of the signer's session.
func Confirm(ctx context.Context, c *Client) error {
	s := c.Session()
	if s == nil || s.Role() != e2e.RoleSigner {
		return wire.Errorf(wire.Malformed, "relay client: Confirm needs the signer's session")
	}
	h := s.Hash()
	return c.SendKind(ctx, e2e.KindConfirm, h[:])
}

// ErrConflict: a second agent key answered the same pairing URI.
var ErrConflict = e2e.ErrConflict

// AcceptPairing is the signer's side for Go signers and tests (the
// extension does the same in its WASM core): it logs in to the pairing
// channel of p, answers each handshake that authenticates, and asks approve
// about the first (which should show the comparison code to the user). A
// second agent key answering the same URI refuses the pairing
// (ErrConflict): the user must make a new URI. On approval it sends the
// confirmation on the session channel and returns the client there.
func AcceptPairing(ctx context.Context, cfg Config, p e2e.Pairing, signer e2e.KeyPair, approve func(e2e.Offer) bool) (*Client, error) {
	auth, err := e2e.NewAuthKey(nil)
	if err != nil {
		return nil, err
	}
	raw := cfg
	raw.URL, raw.Keys, raw.Role, raw.Session, raw.State = p.Relay, p.Secret.Keys(), e2e.RoleSigner, nil, nil
	c, err := New(raw)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var first *e2e.PublicKey
	for {
		m, err := c.Receive(ctx)
		if err != nil {
			return nil, err
		}
		if p.Expired(time.Now()) {
			_ = c.Ack(m)
			return nil, wire.Errorf(e2e.Expired, "the pairing URI expired")
		}
		off, err := e2e.Respond(p, signer, auth, m.Envelope, nil)
		_ = c.Ack(m)
		if err != nil {
			if !errors.Is(err, e2e.ErrForged) {
				c.log.Warn("pairing: dropped a bad handshake", "err", err)
			}
			continue
		}
		if first != nil && *first != off.PeerKey {
			return nil, wire.Errorf(e2e.Conflict, "a second agent key (%s) answered this pairing URI after %s: pairing refused, make a new URI",
				off.PeerKey.Fingerprint(), first.Fingerprint())
		}
		first = &off.PeerKey
		if err := c.SendEnvelope(ctx, off.Response); err != nil {
			return nil, err
		}
		if !approve(off) {
			continue
		}
		sc, err := OnSession(cfg, p.Relay, off.Session)
		if err != nil {
			return nil, err
		}
		if err := Confirm(ctx, sc); err != nil {
			sc.Close()
			return nil, err
		}
		return sc, nil
	}
}
