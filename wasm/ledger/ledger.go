package ledger

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"sort"
	"strconv"
	"sync"

	"github.com/leash-wallet/leash/wire"
)

// StateVersion is the version of the serialized state.
//
// Changelog:
//   - 2: policy v2. Each spend also records its fee (gas × maxFeePerGas)
//     and the token and amount it moved (when its call spends one); views
//     report the fee, count and token sums. Version 1 is refused.
//   - 1: nonce, window, spends, seen ids.
const StateVersion = 2

// DefaultMaxSeen bounds the remembered proposal ids.
const DefaultMaxSeen = 4096

// MaxSpends bounds the spends a stored ledger may hold: a policy counts at
// most policy.MaxWindowTxs transactions per window, and expired spends are
// pruned on every reservation.
const MaxSpends = 1 << 17

// Spend is one reserved or committed spend: everything a signed
// transaction counts toward the window.
type Spend struct {
	ID     string         `json:"id"`
	Nonce  wire.Uint64    `json:"nonce"`
	Time   uint64         `json:"time"`
	Value  wire.Quantity  `json:"value"`
	Fee    wire.Quantity  `json:"fee"`
	Token  *wire.Address  `json:"token,omitempty"`
	Amount *wire.Quantity `json:"amount,omitempty"` // set with Token
	TxHash *wire.Hash32   `json:"txHash,omitempty"` // set on commit (a signature's EIP-712 digest)
	// Sig is set for a typed-data signature: its replay key (domain
	// separator ‖ nonce, 64 bytes). Such a spend takes no nonce, value,
	// fee or transaction count, and is kept until Until (its deadline
	// bound) even after it leaves the window.
	Sig   wire.Bytes `json:"sig,omitempty"`
	Until uint64     `json:"until,omitempty"`
}

type spendJSON struct {
	ID     *string        `json:"id"`
	Nonce  *wire.Uint64   `json:"nonce"`
	Time   *uint64        `json:"time"`
	Value  *wire.Quantity `json:"value"`
	Fee    *wire.Quantity `json:"fee"`
	Token  *wire.Address  `json:"token,omitempty"`
	Amount *wire.Quantity `json:"amount,omitempty"`
	TxHash *wire.Hash32   `json:"txHash,omitempty"`
	Sig    wire.Bytes     `json:"sig,omitempty"`
	Until  uint64         `json:"until,omitempty"`
}

// UnmarshalJSON requires every field a window sum depends on: a stored
// spend without its fee must not count as a free one.
func (s *Spend) UnmarshalJSON(b []byte) error {
	var j spendJSON
	if err := wire.DecodeStrict(b, &j, "ledger spend"); err != nil {
		return err
	}
	if j.ID == nil || j.Nonce == nil || j.Time == nil || j.Value == nil || j.Fee == nil {
		return wire.Errorf(wire.Malformed, "ledger spend: id, nonce, time, value and fee are all required")
	}
	*s = Spend{ID: *j.ID, Nonce: *j.Nonce, Time: *j.Time, Value: *j.Value, Fee: *j.Fee, Token: j.Token, Amount: j.Amount, TxHash: j.TxHash,
		Sig: j.Sig, Until: j.Until}
	return nil
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

// View is the state the verifier uses: the next nonce and the window sums
// at time Time, and when each sum next goes down.
type View struct {
	Nonce  uint64
	Time   uint64
	Spent  *big.Int // native value
	Fees   *big.Int // Σ gas × maxFeePerGas
	Txs    uint64
	Tokens map[wire.Address]*big.Int
	// FreesAt gives, per sum, when capacity frees up next.
	FreesAt Frees
}

// Frees holds, per window sum, the time its oldest counted spend leaves the
// window (0 when nothing counts in it).
type Frees struct {
	Value, Fees, Txs uint64
	Tokens           map[wire.Address]uint64
}

// State returns the wire form of v for verify.Verify: tokens sorted by
// address, zero sums left out.
func (v View) State() *wire.State {
	st := &wire.State{Nonce: wire.Uint64(v.Nonce), Time: v.Time, Spent: wire.NewQuantity(v.Spent),
		Fees: wire.NewQuantity(v.Fees), Txs: v.Txs}
	for a, amt := range v.Tokens {
		if amt.Sign() != 0 {
			st.Tokens = append(st.Tokens, wire.TokenSpent{Token: a, Spent: wire.NewQuantity(amt)})
		}
	}
	sort.Slice(st.Tokens, func(i, j int) bool { return bytes.Compare(st.Tokens[i].Token[:], st.Tokens[j].Token[:]) < 0 })
	return st
}

// TokenSpent returns the window sum of token (0 when none).
func (v View) TokenSpent(token wire.Address) *big.Int {
	if s, ok := v.Tokens[token]; ok {
		return new(big.Int).Set(s)
	}
	return new(big.Int)
}

// View returns the state at time now.
func (l *Ledger) View(now uint64) View {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.viewLocked(now)
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

func (l *Ledger) viewLocked(now uint64) View {
	v := View{Nonce: l.nonce, Time: now, Spent: new(big.Int), Fees: new(big.Int), Tokens: map[wire.Address]*big.Int{},
		FreesAt: Frees{Tokens: map[wire.Address]uint64{}}}
	first := func(cur *uint64, t uint64) {
		if *cur == 0 || t < *cur {
			*cur = t
		}
	}
	for _, s := range l.spends {
		if !counts(s.Time, l.window, now) {
			continue
		}
		expires := s.Time + l.window
		if s.Sig == nil {
			v.Txs++
			first(&v.FreesAt.Txs, expires)
		}
		if s.Value.Sign() != 0 {
			v.Spent.Add(v.Spent, &s.Value.Int)
			first(&v.FreesAt.Value, expires)
		}
		if s.Fee.Sign() != 0 {
			v.Fees.Add(v.Fees, &s.Fee.Int)
			first(&v.FreesAt.Fees, expires)
		}
		if s.Token != nil && s.Amount != nil && s.Amount.Sign() != 0 {
			sum, ok := v.Tokens[*s.Token]
			if !ok {
				sum = new(big.Int)
				v.Tokens[*s.Token] = sum
			}
			sum.Add(sum, &s.Amount.Int)
			t := v.FreesAt.Tokens[*s.Token]
			first(&t, expires)
			v.FreesAt.Tokens[*s.Token] = t
		}
	}
	return v
}

// counts reports whether a spend at t still counts at now. A spend stamped
// in the future (the clock went back) counts.
func counts(t, window, now uint64) bool {
	if now < t {
		return true
	}
	return now-t < window
}

// Request is what Reserve checks and records: the transaction's nonce,
// value, fee and token spend, the window sums the proof was verified
// against, and the policy's caps.
type Request struct {
	ID     string
	Nonce  uint64
	Time   uint64        // the signer's clock used for verification
	Value  *big.Int      // native value
	Fee    *big.Int      // gas × maxFeePerGas
	Token  *wire.Address // the token the call spends, or nil
	Amount *big.Int      // its amount (with Token)
	// Expect are the sums the proof was verified against (TokenSpent is
	// Token's, 0 without one).
	Expect wire.Hint
	Caps   Caps
}

// Caps are the policy's window caps.
type Caps struct {
	MaxValue *big.Int
	MaxFees  *big.Int
	MaxTxs   uint64
	TokenMax *big.Int // Token's windowMax (with Token)
}

// Reservation is a reserved nonce and spend, to be committed or released.
type Reservation struct {
	l     *Ledger
	spend *Spend
	done  bool
}

// Reserve atomically checks req against the current state and, if it still
// holds, takes the nonce and counts the value, fee, transaction and token
// amount. Errors: replay, nonce_mismatch, stale_state, window_exceeded
// (every cap is checked again under the lock: nothing is reserved past one).
func (l *Ledger) Reserve(req Request) (*Reservation, error) {
	if req.Value == nil || req.Fee == nil || req.Caps.MaxValue == nil || req.Caps.MaxFees == nil || req.Value.Sign() < 0 || req.Fee.Sign() < 0 ||
		(req.Token != nil && (req.Amount == nil || req.Amount.Sign() < 0 || req.Caps.TokenMax == nil)) {
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
	v := l.viewLocked(req.Time)
	have := wire.Hint{Spent: wire.NewQuantity(v.Spent), Fees: wire.NewQuantity(v.Fees), Txs: v.Txs}
	if req.Token != nil {
		have.TokenSpent = wire.NewQuantity(v.TokenSpent(*req.Token))
	}
	if !req.Expect.Equal(&have) {
		return nil, wire.Errorf(wire.StaleState, "the window changed: %s", req.Expect.Diff(&have))
	}
	over := func(what string, sum, add, limit *big.Int) error {
		if total := new(big.Int).Add(sum, add); total.Cmp(limit) > 0 {
			return wire.Errorf(wire.WindowExceeded, "%s: %s would bring the window to %s, above %s", what, add, total, limit)
		}
		return nil
	}
	if err := over("value", v.Spent, req.Value, req.Caps.MaxValue); err != nil {
		return nil, err
	}
	if err := over("fees", v.Fees, req.Fee, req.Caps.MaxFees); err != nil {
		return nil, err
	}
	if v.Txs+1 > req.Caps.MaxTxs {
		return nil, wire.Errorf(wire.WindowExceeded, "transactions: %d already in the window, the cap is %d", v.Txs, req.Caps.MaxTxs)
	}
	s := &Spend{ID: req.ID, Nonce: wire.Uint64(req.Nonce), Time: req.Time, Value: wire.NewQuantity(req.Value), Fee: wire.NewQuantity(req.Fee)}
	if req.Token != nil {
		if err := over("token "+req.Token.Hex(), v.TokenSpent(*req.Token), req.Amount, req.Caps.TokenMax); err != nil {
			return nil, err
		}
		tok, amt := *req.Token, wire.NewQuantity(req.Amount)
		s.Token, s.Amount = &tok, &amt
	}
	l.prune(req.Time)
	l.spends = append(l.spends, s)
	l.nonce++
	l.remember(req.ID)
	l.version++
	return &Reservation{l: l, spend: s}, nil
}

// SigKeyLen is the length of a signature's replay key: the EIP-712 domain
// separator and the struct's nonce word.
const SigKeyLen = 64

// MaxSignatures bounds the signature records a ledger holds (each kept
// until its deadline bound); past it ReserveSignature refuses with
// window_exceeded rather than forget a replay key.
const MaxSignatures = 1 << 15

// SigRequest is what ReserveSignature checks and records for a typed-data
// signature: its replay key, how long to keep it, its token spend (if any)
// and the token sum the proof was verified against.
type SigRequest struct {
	ID     string
	Time   uint64
	Key    []byte // SigKeyLen bytes
	Until  uint64 // keep the replay record until then (≥ Time)
	Token  *wire.Address
	Amount *big.Int // with Token
	// ExpectTokenSpent is Token's sum the proof was verified against.
	ExpectTokenSpent *big.Int
	TokenMax         *big.Int // Token's windowMax (with Token)
}

// ReserveSignature atomically checks req against the current state and, if
// it holds, records the replay key and counts the token amount (no nonce,
// fee or transaction count). Errors: replay (the id was signed, or the key
// is recorded), stale_state (the token sum moved), window_exceeded (the
// token window, or MaxSignatures records).
func (l *Ledger) ReserveSignature(req SigRequest) (*Reservation, error) {
	if len(req.Key) != SigKeyLen || req.Until < req.Time ||
		(req.Token != nil && (req.Amount == nil || req.Amount.Sign() < 0 || req.TokenMax == nil || req.ExpectTokenSpent == nil)) {
		return nil, wire.Errorf(wire.Internal, "ledger: incomplete signature request")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.seen[req.ID]; ok {
		return nil, wire.Errorf(wire.Replay, "proposal %s was already signed", req.ID)
	}
	l.prune(req.Time)
	n := 0
	for _, s := range l.spends {
		if s.Sig != nil {
			n++
			if bytes.Equal(s.Sig, req.Key) {
				return nil, wire.Errorf(wire.Replay, "this domain and nonce were already signed (proposal %s)", s.ID)
			}
		}
	}
	if n >= MaxSignatures {
		return nil, wire.Errorf(wire.WindowExceeded, "signatures: %d replay records are kept, the most the signer holds", n)
	}
	s := &Spend{ID: req.ID, Time: req.Time, Sig: append(wire.Bytes(nil), req.Key...), Until: req.Until}
	if req.Token != nil {
		v := l.viewLocked(req.Time)
		have := v.TokenSpent(*req.Token)
		if have.Cmp(req.ExpectTokenSpent) != 0 {
			return nil, wire.Errorf(wire.StaleState, "the window of %s changed: proven against %s, now %s", req.Token.Hex(), req.ExpectTokenSpent, have)
		}
		if total := new(big.Int).Add(have, req.Amount); total.Cmp(req.TokenMax) > 0 {
			return nil, wire.Errorf(wire.WindowExceeded, "token %s: %s would bring the window to %s, above %s", req.Token.Hex(), req.Amount, total, req.TokenMax)
		}
		tok, amt := *req.Token, wire.NewQuantity(req.Amount)
		s.Token, s.Amount = &tok, &amt
	}
	l.spends = append(l.spends, s)
	l.remember(req.ID)
	l.version++
	return &Reservation{l: l, spend: s}, nil
}

// Stage records the hash of the signature made under the reservation
// before the ledger is persisted, so that one write carries the
// reservation and its hash; Commit then closes it, or Release undoes it
// (the write failed and the signature never left): Release drops the
// staged hash when it cannot roll the spend back.
func (r *Reservation) Stage(txHash wire.Hash32) {
	r.l.mu.Lock()
	defer r.l.mu.Unlock()
	if r.done {
		return
	}
	h := txHash
	r.spend.TxHash = &h
	r.l.version++
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
	if n == 0 || l.spends[n-1] != r.spend || r.spend.Sig == nil && uint64(r.spend.Nonce)+1 != l.nonce {
		if r.spend.TxHash != nil { // staged, never released
			r.spend.TxHash = nil
			l.version++
		}
		return false
	}
	l.spends = l.spends[:n-1]
	if r.spend.Sig == nil {
		l.nonce--
	}
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
		if counts(s.Time, l.window, now) || s.Sig != nil && now <= s.Until {
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
//
// The signer writes the ledger with every signature, so Marshal appends
// the JSON by hand: the very bytes json.Marshal gives for the same state
// (TestMarshalMatchesEncodingJSON), without reflection.
func (l *Ledger) Marshal() ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := make([]byte, 0, 128+len(l.spends)*320+len(l.order)*24)
	b = append(b, `{"version":`...)
	b = strconv.AppendInt(b, StateVersion, 10)
	b = append(b, `,"window":`...)
	b = strconv.AppendUint(b, l.window, 10)
	b = append(b, `,"nonce":"0x`...)
	b = strconv.AppendUint(b, l.nonce, 16)
	b = append(b, `","spends":[`...)
	for i, s := range l.spends {
		if i > 0 {
			b = append(b, ',')
		}
		if s == nil {
			b = append(b, "null"...)
			continue
		}
		b = appendSpend(b, s)
	}
	b = append(b, `],"seen":[`...)
	for i, id := range l.order {
		if i > 0 {
			b = append(b, ',')
		}
		b = wire.AppendJSONString(b, id)
	}
	return append(b, "]}"...), nil
}

// appendSpend appends s as json.Marshal encodes a Spend.
func appendSpend(b []byte, s *Spend) []byte {
	b = append(b, `{"id":`...)
	b = wire.AppendJSONString(b, s.ID)
	b = append(b, `,"nonce":`...)
	b = s.Nonce.AppendJSON(b)
	b = append(b, `,"time":`...)
	b = strconv.AppendUint(b, s.Time, 10)
	b = append(b, `,"value":`...)
	b = s.Value.AppendJSON(b)
	b = append(b, `,"fee":`...)
	b = s.Fee.AppendJSON(b)
	if s.Token != nil {
		b = append(b, `,"token":`...)
		b = s.Token.AppendJSON(b)
	}
	if s.Amount != nil {
		b = append(b, `,"amount":`...)
		b = s.Amount.AppendJSON(b)
	}
	if s.TxHash != nil {
		b = append(b, `,"txHash":`...)
		b = s.TxHash.AppendJSON(b)
	}
	if len(s.Sig) > 0 {
		b = append(b, `,"sig":"0x`...)
		b = hex.AppendEncode(b, s.Sig)
		b = append(b, '"')
	}
	if s.Until != 0 {
		b = append(b, `,"until":`...)
		b = strconv.AppendUint(b, s.Until, 10)
	}
	return append(b, '}')
}

// Restore decodes a serialized ledger. A non-zero cfg.Window must match the
// stored window: a different policy window means the state belongs to
// another policy and is refused with unknown_policy. A zero cfg.Window takes
// the stored one.
func Restore(data []byte, cfg Config) (*Ledger, error) {
	var head struct {
		Version *int `json:"version"`
	}
	if json.Unmarshal(data, &head) == nil && head.Version != nil && *head.Version != StateVersion {
		return nil, wire.Errorf(wire.Malformed, "ledger: version %d is not supported (want %d; a version 1 ledger belongs to a policy v1 signer)", *head.Version, StateVersion)
	}
	var st stateJSON
	if err := wire.DecodeStrict(data, &st, "ledger"); err != nil {
		return nil, err
	}
	if st.Version != StateVersion {
		return nil, wire.Errorf(wire.Malformed, "ledger: version %d is not supported (want %d; a version 1 ledger belongs to a policy v1 signer)", st.Version, StateVersion)
	}
	if cfg.Window == 0 {
		cfg.Window = st.Window
	}
	if st.Window != cfg.Window {
		return nil, wire.Errorf(wire.UnknownPolicy, "ledger: stored window %d s differs from the policy's %d s", st.Window, cfg.Window)
	}
	if len(st.Spends) > MaxSpends {
		return nil, wire.Errorf(wire.Malformed, "ledger: %d spends, at most %d", len(st.Spends), MaxSpends)
	}
	l := New(cfg, uint64(st.Nonce))
	for _, s := range st.Spends {
		if s == nil || !wire.ValidID(s.ID) || s.Value.BitLen() > wire.MaxSpentBits || s.Fee.BitLen() > wire.MaxFeesBits ||
			(s.Token == nil) != (s.Amount == nil) || (s.Amount != nil && s.Amount.BitLen() > wire.MaxSpentBits) {
			return nil, wire.Errorf(wire.Malformed, "ledger: bad spend entry")
		}
		if s.Sig != nil {
			if len(s.Sig) != SigKeyLen || s.Nonce != 0 || s.Value.Sign() != 0 || s.Fee.Sign() != 0 {
				return nil, wire.Errorf(wire.Malformed, "ledger: bad signature entry")
			}
		} else if uint64(s.Nonce) >= l.nonce {
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
