package daemon

import (
	"context"
	"crypto/sha256"
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
)

func terminal(s string) bool {
	return s == StatusMined || s == StatusRejected || s == StatusFailed
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
	sum  [32]byte      // the request it was used for
	id   string        // its record, once made
	done chan struct{} // closed when id is set or the claim is dropped
}

// records holds every request and wakes waiters on changes. It is bounded:
// beyond limit, the oldest finished records and their idempotency keys are
// forgotten.
type records struct {
	mu      sync.Mutex
	byID    map[string]*Record
	keys    map[string]*idemClaim // idempotency key → claim
	keyOf   map[string]string     // record id → its idempotency key
	order   []string
	watches map[string][]chan Record
	limit   int
	clock   func() time.Time
	mining  bool // the daemon follows signed transactions until mined
}

func newRecords(limit int, clock func() time.Time, followsMining bool) *records {
	return &records{byID: map[string]*Record{}, keys: map[string]*idemClaim{}, keyOf: map[string]string{},
		watches: map[string][]chan Record{}, limit: limit, clock: clock, mining: followsMining}
}

// final reports whether nothing more will happen to rec.
func (r *records) final(rec *Record) bool {
	return terminal(rec.Status) || (rec.Status == StatusSigned && !r.mining)
}

// claim reserves an idempotency key for the request whose canonical form
// hashes to sum, before any work is done for it. It returns the existing
// record when the key already made one, ErrIdempotencyMismatch when the
// key was used for another request, or (nil, release) when the caller now
// holds the key: it must then call keep with the record it made, or
// release when it made none. Concurrent repeats wait for the holder.
func (r *records) claim(ctx context.Context, key string, sum [32]byte) (*Record, func(id string), error) {
	for {
		r.mu.Lock()
		c, ok := r.keys[key]
		if !ok {
			c = &idemClaim{sum: sum, done: make(chan struct{})}
			r.keys[key] = c
			r.mu.Unlock()
			return nil, func(id string) { r.settle(key, c, id) }, nil
		}
		if c.sum != sum {
			r.mu.Unlock()
			return nil, nil, errIdempotencyMismatch(key)
		}
		if c.id != "" {
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
		case <-c.done: // the holder made its record, or dropped the key: look again
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
}

// settle ends a claim: with the record id it made, or "" to drop the key.
func (r *records) settle(key string, c *idemClaim, id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if id == "" {
		delete(r.keys, key)
	} else {
		c.id = id
		r.keyOf[id] = key
	}
	close(c.done)
}

func (r *records) add(rec *Record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec.Final = r.final(rec)
	r.byID[rec.ID] = rec
	r.order = append(r.order, rec.ID)
	for len(r.order) > r.limit { // forget the oldest finished records
		old := r.byID[r.order[0]]
		if old != nil && !terminal(old.Status) {
			break
		}
		delete(r.byID, r.order[0])
		if k, ok := r.keyOf[r.order[0]]; ok {
			delete(r.keys, k)
			delete(r.keyOf, r.order[0])
		}
		r.order = r.order[1:]
	}
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
	f(rec)
	rec.Final = r.final(rec)
	rec.Updated = r.clock()
	if terminal(rec.Status) && rec.Timings.TotalMs == 0 {
		rec.Timings.TotalMs = ms(rec.Updated.Sub(rec.Created))
	}
	snap := *rec
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
func requestSum(kind string, canonical []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write(canonical)
	var s [32]byte
	h.Sum(s[:0])
	return s
}
