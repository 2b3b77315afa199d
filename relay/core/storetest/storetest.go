// Package storetest checks that a core.Store implementation has the
// semantics the rules rely on. Every backend runs it: MemStore, bbolt, and
// later the Durable Object's SQLite store.
package storetest

import (
	"bytes"
	"testing"

	"github.com/leash-wallet/leash/relay/core"
	"github.com/leash-wallet/leash/relay/e2e"
)

// Run checks a fresh store; reopen, when not nil, closes and reopens it on
// the same data (durability).
func Run(t *testing.T, open func(t *testing.T) core.Store, reopen func(t *testing.T, s core.Store) core.Store) {
	s := open(t)
	qa := core.QueueID{Channel: e2e.ChannelID{1}, To: e2e.RoleSigner}
	qb := core.QueueID{Channel: e2e.ChannelID{1}, To: e2e.RoleAgent}
	qc := core.QueueID{Channel: e2e.ChannelID{2}, To: e2e.RoleSigner}
	rec := func(q core.QueueID, seq uint64, expires int64) core.Record {
		return core.Record{Queue: q, Seq: seq, ID: e2e.MessageID{byte(seq), q.Channel[0], byte(q.To)}, Expires: expires,
			Envelope: bytes.Repeat([]byte{byte(seq)}, 100+int(seq))}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	const now, later = 1_000, 1_000_000
	st, err := s.Load(qa, now)
	must(err)
	if st.LastSeq != 0 || st.Acked != 0 || len(st.Pending) != 0 {
		t.Fatalf("fresh queue: %+v", st)
	}
	must(s.Commit(&core.Batch{Append: []core.Record{rec(qa, 1, later), rec(qb, 1, later), rec(qa, 2, later), rec(qa, 5, 500), rec(qa, 7, later), rec(qc, 3, later)}}))
	if s2 := reopen; s2 != nil {
		s = reopen(t, s)
	}
	st, err = s.Load(qa, now)
	must(err)
	if st.LastSeq != 7 || len(st.Pending) != 3 || st.Pending[0].Seq != 1 || st.Pending[2].Seq != 7 || st.Pending[1].ID != rec(qa, 2, 0).ID {
		t.Fatalf("load skips expired, keeps order: %+v", st)
	}
	recs, err := s.Read(qa, 1, 10, now)
	must(err)
	if len(recs) != 2 || recs[0].Seq != 2 || recs[1].Seq != 7 || !bytes.Equal(recs[1].Envelope, rec(qa, 7, 0).Envelope) || recs[0].ID != rec(qa, 2, 0).ID {
		t.Fatalf("read after 1: %+v", recs)
	}
	if recs, _ = s.Read(qa, 0, 1, now); len(recs) != 1 || recs[0].Seq != 1 {
		t.Fatalf("read max 1: %+v", recs)
	}
	refs, err := s.Expired(now, 10)
	must(err)
	if len(refs) != 1 || refs[0].Queue != qa || refs[0].Seq != 5 {
		t.Fatalf("expired: %+v", refs)
	}
	must(s.Commit(&core.Batch{Ack: map[core.QueueID]uint64{qa: 2}, Expire: refs}))
	if s2 := reopen; s2 != nil {
		s = reopen(t, s)
	}
	st, err = s.Load(qa, 0)
	must(err)
	if st.Acked != 2 || st.LastSeq != 7 || len(st.Pending) != 1 || st.Pending[0].Seq != 7 {
		t.Fatalf("after ack and expiry: %+v", st)
	}
	if refs, _ = s.Expired(now, 10); len(refs) != 0 {
		t.Fatalf("still expired: %+v", refs)
	}
	// Other queues untouched.
	if st, _ = s.Load(qb, now); len(st.Pending) != 1 || st.LastSeq != 1 {
		t.Fatalf("peer queue: %+v", st)
	}
	if st, _ = s.Load(qc, now); len(st.Pending) != 1 || st.LastSeq != 3 {
		t.Fatalf("other channel: %+v", st)
	}
	// Acking everything empties the queue but keeps its numbers.
	must(s.Commit(&core.Batch{Ack: map[core.QueueID]uint64{qa: 9}, Expire: []core.Ref{{Queue: qc, Seq: 99}}}))
	if st, _ = s.Load(qa, now); len(st.Pending) != 0 || st.LastSeq != 7 || st.Acked != 9 {
		t.Fatalf("emptied: %+v", st)
	}
	if recs, _ = s.Read(qa, 0, 10, now); len(recs) != 0 {
		t.Fatalf("read emptied: %+v", recs)
	}
}
