package daemon

import (
	"math/big"
	"sort"
	"sync"
	"time"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/wire"
)

// WindowRule is one rolling-window budget rule and where it stands: what
// get_wallet_details shows and what a refusal's hint is made of.
type WindowRule struct {
	Rule    string   // the policy rule: window (native value), fee_window, tx_count or token_window
	Token   string   // "" for the native coin (and fees, count), or the token's address
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
// spend ledger implements it from what it learns from receipts (its signed
// proposals, and the signer's own sums carried by stale_state receipts).
type Budget interface {
	Windows(now time.Time) []WindowRule
}

// spend is one amount the signer counted in one window sum, as the daemon
// knows it.
type spend struct {
	at    time.Time
	value *big.Int
}

// spendList is one window sum of the daemon's view: its spends, oldest
// first.
type spendList []spend

// prune drops the spends that left the window at now.
func (l *spendList) prune(now time.Time, window time.Duration) {
	i := 0
	for i < len(*l) && now.Sub((*l)[i].at) >= window {
		i++
	}
	*l = (*l)[i:]
}

func (l spendList) sum() *big.Int {
	s := new(big.Int)
	for _, sp := range l {
		s.Add(s, sp.value)
	}
	return s
}

func (l *spendList) add(now time.Time, v *big.Int) {
	if v.Sign() == 0 {
		return
	}
	*l = append(*l, spend{at: now, value: new(big.Int).Set(v)})
	sort.SliceStable(*l, func(a, b int) bool { return (*l)[a].at.Before((*l)[b].at) })
}

// adopt makes the list agree with the signer's own sum s at now. When the
// signer counts more than the view, the difference (spends the daemon did
// not see: another agent host, a restart) is stamped now, the latest it can
// have happened; when it counts less, the oldest spends of the view have
// left the signer's window and are dropped.
func (l *spendList) adopt(now time.Time, s *big.Int) {
	have := l.sum()
	switch have.Cmp(s) {
	case -1:
		*l = append(*l, spend{at: now, value: new(big.Int).Sub(s, have)})
	case 1:
		excess := new(big.Int).Sub(have, s)
		for len(*l) > 0 && excess.Sign() > 0 {
			first := (*l)[0]
			if first.value.Cmp(excess) <= 0 {
				excess.Sub(excess, first.value)
				*l = (*l)[1:]
				continue
			}
			(*l)[0] = spend{at: first.at, value: new(big.Int).Sub(first.value, excess)}
			excess.SetInt64(0)
		}
	}
}

// rule reports the list as a window rule.
func (l spendList) rule(name, token string, cap *big.Int, window time.Duration) WindowRule {
	w := WindowRule{Rule: name, Token: token, Spent: l.sum(), Cap: new(big.Int).Set(cap),
		Seconds: uint64(window / time.Second), Frees: new(big.Int)}
	if len(l) > 0 {
		first := l[0].at
		w.ResetsAt = first.Add(window)
		for _, sp := range l {
			if sp.at.Equal(first) {
				w.Frees.Add(w.Frees, sp.value)
			}
		}
	}
	return w
}

// spendLedger is the daemon's view of the signer's rolling window (policy
// v2): native value, fees, transaction count and each token window. It is a
// view, not a control: the signer keeps the real ledger and refuses a proof
// made against other sums (stale_state, with its own figures).
type spendLedger struct {
	mu     sync.Mutex
	pol    *policy.Policy
	window time.Duration
	value  spendList
	fees   spendList
	txs    spendList // one spend of 1 per transaction
	tokens map[wire.Address]*spendList
}

func newSpendLedger(pol *policy.Policy) *spendLedger {
	return &spendLedger{pol: pol, window: time.Duration(pol.Window.Seconds) * time.Second, tokens: map[wire.Address]*spendList{}}
}

func (l *spendLedger) pruneLocked(now time.Time) {
	l.value.prune(now, l.window)
	l.fees.prune(now, l.window)
	l.txs.prune(now, l.window)
	for _, t := range l.tokens {
		t.prune(now, l.window)
	}
}

func (l *spendLedger) token(a wire.Address) *spendList {
	t, ok := l.tokens[a]
	if !ok {
		t = &spendList{}
		l.tokens[a] = t
	}
	return t
}

// state is the view at now as the prover's State (no nonce).
func (l *spendLedger) state(now time.Time) *wire.State {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pruneLocked(now)
	st := &wire.State{Time: uint64(now.Unix()), Spent: wire.NewQuantity(l.value.sum()), Fees: wire.NewQuantity(l.fees.sum()),
		Txs: uint64(len(l.txs))}
	for a, t := range l.tokens {
		st.SetTokenSpent(a, t.sum())
	}
	return st
}

// add counts a signed transaction at now: its value, fee, one transaction
// and its token spend.
func (l *spendLedger) add(now time.Time, tx *wire.Tx) {
	var u wire.State
	l.pol.Count(&u, tx)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.value.add(now, &u.Spent.Int)
	l.fees.add(now, &u.Fees.Int)
	l.txs.add(now, big.NewInt(1))
	for _, t := range u.Tokens {
		l.token(t.Token).add(now, &t.Spent.Int)
	}
}

// adopt makes the view agree with the signer's sums h at now, as a receipt
// for tx carries them (its token sum is tx's token's).
func (l *spendLedger) adopt(now time.Time, tx *wire.Tx, h *wire.Hint) {
	m, err := l.pol.Match(tx)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pruneLocked(now)
	l.value.adopt(now, &h.Spent.Int)
	l.fees.adopt(now, &h.Fees.Int)
	l.txs.adoptCount(now, h.Txs)
	if err == nil && m.Spends {
		l.token(m.SpendToken).adopt(now, &h.TokenSpent.Int)
	}
}

// adoptCount is adopt for the count list (spends of 1 each).
func (l *spendList) adoptCount(now time.Time, n uint64) {
	for uint64(len(*l)) > n {
		*l = (*l)[1:]
	}
	for uint64(len(*l)) < n {
		*l = append(*l, spend{at: now, value: big.NewInt(1)})
	}
}

// Windows implements Budget: every window rule of the policy.
func (l *spendLedger) Windows(now time.Time) []WindowRule {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pruneLocked(now)
	p := l.pol
	out := []WindowRule{
		l.value.rule(policy.RuleWindow, "", &p.Window.MaxValue.Int, l.window),
		l.fees.rule(policy.RuleFeeWindow, "", &p.Window.MaxFees.Int, l.window),
		l.txs.rule(policy.RuleTxCount, "", new(big.Int).SetUint64(p.Window.MaxTxs), l.window),
	}
	for _, w := range p.TokenWindows() {
		list := l.tokens[w.Token]
		if list == nil {
			list = &spendList{}
		}
		out = append(out, list.rule(policy.RuleTokenWindow, w.Token.Hex(), w.Max, l.window))
	}
	return out
}
