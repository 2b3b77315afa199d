package audit

import (
	"crypto/sha256"
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
	b := c.AppendJSON(make([]byte, 0, 512))
	h := sha256.New()
	h.Write([]byte("leash-audit-v1\x00"))
	h.Write(b)
	var out wire.Hash32
	copy(out[:], h.Sum(nil))
	return out
}

// Head identifies the end of a chain: the next sequence number and the hash
// of the last entry (zero for an empty log). A rotated log (Rotate) also
// names where the stored part starts: Base is its first sequence number and
// BaseHash the hash of the last dropped entry, which entry Base links to,
// so the chain still verifies from the head back to Base, and the dropped
// history is summed up in one hash.
type Head struct {
	Next     uint64       `json:"next"`
	Hash     wire.Hash32  `json:"hash"`
	Base     uint64       `json:"base,omitempty"`
	BaseHash *wire.Hash32 `json:"baseHash,omitempty"`
}

// Rotate returns the head of a log that keeps at most keep entries once
// more than keep+chunk are stored: Base moves up to Next-keep, and
// BaseHash becomes prev, the Prev of the entry at the new Base (the
// caller reads it from its store). The entries below the new Base may be
// deleted once the returned head is stored. ok is false when nothing is
// to be dropped yet (chunk keeps rotation to one batch per chunk entries).
func Rotate(h Head, keep, chunk uint64, prevOfNewBase func(seq uint64) (wire.Hash32, error)) (Head, bool, error) {
	if keep == 0 || h.Next-h.Base <= keep+chunk {
		return h, false, nil
	}
	base := h.Next - keep
	prev, err := prevOfNewBase(base)
	if err != nil {
		return h, false, err
	}
	return Head{Next: h.Next, Hash: h.Hash, Base: base, BaseHash: &prev}, true, nil
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
	l.head.Next, l.head.Hash = e.Seq+1, e.Hash
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

// SetBase records that the stored log now starts at base, whose entry
// links to hash (after Rotate).
func (l *Log) SetBase(base uint64, hash wire.Hash32) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if base > l.head.Base && base <= l.head.Next {
		l.head.Base, l.head.BaseHash = base, &hash
	}
}

// Recent returns a copy of the entries kept in memory, oldest first.
func (l *Log) Recent() []Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Entry(nil), l.recent...)
}

// Verify checks a log: each hash, each link, and consecutive sequence
// numbers. With head non-nil the log must start at head.Base, its first
// entry must link to head.BaseHash (zero from sequence 0), and it must end
// exactly at head. Without a head it starts wherever the first entry says.
// It returns nil or a malformed error naming the first bad entry.
func Verify(entries []Entry, head *Head) error {
	var prev wire.Hash32
	var base uint64
	switch {
	case head != nil:
		base = head.Base
		if head.BaseHash != nil {
			prev = *head.BaseHash
		} else if base != 0 {
			return wire.Errorf(wire.Malformed, "audit: the head starts at %d without the hash before it", base)
		}
	case len(entries) > 0:
		base, prev = entries[0].Seq, entries[0].Prev
	}
	for i := range entries {
		e := &entries[i]
		seq := base + uint64(i)
		switch {
		case e.Seq != seq:
			return wire.Errorf(wire.Malformed, "audit: entry %d has sequence number %d", seq, e.Seq)
		case e.Prev != prev:
			return wire.Errorf(wire.Malformed, "audit: entry %d does not link to entry %d", seq, seq-1)
		case Compute(e) != e.Hash:
			return wire.Errorf(wire.Malformed, "audit: entry %d was altered", seq)
		}
		prev = e.Hash
	}
	if head != nil {
		if head.Next != base+uint64(len(entries)) || head.Hash != prev {
			return wire.Errorf(wire.Malformed, "audit: the log ends at entry %d, the head says %d", base+uint64(len(entries)), head.Next)
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
