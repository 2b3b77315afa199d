//go:build js && wasm

package sqlstore_test

import (
	"math"
	"syscall/js"
	"testing"

	"github.com/leash-wallet/leash/relay/core"
	"github.com/leash-wallet/leash/relay/core/storetest"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/worker/sqlstore"
)

// These tests run inside a Durable Object under wrangler dev (see
// relay/worker/selftest and relay/conformance), on the object's real
// SQLite storage; the runtime context carries a fresh object's db helper
// (the same one relay/worker/src/index.mjs gives the relay).

func db(t *testing.T) sqlstore.DB {
	rc := js.Global().Get("context")
	if rc.Type() != js.TypeObject || rc.Get("db").Type() != js.TypeObject {
		t.Skip("needs a Durable Object's storage (run through relay/worker/selftest)")
	}
	return sqlstore.NewJSDB(rc.Get("db"))
}

func open(t *testing.T, d sqlstore.DB) core.Store {
	s, err := sqlstore.Open(d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The shared Store conformance suite; reopen builds a new Store on the same
// database, which is what a woken or restarted object does.
func TestStoreConformance(t *testing.T) {
	d := db(t)
	storetest.Run(t, func(t *testing.T) core.Store { return open(t, d) },
		func(t *testing.T, _ core.Store) core.Store { return open(t, d) })
}

// Sequence numbers use the whole uint64 range; the highest accepted one
// survives the deletion (expiry) of its record.
func TestSequenceRangeAndLastSeq(t *testing.T) {
	s := open(t, db(t))
	q := core.QueueID{Channel: e2e.ChannelID{9}, To: e2e.RoleAgent}
	seqs := []uint64{5, 1 << 53, 1<<53 + 1, 1 << 63, math.MaxUint64}
	var b core.Batch
	for i, seq := range seqs {
		b.Append = append(b.Append, core.Record{Queue: q, Seq: seq, ID: e2e.MessageID{byte(i + 1)}, Expires: 5000, Envelope: []byte{byte(i)}})
	}
	if err := s.Commit(&b); err != nil {
		t.Fatal(err)
	}
	recs, err := s.Read(q, 5, 10, 0)
	if err != nil || len(recs) != 4 || recs[0].Seq != 1<<53 || recs[3].Seq != math.MaxUint64 || recs[3].Envelope[0] != 4 {
		t.Fatalf("read: %+v %v", recs, err)
	}
	if err := s.Commit(&core.Batch{Expire: []core.Ref{{Queue: q, Seq: math.MaxUint64}}}); err != nil {
		t.Fatal(err)
	}
	s = open(t, db(t))
	st, err := s.Load(q, 0)
	if err != nil || st.LastSeq != math.MaxUint64 || len(st.Pending) != 4 {
		t.Fatalf("after expiring the top record: %+v %v", st, err)
	}
	if next, err := s.(*sqlstore.Store).NextExpiry(); err != nil || next != 5000 {
		t.Fatalf("next expiry %d %v", next, err)
	}
}

// A failing statement rolls the whole batch back.
func TestCommitIsAtomic(t *testing.T) {
	s := open(t, db(t))
	q := core.QueueID{Channel: e2e.ChannelID{7}, To: e2e.RoleSigner}
	rec := core.Record{Queue: q, Seq: 1, ID: e2e.MessageID{1}, Expires: 5000, Envelope: []byte("a")}
	if err := s.Commit(&core.Batch{Append: []core.Record{rec}}); err != nil {
		t.Fatal(err)
	}
	dup := rec
	dup.Seq = 2
	// Seq 2 then seq 1 again: the primary key refuses the second insert.
	if err := s.Commit(&core.Batch{Append: []core.Record{dup, rec}}); err == nil {
		t.Fatal("duplicate primary key committed")
	}
	st, err := s.Load(q, 0)
	if err != nil || st.LastSeq != 1 || len(st.Pending) != 1 {
		t.Fatalf("the failed batch left a trace: %+v %v", st, err)
	}
}
