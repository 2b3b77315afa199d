package core

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/proto"
	"github.com/leash-wallet/leash/wire"
)

// Config configures a Hub. Zero values get the documented defaults.
type Config struct {
	Store  Store
	Limits Limits
	Now    func() time.Time // default time.Now
	Rand   io.Reader        // challenge nonces; default crypto/rand
	Logger *slog.Logger     // default slog.Default()
	// OnCommit, when set, observes every group commit (metrics).
	OnCommit func(records int, d time.Duration)
}

// ErrStore is the coded error the hub fails with when its store fails.
var ErrStore = &wire.Error{Code: wire.Internal, Message: "relay store failed"}

// Hub applies the relay rules for every channel of one node (or the one
// channel of a Durable Object).
type Hub struct {
	cfg   Config
	store Store
	log   *slog.Logger
	stats Stats

	mu       sync.Mutex
	channels map[e2e.ChannelID]*channel
	draining bool
	failed   error
	failedC  chan struct{}

	cmu      sync.Mutex
	items    []item
	acks     map[QueueID]ackItem
	expire   []Ref
	expiring bool
	busy     bool // the committer holds a batch
	wake     chan struct{}
	idle     chan struct{} // closed and replaced whenever the pipeline empties
	stop     chan struct{}
	stopOnce sync.Once
	stopped  chan struct{}
}

type item struct {
	ch     *channel
	link   *Link
	status proto.Status
	echo   uint64 // the SEND's envelope sequence number, echoed in its SENDACK
	rec    Record // Seq is the relay's own delivery number
}

type ackItem struct {
	ch   *channel
	upTo uint64
}

type channel struct {
	id     e2e.ChannelID
	refs   int // links + in-flight items + pending acks; guarded by Hub.mu
	mu     sync.Mutex
	links  [3]*Link  // by role
	queues [3]*queue // by recipient role
	auths  bucket
}

// queue is one recipient queue. Its records are numbered by the relay
// (1, 2, 3… in acceptance order): no number here ever comes from an
// envelope header, which anyone logged in to the channel can write.
type queue struct {
	id        QueueID
	lastSeq   uint64 // the last delivery number given (maybe not yet committed)
	committed uint64 // highest committed
	acked     uint64
	pending   []Pending
	ids       map[e2e.MessageID]uint64
}

// New builds a hub and starts its committer. Close it with Shutdown.
func New(cfg Config) (*Hub, error) {
	if cfg.Store == nil {
		return nil, errors.New("core: Config.Store is required")
	}
	cfg.Limits.defaults()
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	h := &Hub{
		cfg: cfg, store: cfg.Store, log: cfg.Logger,
		channels: map[e2e.ChannelID]*channel{},
		acks:     map[QueueID]ackItem{},
		failedC:  make(chan struct{}),
		wake:     make(chan struct{}, 1),
		idle:     make(chan struct{}),
		stop:     make(chan struct{}),
		stopped:  make(chan struct{}),
	}
	go h.committer()
	return h, nil
}

// Stats are the hub's live counters.
func (h *Hub) Stats() *Stats { return &h.stats }

// Limits returns the effective limits.
func (h *Hub) Limits() Limits { return h.cfg.Limits }

// Failed is closed when the hub stops after a store failure; the process
// should then exit so that a supervisor restarts it on a healthy store.
func (h *Hub) Failed() <-chan struct{} { return h.failedC }

// Err is the fatal error the hub stopped with (a store failure), or nil.
func (h *Hub) Err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.failed
}

func (h *Hub) now() time.Time { return h.cfg.Now() }

// Link is one connection's view of the rules. The adapter creates it with
// Accept, feeds it every frame with Handle, and calls Closed when the
// connection ends.
type Link struct {
	hub    *Hub
	conn   Conn
	nonce  [e2e.ChallengeSize]byte
	tokens bucket

	// guarded by ch.mu once authenticated
	ch       *channel
	role     e2e.Role
	authed   bool
	closed   bool
	sentUpTo uint64
	inflight []uint64

	sends   atomic.Int32  // SENDs accepted, not yet answered
	answerC chan struct{} // signalled when a SEND is answered
}

// Accept starts the auth handshake on a new connection: it sends the
// CHALLENGE. The adapter should close the connection with CloseAuthTimeout
// if Authed is still false after its auth deadline.
func (h *Hub) Accept(c Conn) *Link {
	l := &Link{hub: h, conn: c, answerC: make(chan struct{}, 1)}
	_, _ = io.ReadFull(h.cfg.Rand, l.nonce[:])
	c.Send(proto.Challenge(l.nonce))
	return l
}

// AcceptChallenged is Accept for a backend whose front end already sent the
// CHALLENGE with nonce (a Worker that must read the AUTH frame to learn
// which Durable Object owns the channel). The nonce must be fresh and
// random; the link then verifies the AUTH against it exactly as Accept's.
func (h *Hub) AcceptChallenged(c Conn, nonce [e2e.ChallengeSize]byte) *Link {
	return &Link{hub: h, conn: c, nonce: nonce}
}

// Authed reports whether the link has authenticated. Safe to call from the
// goroutine that calls Handle.
func (l *Link) Authed() bool { return l.ch != nil }

// Channel is the authenticated channel (zero before auth).
func (l *Link) Channel() e2e.ChannelID {
	if l.ch == nil {
		return e2e.ChannelID{}
	}
	return l.ch.id
}

// Role is the authenticated role (0 before auth).
func (l *Link) Role() e2e.Role { return l.role }

// WaitSendWindow blocks while the link has SendWindow SENDs awaiting their
// answer, or until stop is closed. An adapter with a reader per connection
// calls it before reading the next frame, so a fast sender is slowed by TCP
// backpressure instead of piling up answers; its send queue then never has
// to hold more than SendWindow answers.
func (l *Link) WaitSendWindow(stop <-chan struct{}) {
	for int(l.sends.Load()) >= l.hub.cfg.Limits.SendWindow {
		select {
		case <-l.answerC:
		case <-stop:
			return
		}
	}
}

func closeErr(code int, reason string) *proto.CloseError {
	return &proto.CloseError{Code: code, Reason: reason}
}

// Handle processes one frame from the client. The hub keeps frame (it may
// become a stored record and a DELIVER frame): the caller must not reuse
// it. A non-nil result means the adapter must close the connection with
// that code; the refusal is already counted.
func (l *Link) Handle(frame []byte) *proto.CloseError {
	h := l.hub
	if !l.tokens.take(h.now().UnixNano(), h.cfg.Limits.Rate, h.cfg.Limits.Burst) {
		h.stats.Reject(ReasonRateLimited)
		return closeErr(proto.CloseRateLimited, "rate limit")
	}
	f, err := proto.Decode(frame)
	if err != nil {
		switch {
		case errors.Is(err, proto.ErrTooLarge):
			h.stats.Reject(ReasonTooLarge)
			return closeErr(proto.CloseTooBig, "frame too large")
		case errors.Is(err, e2e.ErrUnsupported):
			h.stats.Reject(ReasonUnsupported)
			return closeErr(proto.CloseUnsupported, wire.MessageOf(err))
		}
		h.stats.Reject(ReasonMalformed)
		return closeErr(proto.CloseMalformed, wire.MessageOf(err))
	}
	if l.ch == nil {
		if f.Type != proto.TAuth {
			h.stats.Reject(ReasonMalformed)
			return closeErr(proto.CloseMalformed, "expected AUTH, got "+f.Type.String())
		}
		return l.auth(&f)
	}
	switch f.Type {
	case proto.TSend:
		return l.send(&f)
	case proto.TAck:
		return l.ack(f.N)
	}
	h.stats.Reject(ReasonMalformed)
	return closeErr(proto.CloseMalformed, "unexpected "+f.Type.String())
}

func (l *Link) auth(f *proto.Frame) *proto.CloseError {
	h := l.hub
	if err := e2e.VerifyAuth(f.Channel, f.Role, l.nonce, f.Proof); err != nil {
		h.stats.Reject(ReasonAuthFailed)
		return closeErr(proto.CloseAuthFailed, "channel auth failed")
	}
	return l.attach(f.Channel, f.Role, true)
}

// Reattach restores an authenticated link without a new handshake, for a
// backend whose connections outlive the hub's memory (a Durable Object
// waking from hibernation keeps its WebSockets; it stores channel and role
// with each one). Deliveries resume after the queue's durable ack point;
// the client drops any it already had.
func (h *Hub) Reattach(c Conn, ch e2e.ChannelID, role e2e.Role) (*Link, *proto.CloseError) {
	if !role.Valid() {
		return nil, closeErr(proto.CloseMalformed, "unknown role")
	}
	l := &Link{hub: h, conn: c, answerC: make(chan struct{}, 1)}
	if ce := l.attach(ch, role, false); ce != nil {
		return nil, ce
	}
	return l, nil
}

// Acked is the link's recipient queue ack point (what a backend stores to
// Reattach later).
func (l *Link) Acked() uint64 {
	if l.ch == nil {
		return 0
	}
	l.ch.mu.Lock()
	defer l.ch.mu.Unlock()
	return l.ch.queues[l.role].acked
}

// attach joins the link to its channel. Logging in acknowledges nothing:
// deliveries start after the queue's durable ack point, which only ACK
// frames for deliveries made on a connection move.
func (l *Link) attach(chID e2e.ChannelID, role e2e.Role, welcome bool) *proto.CloseError {
	h := l.hub
	h.mu.Lock()
	if h.draining || h.failed != nil {
		h.mu.Unlock()
		h.stats.Reject(ReasonUnavailable)
		return closeErr(proto.CloseRestart, "relay is shutting down")
	}
	ch := h.channels[chID]
	if ch == nil {
		ch = &channel{id: chID}
		h.channels[chID] = ch
		h.stats.Channels.Add(1)
	}
	ch.refs++
	h.mu.Unlock()

	now := h.now()
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if !ch.auths.take(now.UnixNano(), h.cfg.Limits.AuthRate, h.cfg.Limits.AuthBurst) {
		h.release(ch)
		h.stats.Reject(ReasonChannelLimit)
		return closeErr(proto.CloseChannelLimit, "too many connections for this channel")
	}
	in, err := h.queueLocked(ch, role, now)
	if err == nil {
		_, err = h.queueLocked(ch, role.Peer(), now)
	}
	if err != nil {
		h.release(ch)
		h.fail(err)
		return closeErr(proto.CloseInternal, "store unavailable")
	}
	if old := ch.links[role]; old != nil {
		old.closed = true
		h.stats.Links.Add(-1)
		h.stats.Reject(ReasonReplaced)
		old.conn.Close(proto.CloseReplaced, "replaced by a newer connection")
	}
	l.ch, l.role, l.authed = ch, role, true
	ch.links[role] = l
	h.stats.Links.Add(1)
	h.stats.Auths.Add(1)
	l.sentUpTo = in.acked
	if welcome && !l.conn.Send(proto.Welcome(in.acked)) {
		return l.slowLocked()
	}
	l.pumpLocked(now)
	return nil
}

// queueLocked returns the queue for recipient role, loading it on first use.
func (h *Hub) queueLocked(ch *channel, to e2e.Role, now time.Time) (*queue, error) {
	if q := ch.queues[to]; q != nil {
		return q, nil
	}
	id := QueueID{Channel: ch.id, To: to}
	st, err := h.store.Load(id, now.UnixMilli())
	if err != nil {
		return nil, err
	}
	q := &queue{id: id, lastSeq: st.LastSeq, committed: st.LastSeq, acked: st.Acked,
		pending: st.Pending, ids: make(map[e2e.MessageID]uint64, len(st.Pending))}
	for _, p := range st.Pending {
		q.ids[p.ID] = p.Seq
	}
	ch.queues[to] = q
	return q, nil
}

func (h *Hub) ttl(sec uint32) time.Duration {
	if sec == 0 {
		return h.cfg.Limits.DefaultTTL
	}
	d := time.Duration(sec) * time.Second
	if d > h.cfg.Limits.MaxTTL {
		return h.cfg.Limits.MaxTTL
	}
	return d
}

func (l *Link) send(f *proto.Frame) *proto.CloseError {
	h, ch := l.hub, l.ch
	hd := f.Header
	if hd.Channel != ch.id {
		h.stats.Reject(ReasonUnknownChannel)
		return closeErr(proto.CloseUnknownChan, "envelope for a channel this connection did not authenticate")
	}
	if hd.From != l.role {
		h.stats.Reject(ReasonMalformed)
		return closeErr(proto.CloseMalformed, "envelope sender role differs from the authenticated role")
	}
	now := h.now()
	it := item{ch: ch, link: l, echo: hd.Seq}
	h.mu.Lock()
	draining := h.draining || h.failed != nil
	ch.refs++
	h.mu.Unlock()
	ch.mu.Lock()
	if l.closed {
		ch.mu.Unlock()
		h.release(ch)
		return nil
	}
	q := ch.queues[l.role.Peer()]
	switch {
	case draining:
		it.status = proto.StatusUnavailable
		h.stats.Reject(ReasonUnavailable)
	case q.ids[hd.ID] != 0:
		it.status = proto.StatusDuplicate
		h.stats.Reject(ReasonDuplicate)
	case len(q.pending) >= h.cfg.Limits.QueueDepth:
		it.status = proto.StatusQueueFull
		h.stats.Reject(ReasonQueueFull)
	default:
		// The relay numbers what it stores itself; the header's sequence
		// number is the end-to-end layer's, checked only after the
		// envelope opens.
		n := q.lastSeq + 1
		it.status = proto.StatusStored
		it.rec = Record{Queue: q.id, Seq: n, ID: hd.ID, Expires: now.Add(h.ttl(hd.TTL)).UnixMilli(), Envelope: f.Envelope}
		q.lastSeq = n
		q.pending = append(q.pending, Pending{Seq: n, ID: hd.ID})
		q.ids[hd.ID] = n
	}
	ch.mu.Unlock()
	l.sends.Add(1)
	h.enqueue(it)
	return nil
}

func (l *Link) ack(seq uint64) *proto.CloseError {
	h, ch := l.hub, l.ch
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if l.closed {
		return nil
	}
	q := ch.queues[l.role]
	if up := min(seq, l.sentUpTo); up > q.acked {
		h.ackLocked(ch, q, up)
	}
	i := 0
	for i < len(l.inflight) && l.inflight[i] <= seq {
		i++
	}
	l.inflight = l.inflight[i:]
	if len(l.inflight) == 0 {
		l.inflight = nil
	}
	l.pumpLocked(h.now())
	return nil
}

// ackLocked moves q's ack point to upTo and schedules the deletion.
func (h *Hub) ackLocked(ch *channel, q *queue, upTo uint64) {
	q.acked = upTo
	i := 0
	for i < len(q.pending) && q.pending[i].Seq <= upTo {
		delete(q.ids, q.pending[i].ID)
		i++
	}
	q.pending = q.pending[i:]
	h.stats.Acked.Add(uint64(i))
	h.cmu.Lock()
	prev, ok := h.acks[q.id]
	if !ok {
		h.mu.Lock()
		ch.refs++
		h.mu.Unlock()
	}
	if upTo > prev.upTo {
		h.acks[q.id] = ackItem{ch: ch, upTo: upTo}
	}
	h.cmu.Unlock()
	h.kick()
}

// pumpLocked sends committed records the link has not been sent yet, up to
// its window.
func (l *Link) pumpLocked(now time.Time) {
	h := l.hub
	q := l.ch.queues[l.role]
	room := h.cfg.Limits.Window - len(l.inflight)
	if l.closed || room <= 0 || l.sentUpTo >= q.committed {
		return
	}
	recs, err := h.store.Read(q.id, l.sentUpTo, room, now.UnixMilli())
	if err != nil {
		h.fail(err)
		return
	}
	for _, r := range recs {
		if r.Seq > q.committed {
			return
		}
		if !l.deliverLocked(r.Seq, proto.Deliver(r.Seq, r.Envelope)) {
			return
		}
	}
	if len(recs) < room {
		l.sentUpTo = max(l.sentUpTo, q.committed)
	}
}

func (l *Link) deliverLocked(seq uint64, frame []byte) bool {
	if !l.conn.Send(frame) {
		l.slowLocked()
		return false
	}
	l.sentUpTo = seq
	l.inflight = append(l.inflight, seq)
	l.hub.stats.Delivered.Add(1)
	return true
}

func (l *Link) slowLocked() *proto.CloseError {
	if !l.closed {
		l.closed = true
		l.hub.stats.Reject(ReasonSlowConsumer)
		l.conn.Close(proto.CloseSlowConsumer, "send queue overflow")
	}
	return nil
}

// Closed tells the hub the connection is gone. Safe to call more than once.
func (l *Link) Closed() {
	ch := l.ch
	if ch == nil {
		return
	}
	ch.mu.Lock()
	if ch.links[l.role] == l {
		ch.links[l.role] = nil
		l.hub.stats.Links.Add(-1)
	}
	wasOpen := l.authed
	l.closed, l.authed = true, false
	ch.mu.Unlock()
	if wasOpen {
		l.hub.release(ch)
	}
}

// release drops one reference to ch and forgets the channel when none is
// left; its state reloads from the store on next use.
func (h *Hub) release(ch *channel) {
	h.mu.Lock()
	ch.refs--
	if ch.refs == 0 && h.channels[ch.id] == ch {
		delete(h.channels, ch.id)
		h.stats.Channels.Add(-1)
	}
	h.mu.Unlock()
}

func (h *Hub) enqueue(it item) {
	h.cmu.Lock()
	h.items = append(h.items, it)
	h.cmu.Unlock()
	h.kick()
}

func (h *Hub) kick() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// committer is the group-commit loop: it commits whatever is waiting, with
// no extra wait, then answers and delivers in acceptance order.
func (h *Hub) committer() {
	defer close(h.stopped)
	var spare []item
	for {
		select {
		case <-h.wake:
		case <-h.stop:
			return
		}
		for {
			h.cmu.Lock()
			items, acks, exp := h.items, h.acks, h.expire
			if len(items) == 0 && len(acks) == 0 && len(exp) == 0 {
				close(h.idle)
				h.idle = make(chan struct{})
				h.busy = false
				h.cmu.Unlock()
				break
			}
			// Cap the batch by records; the rest waits for the next round.
			n, recs := 0, 0
			for n < len(items) && recs < h.cfg.Limits.MaxBatch {
				if items[n].status == proto.StatusStored {
					recs++
				}
				n++
			}
			h.items = append(spare[:0], items[n:]...)
			items = items[:n]
			h.acks = map[QueueID]ackItem{}
			h.expire = nil
			h.busy = true
			h.cmu.Unlock()
			h.commit(items, acks, exp)
			clear(items)
			spare = items[:0]
		}
	}
}

func (h *Hub) commit(items []item, acks map[QueueID]ackItem, exp []Ref) {
	b := Batch{Expire: exp}
	for i := range items {
		if items[i].status == proto.StatusStored {
			b.Append = append(b.Append, items[i].rec)
		}
	}
	if len(acks) > 0 {
		b.Ack = make(map[QueueID]uint64, len(acks))
		for q, a := range acks {
			b.Ack[q] = a.upTo
		}
	}
	var err error
	if len(b.Append) > 0 || len(b.Ack) > 0 || len(b.Expire) > 0 {
		start := time.Now()
		err = h.store.Commit(&b)
		if h.cfg.OnCommit != nil {
			h.cfg.OnCommit(len(b.Append), time.Since(start))
		}
		h.stats.Commits.Add(1)
		h.stats.CommitRecords.Add(uint64(len(b.Append)))
	}
	if err != nil {
		h.fail(err)
	}
	if len(exp) > 0 {
		h.cmu.Lock()
		h.expiring = false
		h.cmu.Unlock()
	}
	for i := range items {
		h.finish(&items[i], err)
	}
	for _, a := range acks {
		h.release(a.ch)
	}
}

// finish answers one SEND after its batch committed, and delivers the
// envelope live when the recipient is caught up.
func (h *Hub) finish(it *item, err error) {
	ch := it.ch
	ch.mu.Lock()
	status := it.status
	if status == proto.StatusStored {
		if err != nil {
			status = proto.StatusUnavailable
		} else {
			h.stats.Stored.Add(1)
			q := ch.queues[it.rec.Queue.To]
			prev := q.committed
			q.committed = it.rec.Seq
			if r := ch.links[it.rec.Queue.To]; r != nil && !r.closed && r.sentUpTo == prev &&
				len(r.inflight) < h.cfg.Limits.Window {
				r.deliverLocked(it.rec.Seq, proto.Deliver(it.rec.Seq, it.rec.Envelope))
			}
		}
	}
	if l := it.link; !l.closed {
		if !l.conn.Send(proto.SendAck(it.echo, status)) {
			l.slowLocked()
		}
	}
	ch.mu.Unlock()
	it.link.sends.Add(-1)
	select {
	case it.link.answerC <- struct{}{}:
	default:
	}
	h.release(ch)
}

// Expire removes envelopes whose TTL passed. The adapter calls it every few
// seconds (a Durable Object from an alarm); expired envelopes are never
// delivered in the meantime. It returns how many expired.
func (h *Hub) Expire(now time.Time) (int, error) {
	h.cmu.Lock()
	if h.expiring {
		h.cmu.Unlock()
		return 0, nil
	}
	h.expiring = true
	h.cmu.Unlock()
	refs, err := h.store.Expired(now.UnixMilli(), h.cfg.Limits.MaxBatch)
	if err != nil || len(refs) == 0 {
		h.cmu.Lock()
		h.expiring = false
		h.cmu.Unlock()
		return 0, err
	}
	for _, r := range refs {
		h.mu.Lock()
		ch := h.channels[r.Queue.Channel]
		h.mu.Unlock()
		if ch == nil {
			continue
		}
		ch.mu.Lock()
		if q := ch.queues[r.Queue.To]; q != nil {
			i := sort.Search(len(q.pending), func(i int) bool { return q.pending[i].Seq >= r.Seq })
			if i < len(q.pending) && q.pending[i].Seq == r.Seq {
				delete(q.ids, q.pending[i].ID)
				q.pending = append(q.pending[:i], q.pending[i+1:]...)
			}
		}
		ch.mu.Unlock()
	}
	h.stats.Expired.Add(uint64(len(refs)))
	h.cmu.Lock()
	h.expire = append(h.expire, refs...)
	h.cmu.Unlock()
	h.kick()
	return len(refs), nil
}

// fail stops the hub after a store failure: nothing more is acknowledged
// and every connection is closed, so clients resend to a healthy node.
func (h *Hub) fail(err error) {
	h.mu.Lock()
	if h.failed != nil {
		h.mu.Unlock()
		return
	}
	h.failed = wire.Errorf(wire.Internal, "relay store failed: %w", err)
	close(h.failedC)
	chans := make([]*channel, 0, len(h.channels))
	for _, ch := range h.channels {
		chans = append(chans, ch)
	}
	h.mu.Unlock()
	h.log.Error("relay store failed; closing every connection", "err", err)
	go func() {
		for _, ch := range chans {
			ch.mu.Lock()
			links := ch.links
			ch.mu.Unlock()
			for _, l := range links {
				if l != nil {
					l.conn.Close(proto.CloseInternal, "relay store failed")
				}
			}
		}
	}()
}

// Shutdown drains the hub: new authentications and sends are refused with
// unavailable, everything accepted is committed and answered, then every
// connection is closed with CloseRestart. The store is left open for the
// caller to close.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.draining = true
	h.mu.Unlock()
	for {
		h.cmu.Lock()
		empty := len(h.items) == 0 && len(h.acks) == 0 && len(h.expire) == 0 && !h.busy
		idle := h.idle
		h.cmu.Unlock()
		if empty {
			break
		}
		h.kick()
		select {
		case <-idle:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	h.mu.Lock()
	chans := make([]*channel, 0, len(h.channels))
	for _, ch := range h.channels {
		chans = append(chans, ch)
	}
	h.mu.Unlock()
	for _, ch := range chans {
		ch.mu.Lock()
		for _, l := range ch.links {
			if l != nil && !l.closed {
				l.conn.Close(proto.CloseRestart, "relay restarting")
			}
		}
		ch.mu.Unlock()
	}
	h.stopOnce.Do(func() { close(h.stop) })
	<-h.stopped
	return h.Err()
}
