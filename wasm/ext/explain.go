package ext

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/wire"
)

// PolicyInfo is what the policy screen shows about a policy document.
type PolicyInfo struct {
	Name        string      `json:"name"`
	ChainID     uint64      `json:"chainId"`
	Commitment  wire.Hash32 `json:"commitment"`
	Description string      `json:"description"`
	Warnings    []string    `json:"warnings"`
	NotBefore   uint64      `json:"notBefore"`
	NotAfter    uint64      `json:"notAfter"`
	Targets     int         `json:"targets"`
}

// DescribePolicy decodes a policy document, computes its commitment and
// describes it in plain language.
func DescribePolicy(doc []byte) (*policy.Policy, PolicyInfo, error) {
	p, err := policy.Decode(doc)
	if err != nil {
		return nil, PolicyInfo{}, err
	}
	w := p.Warnings()
	if w == nil {
		w = []string{}
	}
	return p, PolicyInfo{Name: p.Name, ChainID: p.ChainID, Commitment: p.Commitment(), Description: p.Describe(),
		Warnings: w, NotBefore: uint64(p.NotBefore), NotAfter: uint64(p.NotAfter), Targets: len(p.Targets)}, nil
}

// VKInfo is the identity of a verifying key.
type VKInfo struct {
	Hash wire.Hash32 `json:"hash"`
	Size int         `json:"size"`
}

// DescribeVK loads a verifying key and returns its hash.
func DescribeVK(raw []byte) (VKInfo, error) {
	vk, err := verify.LoadVerifyingKey(raw)
	if err != nil {
		return VKInfo{}, err
	}
	return VKInfo{Hash: vk.Hash(), Size: len(raw)}, nil
}

// Explained is a transaction as the popup shows it.
type Explained struct {
	Action    string `json:"action"` // value_transfer, erc20_transfer, erc20_approve, call
	To        string `json:"to"`
	ToLabel   string `json:"toLabel,omitempty"`
	Value     string `json:"value"`     // wei, decimal
	ValueText string `json:"valueText"` // e.g. "0.1 ETH"
	Selector  string `json:"selector,omitempty"`
	Function  string `json:"function,omitempty"` // the policy's signature, or a known one
	Data      string `json:"data"`               // raw calldata, hex
	// ERC-20 transfer/approve arguments.
	Recipient      string `json:"recipient,omitempty"` // transfer: to, approve: spender
	RecipientLabel string `json:"recipientLabel,omitempty"`
	Amount         string `json:"amount,omitempty"` // base units, decimal
	ChainID        uint64 `json:"chainId"`
	Nonce          uint64 `json:"nonce"`
	MaxFee         string `json:"maxFee"` // gas × maxFeePerGas, wei
	MaxFeeText     string `json:"maxFeeText"`
	// Against the policy: the call that allows it, or the rule it breaks.
	Rule      string `json:"rule,omitempty"`
	Violation string `json:"violation,omitempty"` // policy_violation:<rule>, or program_only
	Reason    string `json:"reason,omitempty"`
	// Args are the calldata words of the call the policy names, with the
	// rule each one passed (for a transaction the policy allows).
	Args []ArgInfo `json:"args,omitempty"`
	// Spend is what the transaction counts toward a token window.
	Spend string `json:"spend,omitempty"`
}

// ArgInfo is one calldata word: its name and type in the policy's call,
// its value, and the rule it passed.
type ArgInfo struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
	Rule  string `json:"rule"`
}

// Explain decodes tx for display and, when pol is set, names the call that
// allows it (or the rule it breaks) given the window state st (its time is
// the clock the time rule reads).
func Explain(tx *wire.Tx, pol *policy.Policy, st *wire.State) Explained {
	e := Explained{To: tx.To.Hex(), Value: tx.Value.Int.String(), ValueText: FormatEther(&tx.Value.Int),
		Data: "0x" + hex.EncodeToString(tx.Data), ChainID: uint64(tx.ChainID), Nonce: uint64(tx.Nonce)}
	fee := policy.TxFee(tx)
	e.MaxFee, e.MaxFeeText = fee.String(), FormatEther(fee)
	e.Action = "call"
	d, shaped := policy.SplitCalldata(tx.Data)
	switch {
	case len(tx.Data) == 0:
		e.Action = "value_transfer"
	case shaped && d.Words() == 2 && (d.Selector == policy.SelectorTransfer || d.Selector == policy.SelectorApprove) && d.Hi[0].BitLen() <= 32:
		e.Action = "erc20_transfer"
		if d.Selector == policy.SelectorApprove {
			e.Action = "erc20_approve"
		}
		var a wire.Address
		d.Word(0).FillBytes(a[:])
		e.Recipient, e.Amount = a.Hex(), d.Word(1).String()
	}
	if len(tx.Data) >= 4 {
		sel := uint64(tx.Data[0])<<24 | uint64(tx.Data[1])<<16 | uint64(tx.Data[2])<<8 | uint64(tx.Data[3])
		e.Selector = fmt.Sprintf("0x%08x", sel)
		e.Function = policy.KnownFunction(sel)
	}
	if pol == nil {
		return e
	}
	e.ToLabel = labelOf(pol, e.To)
	if e.Recipient != "" {
		e.RecipientLabel = labelOf(pol, e.Recipient)
	}
	if err := pol.Check(tx, st); err != nil {
		e.Violation, e.Reason = string(wire.CodeOf(err)), wire.MessageOf(err)
		return e
	}
	m, err := pol.Match(tx)
	if err != nil { // Check passed, so Match does
		return e
	}
	name := e.ToLabel
	if name == "" {
		name = e.To
	}
	if m.Call.Selector == policy.ValueTransferSelector {
		e.Rule = fmt.Sprintf("%s may receive value transfers, up to %s each", name, FormatEther(&pol.MaxValuePerTx.Int))
		return e
	}
	e.Function = m.Call.Fn
	e.Rule = fmt.Sprintf("%s may be called with %s, each argument within its rule", name, m.Call.Fn)
	for i, sl := range m.Call.Slots {
		e.Args = append(e.Args, ArgInfo{Name: sl.Name, Type: sl.Type, Value: wordText(pol, m.Data.Word(i), sl.Type), Rule: pol.DescribeWord(m.Call, i)})
	}
	if m.Spends {
		e.Spend = fmt.Sprintf("%s of %s's window (%s already moved, cap %s)", m.Window.Format(m.SpendAmount), pol.TargetName(m.SpendToken),
			m.Window.Format(st.TokenSpent(m.SpendToken)), m.Window.Format(m.Window.Max))
	}
	return e
}

func wordText(pol *policy.Policy, v *big.Int, typ string) string {
	if typ == "address" && v.BitLen() <= 160 {
		var a wire.Address
		v.FillBytes(a[:])
		return pol.TargetName(a)
	}
	return v.String()
}

func labelOf(pol *policy.Policy, addr string) string {
	for _, t := range pol.Targets {
		if strings.EqualFold(t.Address.Hex(), addr) {
			return t.Label
		}
	}
	return ""
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
	fs := fmt.Sprintf("%018s", frac.String())[:6]
	fs = strings.TrimRight(fs, "0")
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
