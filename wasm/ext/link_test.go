package ext

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/leash-wallet/leash/relay/client"
	"github.com/leash-wallet/leash/relay/core"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/proto"
	"github.com/leash-wallet/leash/relay/server"
	"github.com/leash-wallet/leash/wire"
)

// startRelay runs a real relay server (in-memory store) on loopback.
func startRelay(t *testing.T) string {
	t.Helper()
	srv, err := server.New(server.Config{Store: core.NewMemStore()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return "ws" + strings.TrimPrefix(hs.URL, "http") + "/v1/ws"
}

// host plays the service worker's JavaScript: it only moves bytes between a
// WebSocket and the Link, persisting the state before sending, and
// reconnecting when a step asks, as the extension does.
type host struct {
	t         *testing.T
	mu        sync.Mutex
	link      *Link
	ws        *websocket.Conn
	saved     []byte
	msgs      chan Message
	offers    chan Offer
	conflicts chan string
	sent      chan Sent
	steps     chan Step
	done      chan struct{}
}

func newHost(t *testing.T, l *Link) *host {
	h := &host{t: t, link: l, msgs: make(chan Message, 64), offers: make(chan Offer, 8), conflicts: make(chan string, 8),
		sent: make(chan Sent, 64), steps: make(chan Step, 256)}
	h.saved = l.State()
	return h
}

func (h *host) connect() {
	h.t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(h.link.Relay(), nil)
	if err != nil {
		h.t.Fatal(err)
	}
	h.mu.Lock()
	h.ws, h.done = ws, make(chan struct{})
	h.mu.Unlock()
	h.link.Connected()
	done := h.done
	go func() {
		defer close(done)
		for {
			_, b, err := ws.ReadMessage()
			if err != nil {
				return
			}
			st, err := h.link.OnFrame(b)
			if err != nil {
				h.t.Errorf("OnFrame: %v", err)
				return
			}
			h.apply(st)
		}
	}()
}

func (h *host) apply(st Step) {
	h.mu.Lock()
	if st.Dirty {
		h.saved = h.link.State()
	}
	for _, f := range st.Send {
		if h.ws != nil {
			_ = h.ws.WriteMessage(websocket.BinaryMessage, f)
		}
	}
	h.mu.Unlock()
	for _, m := range st.Messages {
		h.msgs <- m
	}
	if st.Offer != nil {
		h.offers <- *st.Offer
	}
	if st.Conflict != "" {
		h.conflicts <- st.Conflict
	}
	for _, s := range st.Sent {
		h.sent <- s
	}
	select {
	case h.steps <- st:
	default:
	}
	if st.Reconnect {
		go func() { h.disconnect(); h.connect() }()
	}
}

func (h *host) disconnect() {
	h.mu.Lock()
	ws, done := h.ws, h.done
	h.ws = nil
	h.mu.Unlock()
	if ws != nil {
		ws.Close()
		<-done
	}
	h.link.Connected()
}

func recv[T any](t *testing.T, c chan T) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(15 * time.Second):
		t.Fatal("timed out")
	}
	panic("unreachable")
}

func quick() client.Config {
	return client.Config{MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, State: &client.MemState{}}
}

func TestLinkPairExchangeRestart(t *testing.T) {
	url := startRelay(t)
	l, err := NewLink(url, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := newHost(t, l)
	h.connect()
	info := l.Info()
	if info.Paired || !strings.Contains(info.URI, "&exp=") || info.Expired {
		t.Fatalf("info %+v", info)
	}
	p, err := e2e.ParsePairingURI(info.URI)
	if err != nil {
		t.Fatal(err)
	}
	agentKey, _ := e2e.GenerateKeyPair(nil)
	agentc, codes := make(chan *client.Client, 1), make(chan string, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		c, err := client.PairAgent(ctx, quick(), p, agentKey, []byte(`{"name":"test agent"}`), func(pd e2e.Paired) { codes <- pd.Code })
		if err != nil {
			t.Errorf("pair: %v", err)
		}
		agentc <- c
	}()
	off := recv(t, h.offers)
	if off.Fingerprint != agentKey.Public.Fingerprint() || !strings.Contains(string(off.Body), "test agent") {
		t.Fatalf("offer %+v", off)
	}
	code := recv(t, codes)
	if off.Code != code {
		t.Fatalf("comparison codes: signer %q, agent %q", off.Code, code)
	}
	if _, err := h.link.Confirm("000 000"); err == nil || off.Code == "000 000" {
		t.Fatal("confirm with another code must fail")
	}
	st, err := h.link.Confirm(off.Code)
	if err != nil || !st.Reconnect {
		t.Fatalf("confirm: %v %+v", err, st)
	}
	h.apply(st)
	agent := <-agentc
	if agent == nil {
		t.FailNow()
	}
	defer agent.Close()
	for s := recv(t, h.sent); s.Tag != "confirm"; s = recv(t, h.sent) {
		if s.Tag != "pairing" || s.Status != "stored" {
			t.Fatalf("sent %+v", s)
		}
	}
	if in := h.link.Info(); !in.Paired || in.URI != "" || in.Code != code || in.Channel != agent.Session().Channel().String() {
		t.Fatalf("paired info %+v", in)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// agent → signer
	if _, err := agent.Send(ctx, "proposal", map[string]string{"id": "p-1"}); err != nil {
		t.Fatal(err)
	}
	m := recv(t, h.msgs)
	if m.Kind != "proposal" || !strings.Contains(m.Body, "p-1") {
		t.Fatalf("message %+v", m)
	}
	// Not handled yet: a restart from the saved state gets it again (the
	// session's persisted receive point is the handled one).
	h.disconnect()
	l2, err := LoadLink(h.saved)
	if err != nil {
		t.Fatal(err)
	}
	h2 := newHost(t, l2)
	h2.connect()
	m2 := recv(t, h2.msgs)
	if m2.Seq != m.Seq || m2.Kind != "proposal" || m2.Body != m.Body {
		t.Fatalf("redelivered %+v, want %+v", m2, m)
	}
	h2.apply(h2.link.Handled(m2.Seq))

	// signer → agent, idempotent by key.
	st, err = h2.link.Seal("receipt", "receipt:p-1", "r1", json.RawMessage(`{"id":"p-1","status":"signed"}`))
	if err != nil {
		t.Fatal(err)
	}
	h2.apply(st)
	if s := recv(t, h2.sent); s.Tag != "r1" || s.Status != "stored" {
		t.Fatalf("sent %+v", s)
	}
	got, err := agent.Receive(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Kind != "receipt" || !strings.Contains(string(got.Body), "signed") {
		t.Fatalf("agent got %+v", got)
	}
	_ = agent.Ack(got)

	// A sealed message while disconnected waits in the outbox and goes out
	// on the next connection, even through a restart.
	h2.disconnect()
	st, err = h2.link.Seal("receipt", "receipt:p-2", "r2", json.RawMessage(`{"id":"p-2","status":"rejected"}`))
	if err != nil {
		t.Fatal(err)
	}
	h2.apply(st)
	if len(st.Send) != 0 {
		t.Fatal("sent while disconnected")
	}
	l3, err := LoadLink(h2.saved)
	if err != nil {
		t.Fatal(err)
	}
	if l3.Info().Outbox != 1 {
		t.Fatalf("outbox %d", l3.Info().Outbox)
	}
	h3 := newHost(t, l3)
	h3.connect()
	defer h3.disconnect()
	if s := recv(t, h3.sent); s.Tag != "r2" {
		t.Fatalf("sent %+v", s)
	}
	got, err = agent.Receive(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got.Body), "p-2") {
		t.Fatalf("agent got %s", got.Body)
	}
	_ = agent.Ack(got)
	// The handled proposal is not delivered again.
	select {
	case m := <-h3.msgs:
		t.Fatalf("redelivered after ack: %+v", m)
	case <-time.After(200 * time.Millisecond):
	}
	// The periodic re-key, once due while the agent host is online.
	h3.link.mu.Lock()
	h3.link.rekeyed = 0
	h3.link.mu.Unlock()
	if _, err := agent.Send(ctx, "ping", 1); err != nil {
		t.Fatal(err)
	}
	h3.apply(h3.link.Handled(recv(t, h3.msgs).Seq))
	h3.apply(h3.link.Keepalive())
	for range 3 {
		if _, err := agent.Send(ctx, "ping", 2); err != nil {
			t.Fatal(err)
		}
		h3.apply(h3.link.Handled(recv(t, h3.msgs).Seq))
	}
	st, _ = h3.link.Seal("receipt", "", "r3", json.RawMessage(`{}`))
	h3.apply(st)
	if got, err = agent.Receive(ctx); err != nil || got.Kind != "receipt" {
		t.Fatalf("after the re-key: %v", err)
	}
	_ = agent.Ack(got)
	if e := h3.link.Info().Epoch; e != 1 || agent.Stats().Rekeys != 1 {
		t.Fatalf("epoch %d after a re-key, agent rekeys %d", e, agent.Stats().Rekeys)
	}
}

// TestLinkSecondAgentKey: every offer is kept; a second agent key answering
// the same URI refuses the pairing with a loud warning, no confirm goes
// through, and a new URI is needed.
func TestLinkSecondAgentKey(t *testing.T) {
	url := startRelay(t)
	l, _ := NewLink(url, 0, nil)
	h := newHost(t, l)
	h.connect()
	p, _ := e2e.ParsePairingURI(l.Info().URI)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pair := func(name string) e2e.KeyPair {
		k, _ := e2e.GenerateKeyPair(nil)
		go func() { _, _ = client.PairAgent(ctx, quick(), p, k, []byte(`{"name":"`+name+`"}`), nil) }()
		return k
	}
	stranger := pair("stranger")
	first := recv(t, h.offers)
	if first.Fingerprint != stranger.Public.Fingerprint() {
		t.Fatal("first offer")
	}
	pair("real agent")
	warning := recv(t, h.conflicts)
	if !strings.Contains(warning, "second agent key") {
		t.Fatalf("warning %q", warning)
	}
	in := h.link.Info()
	if len(in.Offers) != 2 || in.Offer != nil || in.Conflict == "" {
		t.Fatalf("offers kept: %+v", in)
	}
	for _, o := range in.Offers {
		if _, err := h.link.Confirm(o.Code); !errors.Is(err, e2e.ErrConflict) {
			t.Fatalf("confirm after a conflict: %v", err)
		}
	}
	// The refusal survives a restart.
	l2, err := LoadLink(h.saved)
	if err != nil || l2.Info().Conflict == "" {
		t.Fatalf("conflict after reload: %v", err)
	}
	old := in.URI
	st, err := h.link.Reject()
	if err != nil || !st.Reconnect {
		t.Fatal(err)
	}
	if in := h.link.Info(); in.URI == old || len(in.Offers) != 0 || in.Conflict != "" || in.Expired {
		t.Fatalf("new pairing %+v", in)
	}
}

// pairLocal pairs a Link with an agent session in memory, feeding frames
// by hand (no relay), and returns both.
func pairLocal(t *testing.T) (*Link, *e2e.Session) {
	t.Helper()
	l, err := NewLink("ws://127.0.0.1:1/v1/ws", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.authed = true
	p, _ := e2e.ParsePairingURI(l.Info().URI)
	ak, _ := e2e.GenerateKeyPair(nil)
	auth, _ := e2e.NewAuthKey(nil)
	in, err := e2e.Initiate(p, ak, auth, nil, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := l.OnFrame(proto.Deliver(1, in.Envelope()))
	if err != nil || st.Offer == nil || len(st.Send) != 2 {
		t.Fatalf("handshake: %v %+v", err, st)
	}
	resp, _ := proto.Decode(st.Send[0])
	agent, paired, err := in.Finish(resp.Envelope)
	if err != nil || paired.Code != st.Offer.Code {
		t.Fatal(err)
	}
	if _, err := l.Confirm(paired.Code); err != nil {
		t.Fatal(err)
	}
	l.authed = true
	return l, agent
}

func TestLinkOrderedAcks(t *testing.T) {
	l, as := pairLocal(t)
	n := uint64(0)
	deliver := func(env []byte) Step {
		n++
		st, err := l.OnFrame(proto.Deliver(n, env))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	seal := func(payload string) []byte {
		env, _, err := as.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, []byte(payload))
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	s1 := deliver(seal(`{"kind":"proposal","body":{}}`))
	if len(s1.Messages) != 1 || len(s1.Send) != 0 {
		t.Fatalf("step 1 %+v", s1)
	}
	// The next ones are held until message 1 is handled.
	s2 := deliver(seal(`not json`))
	s3 := deliver(seal(`{"kind":"proposal","body":{"n":3}}`))
	if len(s2.Messages)+len(s3.Messages)+len(s2.Send)+len(s3.Send) != 0 {
		t.Fatalf("opened before the first was handled: %+v %+v", s2, s3)
	}
	h := l.Handled(s1.Messages[0].Seq)
	if len(h.Dropped) != 1 || len(h.Messages) != 1 || h.Messages[0].Seq != 3 || l.acked != 2 {
		t.Fatalf("handled: %+v acked %d", h, l.acked)
	}
	l.Handled(3)
	// A keyless envelope with sequence number 2^62 (issue 18, attack 1) is
	// dropped and acknowledged, and moves nothing: the next real one opens.
	keyless := seal(`{"kind":"proposal","body":{}}`)
	binary.BigEndian.PutUint64(keyless[19:27], 1<<62)
	keyless[len(keyless)-1] ^= 1
	st := deliver(keyless)
	if len(st.Messages) != 0 || len(st.Dropped) != 1 || !strings.HasPrefix(st.Dropped[0], "forged") || l.acked != n {
		t.Fatalf("keyless: %+v", st)
	}
	if st := deliver(seal(`{"kind":"proposal","body":{"n":5}}`)); len(st.Messages) != 1 {
		t.Fatalf("after the keyless envelope: %+v", st)
	}
	l.Handled(n)
	// A delivery numbered past what we saw shows the gap.
	n += 3
	st = deliver(seal(`{"kind":"proposal","body":{}}`))
	if len(st.Messages) != 1 || st.Lost != 3 || st.Messages[0].Lost != 3 || l.Info().Lost != 3 {
		t.Fatalf("lost deliveries not shown: %+v", st)
	}
	// Garbage frames are coded errors.
	for _, f := range [][]byte{nil, {0xff}, {0x03, 1, 2}, make([]byte, 70<<10)} {
		if _, err := l.OnFrame(f); err == nil || wire.CodeOf(err) == "" {
			t.Fatalf("frame %x: %v", f[:min(len(f), 4)], err)
		}
	}
	if _, err := LoadLink([]byte(`{"version":1}`)); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("bad state: %v", err)
	}
}

// TestLinkRelayCannotBrick: a relay's WELCOME with ack point 2^64−1
// (protocol 1's lastSent did this) changes nothing the link keeps; the
// stored link loads and works.
func TestLinkRelayCannotBrick(t *testing.T) {
	l, as := pairLocal(t)
	if _, err := l.OnFrame(proto.Welcome(^uint64(0))); err != nil {
		t.Fatal(err)
	}
	st, err := l.Seal("receipt", "", "r", json.RawMessage(`{}`))
	if err != nil || len(st.Send) != 1 {
		t.Fatalf("seal after a hostile WELCOME: %v", err)
	}
	l2, err := LoadLink(l.State())
	if err != nil {
		t.Fatalf("the link no longer loads: %v", err)
	}
	f, _ := proto.Decode(st.Send[0])
	if o, err := as.Open(f.Envelope); err != nil || o.Seq != 2 {
		t.Fatalf("agent: %v", err)
	}
	if l2.Info().Acked != l.Info().Acked {
		t.Fatal("ack point moved")
	}
}

// TestLinkRefusedSendIsNotStored: a first transmission the relay did not
// store (duplicate id, full queue) is reported with its code, never as
// "stored".
func TestLinkRefusedSendIsNotStored(t *testing.T) {
	l, _ := pairLocal(t)
	l.OnFrame(proto.Welcome(0))
	for _, c := range []struct {
		status proto.Status
		want   string
	}{{proto.StatusDuplicate, "duplicate"}, {proto.StatusQueueFull, "queue_full"}, {proto.StatusStored, "stored"}} {
		st, err := l.Seal("task", "", "t", json.RawMessage(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		f, _ := proto.Decode(st.Send[0])
		st, _ = l.OnFrame(proto.SendAck(f.Header.Seq, c.status))
		if len(st.Sent) != 1 || st.Sent[0].Status != c.want {
			t.Fatalf("status %d reported %+v", c.status, st.Sent)
		}
	}
	// An answer to something never sent on this connection is ignored.
	if st, _ := l.OnFrame(proto.SendAck(99, proto.StatusStored)); len(st.Sent) != 0 {
		t.Fatal("answer to an unknown send")
	}
}

// TestLinkOutboxBounded: the outbox fills up by bytes before the persisted
// state reaches the load limit, and a full state still loads.
func TestLinkOutboxBounded(t *testing.T) {
	l, _ := pairLocal(t)
	l.authed = false
	body := json.RawMessage(`"` + strings.Repeat("x", 60<<10) + `"`)
	var err error
	for i := 0; i < MaxOutbox && err == nil; i++ {
		_, err = l.Seal("big", "", "", body)
	}
	if !errors.Is(err, &wire.Error{Code: proto.QueueFull}) {
		t.Fatalf("outbox not bounded: %v", err)
	}
	raw := l.State()
	if len(raw) > MaxStateBytes {
		t.Fatalf("state of %d bytes, load limit %d", len(raw), MaxStateBytes)
	}
	if _, err := LoadLink(raw); err != nil {
		t.Fatal(err)
	}
}

func TestLinkExpiredPairing(t *testing.T) {
	l, err := NewLink("ws://127.0.0.1:1/v1/ws", time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.authed = true
	p, _ := e2e.ParsePairingURI(l.Info().URI)
	l.now = func() time.Time { return time.Now().Add(time.Hour) }
	ak, _ := e2e.GenerateKeyPair(nil)
	in, _ := e2e.Initiate(p, ak, e2e.AuthKey{1}, nil, 0, nil)
	st, err := l.OnFrame(proto.Deliver(1, in.Envelope()))
	if err != nil || st.Offer != nil || len(st.Dropped) != 1 || !strings.HasPrefix(st.Dropped[0], "pairing_expired") {
		t.Fatalf("handshake after expiry: %v %+v", err, st)
	}
	if !l.Info().Expired {
		t.Fatal("not shown as expired")
	}
}

func FuzzLoadLink(f *testing.F) {
	l, _ := pairLocal(&testing.T{})
	f.Add(l.State())
	l2, _ := NewLink("ws://127.0.0.1:8787/v1/ws", 0, nil)
	f.Add(l2.State())
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if l, err := LoadLink(b); err == nil {
			_ = l.State()
			_ = l.Info()
		}
	})
}

func FuzzOnFrame(f *testing.F) {
	l, as := pairLocal(&testing.T{})
	env, _, _ := as.Seal(e2e.KindData, e2e.MessageIDFor("x"), 0, []byte(`{"kind":"proposal","body":{}}`))
	f.Add(proto.Deliver(1, env))
	f.Add([]byte{0x01, 2})
	f.Add(append([]byte{0x03}, make([]byte, 100)...))
	base := l.State()
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := LoadLink(base)
		if err != nil {
			t.Fatal(err)
		}
		l.Connected()
		_, _ = l.OnFrame(b)
		l.authed = true
		_, _ = l.OnFrame(b)
		if _, err := LoadLink(l.State()); err != nil {
			t.Fatalf("a frame made the state unloadable: %v", err)
		}
	})
}

// TestLinkTypedLayerStrict: the typed layer {"kind","body"} of an agent
// host's message is decoded as strictly as every wire document: a second
// body under a case variant ("BODY", "Body") or a Unicode fold, a
// duplicate key, an unknown field or trailing data drops the message (it
// is acknowledged, never handed up) instead of one of two bodies being
// picked. The body itself is the core's to judge.
func TestLinkTypedLayerStrict(t *testing.T) {
	l, as := pairLocal(t)
	n := uint64(0)
	deliver := func(payload string) Step {
		t.Helper()
		env, _, err := as.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, []byte(payload))
		if err != nil {
			t.Fatal(err)
		}
		n++
		st, err := l.OnFrame(proto.Deliver(n, env))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	for _, payload := range []string{
		`{"kind":"proposal","body":{"n":1},"BODY":{"n":2}}`,
		`{"kind":"proposal","Body":{"n":2}}`,
		`{"KIND":"revoke","kind":"proposal","body":{}}`,
		`{"kind":"proposal","kind":"revoke","body":{}}`,
		`{"kind":"proposal","body":{},"extra":1}`,
		`{"kind":"proposal","body":{}} {"kind":"revoke"}`,
		"{\"kind\":\"proposal\",\"bod\u0443\":{}}",
	} {
		st := deliver(payload)
		if len(st.Messages) != 0 || len(st.Dropped) != 1 || !strings.HasPrefix(st.Dropped[0], "malformed") || l.acked != n {
			t.Fatalf("%s: handed up or not dropped: %+v (acked %d of %d)", payload, st, l.acked, n)
		}
	}
	// A body with a duplicate inside goes up verbatim: the core's strict
	// decoder refuses it and records the refusal (browser test "exact
	// decoding, the original attack").
	if st := deliver(`{"kind":"proposal","body":{"tx":1,"tx":2}}`); len(st.Messages) != 1 || st.Messages[0].Body != `{"tx":1,"tx":2}` {
		t.Fatalf("a typed message whose body is for the core to judge: %+v", st)
	}
}
