package daemon

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/leash-wallet/leash/wire"
)

// Status of a transaction request.
const (
	StatusQueued   = "queued"   // waiting for a prover
	StatusProving  = "proving"  // a prover is working on it
	StatusSent     = "sent"     // proposal handed to the relay, waiting for the signer
	StatusSigned   = "signed"   // the signer signed and broadcast it
	StatusMined    = "mined"    // included in a block
	StatusRejected = "rejected" // refused (pre-check, signer, or chain)
	StatusFailed   = "failed"   // could not be proven or sent
	// StatusInterrupted: the agent host stopped before the request was
	// final (queued, proving, sent, or signed and not yet seen mined).
	// Whether the signer signed it is unknown to this daemon, so it is
	// never proposed again; a repeat of its key returns it (code
	// interrupted).
	StatusInterrupted = "interrupted"
)

func terminal(s string) bool {
	return s == StatusMined || s == StatusRejected || s == StatusFailed || s == StatusInterrupted
}

// Timings break a request's life into its stages, in milliseconds. Each is
// measured between two instants of the daemon's clock (never derived from
// the others), so none is negative.
type Timings struct {
	PrecheckMs float64 `json:"precheckMs"`         // filling in the intent and the policy pre-check
	QueueMs    float64 `json:"queueMs"`            // waiting for a prover, every attempt
	ProveMs    float64 `json:"proveMs"`            // proving, every attempt
	SignedMs   float64 `json:"signedMs,omitempty"` // last proposal sent → signed receipt
	MinedMs    float64 `json:"minedMs,omitempty"`  // signed receipt → seen mined
	TotalMs    float64 `json:"totalMs,omitempty"`  // request → terminal status
}

// Record is the daemon's view of one request, as the API returns it.
type Record struct {
	ID       string       `json:"id"`
	Status   string       `json:"status"`
	Final    bool         `json:"final"` // nothing more will happen: terminal, or signed when the daemon does not follow mining
	Code     wire.Code    `json:"code,omitempty"`
	Message  string       `json:"message,omitempty"`
	Hint     string       `json:"hint,omitempty"`    // on a refusal: what would pass (the rule's limit, the budget left)
	Summary  string       `json:"summary,omitempty"` // what was asked, in words ("transfer 1.5 dUSD to 0x…")
	Program  *ProgramRun  `json:"program,omitempty"` // a program run's claim and decision
	Tx       *wire.Tx     `json:"tx,omitempty"`
	TxHash   *wire.Hash32 `json:"txHash,omitempty"`
	Attempts int          `json:"attempts"`
	Timings  Timings      `json:"timings"`
	Created  time.Time    `json:"created"`
	Updated  time.Time    `json:"updated"`

	signedAt time.Time // when the signed receipt arrived (for MinedMs)
}

// idemClaim is an idempotency key held by the first request that used it.
type idemClaim struct {
	key  string
	sum  wire.Hash32   // the request it was used for
	id   string        // its record, once made (and written to the key file)
	kept bool          // the holder is done: repeats get the record
	done chan struct{} // closed when kept, or when the claim is dropped
}

// records holds every request and wakes waiters on changes. It is bounded:
// beyond limit, the oldest finished records and their idempotency keys are
// forgotten. With a key file (log), every keyed record is written there
// before it is handed out, and again when it is signed or final.
type records struct {
	mu      sync.Mutex
	byID    map[string]*Record
	keys    map[string]*idemClaim // idempotency key → claim
	keyOf   map[string]string     // record id → its idempotency key
	order   []string
	watches map[string][]chan Record
	limit   int
	ttl     time.Duration // a key is kept this long after its record is final
	clock   func() time.Time
	mining  bool     // the daemon follows signed transactions until mined
	log     *idemLog // nil: keys live in memory only
	logger  *slog.Logger
}

func newRecords(limit int, ttl time.Duration, clock func() time.Time, followsMining bool, logger *slog.Logger) *records {
	return &records{byID: map[string]*Record{}, keys: map[string]*idemClaim{}, keyOf: map[string]string{},
		watches: map[string][]chan Record{}, limit: limit, ttl: ttl, clock: clock, mining: followsMining, logger: logger}
}

// final reports whether nothing more will happen to rec.
func (r *records) final(rec *Record) bool {
	return terminal(rec.Status) || (rec.Status == StatusSigned && !r.mining)
}

// restore takes over the key file's live entries at start: a record that
// was not final comes back interrupted (never proposed again), keys whose
// records aged out are dropped, and at most limit records are kept (the
// oldest final ones go first, one that was not final never). It then
// rewrites the file from what it kept.
func (r *records) restore(log *idemLog, live []idemEntry) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.clock()
	// Over the limit (History lowered since), the oldest final records go
	// first; one that was not final is kept whatever the limit.
	drop, skip := len(live)-r.limit, map[int]bool{}
	for i, e := range live {
		if drop > 0 && r.final(e.Record) {
			drop--
			skip[i] = true
		}
	}
	for i, e := range live {
		if skip[i] {
			continue
		}
		rec := e.Record
		rec.signedAt = time.Time{}
		if !r.final(rec) {
			was := rec.Status
			rec.Status, rec.Code, rec.Hint, rec.Updated = StatusInterrupted, CodeInterrupted, "", now
			rec.Message = fmt.Sprintf("the agent host stopped before this request was final (last recorded: %s; it may have gone further): "+
				"whether the signer signed it is unknown to this daemon, so it will not be proposed again; look for it in the wallet's "+
				"activity or on chain (once sent, the record holds the transaction and its nonce) before asking again with a new Idempotency-Key", was)
		}
		rec.Final = true
		if now.Sub(rec.Updated) > r.ttl {
			continue
		}
		done := make(chan struct{})
		close(done)
		r.keys[e.Key] = &idemClaim{key: e.Key, sum: e.Sum, id: rec.ID, kept: true, done: done}
		r.keyOf[rec.ID] = e.Key
		r.byID[rec.ID] = rec
		r.order = append(r.order, rec.ID)
	}
	r.log = log
	return r.compact()
}

// compact rewrites the key file from the keyed records in memory. r.mu is held.
func (r *records) compact() error {
	entries := make([]idemEntry, 0, len(r.keyOf))
	for _, id := range r.order {
		if k, ok := r.keyOf[id]; ok {
			entries = append(entries, idemEntry{Key: k, Sum: r.keys[k].sum, Record: r.byID[id]})
		}
	}
	return r.log.rewrite(entries)
}

// write appends a keyed record's change to the key file (r.mu is held, so
// lines follow the changes' order). A failed write may have left part of a
// line at the end: the file is then rewritten from memory before the line
// is tried again, and nothing is appended until a rewrite succeeds.
func (r *records) write(e idemEntry) error {
	if r.log == nil {
		return nil
	}
	err := r.log.append(e)
	if err == nil || errors.Is(err, errClosed) {
		return err
	}
	r.log.stopAppending()
	if cerr := r.compact(); cerr != nil {
		return fmt.Errorf("%v (and rewriting the file: %v)", err, cerr)
	}
	if err := r.log.append(e); err != nil {
		r.log.stopAppending()
		return err
	}
	return nil
}

// tidy rewrites the key file when it is more than half stale: after a
// change is both in memory and in the file (r.mu is held).
func (r *records) tidy() {
	if r.log == nil || r.log.lines <= 2*len(r.keyOf)+CompactSlack {
		return
	}
	if err := r.compact(); err != nil && !errors.Is(err, errClosed) {
		r.logger.Error("could not compact the idempotency key file", "err", err)
	}
}

// close stops writing the key file (the daemon stopped).
func (r *records) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.log != nil {
		r.log.close()
	}
}

// claim reserves an idempotency key for the request whose canonical form
// hashes to sum, before any work is done for it. It returns the existing
// record when the key already made one, ErrIdempotencyMismatch when the
// key was used for another request, or (nil, claim) when the caller now
// holds the key: it must then add its record with the claim and keep it,
// or drop the claim. Concurrent repeats wait for the holder. A key whose
// record has been final for longer than the TTL is free again.
func (r *records) claim(ctx context.Context, key string, sum wire.Hash32) (*Record, *idemClaim, error) {
	for {
		r.mu.Lock()
		c, ok := r.keys[key]
		if ok && c.kept {
			if rec := r.byID[c.id]; rec != nil && rec.Final && r.clock().Sub(rec.Updated) > r.ttl {
				delete(r.keys, key) // aged out: the record stays listed, the key is free
				delete(r.keyOf, c.id)
				ok = false
			}
		}
		if !ok {
			c = &idemClaim{key: key, sum: sum, done: make(chan struct{})}
			r.keys[key] = c
			r.mu.Unlock()
			return nil, c, nil
		}
		if c.sum != sum {
			r.mu.Unlock()
			return nil, nil, errIdempotencyMismatch(key)
		}
		if c.kept {
			rec, found := r.byID[c.id]
			r.mu.Unlock()
			if !found {
				return nil, nil, wire.Errorf(wire.Internal, "the record of Idempotency-Key %q was forgotten", clip(key))
			}
			cp := *rec
			return &cp, nil, nil
		}
		r.mu.Unlock()
		select {
		case <-c.done: // the holder kept its record, or dropped the key: look again
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
}

// keep ends a claim whose record was added: repeats now get it.
func (r *records) keep(c *idemClaim) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c.kept = true
	close(c.done)
}

// drop ends a claim whose request was not admitted: the key is free again.
// When its record had been written to the key file (the request was then
// refused, overloaded), a line releasing the key follows.
func (r *records) drop(c *idemClaim) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.keys[c.key] == c {
		delete(r.keys, c.key)
	}
	if c.id != "" {
		delete(r.keyOf, c.id)
		if err := r.write(idemEntry{Key: c.key, Sum: c.sum}); err != nil {
			// Harmless: after a restart the key returns an interrupted record.
			r.logger.Warn("could not release an idempotency key in the key file", "err", err)
		}
		r.tidy()
	}
	close(c.done)
}

// add stores a new record. With a claim (an Idempotency-Key), the key and
// the record are first written to the key file and synced: this happens
// before the caller queues the job, so no proposal can leave before its
// key is on disk. An error means nothing was stored.
func (r *records) add(rec *Record, c *idemClaim) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec.Final = r.final(rec)
	if c != nil {
		if err := r.write(idemEntry{Key: c.key, Sum: c.sum, Record: rec}); err != nil {
			return wire.Errorf(wire.Internal, "could not write the Idempotency-Key to the key file: %v", err)
		}
		c.id = rec.ID
		r.keyOf[rec.ID] = c.key
	}
	r.byID[rec.ID] = rec
	r.order = append(r.order, rec.ID)
	for len(r.order) > r.limit { // forget the oldest finished records
		old := r.byID[r.order[0]]
		if old != nil && !terminal(old.Status) {
			break
		}
		delete(r.byID, r.order[0])
		if k, ok := r.keyOf[r.order[0]]; ok {
			if r.keys[k] != nil && r.keys[k].id == r.order[0] {
				delete(r.keys, k)
			}
			delete(r.keyOf, r.order[0])
		}
		r.order = r.order[1:]
	}
	if c != nil {
		r.tidy() // the new record is in memory now: a rewrite keeps it
	}
	return nil
}

// remove forgets a record that was never handed out (its job could not be
// queued).
func (r *records) remove(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.byID, id)
	for i := len(r.order) - 1; i >= 0; i-- {
		if r.order[i] == id {
			r.order = append(r.order[:i], r.order[i+1:]...)
			break
		}
	}
}

// recent returns up to n records, newest first (never nil).
func (r *records) recent(n int) []Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Record, 0, min(n, len(r.order)))
	for i := len(r.order) - 1; i >= 0 && len(out) < n; i-- {
		if rec, ok := r.byID[r.order[i]]; ok {
			out = append(out, *rec)
		}
	}
	return out
}

func (r *records) get(id string) (Record, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, ok := r.byID[id]
	if !ok {
		return Record{}, false
	}
	return *rec, true
}

// update applies f to the record and notifies watchers.
func (r *records) update(id string, f func(*Record)) (Record, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, ok := r.byID[id]
	if !ok {
		return Record{}, false
	}
	before := *rec
	f(rec)
	rec.Final = r.final(rec)
	rec.Updated = r.clock()
	if terminal(rec.Status) && rec.Timings.TotalMs == 0 {
		rec.Timings.TotalMs = ms(rec.Updated.Sub(rec.Created))
	}
	snap := *rec
	if k, ok := r.keyOf[id]; ok && durable(&before, rec) {
		// Signed and final states go to the key file (a restart turns the
		// others into interrupted anyway); failing to write one is not a
		// safety issue: the key and its record are already there.
		if err := r.write(idemEntry{Key: k, Sum: r.keys[k].sum, Record: &snap}); err != nil {
			r.logger.Warn("could not write a record's status to the idempotency key file", "id", id, "status", rec.Status, "err", err)
		}
		r.tidy()
	}
	for _, ch := range r.watches[id] {
		select {
		case ch <- snap:
		default: // a slow watcher misses intermediate states, never the latest
			select {
			case <-ch:
			default:
			}
			ch <- snap
		}
	}
	return snap, true
}

// durable reports whether a record's change is worth a line in the key
// file: it was sent (the record then holds the proposed transaction and
// its nonce, for an interrupted record to show), signed or final, or
// changed code or hash since.
func durable(before, after *Record) bool {
	if after.Status != StatusSent && after.Status != StatusSigned && !after.Final {
		return false
	}
	return before.Status != after.Status || before.Code != after.Code || before.Final != after.Final ||
		(before.TxHash == nil) != (after.TxHash == nil)
}

// watch returns a channel of updates for id, and a cancel function.
func (r *records) watch(id string) (<-chan Record, func()) {
	ch := make(chan Record, 1)
	r.mu.Lock()
	r.watches[id] = append(r.watches[id], ch)
	r.mu.Unlock()
	return ch, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		ws := r.watches[id]
		for i, c := range ws {
			if c == ch {
				r.watches[id] = append(ws[:i], ws[i+1:]...)
				break
			}
		}
		if len(r.watches[id]) == 0 {
			delete(r.watches, id)
		}
	}
}

// ms is d in milliseconds; a clock that went back counts as zero.
func ms(d time.Duration) float64 { return float64(max(d, 0).Microseconds()) / 1000 }

// requestSum is the idempotency fingerprint of a request: its kind and its
// canonical JSON (re-encoded after strict decoding, so spacing and key order
// do not matter).
func requestSum(kind string, canonical []byte) wire.Hash32 {
	h := sha256.New()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write(canonical)
	var s wire.Hash32
	h.Sum(s[:0])
	return s
}
