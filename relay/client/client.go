package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/proto"
	"github.com/leash-wallet/leash/wire"
)

// ErrClosed is returned by calls on a closed client.
var ErrClosed = &wire.Error{Code: proto.Unavailable, Message: "relay client closed"}

// ErrNotPaired is returned by Send on a client without a session.
var ErrNotPaired = &wire.Error{Code: wire.Malformed, Message: "relay client has no session: pair first"}

// Limits of the client's memory.
const (
	// MaxOutbox bounds the envelopes waiting for the relay's answer.
	MaxOutbox = 1024
	// MaxInbound bounds the deliveries held before the application took
	// them (the relay's window is 256).
	MaxInbound = 1024
)

// Config configures a Client. Zero values get the defaults noted.
type Config struct {
	URL  string          // the relay's ws:// or wss:// endpoint
	Keys e2e.ChannelKeys // the channel's login (its id is the hash of the two public keys)
	Role e2e.Role        // which side this client is
	// Session seals and opens envelopes; nil for a raw client (the pairing
	// channel: SendEnvelope, and Receive hands over envelopes unopened).
	Session *e2e.Session
	// State persists the session and the ack point. With it, New restores
	// both, Send saves before transmitting (write-ahead) and Ack saves
	// before acknowledging.
	State StateStore
	TTL   uint32 // TTL of typed sends in seconds (0: the relay's default)
	// RekeyEvery, when set, re-keys the session (a fresh X25519 exchange)
	// before a send once this long has passed since the last re-key and
	// the peer was heard from within a minute (both online). Signers set
	// it; 0 never starts one (the client still answers the peer's).
	RekeyEvery  time.Duration
	MinBackoff  time.Duration // first reconnect delay (default 100 ms)
	MaxBackoff  time.Duration // (default 5 s)
	DialTimeout time.Duration // dial + auth handshake (default 10 s)
	ReadTimeout time.Duration // silence before the connection is presumed dead (default 60 s)
	Logger      *slog.Logger
	Dialer      *websocket.Dialer
}

// Stats counts what the client dropped and how often it connected.
type Stats struct {
	Connects   uint64 // successful authentications
	Duplicates uint64 // redelivered envelopes dropped (by relay number or end-to-end sequence)
	Forged     uint64 // envelopes that failed authentication, dropped
	Lost       uint64 // deliveries the relay numbered but never delivered (expired, or acknowledged by another login)
	Gaps       uint64 // end-to-end sequence numbers skipped (envelopes the peer sealed that never opened here)
	Rekeys     uint64 // re-keys completed or answered
}

// Message is one received envelope.
type Message struct {
	N        uint64 // the relay's delivery number (what Ack acknowledges)
	Header   e2e.Header
	Envelope []byte          // the sealed envelope as received
	Payload  []byte          // the opened payload (nil on a raw client)
	E2EKind  e2e.Kind        // what the envelope carried
	Gap      uint64          // end-to-end sequence numbers skipped before this one
	Lost     uint64          // relay deliveries skipped before this one (expired or acknowledged elsewhere)
	Kind     string          // typed layer: the message kind, when the payload is {"kind","body"}
	Body     json.RawMessage // typed layer: the body
	opened   *e2e.Opened
}

// Decode unmarshals the typed body into v.
func (m *Message) Decode(v any) error {
	if m.Kind == "" {
		return wire.Errorf(wire.Malformed, "relay message %s is not a typed message", m.Header.ID)
	}
	return wire.DecodeStrict(m.Body, v, fmt.Sprintf("relay message %s (%s)", m.Header.ID, m.Kind))
}

type typed struct {
	Kind string          `json:"kind"`
	Body json.RawMessage `json:"body,omitempty"`
}

type pending struct {
	seq    uint64
	frame  []byte
	done   chan error
	sent   bool
	resent bool
	silent bool // a control envelope the client sent itself: no caller waits
}

type inbound struct {
	n   uint64
	env []byte
}

// Client is a connection to one channel of a relay. Deliveries are handed
// to the application one at a time, in the relay's order: the next one is
// opened only after Ack of the previous, so the persisted session never
// runs ahead of what the application handled. Safe for concurrent use.
type Client struct {
	cfg    Config
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	wakeW  chan struct{}
	inboxC chan struct{}

	mu        sync.Mutex
	session   *e2e.Session
	outbox    []*pending
	sentIdx   int
	conn      *websocket.Conn
	connected chan struct{}
	acked     uint64    // the relay number handled up to (persisted)
	seen      uint64    // the highest relay number seen
	ackSent   uint64    // what the relay was last told
	in        []inbound // delivered, not yet handed over, by relay number
	cur       *Message  // handed over, not yet acknowledged
	given     bool      // cur was returned by Receive
	relayAck  uint64    // the relay's ack point from the latest WELCOME (untrusted)
	rekeyed   time.Time // the last re-key this client started (or its start)
	heard     time.Time // the last envelope from the peer that opened
	closed    bool
	closing   chan struct{} // set by Close: the writer flushes the last ack, then closes
	lastErr   error
	stats     Stats
}

// New starts a client; it connects in the background and keeps
// reconnecting until Close.
func New(cfg Config) (*Client, error) {
	if err := e2e.CheckRelayURL(cfg.URL); err != nil {
		return nil, err
	}
	if !cfg.Role.Valid() {
		return nil, wire.Errorf(wire.Malformed, "relay client: unknown role %d", cfg.Role)
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = 100 * time.Millisecond
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 5 * time.Second
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 10 * time.Second
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = 60 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Dialer == nil {
		cfg.Dialer = &websocket.Dialer{HandshakeTimeout: cfg.DialTimeout, ReadBufferSize: 4096, WriteBufferSize: 4096}
	}
	c := &Client{cfg: cfg, log: cfg.Logger.With("channel", cfg.Keys.ID().String(), "role", cfg.Role.String()),
		done: make(chan struct{}), wakeW: make(chan struct{}, 1), inboxC: make(chan struct{}, 1),
		connected: make(chan struct{}), session: cfg.Session}
	if cfg.State != nil {
		st, err := cfg.State.Load()
		if err != nil {
			return nil, err
		}
		c.acked, c.seen, c.ackSent = st.Acked, st.Acked, st.Acked
		if st.Session != nil {
			s, err := e2e.LoadSession(*st.Session)
			if err != nil {
				return nil, err
			}
			c.session = s
		} else if c.session != nil {
			if err := cfg.State.Save(State{Acked: c.acked, Session: ptr(c.session.State())}); err != nil {
				return nil, err
			}
		}
	}
	if c.session != nil && c.session.Channel() != cfg.Keys.ID() {
		return nil, wire.Errorf(wire.Malformed, "relay client: the session is for channel %s, the login for %s", c.session.Channel(), cfg.Keys.ID())
	}
	c.rekeyed = time.Now()
	c.ctx, c.cancel = context.WithCancel(context.Background())
	go c.run()
	return c, nil
}

func ptr[T any](v T) *T { return &v }

// Session returns the session (nil on a raw client).
func (c *Client) Session() *e2e.Session {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.session
}

// Stats returns the counters.
func (c *Client) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// WaitConnected blocks until the client is authenticated on a connection.
func (c *Client) WaitConnected(ctx context.Context) error {
	for {
		c.mu.Lock()
		ch, conn, closed := c.connected, c.conn, c.closed
		c.mu.Unlock()
		if closed {
			return ErrClosed
		}
		if conn != nil {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-c.done:
			return ErrClosed
		}
	}
}

// Send seals {"kind","body"} with a fresh message id and returns once the
// relay stored it durably.
func (c *Client) Send(ctx context.Context, kind string, body any) (e2e.MessageID, error) {
	id := e2e.NewMessageID(nil)
	return id, c.SendTyped(ctx, id, kind, body)
}

// SendTyped is Send with a caller-chosen id (e.g. e2e.MessageIDFor(proposal
// id)), so that retries of the same thing are idempotent.
func (c *Client) SendTyped(ctx context.Context, id e2e.MessageID, kind string, body any) error {
	if kind == "" {
		return wire.Errorf(wire.Malformed, "relay client: empty message kind")
	}
	b, err := json.Marshal(body)
	if err != nil {
		return wire.Errorf(wire.Malformed, "relay client: body: %v", err)
	}
	payload, _ := json.Marshal(typed{Kind: kind, Body: b})
	return c.SendPayload(ctx, id, c.cfg.TTL, payload)
}

// SendPayload seals opaque application bytes and returns once the relay
// stored them durably. If ctx ends first the envelope stays queued and may
// still be delivered.
func (c *Client) SendPayload(ctx context.Context, id e2e.MessageID, ttl uint32, payload []byte) error {
	return c.seal(ctx, e2e.KindData, id, ttl, payload)
}

// SendKind seals a payload of another kind (KindConfirm, KindRekey).
func (c *Client) SendKind(ctx context.Context, kind e2e.Kind, payload []byte) error {
	return c.seal(ctx, kind, e2e.NewMessageID(nil), 0, payload)
}

func (c *Client) seal(ctx context.Context, kind e2e.Kind, id e2e.MessageID, ttl uint32, payload []byte) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	if c.session == nil {
		c.mu.Unlock()
		return ErrNotPaired
	}
	if len(c.outbox) >= MaxOutbox-1 {
		c.mu.Unlock()
		return wire.Errorf(proto.QueueFull, "relay client: %d envelopes already wait for the relay", len(c.outbox))
	}
	c.rekeyLocked()
	env, seq, err := c.session.Seal(kind, id, ttl, payload)
	if err == nil {
		err = c.saveLocked()
	}
	if err != nil {
		c.mu.Unlock()
		return err
	}
	p := c.enqueueLocked(seq, env, false)
	c.mu.Unlock()
	return c.wait(ctx, p)
}

func (c *Client) saveLocked() error {
	if c.cfg.State == nil {
		return nil
	}
	st := State{Acked: c.acked}
	if c.session != nil {
		st.Session = ptr(c.session.State())
	}
	return c.cfg.State.Save(st)
}

// SendEnvelope transmits an envelope sealed by the caller (a handshake
// message) and returns once the relay stored it.
func (c *Client) SendEnvelope(ctx context.Context, env []byte) error {
	h, err := e2e.ParseHeader(env)
	if err != nil {
		return err
	}
	if h.From != c.cfg.Role || h.Channel != c.cfg.Keys.ID() {
		return wire.Errorf(wire.Malformed, "relay client: envelope is not from this channel and role")
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	p := c.enqueueLocked(h.Seq, env, false)
	c.mu.Unlock()
	return c.wait(ctx, p)
}

func (c *Client) enqueueLocked(seq uint64, env []byte, silent bool) *pending {
	p := &pending{seq: seq, frame: proto.Send(env), done: make(chan error, 1), silent: silent}
	c.outbox = append(c.outbox, p)
	c.kick()
	return p
}

func (c *Client) wait(ctx context.Context, p *pending) error {
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-c.done:
		return ErrClosed
	}
}

func (c *Client) kick() {
	select {
	case c.wakeW <- struct{}{}:
	default:
	}
}

// Receive returns the next message. Acknowledge it with Ack once handled:
// the next one is opened only then.
func (c *Client) Receive(ctx context.Context) (*Message, error) {
	for {
		c.mu.Lock()
		if c.cur != nil && !c.given {
			c.given = true
			m := c.cur
			c.mu.Unlock()
			return m, nil
		}
		closed := c.closed
		c.mu.Unlock()
		if closed {
			return nil, ErrClosed
		}
		select {
		case <-c.inboxC:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-c.done:
		}
	}
}

// Ack acknowledges m, the message Receive returned last: the session
// accepts it (its keys are forgotten), the ack point is persisted, and the
// relay is told to delete it. A restarted client resumes after it.
func (c *Client) Ack(m *Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur != m {
		return wire.Errorf(wire.Malformed, "relay client: Ack of a message that is not the current one")
	}
	if m.opened != nil {
		if err := c.session.Commit(m.opened); err != nil {
			return err
		}
		m.opened = nil
	}
	c.cur, c.given = nil, false
	err := c.advanceLocked(m.N)
	c.nextLocked()
	return err
}

// advanceLocked moves the ack point to n and persists it.
func (c *Client) advanceLocked(n uint64) error {
	if n <= c.acked {
		return nil
	}
	c.acked = n
	c.kick()
	return c.saveLocked()
}

// Close stops the client. Pending sends fail with ErrClosed.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	conn := c.conn
	flushed := make(chan struct{})
	if conn != nil {
		// Let the writer send what was acknowledged and then the close frame,
		// in that order on the one writer: a clean Close loses no ack.
		c.closing = flushed
	}
	c.mu.Unlock()
	if conn != nil {
		c.kick()
		select {
		case <-flushed:
		case <-time.After(time.Second):
		}
	}
	c.cancel()
	if conn != nil {
		_ = conn.Close()
	}
	<-c.done
	return nil
}

// Err is the error that ended the last connection (nil while none failed).
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastErr
}

func (c *Client) run() {
	defer close(c.done)
	attempt := 0
	for c.ctx.Err() == nil {
		start := time.Now()
		err := c.session1()
		if c.ctx.Err() != nil {
			return
		}
		c.mu.Lock()
		c.lastErr = err
		c.mu.Unlock()
		if time.Since(start) > 10*time.Second {
			attempt = 0
		}
		d := min(c.cfg.MaxBackoff, c.cfg.MinBackoff<<min(attempt, 16))
		d = d/2 + rand.N(d/2+1) // equal jitter
		attempt++
		if errors.Is(err, e2e.ErrAuthFailed) || errors.Is(err, e2e.ErrUnsupported) {
			c.log.Warn("the relay refused this client; retrying", "err", err, "in", d)
		} else {
			c.log.Debug("relay connection ended; reconnecting", "err", err, "in", d)
		}
		select {
		case <-time.After(d):
		case <-c.ctx.Done():
			return
		}
	}
}

// session1 runs one connection: handshake, then serve until it fails.
func (c *Client) session1() error {
	dctx, cancel := context.WithTimeout(c.ctx, c.cfg.DialTimeout)
	defer cancel()
	ws, _, err := c.cfg.Dialer.DialContext(dctx, c.cfg.URL, nil)
	if err != nil {
		return fmt.Errorf("relay client: dial: %w", err)
	}
	defer ws.Close()
	defer context.AfterFunc(c.ctx, func() { _ = ws.Close() })()
	ws.SetReadLimit(proto.MaxFrame)
	_ = ws.SetReadDeadline(time.Now().Add(c.cfg.DialTimeout))
	f, err := readFrame(ws)
	if err != nil {
		return err
	}
	if f.Type != proto.TChallenge {
		return wire.Errorf(proto.ProtocolError, "relay sent %s before CHALLENGE", f.Type)
	}
	proof := c.cfg.Keys.Prove(f.Nonce, c.cfg.Role)
	_ = ws.SetWriteDeadline(time.Now().Add(c.cfg.DialTimeout))
	if err := ws.WriteMessage(websocket.BinaryMessage, proto.Auth(c.cfg.Role, c.cfg.Keys.ID(), proof)); err != nil {
		return fmt.Errorf("relay client: auth: %w", err)
	}
	if f, err = readFrame(ws); err != nil {
		return err
	}
	if f.Type != proto.TWelcome {
		return wire.Errorf(proto.ProtocolError, "relay sent %s instead of WELCOME", f.Type)
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	// The relay's ack point is only informational (it is untrusted): an
	// ack point above ours means deliveries were acknowledged by another
	// login; they show as Lost on the next delivery.
	c.conn, c.sentIdx, c.relayAck = ws, 0, f.Acked
	c.ackSent = min(c.ackSent, f.Acked)
	c.stats.Connects++
	close(c.connected)
	c.kick()
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.conn = nil
		c.connected = make(chan struct{})
		c.mu.Unlock()
	}()

	deadline := func() { _ = ws.SetReadDeadline(time.Now().Add(c.cfg.ReadTimeout)) }
	deadline()
	ws.SetPingHandler(func(data string) error {
		deadline()
		// A pong that cannot be written in time (the relay is applying
		// backpressure and not reading us) is no reason to drop the
		// connection; a dead one is caught by the read deadline.
		_ = ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
		return nil
	})
	stop := make(chan struct{})
	wdone := make(chan struct{})
	go func() { defer close(wdone); c.writeLoop(ws, stop) }()
	defer func() { close(stop); _ = ws.Close(); <-wdone }()
	for {
		f, err := readFrame(ws)
		if err != nil {
			return err
		}
		deadline()
		if err := c.handle(f); err != nil {
			return err
		}
	}
}

func readFrame(ws *websocket.Conn) (proto.Frame, error) {
	typ, b, err := ws.ReadMessage()
	if err != nil {
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return proto.Frame{}, &proto.CloseError{Code: ce.Code, Reason: ce.Text}
		}
		return proto.Frame{}, fmt.Errorf("relay client: read: %w", err)
	}
	if typ != websocket.BinaryMessage {
		return proto.Frame{}, wire.Errorf(proto.ProtocolError, "relay sent a text frame")
	}
	return proto.Decode(b)
}

func (c *Client) writeLoop(ws *websocket.Conn, stop chan struct{}) {
	for {
		select {
		case <-c.wakeW:
		case <-stop:
			return
		}
		for {
			c.mu.Lock()
			if c.conn != ws {
				c.mu.Unlock()
				return
			}
			var frames [][]byte
			for ; c.sentIdx < len(c.outbox); c.sentIdx++ {
				p := c.outbox[c.sentIdx]
				p.resent = p.resent || p.sent
				p.sent = true
				frames = append(frames, p.frame)
			}
			if c.acked > c.ackSent {
				frames = append(frames, proto.Ack(c.acked))
				c.ackSent = c.acked
			}
			closing := c.closing
			c.mu.Unlock()
			if len(frames) == 0 {
				if closing != nil {
					_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(proto.CloseNormal, ""), time.Now().Add(time.Second))
					close(closing)
					return
				}
				break
			}
			_ = ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
			for _, f := range frames {
				if err := ws.WriteMessage(websocket.BinaryMessage, f); err != nil {
					_ = ws.Close() // the reader fails and the client reconnects
					return
				}
			}
		}
	}
}

func (c *Client) handle(f proto.Frame) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch f.Type {
	case proto.TSendAck:
		c.sendAckLocked(f.Seq, f.Status)
	case proto.TDeliver:
		c.deliverLocked(f)
	default:
		return wire.Errorf(proto.ProtocolError, "relay sent an unexpected %s", f.Type)
	}
	return nil
}

func (c *Client) sendAckLocked(seq uint64, st proto.Status) {
	i := 0
	for i < len(c.outbox) && c.outbox[i].seq != seq {
		i++
	}
	if i == len(c.outbox) || !c.outbox[i].sent {
		return // an answer to something already settled, or never sent on this connection
	}
	p := c.outbox[i]
	var res error
	switch st {
	case proto.StatusStored:
	case proto.StatusDuplicate:
		if !p.resent {
			// A first transmission whose id the relay already holds:
			// nothing new was stored. Only a retransmission of our own
			// envelope counts as delivered.
			res = st.Err()
		}
	case proto.StatusUnavailable:
		return // stays in the outbox; retransmitted on the next connection
	default:
		res = st.Err()
	}
	c.outbox = append(c.outbox[:i], c.outbox[i+1:]...)
	if i < c.sentIdx {
		c.sentIdx--
	}
	if res != nil && p.silent {
		c.log.Warn("a control envelope was refused by the relay", "seq", seq, "err", res)
	}
	p.done <- res
}

func (c *Client) deliverLocked(f proto.Frame) {
	n := f.N
	if n <= c.acked {
		c.ackSent = min(c.ackSent, n-1) // the relay missed our ack: send it again
		c.kick()
		return
	}
	if (c.cur != nil && c.cur.N == n) || c.holding(n) {
		c.stats.Duplicates++ // delivered again on a new connection, not yet handled
		return
	}
	if len(c.in) >= MaxInbound {
		return // the relay overran its window; it delivers again after a reconnect
	}
	c.in = append(c.in, inbound{n: n, env: bytes.Clone(f.Envelope)})
	for i := len(c.in) - 1; i > 0 && c.in[i].n < c.in[i-1].n; i-- {
		c.in[i], c.in[i-1] = c.in[i-1], c.in[i]
	}
	c.nextLocked()
}

func (c *Client) holding(n uint64) bool {
	for _, d := range c.in {
		if d.n == n {
			return true
		}
	}
	return false
}

// nextLocked opens held deliveries, in order, until one is for the
// application (it becomes cur). Forged and replayed envelopes are dropped
// and acknowledged: none of them moves the session, and a hostile relay or
// URI holder cannot wedge the queue with them.
func (c *Client) nextLocked() {
	for c.cur == nil && len(c.in) > 0 {
		d := c.in[0]
		c.in = c.in[1:]
		if d.n <= c.acked {
			continue
		}
		lost := uint64(0)
		if prev := max(c.acked, c.seen); d.n > prev+1 {
			lost = d.n - prev - 1
			c.stats.Lost += lost
		}
		c.seen = max(c.seen, d.n)
		h, _ := e2e.ParseHeader(d.env)
		m := &Message{N: d.n, Header: h, Envelope: d.env, Lost: lost}
		if c.session == nil {
			c.cur = m
			break
		}
		o, err := c.session.Peek(d.env)
		if err != nil {
			if errors.Is(err, wire.ErrReplay) {
				c.stats.Duplicates++
			} else {
				c.stats.Forged++
				c.log.Warn("dropped an envelope that failed authentication", "n", d.n, "err", err)
			}
			_ = c.advanceLocked(d.n)
			continue
		}
		c.heard = time.Now()
		if o.Kind == e2e.KindRekey || o.Kind == e2e.KindRekeyAck {
			c.controlLocked(d.n, &o)
			continue
		}
		m.Payload, m.E2EKind, m.Gap, m.opened = o.Payload, o.Kind, o.Gap, &o
		c.stats.Gaps += o.Gap
		if o.Kind == e2e.KindData {
			if kind, body, err := wire.DecodeKindBody(o.Payload); err == nil {
				m.Kind, m.Body = kind, body
			}
		}
		c.cur = m
	}
	if c.cur != nil && !c.given {
		select {
		case c.inboxC <- struct{}{}:
		default:
		}
	}
}

// controlLocked applies a re-key message at once (the client handles it
// itself) and transmits the session's answer, after persisting.
func (c *Client) controlLocked(n uint64, o *e2e.Opened) {
	if err := c.session.Commit(o); err != nil {
		c.log.Warn("re-key message not applied", "n", n, "err", err)
	}
	c.stats.Rekeys++
	c.acked = max(c.acked, n)
	c.kick()
	if err := c.saveLocked(); err != nil {
		c.log.Error("relay state not saved", "err", err)
	}
	if o.Reply != nil {
		c.enqueueLocked(o.ReplySeq, o.Reply, true)
	}
}

// rekeyLocked starts the periodic re-key when it is due (RekeyEvery) and
// the peer is online.
func (c *Client) rekeyLocked() {
	now := time.Now()
	if c.cfg.RekeyEvery <= 0 || now.Sub(c.rekeyed) < c.cfg.RekeyEvery || now.Sub(c.heard) > time.Minute {
		return
	}
	pl, err := c.session.Rekey()
	if err != nil || pl == nil {
		return
	}
	env, seq, err := c.session.Seal(e2e.KindRekey, e2e.NewMessageID(nil), 0, pl)
	if err != nil {
		c.log.Warn("re-key not sealed", "err", err)
		return
	}
	c.rekeyed = now
	c.enqueueLocked(seq, env, true)
}

// Rekey starts a re-key of the session (a fresh X25519 exchange mixed into
// its root key): the new epoch starts once the peer answers. It returns
// once the relay stored the request; nil without effect when one is under
// way.
func (c *Client) Rekey(ctx context.Context) error {
	c.mu.Lock()
	s := c.session
	c.mu.Unlock()
	if s == nil {
		return ErrNotPaired
	}
	pl, err := s.Rekey()
	if err != nil || pl == nil {
		return err
	}
	return c.SendKind(ctx, e2e.KindRekey, pl)
}
