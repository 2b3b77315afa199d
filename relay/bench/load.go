package bench

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/proto"
)

// Load describes one load run.
type Load struct {
	URL       string        // relay: ws://…/v1/ws; forwarder: ws://…/fwd
	Forwarder bool          // speak the forwarder's (protocol-free) dialect
	Channels  int           //
	Rate      float64       // messages/s in total; 0 = closed loop with Window in flight per channel
	Window    int           // closed loop: messages in flight per channel
	Payload   int           // bytes (≥ 16)
	Warmup    time.Duration // excluded from the figures
	Duration  time.Duration // measured
	Drain     time.Duration // wait for stragglers after the run (default 5 s)
	Senders   bool          // connect senders (default true via NewLoad)
	Receivers bool          // connect receivers
	PerChan   int           // backlog mode: messages per channel, closed loop on SENDACKs
	Fleet     *Fleet        // reuse channels (and their sessions) across runs; nil: fresh
	Expect    uint64        // receivers-only runs: messages to wait for
}

// Fleet is a set of channels with their e2e sessions, reusable across runs
// (fill a backlog, restart the relay, drain it).
type Fleet struct{ chans []*chanState }

// Result is what a run measured.
type Result struct {
	Sent, Stored, Received uint64
	Lost, Duplicates       uint64
	Throughput             float64 // messages received per second during the measured window
	P50, P99, Max          time.Duration
	Elapsed                time.Duration
	Connect                time.Duration // time to connect and authenticate every connection
}

type chanState struct {
	idx        int
	agentK     e2e.ChannelKeys
	signerK    e2e.ChannelKeys
	sendS      *e2e.Session
	recvS      *e2e.Session
	snd, rcv   *websocket.Conn
	sndMu      sync.Mutex
	rcvMu      sync.Mutex
	tokens     chan struct{}
	mu         sync.Mutex
	stored     []bool
	received   []bool
	unacked    int
	lastN      uint64 // the relay's number of the latest delivery (what ACK acknowledges)
	lat        []time.Duration
	nReceived  atomic.Uint64
	nSent      atomic.Uint64
	nStoredAck atomic.Uint64
}

type run struct {
	l        Load
	base     time.Time
	winStart time.Duration
	winEnd   time.Duration
	inWindow atomic.Uint64
	dups     atomic.Uint64
	lastAt   atomic.Int64 // ns since base of the latest delivery
	chans    []*chanState
	errOnce  sync.Once
	err      error
	closing  atomic.Bool
}

// readFailed reports a connection the relay closed during the run.
func (r *run) readFailed(c *chanState, side string, err error) {
	if r.closing.Load() {
		return
	}
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		err = &proto.CloseError{Code: ce.Code, Reason: ce.Text}
	}
	r.fail(fmt.Errorf("channel %d: %s connection ended: %w", c.idx, side, err))
}

func (r *run) fail(err error) {
	r.errOnce.Do(func() { r.err = err })
}

func newChan(i int) (*chanState, error) {
	as, ss, err := e2e.HandshakeLocal(nil)
	if err != nil {
		return nil, err
	}
	return &chanState{idx: i, agentK: as.Keys(), signerK: ss.Keys(), sendS: as, recvS: ss}, nil
}

var dialer = &websocket.Dialer{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 16 << 10, WriteBufferSize: 4096}

// dial connects one side of a channel; for the relay it authenticates.
func (r *run) dial(ctx context.Context, c *chanState, role e2e.Role) (*websocket.Conn, error) {
	if r.l.Forwarder {
		side := "a"
		if role == e2e.RoleSigner {
			side = "s"
		}
		ws, _, err := dialer.DialContext(ctx, r.l.URL+"?ch="+url.QueryEscape(c.agentK.ID().String())+"&role="+side, nil)
		return ws, err
	}
	ws, _, err := dialer.DialContext(ctx, r.l.URL, nil)
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(proto.MaxFrame)
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, b, err := ws.ReadMessage()
	if err != nil {
		ws.Close()
		return nil, err
	}
	f, err := proto.Decode(b)
	if err != nil || f.Type != proto.TChallenge {
		ws.Close()
		return nil, fmt.Errorf("expected CHALLENGE: %v", err)
	}
	keys := c.agentK
	if role == e2e.RoleSigner {
		keys = c.signerK
	}
	if err := ws.WriteMessage(websocket.BinaryMessage, proto.Auth(role, keys.ID(), keys.Prove(f.Nonce, role))); err != nil {
		ws.Close()
		return nil, err
	}
	_, b, err = ws.ReadMessage()
	if err == nil {
		f, err = proto.Decode(b)
	}
	if err != nil || f.Type != proto.TWelcome {
		ws.Close()
		return nil, fmt.Errorf("expected WELCOME: %v %v", f.Type, err)
	}
	_ = ws.SetReadDeadline(time.Time{})
	ignorePongFailures(ws)
	return ws, nil
}

// ignorePongFailures keeps a connection whose pong could not be written in
// time (the relay is applying backpressure) instead of failing its reader.
func ignorePongFailures(ws *websocket.Conn) {
	ws.SetPingHandler(func(data string) error {
		_ = ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
		return nil
	})
}

func (c *chanState) mark(list *[]bool, seq uint64) bool {
	for uint64(len(*list)) <= seq {
		*list = append(*list, false)
	}
	was := (*list)[seq]
	(*list)[seq] = true
	return was
}

// senderReader consumes SENDACKs.
func (r *run) senderReader(c *chanState) {
	for {
		_, b, err := c.snd.ReadMessage()
		if err != nil {
			r.readFailed(c, "sender", err)
			return
		}
		f, err := proto.Decode(b)
		if err != nil || f.Type != proto.TSendAck {
			continue
		}
		if f.Status == proto.StatusStored {
			c.mu.Lock()
			c.mark(&c.stored, f.Seq)
			c.mu.Unlock()
			c.nStoredAck.Add(1)
			if r.l.PerChan > 0 {
				c.tokens <- struct{}{}
			}
		} else {
			r.fail(fmt.Errorf("channel %d: send %d answered %v", c.idx, f.Seq, f.Status.Err()))
		}
	}
}

// receiverReader opens deliveries, records latency and acknowledges.
func (r *run) receiverReader(c *chanState) {
	for {
		_, b, err := c.rcv.ReadMessage()
		if err != nil {
			r.readFailed(c, "recipient", err)
			return
		}
		now := time.Since(r.base)
		f, err := proto.Decode(b)
		if err != nil || (f.Type != proto.TDeliver && f.Type != proto.TSend) {
			r.fail(fmt.Errorf("channel %d: bad delivery: %v", c.idx, err))
			continue
		}
		o, err := c.recvS.Open(f.Envelope)
		if err != nil {
			if errors.Is(err, e2e.ErrForged) {
				r.fail(fmt.Errorf("channel %d: %v", c.idx, err))
			}
			r.dups.Add(1)
			continue
		}
		sentAt := time.Duration(binary.BigEndian.Uint64(o.Payload[:8]))
		c.mu.Lock()
		if c.mark(&c.received, o.Seq) {
			r.dups.Add(1)
		}
		if sentAt >= r.winStart && sentAt < r.winEnd {
			c.lat = append(c.lat, now-sentAt)
		}
		c.unacked++
		c.lastN = f.N
		ack := !r.l.Forwarder && c.unacked >= 16
		if ack {
			c.unacked = 0
		}
		c.mu.Unlock()
		c.nReceived.Add(1)
		r.lastAt.Store(int64(now))
		if now >= r.winStart && now < r.winEnd {
			r.inWindow.Add(1)
		}
		if r.l.Rate == 0 && r.l.PerChan == 0 {
			select {
			case c.tokens <- struct{}{}:
			default:
			}
		}
		if ack {
			r.sendAck(c, f.N)
		}
	}
}

func (r *run) sendAck(c *chanState, n uint64) {
	c.rcvMu.Lock()
	_ = c.rcv.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_ = c.rcv.WriteMessage(websocket.BinaryMessage, proto.Ack(n))
	c.rcvMu.Unlock()
}

// ackFlusher acknowledges stragglers every 50 ms (receivers also ack every
// 16 messages); the relay's window of 256 never fills at these rates.
func (r *run) ackFlusher(stop chan struct{}) {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		for _, c := range r.chans {
			if c.rcv == nil {
				continue
			}
			c.mu.Lock()
			n, seq := c.unacked, c.lastN
			c.unacked = 0
			c.mu.Unlock()
			if n > 0 {
				r.sendAck(c, seq)
			}
		}
	}
}

func (r *run) send(c *chanState, at time.Duration) error {
	payload := make([]byte, r.l.Payload)
	binary.BigEndian.PutUint64(payload[:8], uint64(at))
	env, _, err := c.sendS.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, payload)
	if err != nil {
		return err
	}
	c.sndMu.Lock()
	_ = c.snd.SetWriteDeadline(time.Now().Add(10 * time.Second))
	err = c.snd.WriteMessage(websocket.BinaryMessage, proto.Send(env))
	c.sndMu.Unlock()
	c.nSent.Add(1)
	return err
}

func (r *run) sender(c *chanState, end time.Duration) {
	switch {
	case r.l.PerChan > 0: // backlog: closed loop on SENDACKs
		for i := 0; i < r.l.PerChan; i++ {
			<-c.tokens
			if err := r.send(c, time.Since(r.base)); err != nil {
				r.fail(err)
				return
			}
		}
	case r.l.Rate == 0: // closed loop on deliveries
		for time.Since(r.base) < end {
			select {
			case <-c.tokens:
			case <-time.After(100 * time.Millisecond):
				continue
			}
			if err := r.send(c, time.Since(r.base)); err != nil {
				r.fail(err)
				return
			}
		}
	default: // open loop at Rate/Channels per channel, timestamped with the intended time
		interval := time.Duration(float64(time.Second) * float64(r.l.Channels) / r.l.Rate)
		next := time.Duration(int64(interval) * int64(c.idx) / int64(r.l.Channels))
		for next < end {
			if d := next - time.Since(r.base); d > 0 {
				time.Sleep(d)
			}
			if err := r.send(c, next); err != nil {
				r.fail(err)
				return
			}
			next += interval
		}
	}
}

// RunLoad runs one load and returns its figures. Connections are closed at
// the end.
func RunLoad(ctx context.Context, l Load) (Result, error) {
	if l.Payload < 16 {
		l.Payload = 16
	}
	if l.Window <= 0 {
		l.Window = 32
	}
	if l.Drain <= 0 {
		l.Drain = 5 * time.Second
	}
	if l.Fleet == nil {
		l.Fleet = &Fleet{}
	}
	r := &run{l: l}
	for i := 0; i < l.Channels; i++ {
		if i < len(l.Fleet.chans) {
			c := l.Fleet.chans[i]
			c.snd, c.rcv, c.lat, c.unacked = nil, nil, nil, 0
			c.nSent.Store(0)
			c.nReceived.Store(0)
			c.nStoredAck.Store(0)
			r.chans = append(r.chans, c)
			continue
		}
		c, err := newChan(i)
		if err != nil {
			return Result{}, err
		}
		l.Fleet.chans = append(l.Fleet.chans, c)
		if l.PerChan > 0 {
			c.tokens = make(chan struct{}, l.PerChan)
		} else {
			c.tokens = make(chan struct{}, l.Window)
		}
		for j := 0; j < cap(c.tokens) && j < l.Window; j++ {
			c.tokens <- struct{}{}
		}
		r.chans = append(r.chans, c)
	}
	defer r.closeAll()
	// Connect, a few at a time.
	r.base = time.Now()
	sem := make(chan struct{}, 32)
	var wg sync.WaitGroup
	for _, c := range r.chans {
		wg.Add(1)
		sem <- struct{}{}
		go func(c *chanState) {
			defer wg.Done()
			defer func() { <-sem }()
			var err error
			if l.Receivers {
				if c.rcv, err = r.dial(ctx, c, e2e.RoleSigner); err != nil {
					r.fail(fmt.Errorf("connect recipient: %w", err))
					return
				}
			}
			if l.Senders {
				if c.snd, err = r.dial(ctx, c, e2e.RoleAgent); err != nil {
					r.fail(fmt.Errorf("connect sender: %w", err))
				}
			}
		}(c)
	}
	wg.Wait()
	if r.err != nil {
		return Result{}, r.err
	}
	connected := time.Since(r.base)
	if l.Senders {
		r.base = time.Now() // latency and windows count from here
	}
	r.winStart, r.winEnd = l.Warmup, l.Warmup+l.Duration
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for _, c := range r.chans {
		if c.rcv != nil {
			readers.Add(1)
			go func(c *chanState) { defer readers.Done(); r.receiverReader(c) }(c)
		}
		if c.snd != nil && !l.Forwarder {
			go r.senderReader(c)
		}
	}
	if l.Receivers && !l.Forwarder {
		go r.ackFlusher(stop)
	}
	var senders sync.WaitGroup
	if l.Senders {
		for _, c := range r.chans {
			senders.Add(1)
			go func(c *chanState) { defer senders.Done(); r.sender(c, r.winEnd) }(c)
		}
	}
	senders.Wait()
	sendDone := time.Since(r.base)
	// Wait for stragglers: everything sent is received (or stored, for backlog runs).
	deadline := time.Now().Add(l.Drain)
	for time.Now().Before(deadline) && r.err == nil {
		var sent, got uint64
		for _, c := range r.chans {
			sent += c.nSent.Load()
			if l.Receivers {
				got += c.nReceived.Load()
			} else {
				got += c.nStoredAck.Load()
			}
		}
		if got >= max(sent, l.Expect) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	res := r.result()
	res.Connect = connected
	switch {
	case !l.Senders:
		res.Elapsed = time.Duration(r.lastAt.Load()) // connect included
	case l.Rate == 0 || l.PerChan > 0:
		res.Elapsed = sendDone
	}
	return res, r.err
}

func (r *run) closeAll() {
	r.closing.Store(true)
	for _, c := range r.chans {
		for _, ws := range []*websocket.Conn{c.snd, c.rcv} {
			if ws != nil {
				_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(1000, ""), time.Now().Add(100*time.Millisecond))
				ws.Close()
			}
		}
	}
}

func (r *run) result() Result {
	var res Result
	var lat []time.Duration
	for _, c := range r.chans {
		c.mu.Lock()
		res.Sent += c.nSent.Load()
		res.Received += c.nReceived.Load()
		for seq, ok := range c.stored {
			if ok {
				res.Stored++
				if r.l.Receivers && (seq >= len(c.received) || !c.received[seq]) {
					res.Lost++
				}
			}
		}
		lat = append(lat, c.lat...)
		c.mu.Unlock()
	}
	if r.l.Forwarder {
		res.Lost = res.Sent - min(res.Sent, res.Received)
	}
	res.Duplicates = r.dups.Load()
	res.Throughput = float64(r.inWindow.Load()) / r.l.Duration.Seconds()
	if len(lat) > 0 {
		slices.Sort(lat)
		res.P50 = lat[len(lat)/2]
		res.P99 = lat[len(lat)*99/100]
		res.Max = lat[len(lat)-1]
	}
	return res
}
