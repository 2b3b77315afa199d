package ext

import (
	"context"
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
// WebSocket and the Link, persisting the state before sending, as the
// extension does.
type host struct {
	t      *testing.T
	mu     sync.Mutex
	link   *Link
	ws     *websocket.Conn
	saved  []byte
	msgs   chan Message
	offers chan Offer
	sent   chan Sent
	done   chan struct{}
}

func newHost(t *testing.T, l *Link) *host {
	h := &host{t: t, link: l, msgs: make(chan Message, 64), offers: make(chan Offer, 4), sent: make(chan Sent, 64)}
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
	defer h.mu.Unlock()
	if st.Dirty {
		h.saved = h.link.State()
	}
	for _, f := range st.Send {
		if h.ws != nil {
			_ = h.ws.WriteMessage(websocket.BinaryMessage, f)
		}
	}
	for _, m := range st.Messages {
		h.msgs <- m
	}
	if st.Offer != nil {
		h.offers <- *st.Offer
	}
	for _, s := range st.Sent {
		h.sent <- s
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
	case <-time.After(10 * time.Second):
		t.Fatal("timed out")
	}
	panic("unreachable")
}

func TestLinkPairExchangeRestart(t *testing.T) {
	url := startRelay(t)
	l, err := NewLink(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := newHost(t, l)
	h.connect()

	uri := l.Info().URI
	p, _ := e2e.ParsePairingURI(uri)
	agentKey, _ := e2e.GenerateKeyPair(nil)
	agentc := make(chan *client.Client, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		c, err := client.PairAgent(ctx, client.Config{URL: p.Relay, MinBackoff: 20 * time.Millisecond,
			MaxBackoff: 200 * time.Millisecond, State: &client.MemState{}}, p, agentKey, []byte(`{"name":"test agent"}`))
		if err != nil {
			t.Errorf("pair: %v", err)
		}
		agentc <- c
	}()
	off := recv(t, h.offers)
	if off.Fingerprint != agentKey.Public.Fingerprint() || !strings.Contains(string(off.Body), "test agent") {
		t.Fatalf("offer %+v", off)
	}
	if _, err := h.link.Confirm("AAAA-BBBB-CCCC-DDDD"); err == nil {
		t.Fatal("confirm with another fingerprint must fail")
	}
	st, err := h.link.Confirm(off.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	h.apply(st)
	agent := <-agentc
	if agent == nil {
		t.FailNow()
	}
	defer agent.Close()
	if s := recv(t, h.sent); s.Tag != "confirm" || s.Status != "stored" {
		t.Fatalf("sent %+v", s)
	}
	if !h.link.Info().Paired {
		t.Fatal("not paired")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// agent → signer
	if _, err := agent.Send(ctx, "proposal", map[string]string{"id": "p-1"}); err != nil {
		t.Fatal(err)
	}
	m := recv(t, h.msgs)
	if m.Kind != "proposal" || !strings.Contains(string(m.Body), "p-1") {
		t.Fatalf("message %+v", m)
	}
	// Not handled yet: a restart from the saved state gets it again.
	h.disconnect()
	saved := h.saved
	l2, err := LoadLink(saved)
	if err != nil {
		t.Fatal(err)
	}
	h2 := newHost(t, l2)
	h2.connect()
	m2 := recv(t, h2.msgs)
	if m2.Seq != m.Seq || m2.Kind != "proposal" {
		t.Fatalf("redelivered %+v, want seq %d", m2, m.Seq)
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
	if ka := h3.link.Keepalive(); len(ka) != 1 {
		t.Fatalf("keepalive %d frames", len(ka))
	}
}

func TestLinkOrderedAcks(t *testing.T) {
	l, err := NewLink("ws://127.0.0.1:1/v1/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	agentKey, _ := e2e.GenerateKeyPair(nil)
	pub := l.self.Public
	if err := l.startSession(agentKey.Public); err != nil {
		t.Fatal(err)
	}
	l.authed = true
	as, _ := e2e.NewSession(l.secret, e2e.RoleAgent, agentKey, pub)
	deliver := func(payload string) Step {
		env, _, err := as.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, []byte(payload))
		if err != nil {
			t.Fatal(err)
		}
		st, err := l.OnFrame(append([]byte{0x03}, env...))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	s1 := deliver(`{"kind":"proposal","body":{}}`)
	if len(s1.Messages) != 1 || len(s1.Send) != 0 {
		t.Fatalf("step 1 %+v", s1)
	}
	// A malformed one after it is dropped, but must not ack message 1.
	s2 := deliver(`not json`)
	if len(s2.Dropped) != 1 || len(s2.Send) != 0 {
		t.Fatalf("step 2 %+v", s2)
	}
	s3 := l.Handled(s1.Messages[0].Seq)
	if len(s3.Send) != 1 || l.acked != 2 {
		t.Fatalf("handled: %d frames, acked %d", len(s3.Send), l.acked)
	}
	// A forged envelope (wrong key) is dropped and acked.
	other, _ := e2e.GenerateKeyPair(nil)
	fs, _ := e2e.NewSession(l.secret, e2e.RoleAgent, other, pub)
	env, _, _ := fs.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, []byte(`{"kind":"proposal","body":{}}`))
	env[19+7] = 3 // seq 3
	st, err := l.OnFrame(append([]byte{0x03}, env...))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Messages) != 0 || len(st.Dropped) != 1 || !strings.HasPrefix(st.Dropped[0], "forged") {
		t.Fatalf("forged: %+v", st)
	}
	// Garbage frames are coded errors.
	for _, f := range [][]byte{nil, {0xff}, {0x03, 1, 2}, make([]byte, 70<<10)} {
		if _, err := l.OnFrame(f); err == nil || wire.CodeOf(err) == "" {
			t.Fatalf("frame %x: %v", f[:min(len(f), 4)], err)
		}
	}
	if _, err := LoadLink([]byte(`{"version":2}`)); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("bad state: %v", err)
	}
}

func FuzzLoadLink(f *testing.F) {
	l, _ := NewLink("ws://127.0.0.1:8787/v1/ws", nil)
	f.Add(l.State())
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if l, err := LoadLink(b); err == nil {
			_ = l.State()
			_ = l.Info()
		}
	})
}

func FuzzOnFrame(f *testing.F) {
	l, _ := NewLink("ws://127.0.0.1:8787/v1/ws", nil)
	f.Add([]byte{0x01, 1})
	f.Add(append([]byte{0x03}, make([]byte, 100)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		l.Connected()
		_, _ = l.OnFrame(b)
		l.authed = true
		_, _ = l.OnFrame(b)
	})
}
