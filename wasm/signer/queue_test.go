package signer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leash-wallet/leash/wire"
)

// Attack (issue 13, bounded everything): a hostile agent host floods a
// supervised signer. The queue for the user holds at most MaxQueue
// proposals (and MaxQueueBytes); the next one gets a busy receipt and is
// not kept, so the store cannot be filled. Approving signs exactly the
// document that was shown; the queue survives a restart.
func TestSupervisedQueueBounded(t *testing.T) {
	p0, _ := proposals(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	store := NewMemStore()
	s := newSigner(t, store, clk)
	if err := s.SetMode(ctx, Mode{Supervised: true}); err != nil {
		t.Fatal(err)
	}
	_ = s.Unlock(ctx, testPassword)
	for i := 0; i < DefaultMaxQueue; i++ {
		r := s.Submit(ctx, withID(t, p0, fmt.Sprintf("q-%d", i)))
		if r.Status != wire.StatusPending {
			t.Fatalf("%d: %+v", i, r)
		}
	}
	if r := s.Submit(ctx, withID(t, p0, "q-0")); r.Status != wire.StatusPending {
		t.Fatalf("redelivery of a queued proposal: %+v", r)
	}
	for i := 0; i < 100; i++ {
		r := s.Submit(ctx, withID(t, p0, fmt.Sprintf("flood-%d", i)))
		if r.Status != wire.StatusRejected || r.Code != wire.Busy {
			t.Fatalf("flood %d: %+v", i, r)
		}
	}
	if n := s.QueuedCount(); n != DefaultMaxQueue {
		t.Fatalf("queued %d", n)
	}
	raw, _ := store.Get(ctx, KeyQueue)
	if len(raw) > DefaultMaxQueue*(len(p0)+16) {
		t.Fatalf("stored queue %d bytes", len(raw))
	}
	// Malformed documents never reach the queue.
	if r := s.Submit(ctx, []byte(strings.Replace(string(p0), `"tx":`, `"TX":`, 1))); r.Code != wire.Malformed {
		t.Fatalf("%+v", r)
	}

	views := s.Queue(ctx)
	if len(views) != DefaultMaxQueue || views[0].ID != "q-0" || !views[0].Proof.OK || views[0].Rule == "" {
		t.Fatalf("queue view %+v", views[0])
	}
	// The digest binds the approval to the shown document.
	if _, err := s.Approve(ctx, "q-0", wire.Hash32{1}); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("wrong digest: %v", err)
	}
	if _, err := s.Approve(ctx, "nope", views[0].Digest); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("unknown id: %v", err)
	}
	// The kill switch stops approvals too.
	s.Pause(ctx, true)
	if r, err := s.Approve(ctx, "q-0", views[0].Digest); err != nil || r.Code != wire.Revoked {
		t.Fatalf("approve while paused: %+v %v", r, err)
	}
	s.Pause(ctx, false)
	if r, err := s.Approve(ctx, "q-1", views[1].Digest); err != nil || r.Status != wire.StatusSigned {
		t.Fatalf("approve: %+v %v", r, err)
	}
	if r, err := s.Reject(ctx, "q-2"); err != nil || r.Code != wire.UserRejected {
		t.Fatalf("reject: %+v %v", r, err)
	}
	if _, err := s.Reject(ctx, "q-2"); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("second reject: %v", err)
	}
	// A restart keeps what still waits.
	s2 := newSigner(t, store, clk)
	if n := s2.QueuedCount(); n != DefaultMaxQueue-3 {
		t.Fatalf("after restart %d", n)
	}
	// Leaving supervised mode does not sign what waits: it stays for the user.
	_ = s2.SetMode(ctx, Mode{})
	if n := s2.QueuedCount(); n != DefaultMaxQueue-3 {
		t.Fatal(n)
	}
}

// The queue's byte bound: a few huge documents cannot fill the store.
func TestQueueBytesBounded(t *testing.T) {
	p0, _ := proposals(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	s := newSigner(t, NewMemStore(), clk)
	s.cfg.MaxQueueBytes = 3*len(p0) + 10
	_ = s.SetMode(ctx, Mode{Supervised: true})
	codes := ""
	for i := 0; i < 5; i++ {
		codes += string(s.Submit(ctx, withID(t, p0, fmt.Sprintf("b-%d", i))).Code) + ","
	}
	if codes != ",,,busy,busy," {
		t.Fatalf("codes %s", codes)
	}
	// The locked queue has the same byte bound.
	s.cfg.MaxQueueBytes = 2*len(p0) + 10
	_ = s.SetMode(ctx, Mode{})
	codes = ""
	for i := 0; i < 4; i++ {
		codes += string(s.Submit(ctx, withID(t, p0, fmt.Sprintf("l-%d", i))).Code) + ","
	}
	if codes != "locked,locked,locked,locked," || len(s.Pending()) != 2 {
		t.Fatalf("locked queue: %s %d", codes, len(s.Pending()))
	}
}

// The kill switch takes effect in memory at once, whatever the store does:
// a store that refuses every write does not delay or undo it.
func TestKillSwitchWithFullStore(t *testing.T) {
	p0, _ := proposals(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	store := &fullStore{MemStore: NewMemStore()}
	s := newSigner(t, store, clk)
	_ = s.Unlock(ctx, testPassword)
	store.full = true
	s.Pause(ctx, true)
	r := s.Submit(ctx, p0)
	if r.Status != wire.StatusRejected || r.Code != wire.Revoked {
		t.Fatalf("paused with a full store: %+v", r)
	}
	if !s.Status().Mode.Paused {
		t.Fatal("status does not say paused")
	}
	store.full = false
	s.Pause(ctx, false)
	if r := s.Submit(ctx, p0); r.Status != wire.StatusSigned {
		t.Fatalf("resumed: %+v", r)
	}
}

type fullStore struct {
	*MemStore
	full bool
}

func (f *fullStore) Put(ctx context.Context, k string, v []byte) error {
	if f.full {
		return errors.New("QUOTA_BYTES quota exceeded")
	}
	return f.MemStore.Put(ctx, k, v)
}

// Attack (issue 13, bounded everything): the audit log was never pruned. It
// now rotates: the store keeps at most AuditKeep + AuditKeep/4 entries,
// and what is kept still verifies from the head back to the base, whose
// hash sums up what was dropped.
func TestAuditRotates(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	store := NewMemStore()
	s, err := New(ctx, Config{Store: store, Clock: clk.Now, AuditKeep: 100})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1000; i++ {
		s.Submit(ctx, []byte(fmt.Sprintf(`{"junk":%d}`, i)))
	}
	n := 0
	for _, k := range store.Keys() {
		if strings.HasPrefix(k, auditPrefix) && k != KeyAuditHead {
			n++
		}
	}
	if n > 125 || n < 100 {
		t.Fatalf("%d audit entries stored", n)
	}
	entries, err := s.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	head := s.Status().AuditHead
	if head.Next != 1000 || head.Base == 0 || head.BaseHash == nil || uint64(len(entries)) != head.Next-head.Base {
		t.Fatalf("head %+v, %d entries", head, len(entries))
	}
	// A restart reads the rotated head back and goes on.
	s2, err := New(ctx, Config{Store: store, Clock: clk.Now, AuditKeep: 100})
	if err != nil {
		t.Fatal(err)
	}
	s2.Submit(ctx, []byte(`{}`))
	if _, err := s2.Audit(ctx); err != nil {
		t.Fatal(err)
	}
	// Deleting the oldest kept entry is detected.
	_ = store.Delete(ctx, auditKey(s2.Status().AuditHead.Base))
	if _, err := s2.Audit(ctx); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("dropped entry: %v", err)
	}
}
