package signer

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/wasm/audit"
	"github.com/leash-wallet/leash/wasm/ethkey"
	"github.com/leash-wallet/leash/wasm/ledger"
	"github.com/leash-wallet/leash/wire"
)

// The display model: what the approval screen, the notifications and the
// activity list show is what the core decoded from the very document it
// signs (G8). The host renders these values and never parses a proposal
// or a transaction itself.

// DefaultFeeWarn is the fee above which an approval carries a fee_high
// warning: 0.01 ETH (Config.FeeWarn, Mode.FeeWarn).
var DefaultFeeWarn = new(big.Int).Exp(big.NewInt(10), big.NewInt(16), nil)

// UnlimitedAmount: an allowance at or above 2^128 base units is flagged as
// unlimited (2^256−1 is the usual "infinite approval"; anything this large
// never runs out in practice).
var UnlimitedAmount = new(big.Int).Lsh(big.NewInt(1), 128)

// Warning codes of the display model.
const (
	WarnFee         = "fee_high"           // gas × maxFeePerGas above the warning threshold
	WarnUnlimited   = "unlimited_approval" // an ERC-20 allowance of at least UnlimitedAmount
	WarnApproveAll  = "approval_for_all"   // setApprovalForAll(operator, true)
	WarnNonce       = "nonce"              // not the signer's next nonce: it will be refused
	WarnPolicy      = "policy"             // the pinned policy refuses it
	WarnChain       = "chain"              // another chain than the pinned policy's
	WarnUnknownCall = "unknown_call"       // calldata the core cannot decode
)

// AddressView is an address as the user reads it: in full, EIP-55
// checksummed, with the pinned policy's label when it has one.
type AddressView struct {
	Address string `json:"address"`
	Label   string `json:"label,omitempty"`
	Self    bool   `json:"self,omitempty"` // the signer's own account
}

// Warning is something the user should read before approving.
type Warning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ArgView is one decoded call argument.
type ArgView struct {
	Type    string       `json:"type"`
	Value   string       `json:"value"`
	Address *AddressView `json:"address,omitempty"`
}

// CallView is the calldata decoded.
type CallView struct {
	// Action: value_transfer, erc20_transfer, erc20_approve,
	// erc20_increase_allowance, approval_for_all, call, create.
	Action   string    `json:"action"`
	Selector string    `json:"selector,omitempty"`
	Function string    `json:"function,omitempty"` // a known signature
	Args     []ArgView `json:"args,omitempty"`
	// Counterparty is the recipient (transfer), the spender (approve) or
	// the operator (setApprovalForAll).
	Counterparty *AddressView `json:"counterparty,omitempty"`
	Amount       string       `json:"amount,omitempty"` // base units, decimal
	Unlimited    bool         `json:"unlimited,omitempty"`
}

// TxView is a transaction decoded for display.
type TxView struct {
	ChainID              uint64      `json:"chainId"`
	Nonce                uint64      `json:"nonce"`
	To                   AddressView `json:"to"`
	Value                string      `json:"value"` // wei, decimal
	ValueText            string      `json:"valueText"`
	Data                 string      `json:"data"`
	DataBytes            int         `json:"dataBytes"`
	Gas                  uint64      `json:"gas"`
	MaxFeePerGas         string      `json:"maxFeePerGas"`
	MaxPriorityFeePerGas string      `json:"maxPriorityFeePerGas"`
	MaxFee               string      `json:"maxFee"` // gas × maxFeePerGas, wei
	MaxFeeText           string      `json:"maxFeeText"`
	Call                 CallView    `json:"call"`
	Warnings             []Warning   `json:"warnings"`
	// Create: a contract creation (the user's own transactions only): To
	// is empty and Data is the init code.
	Create bool `json:"create,omitempty"`
}

// Problem is a coded refusal in the display model.
type Problem struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// NonceView says which nonce is signed: the transaction's own (the proof
// binds it) and whether it is the signer's next one.
type NonceView struct {
	Signed uint64 `json:"signed"`
	Next   uint64 `json:"next"`
	OK     bool   `json:"ok"`
}

// ProofView is the proof's status against the signer's own state now.
type ProofView struct {
	Kind    string `json:"kind"` // "policy" or "program"
	OK      bool   `json:"ok"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	// Program proofs: the program and the block whose inputs the core
	// re-reads when the user approves.
	Program *wire.Hash32 `json:"program,omitempty"`
	Block   uint64       `json:"block,omitempty"`
}

// ProposalView is a proposal as the approval screen shows it.
type ProposalView struct {
	ID     string      `json:"id"`
	Digest wire.Hash32 `json:"digest"`
	Tx     TxView      `json:"tx"`
	Rule   string      `json:"rule,omitempty"` // the rule of the pinned policy that allows it
	// RuleArgs are the calldata words of the call that allows it, each
	// with the rule it passed; Spend is what it counts toward a token
	// window.
	RuleArgs  []RuleArg `json:"ruleArgs,omitempty"`
	Spend     string    `json:"spend,omitempty"`
	Violation *Problem  `json:"violation,omitempty"`
	Nonce     NonceView `json:"nonce"`
	Proof     ProofView `json:"proof"`
	Warnings  []Warning `json:"warnings"`
	// Signature is set for a signature proposal (typed data, issue 17): the
	// domain, the type, each field with its rule; Tx, Nonce and Proof are
	// then empty (the proof is verified when the user approves).
	Signature *ExplainedSignature `json:"signature,omitempty"`
}

// knownFunctions are decoded by name; args lists their static head types.
var knownFunctions = map[uint64]struct {
	sig  string
	args []string
}{
	policy.SelectorTransfer: {"transfer(address,uint256)", []string{"address", "uint256"}},
	policy.SelectorApprove:  {"approve(address,uint256)", []string{"address", "uint256"}},
	0x23b872dd:              {"transferFrom(address,address,uint256)", []string{"address", "address", "uint256"}},
	0x39509351:              {"increaseAllowance(address,uint256)", []string{"address", "uint256"}},
	0xa457c2d7:              {"decreaseAllowance(address,uint256)", []string{"address", "uint256"}},
	0xa22cb465:              {"setApprovalForAll(address,bool)", []string{"address", "bool"}},
	0x38ed1739:              {"swapExactTokensForTokens(uint256,uint256,address[],address,uint256)", []string{"uint256", "uint256", "dynamic", "address", "uint256"}},
	0x7ff36ab5:              {"swapExactETHForTokens(uint256,address[],address,uint256)", []string{"uint256", "dynamic", "address", "uint256"}},
}

// labeler names addresses for the user.
type labeler struct {
	pol  *policy.Policy
	self *wire.Address
}

func (l labeler) view(a wire.Address) AddressView {
	v := AddressView{Address: ethkey.ChecksumHex(a), Label: labelFor(l.pol, a)}
	if l.self != nil && *l.self == a {
		v.Self = true
		if v.Label == "" {
			v.Label = "your account"
		}
	}
	return v
}

// DescribeTx decodes tx for display: full checksummed addresses with the
// labels of pol (nil: none), the calldata, the fee, and the warnings that
// need no state (fee above feeWarn, unlimited approvals, unknown calls).
func DescribeTx(tx *wire.Tx, pol *policy.Policy, self *wire.Address, feeWarn *big.Int) TxView {
	lb := labeler{pol: pol, self: self}
	fee := new(big.Int).Mul(new(big.Int).SetUint64(uint64(tx.Gas)), &tx.MaxFeePerGas.Int)
	v := TxView{ChainID: uint64(tx.ChainID), Nonce: uint64(tx.Nonce), To: lb.view(tx.To),
		Value: tx.Value.Int.String(), ValueText: FormatEther(&tx.Value.Int),
		Data: "0x" + hex.EncodeToString(tx.Data), DataBytes: len(tx.Data), Gas: uint64(tx.Gas),
		MaxFeePerGas: tx.MaxFeePerGas.Int.String(), MaxPriorityFeePerGas: tx.MaxPriorityFeePerGas.Int.String(),
		MaxFee: fee.String(), MaxFeeText: FormatEther(fee), Warnings: []Warning{}}
	v.Call = describeCall(tx.Data, lb)
	if feeWarn == nil {
		feeWarn = DefaultFeeWarn
	}
	if fee.Cmp(feeWarn) > 0 {
		v.Warnings = append(v.Warnings, Warning{WarnFee, fmt.Sprintf("this transaction may pay up to %s in fees, above your warning threshold of %s", FormatEther(fee), FormatEther(feeWarn))})
	}
	switch {
	case v.Call.Unlimited:
		v.Warnings = append(v.Warnings, Warning{WarnUnlimited, fmt.Sprintf("an unlimited token allowance: %s could move every token of this kind you hold, now and later", name(v.Call.Counterparty))})
	case v.Call.Action == "approval_for_all" && len(v.Call.Args) == 2 && v.Call.Args[1].Value == "true":
		v.Warnings = append(v.Warnings, Warning{WarnApproveAll, fmt.Sprintf("%s could move every token of this collection you hold", name(v.Call.Counterparty))})
	case v.Call.Action == "call" && v.Call.Function == "" && len(tx.Data) > 0:
		v.Warnings = append(v.Warnings, Warning{WarnUnknownCall, "Leash cannot decode this call: check the contract and the data"})
	}
	return v
}

func name(a *AddressView) string {
	if a == nil {
		return "someone"
	}
	if a.Label != "" {
		return a.Label + " (" + a.Address + ")"
	}
	return a.Address
}

func describeCall(data []byte, lb labeler) CallView {
	if len(data) == 0 {
		return CallView{Action: "value_transfer"}
	}
	c := CallView{Action: "call"}
	if len(data) < 4 {
		return c
	}
	sel := uint64(binary.BigEndian.Uint32(data[:4]))
	c.Selector = fmt.Sprintf("0x%08x", sel)
	f, ok := knownFunctions[sel]
	if !ok {
		return c
	}
	args, ok := decodeStatic(data[4:], f.args, lb)
	if !ok {
		return c // the selector of a known function with arguments that do not fit it
	}
	c.Function, c.Args = f.sig, args
	switch sel {
	case policy.SelectorTransfer:
		c.Action = "erc20_transfer"
	case policy.SelectorApprove:
		c.Action = "erc20_approve"
	case 0x39509351:
		c.Action = "erc20_increase_allowance"
	case 0xa22cb465:
		c.Action = "approval_for_all"
	}
	switch c.Action {
	case "erc20_transfer", "erc20_approve", "erc20_increase_allowance":
		c.Counterparty, c.Amount = args[0].Address, args[1].Value
		if c.Action != "erc20_transfer" {
			amt, _ := new(big.Int).SetString(args[1].Value, 10)
			c.Unlimited = amt.Cmp(UnlimitedAmount) >= 0
		}
	case "approval_for_all":
		c.Counterparty = args[0].Address
	}
	return c
}

// decodeStatic reads the head words of an ABI call: address, uint256 and
// bool strictly (an address or bool word with stray bits does not decode),
// dynamic arguments as their offset. Calldata of another length (for a
// function without dynamic arguments) does not decode either.
func decodeStatic(b []byte, types []string, lb labeler) ([]ArgView, bool) {
	dynamic := false
	for _, t := range types {
		dynamic = dynamic || t == "dynamic"
	}
	if len(b) < 32*len(types) || (!dynamic && len(b) != 32*len(types)) {
		return nil, false
	}
	out := make([]ArgView, len(types))
	for i, t := range types {
		w := b[32*i : 32*i+32]
		switch t {
		case "address":
			if !allZero(w[:12]) {
				return nil, false
			}
			var a wire.Address
			copy(a[:], w[12:])
			av := lb.view(a)
			out[i] = ArgView{Type: t, Value: av.Address, Address: &av}
		case "uint256":
			out[i] = ArgView{Type: t, Value: new(big.Int).SetBytes(w).String()}
		case "bool":
			if !allZero(w[:31]) || w[31] > 1 {
				return nil, false
			}
			out[i] = ArgView{Type: t, Value: fmt.Sprint(w[31] == 1)}
		default:
			out[i] = ArgView{Type: "dynamic", Value: "(not shown)"}
		}
	}
	return out, true
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// FormatEther renders wei as ETH with up to 6 decimals, e.g. "0.1 ETH".
func FormatEther(wei *big.Int) string {
	if wei == nil {
		return "0 ETH"
	}
	neg := wei.Sign() < 0
	v := new(big.Int).Abs(wei)
	unit := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	whole, frac := new(big.Int).QuoRem(v, unit, new(big.Int))
	fs := strings.TrimRight(fmt.Sprintf("%018s", frac.String())[:6], "0")
	s := whole.String()
	if fs != "" {
		s += "." + fs
	} else if frac.Sign() != 0 {
		s = "<0.000001"
	}
	if neg {
		s = "-" + s
	}
	return s + " ETH"
}

// viewCache remembers display models and proof checks of queued proposals
// for the same signer state, so that an approval screen that refreshes
// every second neither decodes nor verifies every proposal again each time
// (a proof check costs ~20 ms in WebAssembly).
type viewCache struct {
	mu     sync.Mutex
	proofs map[proofKey]ProofView
	views  map[viewKey]*ProposalView
}

// proofKey: what a proof's validity depends on (its time is checked
// against the clock apart).
type proofKey struct {
	digest wire.Hash32
	nonce  uint64
	state  string // every window sum (policy v2), without the time
}

// stateKey is the window state st without its time: the proof and the rule
// line depend on every sum (value, fees, count, each token).
func stateKey(st *wire.State) string {
	c := st.Clone()
	c.Time = 0
	b, err := json.Marshal(c)
	if err != nil { // a State always marshals
		return fmt.Sprint(err)
	}
	return string(b)
}

// viewKey: what a whole display model depends on.
type viewKey struct {
	proofKey
	bucket  uint64 // the time, in 10 s steps
	policy  wire.Hash32
	feeWarn string
}

const viewCacheSize = 256

// cacheGet returns m[k], computing and keeping it on a miss (unless compute
// says it is not to be kept).
func cacheGet[K comparable, V any](c *viewCache, m *map[K]V, k K, compute func() (V, bool)) V {
	c.mu.Lock()
	if v, ok := (*m)[k]; ok {
		c.mu.Unlock()
		return v
	}
	c.mu.Unlock()
	v, keep := compute()
	if !keep {
		return v
	}
	c.mu.Lock()
	if *m == nil || len(*m) >= viewCacheSize {
		*m = map[K]V{}
	}
	(*m)[k] = v
	c.mu.Unlock()
	return v
}

func (s *Signer) feeWarnWei() *big.Int {
	if f := s.feeWarn.Load(); f != nil {
		return f
	}
	if s.cfg.FeeWarn != nil {
		return s.cfg.FeeWarn
	}
	return DefaultFeeWarn
}

func (s *Signer) selfAddress() *wire.Address {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.vault == nil {
		return nil
	}
	a := s.vault.Address()
	return &a
}

// Inspect decodes a proposal document strictly, exactly as Submit does,
// and returns its display model against the pinned policy and the
// signer's own state: the rule that allows it (or the one it breaks), the
// nonce that would be signed, and the proof's status. A document that
// does not decode is malformed: there is nothing to show, and nothing
// would be signed.
func (s *Signer) Inspect(ctx context.Context, raw []byte) (*ProposalView, error) {
	pn, err := s.currentPins()
	if err != nil {
		return nil, err
	}
	now := s.now()
	view := s.ledger.View(now)
	if wire.IsSigProposal(raw) {
		st := view.State()
		st.Time = now
		return s.inspectSignature(raw, pn, st)
	}
	fee := s.feeWarnWei()
	k := viewKey{proofKey: proofKey{digest: Digest(raw), nonce: view.Nonce, state: stateKey(view.State())}, bucket: now / 10, feeWarn: fee.String()}
	if pn != nil {
		k.policy = pn.policy.Commitment()
	}
	var decodeErr error
	v := cacheGet(&s.views, &s.views.views, k, func() (*ProposalView, bool) {
		p, err := wire.DecodeProposal(raw) // a cached view was decoded from these very bytes
		if err != nil {
			decodeErr = err
			return nil, false
		}
		return s.inspect(p, pn, view, now, k.digest, fee), true
	})
	if v == nil {
		return nil, decodeErr
	}
	c := *v
	return &c, nil
}

func (s *Signer) inspect(p *wire.Proposal, pn *pins, view ledger.View, now uint64, digest wire.Hash32, fee *big.Int) *ProposalView {
	var pol *policy.Policy
	if pn != nil {
		pol = pn.policy
	}
	v := &ProposalView{ID: p.ID, Digest: digest, Tx: DescribeTx(&p.Tx, pol, s.selfAddress(), fee),
		Nonce: NonceView{Signed: uint64(p.Tx.Nonce), Next: view.Nonce, OK: uint64(p.Tx.Nonce) == view.Nonce}}
	v.Warnings = append([]Warning{}, v.Tx.Warnings...)
	switch {
	case pn == nil:
		v.Violation = &Problem{string(wire.UnknownPolicy), "no policy is pinned"}
	case p.PolicyCommitment != pol.Commitment():
		v.Violation = &Problem{string(wire.UnknownPolicy), fmt.Sprintf("the proposal is for policy %s, the pinned policy is %s", p.PolicyCommitment, pol.Commitment())}
	default:
		if pol.ChainID != uint64(p.Tx.ChainID) {
			v.Warnings = append(v.Warnings, Warning{WarnChain, fmt.Sprintf("chain %d, the pinned policy's is %d", p.Tx.ChainID, pol.ChainID)})
		}
		st := view.State()
		st.Time = now
		a, err := ruleFor(pol, &p.Tx, st, p.Program != nil)
		if err != nil {
			v.Violation = &Problem{string(wire.CodeOf(err)), wire.MessageOf(err)}
			v.Warnings = append(v.Warnings, Warning{WarnPolicy, "the pinned policy refuses it: " + wire.MessageOf(err)})
		} else {
			v.Rule, v.RuleArgs, v.Spend = a.Rule, a.Args, a.Spend
		}
	}
	if !v.Nonce.OK {
		v.Warnings = append(v.Warnings, Warning{WarnNonce, fmt.Sprintf("it would be signed with nonce %d, but the next nonce is %d: it will be refused", v.Nonce.Signed, v.Nonce.Next)})
	}
	v.Proof = s.proofStatus(p, pn, view.State(), digest)
	return v
}

// proofStatus checks the proof against the signer's state: the pairing
// once per (document, nonce, spend), the time against the clock each time.
func (s *Signer) proofStatus(p *wire.Proposal, pn *pins, st *wire.State, digest wire.Hash32) ProofView {
	if p.Program != nil {
		c := p.Program.Commitment
		return ProofView{Kind: "program", Program: &c, Block: uint64(p.Program.Block),
			Message: "a program proof: on approval the core re-reads the program's inputs at that block and verifies the proof before signing"}
	}
	if pn == nil {
		return ProofView{Kind: "policy", Code: string(wire.UnknownPolicy), Message: "no policy is pinned"}
	}
	skew := s.cfg.MaxSkew
	if skew == 0 {
		skew = verify.DefaultMaxSkew
	}
	if d := int64(p.Time) - int64(st.Time); p.Time > 1<<62 || d > int64(skew.Seconds()) || d < -int64(skew.Seconds()) {
		return ProofView{Kind: "policy", Code: string(wire.StaleTime), Message: fmt.Sprintf("the proposal's time is %ds from the signer's clock", d)}
	}
	k := proofKey{digest: digest, nonce: uint64(st.Nonce), state: stateKey(st)}
	return cacheGet(&s.views, &s.views.proofs, k, func() (ProofView, bool) {
		at := *st
		at.Time = p.Time // the clock was checked above; the policy's time rule is the rule line's
		err := verify.Verify(p, pn.policy, pn.vk, &at, verify.Options{MaxSkew: skew})
		if err != nil {
			return ProofView{Kind: "policy", Code: string(wire.CodeOf(err)), Message: wire.MessageOf(err)}, true
		}
		return ProofView{Kind: "policy", OK: true}, true
	})
}

// InspectTx decodes a transaction (a dapp's request, filled in by the
// host) for the user's own approval: labels from the pinned policy and the
// stateless warnings.
func (s *Signer) InspectTx(raw []byte) (*TxView, error) {
	tx, create, err := wire.DecodeUserTx(raw)
	if err != nil {
		return nil, err
	}
	var pol *policy.Policy // labels, when a policy is pinned
	if pn, err := s.currentPins(); err == nil && pn != nil {
		pol = pn.policy
	}
	v := DescribeTx(tx, pol, s.selfAddress(), s.feeWarnWei())
	if create {
		// A contract creation: no recipient, the data is the init code.
		v.Create, v.To, v.Call = true, AddressView{}, CallView{Action: "create"}
		ws := v.Warnings[:0]
		for _, w := range v.Warnings {
			if w.Code != WarnUnknownCall {
				ws = append(ws, w)
			}
		}
		v.Warnings = ws
	}
	if pol != nil && pol.ChainID != uint64(tx.ChainID) {
		v.Warnings = append(v.Warnings, Warning{WarnChain, fmt.Sprintf("chain %d, the pinned policy's is %d", tx.ChainID, pol.ChainID)})
	}
	return &v, nil
}

// PolicyInfo is what the policy screen shows about a policy.
type PolicyInfo struct {
	Name        string       `json:"name"`
	ChainID     uint64       `json:"chainId"`
	Commitment  wire.Hash32  `json:"commitment"`
	Description string       `json:"description"`
	Warnings    []string     `json:"warnings"`
	NotBefore   uint64       `json:"notBefore"`
	NotAfter    uint64       `json:"notAfter"`
	Targets     int          `json:"targets"`
	VKHash      *wire.Hash32 `json:"vkHash,omitempty"` // the pinned key's, for a pinned policy
}

// DescribePolicy describes a decoded policy in plain language.
func DescribePolicy(p *policy.Policy) PolicyInfo {
	w := p.Warnings()
	if w == nil {
		w = []string{}
	}
	return PolicyInfo{Name: p.Name, ChainID: p.ChainID, Commitment: p.Commitment(), Description: p.Describe(),
		Warnings: w, NotBefore: uint64(p.NotBefore), NotAfter: uint64(p.NotAfter), Targets: len(p.Targets)}
}

// PinnedPolicy describes the pinned policy and key (nil when none is
// pinned): the screen shows the core's own copy, not one the host keeps.
func (s *Signer) PinnedPolicy() *PolicyInfo {
	pn, err := s.currentPins()
	if pn == nil || err != nil { // the error is in Status
		return nil
	}
	info := DescribePolicy(pn.policy)
	h := pn.vk.Hash()
	info.VKHash = &h
	return &info
}

// ActivityRow is one audit entry as the activity list shows it.
type ActivityRow struct {
	Seq       uint64       `json:"seq"`
	Time      uint64       `json:"time"`
	Kind      string       `json:"kind"`
	ID        string       `json:"id,omitempty"`
	Decision  string       `json:"decision"`
	Code      string       `json:"code,omitempty"`
	Message   string       `json:"message,omitempty"`
	To        *AddressView `json:"to,omitempty"`
	ValueText string       `json:"valueText,omitempty"`
	Nonce     *uint64      `json:"nonce,omitempty"`
	TxHash    *wire.Hash32 `json:"txHash,omitempty"`
}

// Activity is the audit log for the activity list.
type Activity struct {
	OK    bool          `json:"ok"`
	Code  string        `json:"code,omitempty"`
	Error string        `json:"error,omitempty"`
	Head  audit.Head    `json:"head"`
	Rows  []ActivityRow `json:"rows"`
}

// ActivityView reads the stored audit log, verifies it, and returns its
// newest limit entries (newest first) for display.
func (s *Signer) ActivityView(ctx context.Context, limit int) Activity {
	entries, err := s.Audit(ctx)
	var pol *policy.Policy // labels, when a policy is pinned
	if pn, perr := s.currentPins(); perr == nil && pn != nil {
		pol = pn.policy
	}
	lb := labeler{pol: pol, self: s.selfAddress()}
	a := Activity{OK: err == nil, Head: s.audit.Head(), Rows: []ActivityRow{}}
	if err != nil {
		a.Code, a.Error = string(wire.CodeOf(err)), wire.MessageOf(err)
	}
	for i := len(entries) - 1; i >= 0 && (limit <= 0 || len(a.Rows) < limit); i-- {
		e := entries[i]
		r := ActivityRow{Seq: e.Seq, Time: e.Time, Kind: e.Kind, ID: e.ID, Decision: e.Decision, Code: string(e.Code), Message: e.Message, TxHash: e.TxHash}
		if e.To != nil {
			av := lb.view(*e.To)
			r.To = &av
		}
		if e.Value != nil {
			r.ValueText = FormatEther(&e.Value.Int)
		}
		if e.Nonce != nil {
			n := uint64(*e.Nonce)
			r.Nonce = &n
		}
		a.Rows = append(a.Rows, r)
	}
	return a
}
