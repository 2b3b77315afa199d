package core_test

import (
	"sync"
	"testing"
	"time"

	"github.com/leash-wallet/leash/relay/core"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/proto"
)

// sink is a hand-written fake Conn: frames go to a slice; Full simulates a
// slow consumer.
type sink struct {
	mu     sync.Mutex
	frames []proto.Frame
	full   bool
	closed int
}

func (s *sink) Send(b []byte) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.full {
		return false
	}
	f, err := proto.Decode(b)
	if err != nil {
		panic(err)
	}
	s.frames = append(s.frames, f)
	return true
}

func (s *sink) Close(code int, _ string) { s.mu.Lock(); s.closed = code; s.mu.Unlock() }

func (s *sink) count(t proto.Type) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, f := range s.frames {
		if f.Type == t {
			n++
		}
	}
	return n
}

func (s *sink) last() proto.Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.frames[len(s.frames)-1]
}

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for i := 0; i < 500; i++ {
		if ok() {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func connect(t *testing.T, h *core.Hub, secret e2e.ChannelSecret, role e2e.Role, resume uint64) (*core.Link, *sink) {
	s := &sink{}
	l := h.Accept(s)
	ch := s.last()
	if ce := l.Handle(proto.Auth(role, secret.ID(), secret.Prove(ch.Nonce, role), resume)); ce != nil {
		t.Fatal(ce)
	}
	return l, s
}

func TestWindowAndAcks(t *testing.T) {
	h, err := core.New(core.Config{Store: core.NewMemStore(), Limits: core.Limits{Window: 4}})
	if err != nil {
		t.Fatal(err)
	}
	secret, _ := e2e.NewChannelSecret(nil)
	a, _ := e2e.GenerateKeyPair(nil)
	sg, _ := e2e.GenerateKeyPair(nil)
	sess, _ := e2e.NewSession(secret, e2e.RoleAgent, a, sg.Public)
	agent, as := connect(t, h, secret, e2e.RoleAgent, 0)
	signer, ss := connect(t, h, secret, e2e.RoleSigner, 0)
	for i := 0; i < 10; i++ {
		env, _, _ := sess.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, []byte("x"))
		if ce := agent.Handle(proto.Envelope(proto.TSend, env)); ce != nil {
			t.Fatal(ce)
		}
	}
	eventually(t, "10 SENDACKs", func() bool { return as.count(proto.TSendAck) == 10 })
	if n := ss.count(proto.TDeliver); n != 4 {
		t.Fatalf("%d deliveries in flight, window is 4", n)
	}
	if ce := signer.Handle(proto.Ack(4)); ce != nil {
		t.Fatal(ce)
	}
	if n := ss.count(proto.TDeliver); n != 8 {
		t.Fatalf("%d deliveries after ack 4", n)
	}
	// A slow consumer is closed, not blocked on.
	ss.mu.Lock()
	ss.full = true
	ss.mu.Unlock()
	_ = signer.Handle(proto.Ack(8))
	if ss.closed != proto.CloseSlowConsumer {
		t.Fatalf("slow consumer close %d", ss.closed)
	}
	if h.Stats().Rejected[core.ReasonSlowConsumer].Load() != 1 {
		t.Fatal("slow consumer not counted")
	}
	signer.Closed()
	// Resume delivers the rest.
	_, ss2 := connect(t, h, secret, e2e.RoleSigner, 8)
	if n := ss2.count(proto.TDeliver); n != 2 || ss2.last().Header.Seq != 10 {
		t.Fatalf("resume delivered %d", n)
	}
}

func TestReattach(t *testing.T) {
	h, err := core.New(core.Config{Store: core.NewMemStore()})
	if err != nil {
		t.Fatal(err)
	}
	secret, _ := e2e.NewChannelSecret(nil)
	a, _ := e2e.GenerateKeyPair(nil)
	sg, _ := e2e.GenerateKeyPair(nil)
	sess, _ := e2e.NewSession(secret, e2e.RoleAgent, a, sg.Public)
	agent, as := connect(t, h, secret, e2e.RoleAgent, 0)
	for i := 0; i < 3; i++ {
		env, _, _ := sess.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, []byte("x"))
		agent.Handle(proto.Envelope(proto.TSend, env))
	}
	eventually(t, "3 SENDACKs", func() bool { return as.count(proto.TSendAck) == 3 })
	// A backend restores the signer's socket after hibernation, acked up to 1.
	s := &sink{}
	l, ce := h.Reattach(s, secret.ID(), e2e.RoleSigner, 1)
	if ce != nil {
		t.Fatal(ce)
	}
	if n := s.count(proto.TDeliver); n != 2 || s.count(proto.TWelcome) != 0 {
		t.Fatalf("reattach delivered %d", n)
	}
	if l.Acked() != 1 {
		t.Fatalf("acked %d", l.Acked())
	}
}

// gatedStore holds every commit until the test opens the gate.
type gatedStore struct {
	*core.MemStore
	gate chan struct{}
}

func (g gatedStore) Commit(b *core.Batch) error {
	<-g.gate
	return g.MemStore.Commit(b)
}

func TestSendWindow(t *testing.T) {
	g := gatedStore{core.NewMemStore(), make(chan struct{})}
	h, err := core.New(core.Config{Store: g, Limits: core.Limits{SendWindow: 3}})
	if err != nil {
		t.Fatal(err)
	}
	secret, _ := e2e.NewChannelSecret(nil)
	a, _ := e2e.GenerateKeyPair(nil)
	sg, _ := e2e.GenerateKeyPair(nil)
	sess, _ := e2e.NewSession(secret, e2e.RoleAgent, a, sg.Public)
	agent, _ := connect(t, h, secret, e2e.RoleAgent, 0)
	for i := 0; i < 3; i++ {
		env, _, _ := sess.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, []byte("x"))
		agent.Handle(proto.Envelope(proto.TSend, env))
	}
	released := make(chan struct{})
	go func() { agent.WaitSendWindow(nil); close(released) }()
	select {
	case <-released:
		t.Fatal("the reader was not held with a full send window")
	case <-time.After(50 * time.Millisecond):
	}
	close(g.gate)
	select {
	case <-released:
	case <-time.After(5 * time.Second):
		t.Fatal("the reader was not released after the commit")
	}
}
