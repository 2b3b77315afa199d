package audit

import (
	"crypto/sha256"
	"encoding/json"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/leash-wallet/leash/wire"
)

// Version of the entry format (part of every hash).
//
// Changelog:
//   - 1: first version.
const Version = 1

// Decisions.
const (
	Signed   = "signed"
	Rejected = "rejected"
	Pending  = "pending"
	Info     = "info" // approver actions
)

// Entry is one decision. Hash covers every other field.
type Entry struct {
	Seq      uint64         `json:"seq"`
	Time     uint64         `json:"time"` // signer clock, unix seconds
	Kind     string         `json:"kind"` // "proposal", "unlock", "lock", "pin", "vault", "nonce"
	ID       string         `json:"id,omitempty"`
	Decision string         `json:"decision"`
	Code     wire.Code      `json:"code,omitempty"`
	Message  string         `json:"message,omitempty"`
	To       *wire.Address  `json:"to,omitempty"`
	Value    *wire.Quantity `json:"value,omitempty"`
	Nonce    *wire.Uint64   `json:"nonce,omitempty"`
	TxHash   *wire.Hash32   `json:"txHash,omitempty"`
	Prev     wire.Hash32    `json:"prev"`
	Hash     wire.Hash32    `json:"hash"`
}

// MaxMessage bounds the stored message of an entry.
const MaxMessage = 512

// Compute returns the hash of e (ignoring e.Hash).
func Compute(e *Entry) wire.Hash32 {
	c := *e
	c.Hash = wire.Hash32{}
	b, _ := json.Marshal(&c) // fields are all plain; marshal cannot fail
	h := sha256.New()
	h.Write([]byte("leash-audit-v1\x00"))
	h.Write(b)
	var out wire.Hash32
	copy(out[:], h.Sum(nil))
	return out
}

// Head identifies the end of a chain: the next sequence number and the hash
// of the last entry (zero for an empty log).
type Head struct {
	Next uint64      `json:"next"`
	Hash wire.Hash32 `json:"hash"`
}

// Log keeps the head and the most recent entries in memory. It is safe for
// concurrent use. Persisting entries is the caller's job (see signer).
type Log struct {
	mu     sync.Mutex
	head   Head
	recent []Entry
	keep   int
}

// New starts a log at head (the zero Head for a new log), keeping the last
// keep entries in memory (zero → 256).
func New(head Head, keep int) *Log {
	if keep <= 0 {
		keep = 256
	}
	return &Log{head: head, keep: keep}
}

// Append fills in e's Seq, Prev and Hash, records it and returns it.
func (l *Log) Append(e Entry) Entry {
	e.Message = clean(e.Message)
	e.ID = clean(e.ID)
	l.mu.Lock()
	defer l.mu.Unlock()
	e.Seq = l.head.Next
	e.Prev = l.head.Hash
	e.Hash = Compute(&e)
	l.head = Head{Next: e.Seq + 1, Hash: e.Hash}
	l.recent = append(l.recent, e)
	if len(l.recent) > l.keep {
		l.recent = append(l.recent[:0:0], l.recent[len(l.recent)-l.keep:]...)
	}
	return e
}

// clean makes s valid UTF-8 of at most MaxMessage bytes, so that a stored
// entry decodes to exactly the bytes that were hashed.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "?")
	for len(s) > MaxMessage {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

// Head returns the current head.
func (l *Log) Head() Head {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.head
}

// Recent returns a copy of the entries kept in memory, oldest first.
func (l *Log) Recent() []Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Entry(nil), l.recent...)
}

// Verify checks a whole log from sequence 0: each hash, each link, and
// consecutive sequence numbers. With head non-nil it also checks that the
// log ends exactly at head. It returns nil or a malformed error naming the
// first bad entry.
func Verify(entries []Entry, head *Head) error {
	var prev wire.Hash32
	for i := range entries {
		e := &entries[i]
		switch {
		case e.Seq != uint64(i):
			return wire.Errorf(wire.Malformed, "audit: entry %d has sequence number %d", i, e.Seq)
		case e.Prev != prev:
			return wire.Errorf(wire.Malformed, "audit: entry %d does not link to entry %d", i, i-1)
		case Compute(e) != e.Hash:
			return wire.Errorf(wire.Malformed, "audit: entry %d was altered", i)
		}
		prev = e.Hash
	}
	if head != nil {
		if head.Next != uint64(len(entries)) || head.Hash != prev {
			return wire.Errorf(wire.Malformed, "audit: the log ends at %d entries, the head says %d", len(entries), head.Next)
		}
	}
	return nil
}

// DecodeEntry strictly decodes one stored entry.
func DecodeEntry(b []byte) (*Entry, error) {
	var e Entry
	if err := wire.DecodeStrict(b, &e, "audit entry"); err != nil {
		return nil, err
	}
	return &e, nil
}

// DecodeHead strictly decodes a stored head.
func DecodeHead(b []byte) (*Head, error) {
	var h Head
	if err := wire.DecodeStrict(b, &h, "audit head"); err != nil {
		return nil, err
	}
	return &h, nil
}
