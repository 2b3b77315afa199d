package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/leash-wallet/leash/wire"
)

// Version is the policy format version this package reads.
//
// Changelog (docs/policy.md has the details):
//   - 2: account, calls with argument rules, fee/count/token windows,
//     programOnly calls; selectors, valueTransfer and erc20 go away.
//   - 1: targets with selectors and an ERC-20 block.
const Version = 2

// Policy is a validated spending policy. Build one with Decode; the fields
// are then normalized (targets sorted by address) and must not be modified.
type Policy struct {
	Version       int          `json:"version"`
	Name          string       `json:"name,omitempty"`
	ChainID       uint64       `json:"chainId"`
	Account       wire.Address `json:"account"`
	NotBefore     Timestamp    `json:"notBefore"`
	NotAfter      Timestamp    `json:"notAfter"`
	MaxValuePerTx Amount       `json:"maxValuePerTx"`
	MaxFeePerTx   Amount       `json:"maxFeePerTx"`
	Window        Window       `json:"window"`
	Targets       []Target     `json:"targets"`
	// MaxValidity bounds the deadline fields of signed typed data (seconds
	// after the signer's clock); required with Signatures.
	MaxValidity uint64          `json:"maxValidity,omitempty"`
	Signatures  []SignatureRule `json:"signatures,omitempty"`
	Salt        wire.Hash32     `json:"salt"`

	commitment wire.Hash32
	targets    []*targetLeaf // sorted by address; targets with calls only
	tree       *Tree
	tokens     []*TokenWindow // sorted by token
	tokenTree  *Tree
	sigs       []*SigRule // sorted by leaf
	sigTree    *Tree
}

// Window is the rolling window and its caps. All of them count what was
// signed within the last Seconds.
type Window struct {
	Seconds  uint64 `json:"seconds"`
	MaxValue Amount `json:"maxValue"` // native value
	MaxFees  Amount `json:"maxFees"`  // Σ gas × maxFeePerGas, whether the tx succeeds or reverts
	MaxTxs   uint64 `json:"maxTxs"`   // number of transactions
}

// Target is one allowlisted contract or account.
type Target struct {
	Address wire.Address `json:"address"`
	Label   string       `json:"label,omitempty"`
	// Symbol and Decimals describe a token for people (not committed);
	// with both set, amounts may be written as "250 USDC".
	Symbol   string `json:"symbol,omitempty"`
	Decimals *int   `json:"decimals,omitempty"`
	// WindowMax declares the token window of this address: the most of it
	// that spend words may move within the window (base units, or with the
	// symbol as unit).
	WindowMax *string `json:"windowMax,omitempty"`
	Calls     []Call  `json:"calls,omitempty"`
}

// Call is one allowed call on a target.
type Call struct {
	// Fn is a canonical signature ("transfer(address,uint256)"), a 0x
	// selector (its args then have explicit rules, one per word), or
	// "transfer-value" for empty calldata.
	Fn          string `json:"fn"`
	Args        []Rule `json:"args,omitempty"`
	ProgramOnly bool   `json:"programOnly,omitempty"`
	// Acknowledge lists the lint findings of this call the user accepts
	// (not committed): "any-address:args[1]", "unruled", "nested-call".
	Acknowledge []string `json:"acknowledge,omitempty"`
}

// TransferValue is the Fn of a plain value transfer (empty calldata).
const TransferValue = "transfer-value"

// TokenWindow is a declared token window.
type TokenWindow struct {
	Token    wire.Address
	Max      *big.Int
	Symbol   string
	Decimals int // -1 when not given
	Label    string
	leaf     fr.Element
}

// targetLeaf is the committed form of a target with calls.
type targetLeaf struct {
	addr  wire.Address
	calls []*CallRule // sorted by key
	tree  *Tree
	leaf  fr.Element
}

// CallRule is a call in its committed form: the call key, the rule of
// every calldata word and the oneOf sets.
type CallRule struct {
	Target      wire.Address
	Fn          string // as written
	Name        string // the function name ("" for 0x selectors and transfer-value)
	Selector    uint64 // ValueTransferSelector for transfer-value
	Words       int    // exact calldata words after the selector
	ProgramOnly bool
	SpendMode   int
	SpendToken  wire.Address // SpendFixed
	TokenArg    int          // the FlagTokenArg word, -1 when none
	Slots       []Slot
	Sets        [SetsPerCall]*CallSet // nil when unused
	Acks        []string
	Where       string // the call's field in the document

	key  *big.Int
	leaf fr.Element
}

// Slot is the rule of one calldata word.
type Slot struct {
	Name  string // "args[1]", "args[2][0]", "args[2] (offset)"…
	Param string // the parameter's type as written ("address[]"), or "word" for 0x selectors
	Type  string // the word's type: address, uintN, …, "word" (unknown), "offset", "length"
	Flags uint8
	Ops   [2]*big.Int
	Set   int // -1, or the index of its oneOf set
	Rule  *Rule
}

// CallSet is a oneOf set of a call.
type CallSet struct {
	Word    int
	Members []wire.Address // sorted by leaf
	leaves  []fr.Element
	tree    *Tree
}

// Decode strictly parses and validates a policy document.
func Decode(data []byte) (*Policy, error) {
	var p Policy
	if err := wire.DecodeStrict(data, (*policyJSON)(&p), "policy"); err != nil {
		return nil, err
	}
	if err := requireKeys(data); err != nil {
		return nil, err
	}
	if err := p.normalize(); err != nil {
		return nil, err
	}
	return &p, nil
}

// policyJSON decodes without re-entering Policy's own methods.
type policyJSON Policy

// requireKeys refuses a document that leaves out a required field (whose
// zero value would silently mean "nothing allowed" or "no limit").
func requireKeys(data []byte) error {
	var top struct {
		Window json.RawMessage `json:"window"`
	}
	var keys map[string]json.RawMessage
	if json.Unmarshal(data, &keys) != nil || json.Unmarshal(data, &top) != nil {
		return wire.Errorf(wire.Malformed, "policy: not a JSON object")
	}
	var probs Problems
	for _, k := range []string{"version", "chainId", "account", "notBefore", "notAfter", "maxValuePerTx", "maxFeePerTx", "window", "targets", "salt"} {
		if _, ok := keys[k]; !ok {
			probs = append(probs, k+": required")
		}
	}
	var win map[string]json.RawMessage
	if top.Window != nil && json.Unmarshal(top.Window, &win) == nil {
		for _, k := range []string{"seconds", "maxValue", "maxFees", "maxTxs"} {
			if _, ok := win[k]; !ok {
				probs = append(probs, "window."+k+": required")
			}
		}
	}
	if len(probs) > 0 {
		return wire.Errorf(wire.Malformed, "policy: %w", probs)
	}
	return nil
}

// Problems is the list of everything wrong with a policy document.
type Problems []string

func (ps Problems) Error() string { return strings.Join(ps, "; ") }

// compiler collects the problems of one document while normalizing it.
type compiler struct {
	p      *Policy
	probs  Problems
	units  map[string]int // token symbol → decimals
	tokens map[wire.Address]*TokenWindow
}

func (c *compiler) add(format string, args ...any) {
	c.probs = append(c.probs, fmt.Sprintf(format, args...))
}

// normalize validates p, sorts it into canonical order and computes its
// trees and commitment.
func (p *Policy) normalize() error {
	c := &compiler{p: p, units: map[string]int{}, tokens: map[wire.Address]*TokenWindow{}}
	c.header()
	c.tokenWindows()
	seen := map[wire.Address]int{}
	var leaves []*targetLeaf
	for i := range p.Targets {
		t := &p.Targets[i]
		if j, dup := seen[t.Address]; dup {
			c.add("%s: duplicate target, already listed as targets[%d]", targetWhere(i, t), j)
			continue
		}
		seen[t.Address] = i
		if l := c.target(i, t); l != nil {
			leaves = append(leaves, l)
		}
	}
	if len(leaves) > MaxTargets {
		c.add("targets: %d targets with calls, the circuit holds at most %d", len(leaves), MaxTargets)
	}
	sigs := c.signatures()
	if len(c.probs) == 0 {
		c.finishSignatures(sigs)
	}
	if len(c.probs) > 0 {
		return wire.Errorf(wire.Malformed, "policy: %w", c.probs)
	}
	sort.Slice(p.Targets, func(a, b int) bool { return bytes.Compare(p.Targets[a].Address[:], p.Targets[b].Address[:]) < 0 })
	sort.Slice(leaves, func(a, b int) bool { return bytes.Compare(leaves[a].addr[:], leaves[b].addr[:]) < 0 })
	p.targets = leaves
	elems := make([]fr.Element, len(leaves))
	for i, l := range leaves {
		l.build()
		elems[i] = l.leaf
	}
	p.tree = NewTree(TargetDepth, elems)
	p.tokens = make([]*TokenWindow, 0, len(c.tokens))
	for _, w := range c.tokens {
		p.tokens = append(p.tokens, w)
	}
	sort.Slice(p.tokens, func(a, b int) bool { return bytes.Compare(p.tokens[a].Token[:], p.tokens[b].Token[:]) < 0 })
	tokenElems := make([]fr.Element, len(p.tokens))
	for i, w := range p.tokens {
		w.leaf = TokenWindowLeaf(w.Token, w.Max)
		tokenElems[i] = w.leaf
	}
	p.tokenTree = NewTree(TokenDepth, tokenElems)
	h := Hash(p.CommitmentPreimage()...)
	p.commitment = wire.Hash32(h.Bytes())
	return nil
}

func targetWhere(i int, t *Target) string { return fmt.Sprintf("targets[%d] (%s)", i, t.Address.Hex()) }

// header checks the top-level fields.
func (c *compiler) header() {
	p := c.p
	if p.Version != Version {
		c.add("version: %d is not supported (want %d; version 1 policies must be rewritten, see docs/policy.md)", p.Version, Version)
	}
	if p.ChainID == 0 {
		c.add("chainId: must not be zero")
	}
	if p.Account == (wire.Address{}) {
		c.add("account: must be the signer's address (not the zero address)")
	}
	if p.NotAfter == 0 {
		c.add("notAfter: must not be zero")
	}
	if p.NotBefore > p.NotAfter {
		c.add("notBefore (%d) is after notAfter (%d)", p.NotBefore, p.NotAfter)
	}
	bits := func(name string, v *big.Int, n int) {
		if v.BitLen() > n {
			c.add("%s: %s overflows the circuit's %d-bit range", name, v, n)
		}
	}
	bits("maxValuePerTx", &p.MaxValuePerTx.Int, ValueBits)
	bits("maxFeePerTx", &p.MaxFeePerTx.Int, FeeBits)
	bits("window.maxValue", &p.Window.MaxValue.Int, ValueBits)
	bits("window.maxFees", &p.Window.MaxFees.Int, FeeBits)
	if p.Window.Seconds == 0 {
		c.add("window.seconds: must not be zero")
	}
	if p.Window.Seconds > 1<<40 {
		c.add("window.seconds: %d is unreasonably long", p.Window.Seconds)
	}
	if p.Window.MaxTxs == 0 {
		c.add("window.maxTxs: must be at least 1")
	}
	if p.Window.MaxTxs > MaxWindowTxs {
		c.add("window.maxTxs: %d is above %d (the signer keeps one ledger entry per transaction in the window)", p.Window.MaxTxs, MaxWindowTxs)
	}
	var salt big.Int
	salt.SetBytes(p.Salt[:])
	if salt.Sign() == 0 {
		c.add("salt: required; use 32 random bytes below the BN254 field modulus (leash policy salt prints one)")
	} else if salt.Cmp(fr.Modulus()) >= 0 {
		c.add("salt: must be below the BN254 scalar field modulus (use 31 random bytes)")
	}
	if len(p.Targets) == 0 {
		c.add("targets: at least one target is required")
	}
	if len(p.Targets) > 2*MaxTargets {
		c.add("targets: %d targets is far above the circuit's %d", len(p.Targets), MaxTargets)
	}
}

// tokenWindows reads every target's symbol, decimals and windowMax. Symbols
// are read first so that any amount may use any token's symbol as its unit.
func (c *compiler) tokenWindows() {
	p := c.p
	symbols := map[string]int{}
	for i := range p.Targets {
		t := &p.Targets[i]
		where := targetWhere(i, t)
		if t.Decimals != nil && (*t.Decimals < 0 || *t.Decimals > 36) {
			c.add("%s.decimals: %d is outside 0…36", where, *t.Decimals)
		}
		if t.Symbol == "" {
			continue
		}
		if !validSymbol(t.Symbol) {
			c.add("%s.symbol: %q must be 1-16 letters, digits or ._-", where, clip(t.Symbol))
			continue
		}
		if _, isUnit := units[strings.ToLower(t.Symbol)]; isUnit {
			c.add("%s.symbol: %q is a unit of ether", where, t.Symbol)
			continue
		}
		if j, dup := symbols[strings.ToLower(t.Symbol)]; dup {
			c.add("%s.symbol: %q is also the symbol of targets[%d]", where, t.Symbol, j)
			continue
		}
		symbols[strings.ToLower(t.Symbol)] = i
		if t.Decimals != nil && *t.Decimals >= 0 && *t.Decimals <= 36 {
			c.units[t.Symbol] = *t.Decimals
		}
	}
	for i := range p.Targets {
		t := &p.Targets[i]
		if t.WindowMax == nil {
			continue
		}
		where := targetWhere(i, t) + ".windowMax"
		v, err := parseAmountUnits(*t.WindowMax, c.units)
		if err != nil {
			c.add("%s: %v", where, err)
			continue
		}
		if v.BitLen() > ValueBits {
			c.add("%s: %s overflows the circuit's %d-bit range", where, v, ValueBits)
			continue
		}
		if _, dup := c.tokens[t.Address]; dup {
			continue // a duplicate target, reported by the target pass
		}
		dec := -1
		if t.Decimals != nil {
			dec = *t.Decimals
		}
		c.tokens[t.Address] = &TokenWindow{Token: t.Address, Max: v, Symbol: t.Symbol, Decimals: dec, Label: t.Label}
	}
	if len(c.tokens) > MaxTokenWindows {
		c.add("targets: %d token windows (windowMax), the circuit holds at most %d", len(c.tokens), MaxTokenWindows)
	}
}

func validSymbol(s string) bool {
	if len(s) == 0 || len(s) > 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if ch := s[i]; !(isLetter(ch) || isDigit(ch) || ch == '.' || ch == '_' || ch == '-') {
			return false
		}
	}
	return true
}

// target compiles one target; it returns nil for a window-only target or
// one with problems.
func (c *compiler) target(i int, t *Target) *targetLeaf {
	where := targetWhere(i, t)
	if len(t.Calls) == 0 {
		if t.WindowMax == nil {
			c.add("%s: allows nothing; list calls (or declare a windowMax for a token window)", where)
		}
		return nil
	}
	if len(t.Calls) > MaxCalls {
		c.add("%s.calls: %d calls, the circuit holds at most %d per target", where, len(t.Calls), MaxCalls)
	}
	l := &targetLeaf{addr: t.Address}
	keys := map[string]int{}
	for k := range t.Calls {
		cr := c.call(where, t, k)
		if cr == nil {
			continue
		}
		id := fmt.Sprintf("%d/%d", cr.Selector, cr.Words)
		if j, dup := keys[id]; dup {
			c.add("%s: duplicate call: calls[%d] has the same selector 0x%08x and length (%d words)", cr.Where, j, cr.Selector&0xffffffff, cr.Words)
			continue
		}
		keys[id] = k
		l.calls = append(l.calls, cr)
	}
	return l
}

// build computes a target's call leaves, tree and leaf.
func (l *targetLeaf) build() {
	for _, cr := range l.calls {
		cr.build()
	}
	sort.Slice(l.calls, func(a, b int) bool { return l.calls[a].key.Cmp(l.calls[b].key) < 0 })
	elems := make([]fr.Element, len(l.calls))
	for i, cr := range l.calls {
		elems[i] = cr.leaf
	}
	l.tree = NewTree(CallDepth, elems)
	l.leaf = TargetLeaf(l.addr, l.tree.Root())
}

// TargetLeaf is the targets tree leaf Hash(address, callsRoot).
func TargetLeaf(addr wire.Address, callsRoot fr.Element) fr.Element {
	return Hash(ElemBytes(addr[:]), callsRoot)
}

// TokenWindowLeaf is the token-windows tree leaf Hash(token, windowMax).
func TokenWindowLeaf(token wire.Address, max *big.Int) fr.Element {
	return Hash(ElemBytes(token[:]), Elem(max))
}

// SetLeaf is a oneOf set's leaf: 2^160 + address (never zero).
func SetLeaf(a wire.Address) fr.Element {
	v := new(big.Int).Lsh(big.NewInt(1), AddressBits)
	v.Add(v, new(big.Int).SetBytes(a[:]))
	return Elem(v)
}

// build computes the call's key, sets and leaf.
func (cr *CallRule) build() {
	key := new(big.Int).SetUint64(cr.Selector)
	key.Or(key, new(big.Int).Lsh(big.NewInt(int64(cr.Words)), KeyWordsShift))
	if cr.ProgramOnly {
		key.SetBit(key, KeyProgramOnlyShift, 1)
	}
	key.Or(key, new(big.Int).Lsh(big.NewInt(int64(cr.SpendMode)), KeySpendShift))
	for i, s := range cr.Slots {
		key.Or(key, new(big.Int).Lsh(big.NewInt(int64(s.Flags)), uint(KeyFlagsShift+i*FlagBits)))
	}
	cr.key = key
	for _, set := range cr.Sets {
		if set == nil {
			continue
		}
		set.leaves = make([]fr.Element, len(set.Members))
		for i, a := range set.Members {
			set.leaves[i] = SetLeaf(a)
		}
		sort.Sort(bySetLeaf{set})
		set.tree = NewTree(SetDepth, set.leaves)
	}
	cr.leaf = Hash(cr.LeafPreimage()...)
}

type bySetLeaf struct{ s *CallSet }

func (b bySetLeaf) Len() int           { return len(b.s.leaves) }
func (b bySetLeaf) Less(i, j int) bool { return b.s.leaves[i].Cmp(&b.s.leaves[j]) < 0 }
func (b bySetLeaf) Swap(i, j int) {
	b.s.leaves[i], b.s.leaves[j] = b.s.leaves[j], b.s.leaves[i]
	b.s.Members[i], b.s.Members[j] = b.s.Members[j], b.s.Members[i]
}

// CallLeafElems is the number of elements a call leaf hashes.
const CallLeafElems = 1 + 2*Words + SetsPerCall + 1

// LeafPreimage is what the call leaf hashes, in order: the key, the two
// operands of each of the Words words, the roots of sets A and B (0 when
// unused) and the fixed spend token (0 unless SpendFixed).
func (cr *CallRule) LeafPreimage() []fr.Element {
	out := make([]fr.Element, 0, CallLeafElems)
	out = append(out, Elem(cr.key))
	for i := 0; i < Words; i++ {
		var a, b fr.Element
		if i < len(cr.Slots) {
			a, b = Elem(cr.Slots[i].Ops[0]), Elem(cr.Slots[i].Ops[1])
		}
		out = append(out, a, b)
	}
	for _, r := range cr.SetRoots() {
		out = append(out, r)
	}
	var tok fr.Element
	if cr.SpendMode == SpendFixed {
		tok = ElemBytes(cr.SpendToken[:])
	}
	return append(out, tok)
}

// Key returns the call key (a copy).
func (cr *CallRule) Key() *big.Int { return new(big.Int).Set(cr.key) }

// SetRoots returns the roots of the call's sets, 0 for an unused set.
func (cr *CallRule) SetRoots() [SetsPerCall]fr.Element {
	var out [SetsPerCall]fr.Element
	for i, s := range cr.Sets {
		if s != nil {
			out[i] = s.tree.Root()
		}
	}
	return out
}

// CommitmentTag is the domain tag that opens the commitment preimage.
var CommitmentTag = ElemBytes([]byte("leash.policy.v2"))

// CommitmentElems is the length of the commitment preimage.
const CommitmentElems = 16

// CommitmentPreimage is the canonical encoding of the policy, in order:
// tag, chainId, account, notBefore, notAfter, maxValuePerTx, maxFeePerTx,
// window.seconds, window.maxValue, window.maxFees, window.maxTxs,
// targetsRoot, tokenWindowsRoot, signaturesRoot, maxValidity, salt.
// signaturesRoot and maxValidity are 0 in a policy without signatures
// (so that such a policy commits as before typed-data rules existed).
func (p *Policy) CommitmentPreimage() []fr.Element {
	var salt fr.Element
	salt.SetBytes(p.Salt[:])
	return []fr.Element{
		CommitmentTag,
		ElemU64(p.ChainID),
		ElemBytes(p.Account[:]),
		ElemU64(uint64(p.NotBefore)),
		ElemU64(uint64(p.NotAfter)),
		Elem(&p.MaxValuePerTx.Int),
		Elem(&p.MaxFeePerTx.Int),
		ElemU64(p.Window.Seconds),
		Elem(&p.Window.MaxValue.Int),
		Elem(&p.Window.MaxFees.Int),
		ElemU64(p.Window.MaxTxs),
		p.tree.Root(),
		p.tokenTree.Root(),
		p.SignaturesRoot(),
		ElemU64(p.MaxValidity),
		salt,
	}
}

// Commitment returns C, the Poseidon2 commitment to the policy.
func (p *Policy) Commitment() wire.Hash32 { return p.commitment }

// TokenWindows returns the declared token windows, sorted by token.
func (p *Policy) TokenWindows() []*TokenWindow { return append([]*TokenWindow(nil), p.tokens...) }

// TokenWindow returns the window of token, or nil.
func (p *Policy) TokenWindow(token wire.Address) *TokenWindow {
	i := sort.Search(len(p.tokens), func(i int) bool { return bytes.Compare(p.tokens[i].Token[:], token[:]) >= 0 })
	if i < len(p.tokens) && p.tokens[i].Token == token {
		return p.tokens[i]
	}
	return nil
}

// Calls returns every call of the policy, by target then key.
func (p *Policy) Calls() []*CallRule {
	var out []*CallRule
	for _, t := range p.targets {
		out = append(out, t.calls...)
	}
	return out
}

// target returns the index of the target leaf for addr, or -1.
func (p *Policy) target(addr wire.Address) int {
	i := sort.Search(len(p.targets), func(i int) bool { return bytes.Compare(p.targets[i].addr[:], addr[:]) >= 0 })
	if i < len(p.targets) && p.targets[i].addr == addr {
		return i
	}
	return -1
}

// tokenIndex returns the index of token's window, or -1.
func (p *Policy) tokenIndex(token wire.Address) int {
	for i, w := range p.tokens {
		if w.Token == token {
			return i
		}
	}
	return -1
}
