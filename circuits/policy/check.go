package policy

import (
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/leash-wallet/leash/wire"
)

// Rule names, as they appear in policy_violation:<rule> codes.
const (
	RuleCalldata    = "calldata"     // calldata is not empty or a selector and 0…8 whole words
	RuleChain       = "chain"        // chain id differs from the policy's
	RuleTime        = "time"         // outside notBefore…notAfter
	RuleTarget      = "target"       // `to` is not a target with calls
	RuleCall        = "call"         // no call of the target has this selector and length
	RuleProgramOnly = "program_only" // the call is reserved for program proofs
	RuleArg         = "arg"          // a calldata word breaks its rule
	RuleValue       = "value"        // value above the per-transaction cap
	RuleWindow      = "window"       // value spent in the window plus value above the window cap
	RuleFee         = "fee"          // gas × maxFeePerGas above the per-transaction fee cap
	RuleFeeWindow   = "fee_window"   // fees in the window plus this fee above window.maxFees
	RuleTxCount     = "tx_count"     // the window already holds window.maxTxs transactions
	RuleTokenWindow = "token_window" // token spent in the window plus the spend above windowMax
	RuleSignature   = "signature"    // no signature rule has this domain, name, version and type
	RuleValidity    = "validity"     // a deadline field beyond the signer's clock + maxValidity
)

// Rules lists every rule in the order Check tests them.
var Rules = []string{RuleCalldata, RuleChain, RuleTime, RuleTarget, RuleCall, RuleProgramOnly, RuleArg,
	RuleValue, RuleWindow, RuleFee, RuleFeeWindow, RuleTxCount, RuleTokenWindow}

// Match is the call of the policy that allows a transaction's (to,
// calldata), with its spend: the token window the call counts toward and
// the amount (the sum of its spend words). The prover, the signer and the
// display use it; Check adds the windows and caps.
type Match struct {
	Call        *CallRule
	Data        *Calldata
	Spends      bool         // the call counts toward a token window
	SpendToken  wire.Address // that token (zero when Spends is false)
	SpendAmount *big.Int     // 0 when Spends is false
	Window      *TokenWindow // the token's window (nil when Spends is false)

	target  int
	call    int
	setLeaf [SetsPerCall]int // index in each used set, -1 otherwise
}

// Match finds the call that allows tx's (to, calldata) and checks every
// argument word against its rule. Errors: policy_violation:calldata,
// target, call or arg.
func (p *Policy) Match(tx *wire.Tx) (*Match, error) {
	m, err := p.Locate(tx)
	if err != nil {
		return nil, err
	}
	if err := m.checkWords(); err != nil {
		return nil, err
	}
	return m, nil
}

// checkWords checks every argument word of a located call against its rule.
func (m *Match) checkWords() error {
	for i := range m.Call.Slots {
		if err := m.word(i); err != nil {
			return err
		}
	}
	if m.Spends && m.Window == nil {
		// Decode makes every token a call can spend have a window.
		return wire.Violation(RuleTokenWindow, "%s has no token window", m.SpendToken.Hex())
	}
	return nil
}

// Locate finds the call of tx's (to, selector, length) without checking
// its argument rules, and reads its spend as the circuit would. The prover
// uses it to build a witness for a transaction the pre-check was told to
// skip (the circuit must then refuse); everything else uses Match.
func (p *Policy) Locate(tx *wire.Tx) (*Match, error) {
	d, ok := SplitCalldata(tx.Data)
	if !ok {
		return nil, wire.Violation(RuleCalldata, "calldata of %d bytes is not empty or a selector and 0 to %d whole 32-byte words", len(tx.Data), Words)
	}
	ti := p.target(tx.To)
	if ti < 0 {
		return nil, wire.Violation(RuleTarget, "%s is not an allowed target", tx.To.Hex())
	}
	t := p.targets[ti]
	sel := d.Selector
	if d.Len == 0 {
		sel = ValueTransferSelector
	}
	ci := -1
	for i, cr := range t.calls {
		if cr.Selector == sel && cr.Words == d.Words() {
			ci = i
		}
	}
	if ci < 0 {
		return nil, wire.Violation(RuleCall, "%s on %s is not an allowed call; allowed: %s", describeData(d), tx.To.Hex(), t.allowed())
	}
	return newMatch(p, t.calls[ci], d, tx.To, ti, ci), nil
}

// newMatch reads the spend of call cr (of target ti, call ci; -1 for a
// signature rule) on words d, whose target (or verifying contract) is to.
func newMatch(p *Policy, cr *CallRule, d *Calldata, to wire.Address, ti, ci int) *Match {
	m := &Match{Call: cr, Data: d, SpendAmount: new(big.Int), target: ti, call: ci, setLeaf: [SetsPerCall]int{-1, -1}}
	for i, s := range cr.Slots {
		if s.Set >= 0 {
			m.setLeaf[s.Set] = cr.Sets[s.Set].find(d.Word(i))
		}
		if s.Flags&FlagSpend != 0 {
			m.SpendAmount.Add(m.SpendAmount, d.Lo[i])
		}
	}
	if cr.SpendMode == SpendNone {
		return m
	}
	m.Spends = true
	switch cr.SpendMode {
	case SpendTarget:
		m.SpendToken = to
	case SpendFixed:
		m.SpendToken = cr.SpendToken
	case SpendArg:
		w := d.Word(cr.TokenArg)
		copy(m.SpendToken[:], w.FillBytes(make([]byte, 32))[12:])
	}
	m.Window = p.TokenWindow(m.SpendToken)
	return m
}

// find returns the index of word's leaf in the set, or -1.
func (s *CallSet) find(word *big.Int) int {
	if word.BitLen() > AddressBits {
		return -1
	}
	leaf := Elem(new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), AddressBits), word))
	k := sort.Search(len(s.leaves), func(k int) bool { return s.leaves[k].Cmp(&leaf) >= 0 })
	if k == len(s.leaves) || !s.leaves[k].Equal(&leaf) {
		return -1
	}
	return k
}

var setHiLimit = new(big.Int).Lsh(big.NewInt(1), SetHiBits)

// word checks calldata word i against its rule, exactly as the circuit does.
func (m *Match) word(i int) error {
	s := &m.Call.Slots[i]
	hi, lo := m.Data.Hi[i], m.Data.Lo[i]
	bad := func(format string, args ...any) error {
		return wire.Violation(RuleArg, "%s: %s (word %d of %s)", s.Name, fmt.Sprintf(format, args...), i, m.Call.display())
	}
	if s.Flags&FlagEq != 0 && (hi.Cmp(s.Ops[0]) != 0 || lo.Cmp(s.Ops[1]) != 0) {
		return bad("is %s, the rule allows only %s", showWord(m.Data.Word(i), s.Type), showWord(join(s.Ops), s.Type))
	}
	if s.Flags&(FlagRange|FlagSpend) != 0 && hi.Sign() != 0 {
		return bad("is %s, at least 2^128", m.Data.Word(i))
	}
	if s.Flags&FlagRange != 0 {
		if lo.Cmp(s.Ops[0]) > 0 {
			return bad("is %s, the rule allows at most %s", lo, s.Ops[0])
		}
		if lo.Cmp(s.Ops[1]) < 0 {
			return bad("is %s, the rule allows at least %s", lo, s.Ops[1])
		}
	}
	if s.Flags&(FlagSetA|FlagSetB|FlagTokenArg) != 0 && hi.Cmp(setHiLimit) >= 0 {
		return bad("is %s, not an address", m.Data.Word(i))
	}
	if s.Set >= 0 && m.setLeaf[s.Set] < 0 {
		return bad("%s is not one of the %d allowed addresses", showWord(m.Data.Word(i), "address"), len(m.Call.Sets[s.Set].Members))
	}
	return nil
}

// Check applies every rule to tx natively at st.Time with the window sums
// of st. It returns nil or a policy_violation:<rule> error for the first
// broken rule. It is the native twin of the circuit: whatever Check accepts
// the circuit proves, and whatever it refuses cannot be proven. A call
// marked programOnly is refused (policy_violation:program_only): only a
// program proof may use it (CheckProgram).
func (p *Policy) Check(tx *wire.Tx, st *wire.State) error {
	_, err := p.check(tx, st, false)
	return err
}

// CheckProgram is Check for a transaction a program proof carries: calls
// marked programOnly are allowed.
func (p *Policy) CheckProgram(tx *wire.Tx, st *wire.State) error {
	_, err := p.check(tx, st, true)
	return err
}

func (p *Policy) check(tx *wire.Tx, st *wire.State, allowProgramOnly bool) (*Match, error) {
	if err := tx.Check(); err != nil {
		return nil, err
	}
	if err := st.Check(); err != nil {
		return nil, wire.Errorf(wire.Malformed, "state: %s", wire.MessageOf(err))
	}
	if _, ok := SplitCalldata(tx.Data); !ok {
		return nil, wire.Violation(RuleCalldata, "calldata of %d bytes is not empty or a selector and 0 to %d whole 32-byte words", len(tx.Data), Words)
	}
	if uint64(tx.ChainID) != p.ChainID {
		return nil, wire.Violation(RuleChain, "chain id %d, the policy allows only %d", tx.ChainID, p.ChainID)
	}
	now := st.Time
	if now < uint64(p.NotBefore) {
		return nil, wire.Violation(RuleTime, "the policy is valid from %d, the time is %d", p.NotBefore, now)
	}
	if now > uint64(p.NotAfter) {
		return nil, wire.Violation(RuleTime, "the policy expired at %d, the time is %d", p.NotAfter, now)
	}
	m, err := p.Locate(tx)
	if err != nil {
		return nil, err
	}
	if m.Call.ProgramOnly && !allowProgramOnly {
		return nil, wire.Violation(RuleProgramOnly, "%s on %s is reserved for program proofs", m.Call.display(), tx.To.Hex())
	}
	if err := m.checkWords(); err != nil {
		return nil, err
	}
	value := &tx.Value.Int
	if value.Cmp(&p.MaxValuePerTx.Int) > 0 {
		return nil, wire.Violation(RuleValue, "value %s is above the per-transaction cap %s", formatWei(value), formatWei(&p.MaxValuePerTx.Int))
	}
	if total := new(big.Int).Add(&st.Spent.Int, value); total.Cmp(&p.Window.MaxValue.Int) > 0 {
		return nil, wire.Violation(RuleWindow, "%s already spent in the window plus %s is above the window cap %s (at most %s more would pass)",
			formatWei(&st.Spent.Int), formatWei(value), formatWei(&p.Window.MaxValue.Int), formatWei(room(&p.Window.MaxValue.Int, &st.Spent.Int)))
	}
	fee := TxFee(tx)
	if fee.Cmp(&p.MaxFeePerTx.Int) > 0 {
		return nil, wire.Violation(RuleFee, "gas × maxFeePerGas = %s is above the fee cap %s", formatWei(fee), formatWei(&p.MaxFeePerTx.Int))
	}
	if total := new(big.Int).Add(&st.Fees.Int, fee); total.Cmp(&p.Window.MaxFees.Int) > 0 {
		return nil, wire.Violation(RuleFeeWindow, "%s of fees already committed in the window plus %s is above window.maxFees %s (a fee of at most %s would pass)",
			formatWei(&st.Fees.Int), formatWei(fee), formatWei(&p.Window.MaxFees.Int), formatWei(room(&p.Window.MaxFees.Int, &st.Fees.Int)))
	}
	if st.Txs+1 > p.Window.MaxTxs {
		return nil, wire.Violation(RuleTxCount, "%d transactions already signed in the window, window.maxTxs is %d", st.Txs, p.Window.MaxTxs)
	}
	if m.Spends {
		spent := st.TokenSpent(m.SpendToken)
		if total := new(big.Int).Add(spent, m.SpendAmount); total.Cmp(m.Window.Max) > 0 {
			return nil, wire.Violation(RuleTokenWindow, "%s already spent in the window plus %s is above its window cap %s (at most %s more would pass)",
				m.Window.Format(spent), m.Window.Format(m.SpendAmount), m.Window.Format(m.Window.Max), m.Window.Format(room(m.Window.Max, spent)))
		}
	}
	return m, nil
}

// TxFee is the most a transaction can pay in fees: gas × maxFeePerGas.
func TxFee(tx *wire.Tx) *big.Int {
	return new(big.Int).Mul(new(big.Int).SetUint64(uint64(tx.Gas)), &tx.MaxFeePerGas.Int)
}

func room(limit, used *big.Int) *big.Int {
	r := new(big.Int).Sub(limit, used)
	if r.Sign() < 0 {
		r.SetInt64(0)
	}
	return r
}

// Format renders an amount of the window's token: "250 USDC" with a
// symbol and decimals, else base units.
func (w *TokenWindow) Format(v *big.Int) string {
	if w.Symbol != "" && w.Decimals >= 0 {
		unit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(w.Decimals)), nil)
		r := new(big.Rat).SetFrac(v, unit)
		s := r.FloatString(w.Decimals)
		if w.Decimals > 0 {
			s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		}
		return s + " " + w.Symbol
	}
	name := w.Symbol
	if name == "" {
		name = w.Token.Hex()
	}
	return v.String() + " base units of " + name
}

func describeData(d *Calldata) string {
	if d.Len == 0 {
		return "a plain value transfer"
	}
	return fmt.Sprintf("function 0x%08x with %d words", d.Selector, d.Words())
}

// display names a call for messages.
func (cr *CallRule) display() string {
	if cr.Selector == ValueTransferSelector {
		return "a plain value transfer"
	}
	return cr.Fn
}

// allowed lists a target's calls for messages.
func (t *targetLeaf) allowed() string {
	var names []string
	for _, cr := range t.calls {
		name := cr.display()
		if cr.Selector != ValueTransferSelector {
			name = fmt.Sprintf("%s with %d words", name, cr.Words)
		}
		names = append(names, name)
	}
	return strings.Join(names, ", ")
}

// showWord renders a word value for messages, as an address when typ is
// one and the value fits.
func showWord(v *big.Int, typ string) string {
	if typ == "address" && v.BitLen() <= AddressBits {
		var a wire.Address
		v.FillBytes(a[:])
		return a.Hex()
	}
	if v.BitLen() > 64 {
		return "0x" + v.Text(16)
	}
	return v.String()
}

// MembershipWitness is everything the circuit needs besides the
// transaction to show that a match is allowed: the target, call, set and
// token-window paths.
type MembershipWitness struct {
	CallsRoot   fr.Element
	TargetPath  Proof
	CallPath    Proof
	SetPaths    [SetsPerCall]Proof
	SetLeaves   [SetsPerCall]fr.Element // 0 for an unused set
	WindowMax   *big.Int                // 0 when the call spends nothing
	WindowPath  Proof
	TokenWindow fr.Element
}

// Witness returns the Merkle paths of a match (from Match).
func (p *Policy) Witness(m *Match) MembershipWitness {
	t := p.targets[m.target]
	w := p.memberWitness(m)
	w.CallsRoot, w.TargetPath, w.CallPath = t.tree.Root(), p.tree.Prove(m.target), t.tree.Prove(m.call)
	return w
}

// memberWitness is the set and token-window part of a match's witness.
func (p *Policy) memberWitness(m *Match) MembershipWitness {
	w := MembershipWitness{WindowMax: new(big.Int), WindowPath: EmptyProof(TokenDepth)}
	for k := range w.SetPaths {
		w.SetPaths[k] = EmptyProof(SetDepth)
		if set := m.Call.Sets[k]; set != nil && m.setLeaf[k] >= 0 {
			w.SetPaths[k] = set.tree.Prove(m.setLeaf[k])
			w.SetLeaves[k] = set.leaves[m.setLeaf[k]]
		}
	}
	if m.Spends && m.Window != nil {
		w.WindowMax.Set(m.Window.Max)
		w.WindowPath = p.tokenTree.Prove(p.tokenIndex(m.SpendToken))
	}
	return w
}
