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

func connect(t *testing.T, h *core.Hub, keys e2e.ChannelKeys, role e2e.Role) (*core.Link, *sink) {
	s := &sink{}
	l := h.Accept(s)
	ch := s.last()
	if ce := l.Handle(proto.Auth(role, keys.ID(), keys.Prove(ch.Nonce, role))); ce != nil {
		t.Fatal(ce)
	}
	return l, s
}

// session returns a paired channel's agent session and both roles' logins.
func session(t *testing.T) (*e2e.Session, e2e.ChannelKeys, e2e.ChannelKeys) {
	a, s, err := e2e.HandshakeLocal(nil)
	if err != nil {
		t.Fatal(err)
	}
	return a, a.Keys(), s.Keys()
}

func seal(t *testing.T, s *e2e.Session) []byte {
	env, _, err := s.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	return proto.Send(env)
}

func TestWindowAndAcks(t *testing.T) {
	h, err := core.New(core.Config{Store: core.NewMemStore(), Limits: core.Limits{Window: 4}})
	if err != nil {
		t.Fatal(err)
	}
	sess, ak, sk := session(t)
	agent, as := connect(t, h, ak, e2e.RoleAgent)
	signer, ss := connect(t, h, sk, e2e.RoleSigner)
	for i := 0; i < 10; i++ {
		if ce := agent.Handle(seal(t, sess)); ce != nil {
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
	// A new connection gets what is above the durable ack point (8):
	// only an ACK moves it, logging in never does.
	_, ss2 := connect(t, h, sk, e2e.RoleSigner)
	if n := ss2.count(proto.TDeliver); n != 2 || ss2.last().N != 10 || ss2.frames[2].N != 9 {
		t.Fatalf("reconnect delivered %d", n)
	}
}

func TestReattach(t *testing.T) {
	h, err := core.New(core.Config{Store: core.NewMemStore()})
	if err != nil {
		t.Fatal(err)
	}
	sess, ak, sk := session(t)
	agent, as := connect(t, h, ak, e2e.RoleAgent)
	for i := 0; i < 3; i++ {
		agent.Handle(seal(t, sess))
	}
	eventually(t, "3 SENDACKs", func() bool { return as.count(proto.TSendAck) == 3 })
	signer, ss := connect(t, h, sk, e2e.RoleSigner)
	signer.Handle(proto.Ack(1))
	_ = ss
	// A backend restores the signer's socket after hibernation.
	s := &sink{}
	l, ce := h.Reattach(s, sk.ID(), e2e.RoleSigner)
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
	sess, ak, _ := session(t)
	agent, _ := connect(t, h, ak, e2e.RoleAgent)
	for i := 0; i < 3; i++ {
		agent.Handle(seal(t, sess))
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

// TestCarriesV1Envelopes: during the upgrade the relay routes version-1
// envelopes (47-byte header) as well as version 2: it reads only channel,
// sender, id and TTL, and numbers them like any other.
func TestCarriesV1Envelopes(t *testing.T) {
	h, err := core.New(core.Config{Store: core.NewMemStore()})
	if err != nil {
		t.Fatal(err)
	}
	_, ak, sk := session(t)
	agent, as := connect(t, h, ak, e2e.RoleAgent)
	_, ss := connect(t, h, sk, e2e.RoleSigner)
	v1 := make([]byte, 47+24+16+10)
	v1[0] = e2e.Version1
	ch := ak.ID()
	copy(v1[1:17], ch[:])
	v1[17], v1[18] = byte(e2e.RoleAgent), 0
	v1[26] = 9    // seq 9
	v1[27] = 0xaa // message id
	if ce := agent.Handle(proto.Send(v1)); ce != nil {
		t.Fatal(ce)
	}
	eventually(t, "SENDACK", func() bool { return as.count(proto.TSendAck) == 1 })
	if f := as.last(); f.Status != proto.StatusStored || f.Seq != 9 {
		t.Fatalf("v1 envelope: %+v", f)
	}
	eventually(t, "DELIVER", func() bool { return ss.count(proto.TDeliver) == 1 })
	if f := ss.last(); f.N != 1 || f.Header.Version != e2e.Version1 || len(f.Envelope) != len(v1) {
		t.Fatalf("delivered %+v", f)
	}
}
