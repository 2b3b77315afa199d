package client

import (
	"context"
	"errors"

	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/wire"
)

// PairAgent is the agent host's side of pairing: it connects to the relay
// named in p, sends the encrypted hello carrying agent's static key, waits
// for the signer's confirmation and returns a client with the session set.
// cfg.URL, Secret and Role are filled from p; cfg.State, when set, receives
// the new session's state.
func PairAgent(ctx context.Context, cfg Config, p e2e.Pairing, agent e2e.KeyPair, body []byte) (*Client, error) {
	cfg.URL, cfg.Secret, cfg.Role, cfg.Session = p.Relay, p.Secret, e2e.RoleAgent, nil
	state := cfg.State
	cfg.State = nil
	c, err := New(cfg)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*Client, error) { c.Close(); return nil, err }
	if err := c.WaitConnected(ctx); err != nil {
		return fail(err)
	}
	seq := c.LastSent() + 1
	hello, transcript, err := e2e.SealHello(p, agent, seq, e2e.NewMessageID(nil), 0, body, nil)
	if err != nil {
		return fail(err)
	}
	if err := c.SendEnvelope(ctx, hello); err != nil {
		return fail(err)
	}
	sess, err := e2e.NewSession(p.Secret, e2e.RoleAgent, agent, p.SignerPub)
	if err != nil {
		return fail(err)
	}
	sess.SetState(e2e.State{Send: seq})
	for {
		m, err := c.Receive(ctx)
		if err != nil {
			return fail(err)
		}
		if m.Header.Kind != e2e.KindConfirm {
			_ = c.Ack(m) // not for us before pairing completes
			continue
		}
		o, err := sess.Open(m.Envelope)
		if err == nil {
			err = e2e.CheckConfirm(o, transcript)
		}
		if err != nil {
			_ = c.Ack(m)
			continue // a confirm for another hello, or forged
		}
		c.SetSession(sess)
		c.mu.Lock()
		c.cfg.State = state
		c.mu.Unlock()
		if err := c.Ack(m); err != nil {
			return fail(err)
		}
		if state != nil {
			if err := state.Save(e2e.State{Send: seq, Recv: m.Header.Seq}); err != nil {
				return fail(err)
			}
		}
		return c, nil
	}
}

// AcceptHello is the signer's side for Go signers and tests (the extension
// does the same in its WASM core): it waits for a hello that opens with
// signer's key, asks approve (which should show the agent key's
// fingerprint to the user), sends the confirmation and installs the
// session.
func (c *Client) AcceptHello(ctx context.Context, signer e2e.KeyPair, approve func(e2e.Hello) bool) (*e2e.Session, error) {
	if c.cfg.Role != e2e.RoleSigner {
		return nil, wire.Errorf(wire.Malformed, "relay client: only the signer accepts a hello")
	}
	for {
		m, err := c.Receive(ctx)
		if err != nil {
			return nil, err
		}
		if m.Header.Kind != e2e.KindHello {
			_ = c.Ack(m)
			continue
		}
		h, err := e2e.OpenHello(c.cfg.Secret, signer, m.Envelope)
		if err != nil || !approve(h) {
			if err != nil && !errors.Is(err, e2e.ErrForged) {
				c.log.Warn("dropped a bad hello", "err", err)
			}
			_ = c.Ack(m)
			continue
		}
		sess, err := e2e.NewSession(c.cfg.Secret, e2e.RoleSigner, signer, h.AgentPub)
		if err != nil {
			return nil, err
		}
		sess.SetState(e2e.State{Send: c.LastSent(), Recv: h.Seq})
		confirm, seq, err := sess.Confirm(h, e2e.NewMessageID(nil), 0)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		st := c.cfg.State
		c.mu.Unlock()
		if st != nil {
			if err := st.Save(e2e.State{Send: seq, Recv: h.Seq}); err != nil {
				return nil, err
			}
		}
		c.SetSession(sess)
		if err := c.Ack(m); err != nil {
			return nil, err
		}
		if err := c.SendEnvelope(ctx, confirm); err != nil {
			return nil, err
		}
		return sess, nil
	}
}
