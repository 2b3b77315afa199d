package core

import "github.com/leash-wallet/leash/relay/e2e"

// QueueID names one recipient queue: the envelopes of a channel waiting for
// one role.
type QueueID struct {
	Channel e2e.ChannelID
	To      e2e.Role
}

// Record is one stored envelope.
type Record struct {
	Queue    QueueID
	Seq      uint64 // the sender's sequence number (from the envelope header)
	ID       e2e.MessageID
	Expires  int64 // unix milliseconds
	Envelope []byte
}

// Ref points at one record.
type Ref struct {
	Queue QueueID
	Seq   uint64
}

// Pending is what the rules need in memory about a queued record.
type Pending struct {
	Seq uint64
	ID  e2e.MessageID
}

// QueueState is the durable state of one queue.
type QueueState struct {
	LastSeq uint64    // the highest sequence number ever accepted into the queue
	Acked   uint64    // the recipient's acknowledgement point
	Pending []Pending // queued, unexpired records above Acked, in sequence order
}

// Batch is one group commit.
type Batch struct {
	Append []Record           // new records, in acceptance order
	Ack    map[QueueID]uint64 // delete records up to and including the seq; raise the ack point
	Expire []Ref              // delete these records if they still exist
}

// Store is the durable queue. Implementations: relay/boltstore (bbolt) and,
// later, a Durable Object's SQLite storage. The hub calls Commit from one
// goroutine at a time; Load, Read and Expired may run concurrently with it
// and must see only committed data.
type Store interface {
	// Load returns the state of a queue (the zero state if it never existed),
	// skipping records that expired before now (unix ms).
	Load(q QueueID, now int64) (QueueState, error)
	// Commit applies a batch atomically and durably (fsync) before returning.
	Commit(b *Batch) error
	// Read returns up to max unexpired records of q with Seq > after, in order.
	Read(q QueueID, after uint64, max int, now int64) ([]Record, error)
	// Expired returns up to max records, of any queue, that expired before now.
	Expired(now int64, max int) ([]Ref, error)
}

// Conn is one client connection as the hub sees it.
type Conn interface {
	// Send queues a frame without blocking. It returns false when the
	// connection's bounded send queue is full (a slow consumer) or closed.
	// The hub does not touch frame after the call.
	Send(frame []byte) bool
	// Close closes the connection asynchronously with a WebSocket close code.
	Close(code int, reason string)
}
