package daemon

import (
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

// Timings break a request's life into its stages, in milliseconds.
type Timings struct {
	PrecheckMs float64 `json:"precheckMs"`
	QueueMs    float64 `json:"queueMs"`
	ProveMs    float64 `json:"proveMs"`
	SignedMs   float64 `json:"signedMs,omitempty"` // sent → signed receipt
	MinedMs    float64 `json:"minedMs,omitempty"`  // signed → mined
	TotalMs    float64 `json:"totalMs,omitempty"`  // request → terminal status
}

// Record is the daemon's view of one request, as the API returns it.
type Record struct {
	ID       string       `json:"id"`
	Status   string       `json:"status"`
	Code     wire.Code    `json:"code,omitempty"`
	Message  string       `json:"message,omitempty"`
	Tx       *wire.Tx     `json:"tx,omitempty"`
	TxHash   *wire.Hash32 `json:"txHash,omitempty"`
	Attempts int          `json:"attempts"`
	Timings  Timings      `json:"timings"`
	Created  time.Time    `json:"created"`
	Updated  time.Time    `json:"updated"`
}

// records holds every request and wakes waiters on changes.
type records struct {
	mu      sync.Mutex
	byID    map[string]*Record
	byKey   map[string]string // idempotency key → id
	order   []string
	watches map[string][]chan Record
	limit   int
}

func newRecords(limit int) *records {
	return &records{byID: map[string]*Record{}, byKey: map[string]string{}, watches: map[string][]chan Record{}, limit: limit}
}

func (r *records) add(rec *Record, key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byID[rec.ID] = rec
	if key != "" {
		r.byKey[key] = rec.ID
	}
	r.order = append(r.order, rec.ID)
	for len(r.order) > r.limit { // forget the oldest finished records
		old := r.byID[r.order[0]]
		if old != nil && !terminal(old.Status) {
			break
		}
		delete(r.byID, r.order[0])
		r.order = r.order[1:]
	}
}

func (r *records) byIdempotencyKey(key string) (Record, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	id, ok := r.byKey[key]
	if !ok || r.byID[id] == nil {
		return Record{}, false
	}
	return *r.byID[id], true
}

// recent returns up to n records, newest first.
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
	rec.Updated = time.Now()
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

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
