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
	Function  string `json:"function,omitempty"` // a known signature
	Data      string `json:"data"`               // raw calldata, hex
	// ERC-20 transfer/approve arguments.
	Recipient      string `json:"recipient,omitempty"` // transfer: to, approve: spender
	RecipientLabel string `json:"recipientLabel,omitempty"`
	Amount         string `json:"amount,omitempty"` // base units, decimal
	ChainID        uint64 `json:"chainId"`
	Nonce          uint64 `json:"nonce"`
	MaxFee         string `json:"maxFee"` // gas × maxFeePerGas, wei
	MaxFeeText     string `json:"maxFeeText"`
	// Against the policy: the rule that allows it, or the one it breaks.
	Rule      string `json:"rule,omitempty"`
	Violation string `json:"violation,omitempty"` // policy_violation:<rule>
	Reason    string `json:"reason,omitempty"`
}

var knownFunctions = map[uint64]string{
	policy.SelectorTransfer: "transfer(address,uint256)",
	policy.SelectorApprove:  "approve(address,uint256)",
	0x23b872dd:              "transferFrom(address,address,uint256)",
	0x38ed1739:              "swapExactTokensForTokens(uint256,uint256,address[],address,uint256)",
	0x7ff36ab5:              "swapExactETHForTokens(uint256,address[],address,uint256)",
}

// Explain decodes tx for display and, when pol is set, names the rule that
// allows it (or the rule it breaks) given the window spend and the time.
func Explain(tx *wire.Tx, pol *policy.Policy, spent *big.Int, now uint64) Explained {
	e := Explained{To: tx.To.Hex(), Value: tx.Value.Int.String(), ValueText: FormatEther(&tx.Value.Int),
		Data: "0x" + hex.EncodeToString(tx.Data), ChainID: uint64(tx.ChainID), Nonce: uint64(tx.Nonce)}
	fee := new(big.Int).Mul(new(big.Int).SetUint64(uint64(tx.Gas)), &tx.MaxFeePerGas.Int)
	e.MaxFee, e.MaxFeeText = fee.String(), FormatEther(fee)
	call := policy.ParseCall(tx.Data)
	switch {
	case len(tx.Data) == 0:
		e.Action = "value_transfer"
	case call.ERC20 && call.ArgsValid:
		e.Action = "erc20_transfer"
		if call.Kind == policy.KindSpender {
			e.Action = "erc20_approve"
		}
		e.Recipient, e.Amount = call.Arg.Hex(), call.Amount.String()
	default:
		e.Action = "call"
	}
	if len(tx.Data) >= 4 {
		e.Selector = fmt.Sprintf("0x%08x", call.Selector)
		e.Function = knownFunctions[call.Selector]
	}
	if pol == nil {
		return e
	}
	var target *policy.Target
	for i := range pol.Targets {
		if pol.Targets[i].Address == tx.To {
			target = &pol.Targets[i]
		}
	}
	if target != nil {
		e.ToLabel = target.Label
		if e.Recipient != "" {
			e.RecipientLabel = labelOf(pol, e.Recipient)
		}
	}
	if err := pol.Check(tx, spent, now); err != nil {
		e.Violation, e.Reason = string(wire.CodeOf(err)), wire.MessageOf(err)
		return e
	}
	name := target.Label
	if name == "" {
		name = target.Address.Hex()
	}
	switch e.Action {
	case "value_transfer":
		e.Rule = fmt.Sprintf("%s may receive value transfers, up to %s each", name, FormatEther(&pol.MaxValuePerTx.Int))
	case "erc20_transfer", "erc20_approve":
		if target.ERC20 != nil {
			who := "recipient"
			if e.Action == "erc20_approve" {
				who = "spender"
			}
			e.Rule = fmt.Sprintf("%s: %s of at most %s base units to an allowlisted %s", name,
				strings.TrimPrefix(e.Action, "erc20_"), target.ERC20.MaxAmount.String(), who)
		} else {
			e.Rule = fmt.Sprintf("%s may be called with %s", name, e.Selector)
		}
	default:
		e.Rule = fmt.Sprintf("%s may be called with %s", name, e.Selector)
	}
	return e
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
