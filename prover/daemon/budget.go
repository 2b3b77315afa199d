package daemon

import (
	"math/big"
	"sort"
	"sync"
	"time"
)

// WindowRule is one rolling-window budget rule and where it stands: what
// get_wallet_details shows and what a refusal's hint is made of.
type WindowRule struct {
	Rule    string   // the policy rule ("window": policy v1's native value window)
	Token   string   // "" for the native coin, or the token's address
	Spent   *big.Int // counted in the window now
	Cap     *big.Int
	Seconds uint64 // the window's length
	// ResetsAt is when the oldest spend still counted leaves the window
	// (zero when nothing is counted), and Frees what leaves then. Both are
	// upper bounds: the daemon stamps a spend when the signed receipt
	// arrives, after the signer counted it.
	ResetsAt time.Time
	Frees    *big.Int
}

// Remaining is what the rule still allows (never negative).
func (w WindowRule) Remaining() *big.Int {
	r := new(big.Int).Sub(w.Cap, w.Spent)
	if r.Sign() < 0 {
		r.SetInt64(0)
	}
	return r
}

// Budget reports every window rule of the policy at a time. The daemon's
// spend ledger implements it for policy v1's value window, from what it
// learns from receipts (its signed proposals, and the signer's own spend
// carried by stale_state receipts).
type Budget interface {
	Windows(now time.Time) []WindowRule
}

// spend is one native spend the signer counted, as the daemon knows it.
type spend struct {
	at    time.Time
	value *big.Int
}

// spendLedger is the daemon's view of the signer's rolling value window.
// It is a view, not a control: the signer keeps the real ledger and refuses
// a proof made against another spend (stale_state, with its own figure).
type spendLedger struct {
	mu     sync.Mutex
	window time.Duration
	cap    *big.Int
	spends []spend // oldest first
}

func newSpendLedger(seconds uint64, cap *big.Int) *spendLedger {
	return &spendLedger{window: time.Duration(seconds) * time.Second, cap: new(big.Int).Set(cap)}
}

// prune drops the spends that left the window at now; callers hold mu.
func (l *spendLedger) prune(now time.Time) {
	i := 0
	for i < len(l.spends) && now.Sub(l.spends[i].at) >= l.window {
		i++
	}
	l.spends = l.spends[i:]
}

func (l *spendLedger) spent(now time.Time) *big.Int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	s := new(big.Int)
	for _, sp := range l.spends {
		s.Add(s, sp.value)
	}
	return s
}

// add counts a signed spend at now.
func (l *spendLedger) add(now time.Time, v *big.Int) {
	if v.Sign() == 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.spends = append(l.spends, spend{at: now, value: new(big.Int).Set(v)})
	sort.SliceStable(l.spends, func(a, b int) bool { return l.spends[a].at.Before(l.spends[b].at) })
}

// adopt makes the view agree with the signer's own spend s at now. When the
// signer counts more than the view, the difference (spends the daemon did
// not see: another agent host, a restart) is stamped now, the latest it can
// have happened; when it counts less, the oldest spends of the view have
// left the signer's window and are dropped.
func (l *spendLedger) adopt(now time.Time, s *big.Int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	have := new(big.Int)
	for _, sp := range l.spends {
		have.Add(have, sp.value)
	}
	switch have.Cmp(s) {
	case -1:
		l.spends = append(l.spends, spend{at: now, value: new(big.Int).Sub(s, have)})
	case 1:
		excess := new(big.Int).Sub(have, s)
		for len(l.spends) > 0 && excess.Sign() > 0 {
			first := l.spends[0]
			if first.value.Cmp(excess) <= 0 {
				excess.Sub(excess, first.value)
				l.spends = l.spends[1:]
				continue
			}
			l.spends[0] = spend{at: first.at, value: new(big.Int).Sub(first.value, excess)}
			excess.SetInt64(0)
		}
	}
}

// Windows implements Budget for the v1 value window.
func (l *spendLedger) Windows(now time.Time) []WindowRule {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	w := WindowRule{Rule: "window", Spent: new(big.Int), Cap: new(big.Int).Set(l.cap),
		Seconds: uint64(l.window / time.Second), Frees: new(big.Int)}
	for _, sp := range l.spends {
		w.Spent.Add(w.Spent, sp.value)
	}
	if len(l.spends) > 0 {
		first := l.spends[0].at
		w.ResetsAt = first.Add(l.window)
		for _, sp := range l.spends {
			if sp.at.Equal(first) {
				w.Frees.Add(w.Frees, sp.value)
			}
		}
	}
	return []WindowRule{w}
}
