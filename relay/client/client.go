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

// ErrNotPaired is returned by Send before a session is set.
var ErrNotPaired = &wire.Error{Code: wire.Malformed, Message: "relay client has no session: pair first"}

// Config configures a Client. Zero values get the defaults noted.
type Config struct {
	URL     string            // the relay's ws:// or wss:// endpoint, e.g. from the pairing URI
	Secret  e2e.ChannelSecret // the channel secret (pairing URI)
	Role    e2e.Role          // which side this client is
	Session *e2e.Session      // nil until paired (then only SendEnvelope and raw receive)
	// State persists the session's sequence numbers; when set, New restores
	// them into Session and Send saves before transmitting.
	State       StateStore
	Resume      uint64        // ack point to resume from when there is no State (raw clients)
	TTL         uint32        // TTL of typed sends in seconds (0: the relay's default)
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
	Duplicates uint64 // redelivered envelopes dropped
	Forged     uint64 // envelopes that failed authentication, dropped
}

// Message is one received envelope.
type Message struct {
	Header   e2e.Header
	Envelope []byte          // the sealed envelope as received
	Payload  []byte          // the opened payload (nil when received before a session was set)
	Gap      uint64          // envelopes skipped (expired on the relay) before this one
	Kind     string          // typed layer: the message kind, when the payload is {"kind","body"}
	Body     json.RawMessage // typed layer: the body
}

// Decode unmarshals the typed body into v.
func (m *Message) Decode(v any) error {
	if m.Kind == "" {
		return wire.Errorf(wire.Malformed, "relay message %s is not a typed message", m.Header.ID)
	}
	if err := json.Unmarshal(m.Body, v); err != nil {
		return wire.Errorf(wire.Malformed, "relay message %s (%s): %v", m.Header.ID, m.Kind, err)
	}
	return nil
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
}

type delivered struct {
	seq  uint64
	done bool
}

// Client is a connection to one channel of a relay. Safe for concurrent use.
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
	lastSent  uint64
	acked     uint64
	ackSent   uint64
	deliv     []delivered
	inbox     []*Message
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
	c := &Client{cfg: cfg, log: cfg.Logger.With("channel", cfg.Secret.ID().String(), "role", cfg.Role.String()),
		done: make(chan struct{}), wakeW: make(chan struct{}, 1), inboxC: make(chan struct{}, 1),
		connected: make(chan struct{}), session: cfg.Session, acked: cfg.Resume}
	if cfg.State != nil {
		st, err := cfg.State.Load()
		if err != nil {
			return nil, err
		}
		c.acked = st.Recv
		if c.session != nil {
			c.session.SetState(st)
		}
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	go c.run()
	return c, nil
}

// SetSession installs the session after pairing; later deliveries are
// opened with it.
func (c *Client) SetSession(s *e2e.Session) {
	c.mu.Lock()
	c.session = s
	c.mu.Unlock()
}

// Session returns the current session (nil before pairing).
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

// LastSent is the relay's last accepted sequence number from this role, as
// told in the latest WELCOME (untrusted; used to number a hello).
func (c *Client) LastSent() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastSent
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
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	if c.session == nil {
		c.mu.Unlock()
		return ErrNotPaired
	}
	env, seq, err := c.session.Seal(e2e.KindData, id, ttl, payload)
	if err == nil && c.cfg.State != nil {
		err = c.cfg.State.Save(e2e.State{Send: seq, Recv: c.acked})
	}
	if err != nil {
		c.mu.Unlock()
		return err
	}
	p := c.enqueueLocked(seq, env)
	c.mu.Unlock()
	return c.wait(ctx, p)
}

// SendEnvelope transmits an envelope sealed by the caller (a hello or a
// confirm) and returns once the relay stored it.
func (c *Client) SendEnvelope(ctx context.Context, env []byte) error {
	h, err := e2e.ParseHeader(env)
	if err != nil {
		return err
	}
	if h.From != c.cfg.Role || h.Channel != c.cfg.Secret.ID() {
		return wire.Errorf(wire.Malformed, "relay client: envelope is not from this channel and role")
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	p := c.enqueueLocked(h.Seq, env)
	c.mu.Unlock()
	return c.wait(ctx, p)
}

func (c *Client) enqueueLocked(seq uint64, env []byte) *pending {
	p := &pending{seq: seq, frame: proto.Envelope(proto.TSend, env), done: make(chan error, 1)}
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

// Receive returns the next message. Acknowledge it with Ack once handled.
func (c *Client) Receive(ctx context.Context) (*Message, error) {
	for {
		c.mu.Lock()
		if len(c.inbox) > 0 {
			m := c.inbox[0]
			c.inbox[0] = nil
			c.inbox = c.inbox[1:]
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

// Ack acknowledges m and every message received before it. The relay then
// deletes them, and a restarted client resumes after them.
func (c *Client) Ack(m *Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range c.deliv {
		if c.deliv[i].seq > m.Header.Seq {
			break
		}
		c.deliv[i].done = true
	}
	return c.advanceLocked()
}

// advanceLocked moves the ack point over the done prefix and persists it.
func (c *Client) advanceLocked() error {
	i, up := 0, c.acked
	for i < len(c.deliv) && c.deliv[i].done {
		up = c.deliv[i].seq
		i++
	}
	c.deliv = c.deliv[i:]
	if up <= c.acked {
		return nil
	}
	c.acked = up
	c.kick()
	if c.cfg.State != nil && c.session != nil {
		return c.cfg.State.Save(e2e.State{Send: c.session.State().Send, Recv: up})
	}
	return nil
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
	c.mu.Lock()
	resume := c.acked
	c.mu.Unlock()
	proof := c.cfg.Secret.Prove(f.Nonce, c.cfg.Role)
	_ = ws.SetWriteDeadline(time.Now().Add(c.cfg.DialTimeout))
	if err := ws.WriteMessage(websocket.BinaryMessage, proto.Auth(c.cfg.Role, c.cfg.Secret.ID(), proof, resume)); err != nil {
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
	c.conn, c.sentIdx, c.ackSent, c.lastSent = ws, 0, resume, f.LastSent
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
	if i == len(c.outbox) {
		return // an answer to something already settled
	}
	p := c.outbox[i]
	var res error
	switch st {
	case proto.StatusStored, proto.StatusDuplicate:
	case proto.StatusReplay:
		if !p.resent {
			// A first transmission refused as a replay: our counter is behind
			// the relay's (lost state). The caller must re-pair.
			res = wire.Errorf(wire.Replay, "relay refused sequence %d as a replay: the session state was lost", seq)
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
	p.done <- res
}

func (c *Client) deliverLocked(f proto.Frame) {
	seq := f.Header.Seq
	if seq <= c.acked {
		c.ackSent = min(c.ackSent, seq-1) // the relay missed our ack: send it again
		c.kick()
		return
	}
	for _, d := range c.deliv {
		if d.seq == seq {
			c.stats.Duplicates++ // already handed to the application, not yet acknowledged
			return
		}
	}
	m := &Message{Header: f.Header, Envelope: bytes.Clone(f.Envelope)}
	if c.session != nil {
		o, err := c.session.Open(m.Envelope)
		if err != nil {
			if errors.Is(err, wire.ErrReplay) {
				c.stats.Duplicates++
			} else {
				c.stats.Forged++
				c.log.Warn("dropped an envelope that failed authentication", "seq", seq, "err", err)
			}
			c.deliv = append(c.deliv, delivered{seq: seq, done: true})
			_ = c.advanceLocked()
			return
		}
		m.Payload, m.Gap = o.Payload, o.Gap
		var t typed
		if o.Kind == e2e.KindData && json.Unmarshal(o.Payload, &t) == nil && t.Kind != "" {
			m.Kind, m.Body = t.Kind, t.Body
		}
	}
	c.deliv = append(c.deliv, delivered{seq: seq})
	c.inbox = append(c.inbox, m)
	select {
	case c.inboxC <- struct{}{}:
	default:
	}
}
