package ledger

import (
	"encoding/json"
	"math/big"
	"sync"

	"github.com/leash-wallet/leash/wire"
)

// StateVersion is the version of the serialized state.
//
// Changelog:
//   - 1: nonce, window, spends, seen ids.
const StateVersion = 1

// DefaultMaxSeen bounds the remembered proposal ids.
const DefaultMaxSeen = 4096

// Spend is one reserved or committed spend.
type Spend struct {
	ID     string        `json:"id"`
	Nonce  wire.Uint64   `json:"nonce"`
	Time   uint64        `json:"time"`
	Value  wire.Quantity `json:"value"`
	TxHash *wire.Hash32  `json:"txHash,omitempty"` // set on commit
}

// Config sets up a ledger.
type Config struct {
	Window  uint64 // rolling window length in seconds (from the policy)
	MaxSeen int    // zero → DefaultMaxSeen
}

// Ledger is safe for concurrent use.
type Ledger struct {
	mu      sync.Mutex
	window  uint64
	maxSeen int
	nonce   uint64
	spends  []*Spend
	seen    map[string]struct{}
	order   []string
	version uint64 // bumped on every change; lets callers detect a stale snapshot
}

// New returns an empty ledger whose next nonce is nonce.
func New(cfg Config, nonce uint64) *Ledger {
	if cfg.MaxSeen <= 0 {
		cfg.MaxSeen = DefaultMaxSeen
	}
	return &Ledger{window: cfg.Window, maxSeen: cfg.MaxSeen, nonce: nonce, seen: map[string]struct{}{}}
}

// View is the state the verifier uses: the next nonce and the spend in the
// window at time Time.
type View struct {
	Nonce uint64
	Spent *big.Int
	Time  uint64
}

// State returns the wire form of v for verify.Verify.
func (v View) State() *wire.State {
	return &wire.State{Nonce: wire.Uint64(v.Nonce), Spent: wire.NewQuantity(v.Spent), Time: v.Time}
}

// View returns the state at time now.
func (l *Ledger) View(now uint64) View {
	l.mu.Lock()
	defer l.mu.Unlock()
	return View{Nonce: l.nonce, Spent: l.spentLocked(now), Time: now}
}

// Frees reports when window capacity next frees up at time now: the
// moment the oldest spend still counting leaves the window, and how much
// leaves then (spends made in the same second leave together). ok is false
// when nothing counts.
func (l *Ledger) Frees(now uint64) (at uint64, amount *big.Int, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	amount = new(big.Int)
	for _, s := range l.spends {
		if !counts(s.Time, l.window, now) || s.Value.Sign() == 0 {
			continue
		}
		end := s.Time + l.window
		switch {
		case !ok || end < at:
			at, ok = end, true
			amount.Set(&s.Value.Int)
		case end == at:
			amount.Add(amount, &s.Value.Int)
		}
	}
	return at, amount, ok
}

// Window returns the window length in seconds.
func (l *Ledger) Window() uint64 { return l.window }

// Seen reports whether a proposal id was already signed.
func (l *Ledger) Seen(id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.seen[id]
	return ok
}

func (l *Ledger) spentLocked(now uint64) *big.Int {
	sum := new(big.Int)
	for _, s := range l.spends {
		if counts(s.Time, l.window, now) {
			sum.Add(sum, &s.Value.Int)
		}
	}
	return sum
}

// counts reports whether a spend at t still counts at now. A spend stamped
// in the future (the clock went back) counts.
func counts(t, window, now uint64) bool {
	if now < t {
		return true
	}
	return now-t < window
}

// Request is what Reserve checks and records.
type Request struct {
	ID       string
	Nonce    uint64
	Value    *big.Int
	Spent    *big.Int // the spent-in-window the proof was verified against
	MaxValue *big.Int // the policy's window cap
	Time     uint64   // the signer's clock used for verification
}

// Reservation is a reserved nonce and spend, to be committed or released.
type Reservation struct {
	l     *Ledger
	spend *Spend
	done  bool
}

// Reserve atomically checks req against the current state and, if it still
// holds, takes the nonce and counts the value. Errors: replay,
// nonce_mismatch, stale_state, window_exceeded.
func (l *Ledger) Reserve(req Request) (*Reservation, error) {
	if req.Value == nil || req.Spent == nil || req.MaxValue == nil || req.Value.Sign() < 0 {
		return nil, wire.Errorf(wire.Internal, "ledger: incomplete reservation request")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.seen[req.ID]; ok {
		return nil, wire.Errorf(wire.Replay, "proposal %s was already signed", req.ID)
	}
	if req.Nonce != l.nonce {
		return nil, wire.Errorf(wire.NonceMismatch, "nonce %d, the signer's next nonce is %d", req.Nonce, l.nonce)
	}
	spent := l.spentLocked(req.Time)
	if spent.Cmp(req.Spent) != 0 {
		return nil, wire.Errorf(wire.StaleState, "spent in window is %s, not %s", spent, req.Spent)
	}
	total := new(big.Int).Add(spent, req.Value)
	if total.Cmp(req.MaxValue) > 0 {
		return nil, wire.Errorf(wire.WindowExceeded, "spending %s would bring the window to %s, above %s", req.Value, total, req.MaxValue)
	}
	l.prune(req.Time)
	s := &Spend{ID: req.ID, Nonce: wire.Uint64(req.Nonce), Time: req.Time, Value: wire.NewQuantity(req.Value)}
	l.spends = append(l.spends, s)
	l.nonce++
	l.remember(req.ID)
	l.version++
	return &Reservation{l: l, spend: s}, nil
}

// Commit records the signed transaction hash. The nonce and spend stay.
func (r *Reservation) Commit(txHash wire.Hash32) {
	r.l.mu.Lock()
	defer r.l.mu.Unlock()
	h := txHash
	r.spend.TxHash = &h
	r.done = true
	r.l.version++
}

// Release undoes a reservation whose transaction was never signed. It rolls
// back only when nothing was reserved after it and reports whether it did;
// otherwise the reservation stays counted (the safe direction).
func (r *Reservation) Release() bool {
	l := r.l
	l.mu.Lock()
	defer l.mu.Unlock()
	if r.done {
		return false
	}
	r.done = true
	n := len(l.spends)
	if n == 0 || l.spends[n-1] != r.spend || uint64(r.spend.Nonce)+1 != l.nonce {
		return false
	}
	l.spends = l.spends[:n-1]
	l.nonce--
	l.forget(r.spend.ID)
	l.version++
	return true
}

// SyncNonce moves the next nonce forward to n (the chain's pending count).
// It never moves it back: a nonce already signed is never signed again. It
// reports whether the nonce changed.
func (l *Ledger) SyncNonce(n uint64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n <= l.nonce {
		return false
	}
	l.nonce = n
	l.version++
	return true
}

// SetWindow changes the window length, for a newly pinned policy. Spends
// already recorded keep their times and count under the new length.
func (l *Ledger) SetWindow(seconds uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.window != seconds {
		l.window = seconds
		l.version++
	}
}

// Version changes whenever the state does.
func (l *Ledger) Version() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.version
}

func (l *Ledger) prune(now uint64) {
	keep := l.spends[:0]
	for _, s := range l.spends {
		if counts(s.Time, l.window, now) {
			keep = append(keep, s)
		}
	}
	for i := len(keep); i < len(l.spends); i++ {
		l.spends[i] = nil
	}
	l.spends = keep
}

func (l *Ledger) remember(id string) {
	l.seen[id] = struct{}{}
	l.order = append(l.order, id)
	for len(l.order) > l.maxSeen {
		delete(l.seen, l.order[0])
		l.order = l.order[1:]
	}
}

func (l *Ledger) forget(id string) {
	delete(l.seen, id)
	for i := len(l.order) - 1; i >= 0; i-- {
		if l.order[i] == id {
			l.order = append(l.order[:i], l.order[i+1:]...)
			break
		}
	}
}

type stateJSON struct {
	Version int         `json:"version"`
	Window  uint64      `json:"window"`
	Nonce   wire.Uint64 `json:"nonce"`
	Spends  []*Spend    `json:"spends"`
	Seen    []string    `json:"seen"`
}

// Marshal serializes the ledger. Reservations not yet committed are
// included: after a crash they stay counted.
func (l *Ledger) Marshal() ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := stateJSON{Version: StateVersion, Window: l.window, Nonce: wire.Uint64(l.nonce), Spends: l.spends, Seen: l.order}
	if st.Spends == nil {
		st.Spends = []*Spend{}
	}
	if st.Seen == nil {
		st.Seen = []string{}
	}
	return json.Marshal(st)
}

// Restore decodes a serialized ledger. A non-zero cfg.Window must match the
// stored window: a different policy window means the state belongs to
// another policy and is refused with unknown_policy. A zero cfg.Window takes
// the stored one.
func Restore(data []byte, cfg Config) (*Ledger, error) {
	var st stateJSON
	if err := wire.DecodeStrict(data, &st, "ledger"); err != nil {
		return nil, err
	}
	if st.Version != StateVersion {
		return nil, wire.Errorf(wire.Malformed, "ledger: version %d is not supported", st.Version)
	}
	if cfg.Window == 0 {
		cfg.Window = st.Window
	}
	if st.Window != cfg.Window {
		return nil, wire.Errorf(wire.UnknownPolicy, "ledger: stored window %d s differs from the policy's %d s", st.Window, cfg.Window)
	}
	l := New(cfg, uint64(st.Nonce))
	for _, s := range st.Spends {
		if s == nil || !wire.ValidID(s.ID) || s.Value.BitLen() > 128 {
			return nil, wire.Errorf(wire.Malformed, "ledger: bad spend entry")
		}
		if uint64(s.Nonce) >= l.nonce {
			return nil, wire.Errorf(wire.Malformed, "ledger: spend nonce %d is not below the next nonce %d", s.Nonce, l.nonce)
		}
		l.spends = append(l.spends, s)
	}
	for _, id := range st.Seen {
		if !wire.ValidID(id) {
			return nil, wire.Errorf(wire.Malformed, "ledger: bad seen id")
		}
		if _, dup := l.seen[id]; !dup {
			l.remember(id)
		}
	}
	return l, nil
}
