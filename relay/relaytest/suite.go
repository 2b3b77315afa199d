package relaytest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/leash-wallet/leash/relay/client"
	"github.com/leash-wallet/leash/relay/core"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/proto"
	"github.com/leash-wallet/leash/wire"
)

// Limits and timings a backend must be configured with to run the suite.
var Limits = core.Limits{QueueDepth: 32, Rate: 400, Burst: 400, AuthRate: 2, AuthBurst: 12}

// Timings are short to keep the suite fast, with margin for a loaded
// machine: a healthy client must answer within them.
const (
	AuthTimeout  = time.Second
	PingInterval = 300 * time.Millisecond
	PongWait     = 1200 * time.Millisecond
)

// Target is a running relay under test.
type Target struct {
	URL string
	// Rejected reads leash_relay_rejected_total{reason}; nil skips metric checks.
	Rejected func(reason string) float64
	// Restart restarts the relay keeping its data; nil skips the restart case.
	Restart func(t *testing.T)
	// NoServerPing declares a backend that cannot send WebSocket pings
	// (Cloudflare Workers): a silent connection then has no pong deadline,
	// and the half-open case checks that the client's next connection
	// evicts it instead (4009).
	NoServerPing bool
}

// Pair is a paired signer and agent host on a fresh channel, each with
// in-memory state so they can go offline and come back.
type Pair struct {
	URL                  string
	Pairing              e2e.Pairing
	Signer, Agent        *client.Client
	SignerS, AgentS      *e2e.Session
	SignerSt, AgentSt    *client.MemState
	SignerKeys, AgentKey e2e.KeyPair
	Code                 string // the comparison code both sides showed
	drops                *Dropper
}

// Dropper is a dialer whose connections a test can cut, to force the
// client through reconnect and resume.
type Dropper struct {
	mu    sync.Mutex
	conns []net.Conn
}

// Dialer returns a websocket dialer recording its connections.
func (d *Dropper) Dialer() *websocket.Dialer {
	return &websocket.Dialer{HandshakeTimeout: 5 * time.Second, NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err == nil {
			d.mu.Lock()
			d.conns = append(d.conns, c)
			d.mu.Unlock()
		}
		return c, err
	}}
}

// Drop cuts every connection made so far.
func (d *Dropper) Drop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.conns {
		c.Close()
	}
	d.conns = nil
}

func quickCfg(url string) client.Config {
	return client.Config{URL: url, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}
}

// NewPairing makes a fresh pairing URI for the relay at url and the
// signer's static key.
func NewPairing(t testing.TB, url string) (e2e.Pairing, e2e.KeyPair) {
	t.Helper()
	sk, _ := e2e.GenerateKeyPair(nil)
	secret, _ := e2e.NewChannelSecret(nil)
	return e2e.Pairing{Relay: url, Secret: secret, SignerPub: sk.Public, Exp: time.Now().Add(5 * time.Minute).Unix()}, sk
}

// NewPair pairs a signer and an agent host through the relay at url: the
// handshake on the pairing channel, the comparison codes, the signer's
// confirmation on the session channel.
func NewPair(t testing.TB, url string) *Pair {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p := &Pair{URL: url, SignerSt: &client.MemState{}, AgentSt: &client.MemState{}, drops: &Dropper{}}
	var err error
	p.Pairing, p.SignerKeys = NewPairing(t, url)
	p.AgentKey, _ = e2e.GenerateKeyPair(nil)
	type res struct {
		c    *client.Client
		code string
		err  error
	}
	accepted := make(chan res, 1)
	go func() {
		sc := quickCfg(url)
		sc.State, sc.Dialer = p.SignerSt, p.drops.Dialer()
		var code string
		c, err := client.AcceptPairing(ctx, sc, p.Pairing, p.SignerKeys, func(o e2e.Offer) bool {
			code = o.Code
			return o.PeerKey == p.AgentKey.Public
		})
		accepted <- res{c, code, err}
	}()
	uri, err := e2e.ParsePairingURI(p.Pairing.URI())
	if err != nil {
		t.Fatal(err)
	}
	ac := quickCfg(url)
	ac.State = p.AgentSt
	var shown string
	if p.Agent, err = client.PairAgent(ctx, ac, uri, p.AgentKey, []byte(`{"name":"test agent"}`), func(pd e2e.Paired) { shown = pd.Code }); err != nil {
		t.Fatalf("pair agent: %v", err)
	}
	r := <-accepted
	if r.err != nil {
		t.Fatalf("accept pairing: %v", r.err)
	}
	if r.code != shown || len(shown) != 7 {
		t.Fatalf("comparison codes differ: signer %q, agent %q", r.code, shown)
	}
	p.Signer, p.Code = r.c, shown
	p.SignerS, p.AgentS = p.Signer.Session(), p.Agent.Session()
	t.Cleanup(func() { p.Signer.Close(); p.Agent.Close() })
	return p
}

// ReopenSigner closes the signer's client (if open) and starts a new one
// from its persisted state.
func (p *Pair) ReopenSigner(t testing.TB) {
	t.Helper()
	p.Signer.Close()
	p.Signer = reopen(t, p.URL, p.SignerSt, p.drops.Dialer())
	p.SignerS = p.Signer.Session()
}

// ReopenAgent is ReopenSigner for the agent host.
func (p *Pair) ReopenAgent(t testing.TB) {
	t.Helper()
	p.Agent.Close()
	p.Agent = reopen(t, p.URL, p.AgentSt, nil)
	p.AgentS = p.Agent.Session()
}

func reopen(t testing.TB, url string, st *client.MemState, d *websocket.Dialer) *client.Client {
	saved, _ := st.Load()
	if saved.Session == nil {
		t.Fatal("no saved session")
	}
	s, err := e2e.LoadSession(*saved.Session)
	if err != nil {
		t.Fatal(err)
	}
	cfg := quickCfg(url)
	cfg.State, cfg.Dialer = st, d
	c, err := client.OnSession(cfg, url, s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Proposal is the typed body the suite sends.
type Proposal struct {
	N    int    `json:"n"`
	Note string `json:"note,omitempty"`
}

// SendN sends proposals from..to from the agent.
func (p *Pair) SendN(t testing.TB, from, to int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for i := from; i <= to; i++ {
		if _, err := p.Agent.Send(ctx, "proposal", Proposal{N: i}); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
}

// ReceiveN receives n proposals at the signer, checks they are want..,
// in order, and acks each.
func (p *Pair) ReceiveN(t testing.TB, want, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for i := 0; i < n; i++ {
		m, err := p.Signer.Receive(ctx)
		if err != nil {
			t.Fatalf("receive %d: %v", want+i, err)
		}
		var pr Proposal
		if err := m.Decode(&pr); err != nil || m.Kind != "proposal" {
			t.Fatalf("decode: %v kind %q", err, m.Kind)
		}
		if pr.N != want+i {
			t.Fatalf("received proposal %d, want %d", pr.N, want+i)
		}
		if err := p.Signer.Ack(m); err != nil {
			t.Fatal(err)
		}
	}
}

// ExpectNothing checks the signer receives nothing for d.
func (p *Pair) ExpectNothing(t testing.TB, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	if m, err := p.Signer.Receive(ctx); err == nil {
		t.Fatalf("unexpected message %s %s", m.Kind, m.Body)
	}
}

// RoundTrip checks the pair still works: a proposal one way, a receipt back.
func (p *Pair) RoundTrip(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := p.Agent.Send(ctx, "ping", Proposal{N: -1}); err != nil {
		t.Fatalf("healthy channel send: %v", err)
	}
	m, err := p.Signer.Receive(ctx)
	if err != nil || m.Kind != "ping" {
		t.Fatalf("healthy channel receive: %v", err)
	}
	_ = p.Signer.Ack(m)
	if _, err := p.Signer.Send(ctx, "receipt", map[string]string{"status": "signed"}); err != nil {
		t.Fatalf("healthy channel receipt: %v", err)
	}
	if m, err = p.Agent.Receive(ctx); err != nil || m.Kind != "receipt" {
		t.Fatalf("healthy channel receipt receive: %v", err)
	}
	_ = p.Agent.Ack(m)
}

// Run runs the conformance suite against tgt.
func Run(t *testing.T, tgt Target) {
	healthy := NewPair(t, tgt.URL)
	t.Run("PairingAndExchange", func(t *testing.T) { testExchange(t, tgt) })
	t.Run("StoreAndForward", func(t *testing.T) { testStoreAndForward(t, tgt) })
	t.Run("ResumeAfterReconnect", func(t *testing.T) { testResume(t, tgt) })
	t.Run("IdempotentIDs", func(t *testing.T) { testIdempotent(t, tgt) })
	t.Run("QueueCap", func(t *testing.T) { testQueueCap(t, tgt) })
	t.Run("TTLExpiry", func(t *testing.T) { testTTL(t, tgt) })
	t.Run("BadInput", func(t *testing.T) { testBadInput(t, tgt, healthy) })
	if tgt.Restart != nil {
		t.Run("RestartKeepsQueues", func(t *testing.T) { testRestart(t, tgt) })
	}
	t.Run("Attacks", func(t *testing.T) { testAttacks(t, tgt, healthy) })
	healthy.RoundTrip(t)
}

func testExchange(t *testing.T, tgt Target) {
	p := NewPair(t, tgt.URL)
	if p.SignerS.Peer() != p.AgentKey.Public || p.AgentS.Peer() != p.SignerKeys.Public {
		t.Fatal("sessions hold the wrong peer keys")
	}
	p.SendN(t, 1, 5)
	p.ReceiveN(t, 1, 5)
	p.RoundTrip(t)
}

func testStoreAndForward(t *testing.T, tgt Target) {
	p := NewPair(t, tgt.URL)
	p.Signer.Close() // the laptop sleeps
	p.SendN(t, 1, 20)
	p.ReopenSigner(t)
	p.ReceiveN(t, 1, 20)
	p.ExpectNothing(t, 200*time.Millisecond)
}

func testResume(t *testing.T, tgt Target) {
	p := NewPair(t, tgt.URL)
	p.SendN(t, 1, 10)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Handle 5, take the 6th, then lose the connection before handling it.
	p.ReceiveN(t, 1, 5)
	sixth, err := p.Signer.Receive(ctx)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	p.drops.Drop()
	// While the signer reconnects, more arrive. The relay resends 6..; they
	// are recognised as already received, and the application goes on at 7
	// once it has handled the 6th.
	p.SendN(t, 11, 20)
	if err := p.Signer.Ack(sixth); err != nil {
		t.Fatal(err)
	}
	p.ReceiveN(t, 7, 14)
	// (ReceiveN checked that nothing came twice or out of order.)
	if st := p.Signer.Stats(); st.Connects < 2 {
		t.Fatalf("expected a reconnect: %+v", st)
	}
	// A restarted process resumes after its ack point.
	p.ReopenSigner(t)
	p.SendN(t, 21, 23)
	p.ReceiveN(t, 21, 3)
	p.ExpectNothing(t, 200*time.Millisecond)
}

func testIdempotent(t *testing.T, tgt Target) {
	p := NewPair(t, tgt.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	id := e2e.MessageIDFor("proposal-42")
	p.Signer.Close()
	if err := p.Agent.SendTyped(ctx, id, "proposal", Proposal{N: 42}); err != nil {
		t.Fatalf("send: %v", err)
	}
	// A new envelope with an id the relay already holds stores nothing: the
	// sender is told (duplicate), never "stored".
	for i := 0; i < 2; i++ {
		if err := p.Agent.SendTyped(ctx, id, "proposal", Proposal{N: 42}); !errors.Is(err, proto.ErrDuplicate) {
			t.Fatalf("send %d of the same id: %v, want duplicate", i+2, err)
		}
	}
	p.SendN(t, 43, 43)
	p.ReopenSigner(t)
	p.ReceiveN(t, 42, 2)
	p.ExpectNothing(t, 200*time.Millisecond)
}

func testQueueCap(t *testing.T, tgt Target) {
	p := NewPair(t, tgt.URL)
	p.Signer.Close()
	p.SendN(t, 1, Limits.QueueDepth)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	before := rejected(tgt, "queue_full")
	if _, err := p.Agent.Send(ctx, "proposal", Proposal{N: 999}); !errors.Is(err, proto.ErrQueueFull) {
		t.Fatalf("send over the cap: %v, want queue_full", err)
	}
	waitCounted(t, tgt, "queue_full", before)
	p.ReopenSigner(t)
	p.ReceiveN(t, 1, Limits.QueueDepth)
	// Room again once the relay has processed the acknowledgements (they
	// travel on the signer's connection, the send on the agent's).
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := p.Agent.Send(ctx, "proposal", Proposal{N: 100})
		if err == nil {
			break
		}
		if !errors.Is(err, proto.ErrQueueFull) || time.Now().After(deadline) {
			t.Fatalf("send after the queue drained: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.ReceiveN(t, 100, 1)
}

func testTTL(t *testing.T, tgt Target) {
	p := NewPair(t, tgt.URL)
	p.Signer.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Agent.SendPayload(ctx, e2e.NewMessageID(nil), 1, []byte(`{"kind":"proposal","body":{"n":1}}`)); err != nil {
		t.Fatal(err)
	}
	p.SendN(t, 2, 2)
	time.Sleep(2200 * time.Millisecond)
	p.ReopenSigner(t)
	m, err := p.Signer.Receive(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var pr Proposal
	if err := m.Decode(&pr); err != nil || pr.N != 2 || m.Gap != 1 || m.Lost != 1 {
		t.Fatalf("after expiry got %+v gap %d lost %d (%v), want proposal 2 with a gap of 1", pr, m.Gap, m.Lost, err)
	}
	_ = p.Signer.Ack(m)
}

func testRestart(t *testing.T, tgt Target) {
	p := NewPair(t, tgt.URL)
	p.Signer.Close()
	p.SendN(t, 1, 10)
	tgt.Restart(t)
	p.ReopenSigner(t)
	p.ReceiveN(t, 1, 10)
	p.SendN(t, 11, 11)
	p.ReceiveN(t, 11, 1)
}

func rejected(tgt Target, reason string) float64 {
	if tgt.Rejected == nil {
		return 0
	}
	return tgt.Rejected(reason)
}

// waitCounted waits until leash_relay_rejected_total{reason} rose above before.
func waitCounted(t testing.TB, tgt Target, reason string, before float64) {
	t.Helper()
	if tgt.Rejected == nil {
		return
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if tgt.Rejected(reason) > before {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("leash_relay_rejected_total{reason=%q} did not rise above %v", reason, before)
}

// sealer makes raw envelopes for one paired channel without a relay
// client: the agent's session and both logins.
type sealer struct {
	sess        *e2e.Session
	agent, sign e2e.ChannelKeys
	signerSess  *e2e.Session
}

func newSealer(t testing.TB) *sealer {
	a, s, err := e2e.HandshakeLocal(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &sealer{sess: a, agent: a.Keys(), sign: s.Keys(), signerSess: s}
}

func (s *sealer) seal(t testing.TB, id e2e.MessageID) []byte {
	env, _, err := s.sess.Seal(e2e.KindData, id, 0, []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	return env
}

type badCase struct {
	name   string
	reason string
	run    func(t *testing.T)
}

// halfOpen is a connection that authenticates and then stops reading.
func halfOpen(tgt Target, authed func(t *testing.T, r *Raw) *sealer) badCase {
	if tgt.NoServerPing {
		return badCase{"half-open", "replaced", func(t *testing.T) {
			r := DialRaw(t, tgt.URL)
			s := authed(t, r)
			time.Sleep(PongWait + 3*PingInterval)
			// No pong deadline on this backend: the client's next
			// connection evicts the silent one.
			DialRaw(t, tgt.URL).Auth(s.agent, e2e.RoleAgent)
			r.ExpectClose(proto.CloseReplaced)
		}}
	}
	return badCase{"half-open", "timeout", func(t *testing.T) {
		r := DialRaw(t, tgt.URL)
		authed(t, r)
		// Stop reading: no pongs go back, the relay must give up on us.
		time.Sleep(PongWait + 3*PingInterval)
		r.ExpectClose(proto.CloseTimeout)
	}}
}

func testBadInput(t *testing.T, tgt Target, healthy *Pair) {
	closeWith := func(code int, setup func(t *testing.T, r *Raw)) func(t *testing.T) {
		return func(t *testing.T) {
			r := DialRaw(t, tgt.URL)
			setup(t, r)
			r.ExpectClose(code)
		}
	}
	authed := func(t *testing.T, r *Raw) *sealer {
		s := newSealer(t)
		r.Auth(s.agent, e2e.RoleAgent)
		return s
	}
	cases := []badCase{
		{"garbage-text-frame", "malformed", closeWith(proto.CloseMalformed, func(t *testing.T, r *Raw) {
			_ = r.WS.WriteMessage(websocket.TextMessage, []byte("hello?"))
		})},
		{"garbage-binary-frame", "malformed", closeWith(proto.CloseMalformed, func(t *testing.T, r *Raw) {
			_ = r.Write([]byte{0xff, 1, 2, 3})
		})},
		{"send-before-auth", "malformed", closeWith(proto.CloseMalformed, func(t *testing.T, r *Raw) {
			_ = r.Write(proto.Send(newSealer(t).seal(t, e2e.MessageID{1})))
		})},
		{"garbage-after-auth", "malformed", closeWith(proto.CloseMalformed, func(t *testing.T, r *Raw) {
			authed(t, r)
			_ = r.Write([]byte{byte(proto.TSend), 1, 2, 3})
		})},
		{"oversized-frame", "too_large", closeWith(proto.CloseTooBig, func(t *testing.T, r *Raw) {
			authed(t, r)
			_ = r.Write(make([]byte, proto.MaxFrame+1024))
		})},
		{"unknown-channel", "unknown_channel", closeWith(proto.CloseUnknownChan, func(t *testing.T, r *Raw) {
			authed(t, r)
			_ = r.Write(proto.Send(newSealer(t).seal(t, e2e.MessageID{2})))
		})},
		{"failed-auth-other-channel", "auth_failed", closeWith(proto.CloseAuthFailed, func(t *testing.T, r *Raw) {
			a, b := newSealer(t), newSealer(t)
			_ = r.Write(proto.Auth(e2e.RoleAgent, a.agent.ID(), b.agent.Prove(r.Nonce, e2e.RoleAgent)))
		})},
		{"failed-auth-wrong-role", "auth_failed", closeWith(proto.CloseAuthFailed, func(t *testing.T, r *Raw) {
			// The agent's own key does not log in as the signer.
			a := newSealer(t)
			_ = r.Write(proto.Auth(e2e.RoleSigner, a.agent.ID(), a.agent.Prove(r.Nonce, e2e.RoleSigner)))
		})},
		{"failed-auth-stale-nonce", "auth_failed", closeWith(proto.CloseAuthFailed, func(t *testing.T, r *Raw) {
			a := newSealer(t)
			var old [e2e.ChallengeSize]byte
			_ = r.Write(proto.Auth(e2e.RoleAgent, a.agent.ID(), a.agent.Prove(old, e2e.RoleAgent)))
		})},
		{"auth-timeout", "auth_timeout", closeWith(proto.CloseAuthTimeout, func(t *testing.T, r *Raw) {})},
		{"flood", "rate_limited", closeWith(proto.CloseRateLimited, func(t *testing.T, r *Raw) {
			authed(t, r)
			for i := 0; i < 3*int(Limits.Burst); i++ {
				if r.Write(proto.Ack(0)) != nil {
					return
				}
			}
		})},
		{"replaced", "replaced", closeWith(proto.CloseReplaced, func(t *testing.T, r *Raw) {
			s := authed(t, r)
			DialRaw(t, tgt.URL).Auth(s.agent, e2e.RoleAgent)
		})},
		{"channel-connection-churn", "channel_limit", func(t *testing.T) {
			s := newSealer(t)
			for i := 0; i < 3*int(Limits.AuthBurst); i++ {
				r := DialRaw(t, tgt.URL)
				if err := r.Write(proto.Auth(e2e.RoleAgent, s.agent.ID(), s.agent.Prove(r.Nonce, e2e.RoleAgent))); err != nil {
					t.Fatal(err)
				}
				f, err := r.Read()
				if f.Type == proto.TWelcome {
					continue
				}
				var ce *proto.CloseError
				if errors.As(err, &ce) && ce.Code == proto.CloseReplaced {
					continue
				}
				if !errors.As(err, &ce) || ce.Code != proto.CloseChannelLimit {
					t.Fatalf("auth %d: %v %v", i, f.Type, err)
				}
				return
			}
			t.Fatal("no channel limit after many authentications")
		}},
		halfOpen(tgt, authed),
		{"replayed-envelope", "duplicate", func(t *testing.T) {
			r := DialRaw(t, tgt.URL)
			s := authed(t, r)
			env := s.seal(t, e2e.MessageID{7})
			for i, want := range []proto.Status{proto.StatusStored, proto.StatusDuplicate} {
				_ = r.Write(proto.Send(env))
				if f := r.NextOf(proto.TSendAck); f.Status != want || f.Seq != 1 {
					t.Fatalf("send %d: status %d, want %d", i, f.Status, want)
				}
			}
			// The same envelope under another id is stored (the relay
			// routes on no sequence number); the recipient's session refuses
			// the second copy after it opens, and sees the first once.
			again := append([]byte{}, env...)
			copy(again[27:43], []byte{8})
			_ = r.Write(proto.Send(again))
			if f := r.NextOf(proto.TSendAck); f.Status != proto.StatusStored {
				t.Fatalf("same envelope, other id: status %d", f.Status)
			}
			rr := DialRaw(t, tgt.URL)
			rr.Auth(s.sign, e2e.RoleSigner)
			d1, d2 := rr.NextOf(proto.TDeliver), rr.NextOf(proto.TDeliver)
			if d1.N != 1 || d2.N != 2 {
				t.Fatalf("relay numbers %d %d", d1.N, d2.N)
			}
			if _, err := s.signerSess.Open(d1.Envelope); err != nil {
				t.Fatal(err)
			}
			if _, err := s.signerSess.Open(d2.Envelope); err == nil {
				t.Fatal("the altered copy opened")
			}
		}},
		{"reordered-envelopes", "", func(t *testing.T) {
			r := DialRaw(t, tgt.URL)
			s := authed(t, r)
			second, third := s.seal(t, e2e.MessageID{2}), s.seal(t, e2e.MessageID{3})
			for _, env := range [][]byte{third, second} {
				_ = r.Write(proto.Send(env))
				if f := r.NextOf(proto.TSendAck); f.Status != proto.StatusStored {
					t.Fatalf("status %d", f.Status)
				}
			}
			// The relay delivers in its own order; the recipient's session
			// accepts the later one and refuses the earlier as a replay.
			rr := DialRaw(t, tgt.URL)
			rr.Auth(s.sign, e2e.RoleSigner)
			d1, d2 := rr.NextOf(proto.TDeliver), rr.NextOf(proto.TDeliver)
			if o, err := s.signerSess.Open(d1.Envelope); err != nil || o.Seq != 2 || o.Gap != 1 {
				t.Fatalf("first delivered: %v", err)
			}
			if _, err := s.signerSess.Open(d2.Envelope); !errors.Is(err, wire.ErrReplay) {
				t.Fatalf("reordered: %v", err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := rejected(tgt, c.reason)
			c.run(t)
			if c.reason != "" {
				waitCounted(t, tgt, c.reason, before)
			}
			healthy.RoundTrip(t) // the relay is up and other channels see no effect
		})
	}
}

// MetricValue extracts one sample from a Prometheus text exposition.
func MetricValue(text, name string) (float64, bool) {
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, name+" ") {
			var v float64
			if _, err := fmt.Sscan(strings.TrimPrefix(line, name+" "), &v); err == nil {
				return v, true
			}
		}
	}
	return 0, false
}
