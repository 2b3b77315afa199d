package core

import (
	"slices"
	"sync"
)

// MemStore is an in-memory Store: the reference semantics for other
// backends and the store of unit tests. It is not durable.
type MemStore struct {
	mu     sync.Mutex
	queues map[QueueID]*memQueue
	// FailCommit, when set, makes Commit fail (error injection for tests).
	FailCommit error
}

type memQueue struct {
	lastSeq, acked uint64
	recs           []Record
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore { return &MemStore{queues: map[QueueID]*memQueue{}} }

func (m *MemStore) q(id QueueID) *memQueue {
	q := m.queues[id]
	if q == nil {
		q = &memQueue{}
		m.queues[id] = q
	}
	return q
}

func (m *MemStore) Load(id QueueID, now int64) (QueueState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	q := m.q(id)
	st := QueueState{LastSeq: q.lastSeq, Acked: q.acked}
	for _, r := range q.recs {
		if r.Expires >= now {
			st.Pending = append(st.Pending, Pending{Seq: r.Seq, ID: r.ID})
		}
	}
	return st, nil
}

func (m *MemStore) Commit(b *Batch) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.FailCommit != nil {
		return m.FailCommit
	}
	for _, r := range b.Append {
		q := m.q(r.Queue)
		r.Envelope = slices.Clone(r.Envelope)
		q.recs = append(q.recs, r)
		q.lastSeq = max(q.lastSeq, r.Seq)
	}
	for id, up := range b.Ack {
		q := m.q(id)
		q.recs = slices.DeleteFunc(q.recs, func(r Record) bool { return r.Seq <= up })
		q.acked = max(q.acked, up)
	}
	for _, ref := range b.Expire {
		q := m.q(ref.Queue)
		q.recs = slices.DeleteFunc(q.recs, func(r Record) bool { return r.Seq == ref.Seq })
	}
	return nil
}

func (m *MemStore) Read(id QueueID, after uint64, max int, now int64) ([]Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Record
	for _, r := range m.q(id).recs {
		if r.Seq > after && r.Expires >= now {
			out = append(out, r)
			if len(out) == max {
				break
			}
		}
	}
	return out, nil
}

func (m *MemStore) Expired(now int64, max int) ([]Ref, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Ref
	for id, q := range m.queues {
		for _, r := range q.recs {
			if r.Expires < now {
				out = append(out, Ref{Queue: id, Seq: r.Seq})
				if len(out) == max {
					return out, nil
				}
			}
		}
	}
	return out, nil
}
