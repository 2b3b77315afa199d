package policy

import (
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/leash-wallet/leash/wire"
)

// knownSelectors names common selectors for descriptions of 0x calls.
var knownSelectors = map[uint64]string{
	SelectorTransfer:          "transfer(address,uint256)",
	SelectorApprove:           "approve(address,uint256)",
	SelectorTransferFrom:      "transferFrom(address,address,uint256)",
	SelectorSetApprovalForAll: "setApprovalForAll(address,bool)",
	SelectorIncreaseAllowance: "increaseAllowance(address,uint256)",
	SelectorPermit:            "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)",
	0x38ed1739:                "swapExactTokensForTokens(uint256,uint256,address[],address,uint256)",
	0x7ff36ab5:                "swapExactETHForTokens(uint256,address[],address,uint256)",
	0x04e45aaf:                "exactInputSingle((address,address,uint24,address,uint256,uint256,uint160))",
}

// KnownFunction returns the signature of a well-known selector, or "".
func KnownFunction(sel uint64) string { return knownSelectors[sel] }

// Describe renders the policy in plain language, every rule of it, for
// the CLI and the extension's policy screen.
func (p *Policy) Describe() string {
	var b strings.Builder
	name := p.Name
	if name == "" {
		name = "Unnamed policy"
	}
	per := FormatSeconds(p.Window.Seconds)
	fmt.Fprintf(&b, "%s (commitment %s)\n", name, p.commitment)
	fmt.Fprintf(&b, "- Chain %d only, for account %s (\"self\"), from %s to %s.\n", p.ChainID, p.Account.Hex(), fmtTime(p.NotBefore), fmtTime(p.NotAfter))
	fmt.Fprintf(&b, "- Native value: at most %s per transaction, and %s in any %s.\n", formatWei(&p.MaxValuePerTx.Int), formatWei(&p.Window.MaxValue.Int), per)
	fmt.Fprintf(&b, "- Fees (gas limit × max fee per gas, counted whether the transaction succeeds or reverts): at most %s per transaction, and %s in any %s.\n",
		formatWei(&p.MaxFeePerTx.Int), formatWei(&p.Window.MaxFees.Int), per)
	fmt.Fprintf(&b, "- At most %d transactions in any %s.\n", p.Window.MaxTxs, per)
	for _, w := range p.tokens {
		fmt.Fprintf(&b, "- Token window: at most %s of %s moved by the calls below in any %s.\n", w.Format(w.Max), w.name(), per)
	}
	fmt.Fprintf(&b, "- Only these %d destinations, and only these calls:\n", len(p.targets))
	for _, t := range p.targets {
		fmt.Fprintf(&b, "  - %s:\n", p.targetName(t.addr))
		for _, cr := range t.calls {
			p.describeCall(&b, cr)
		}
	}
	p.describeSignatures(&b)
	return b.String()
}

func (w *TokenWindow) name() string {
	switch {
	case w.Symbol != "":
		return fmt.Sprintf("%s (%s)", w.Symbol, w.Token.Hex())
	case w.Label != "":
		return fmt.Sprintf("%s (%s)", w.Label, w.Token.Hex())
	}
	return w.Token.Hex()
}

// TargetName renders an address with its label, if it is a target.
func (p *Policy) TargetName(a wire.Address) string { return p.targetName(a) }

func (p *Policy) targetName(a wire.Address) string {
	for _, t := range p.Targets {
		if t.Address == a && t.Label != "" {
			return fmt.Sprintf("%s (%s)", a.Hex(), t.Label)
		}
	}
	return a.Hex()
}

func (p *Policy) describeCall(b *strings.Builder, cr *CallRule) {
	only := ""
	if cr.ProgramOnly {
		only = " — only through a pinned program's proof, never a policy proof"
	}
	if cr.Selector == ValueTransferSelector {
		fmt.Fprintf(b, "    - plain value transfers (empty calldata)%s\n", only)
		return
	}
	fn := cr.Fn
	if cr.Name == "" {
		if known := knownSelectors[cr.Selector]; known != "" {
			fn += " (" + known + ")"
		}
	}
	fmt.Fprintf(b, "    - %s, exactly %d calldata words%s\n", fn, cr.Words, only)
	for i := range cr.Slots {
		fmt.Fprintf(b, "      - word %d, %s (%s): %s\n", i, cr.Slots[i].Name, cr.Slots[i].Type, p.DescribeWord(cr, i))
	}
}

// DescribeWord says in plain language what word i of a call may be.
func (p *Policy) DescribeWord(cr *CallRule, i int) string {
	s := &cr.Slots[i]
	var parts []string
	switch {
	case s.Type == typeOffset:
		parts = append(parts, fmt.Sprintf("must be %s (the canonical offset of the array)", s.Ops[1]))
	case s.Type == typeLength:
		parts = append(parts, fmt.Sprintf("must be %s (the array has exactly %s elements)", s.Ops[1], s.Ops[1]))
	case s.Rule != nil && s.Rule.Is == "self":
		parts = append(parts, "must be self (the account "+p.Account.Hex()+")")
	case s.Flags&FlagEq != 0:
		parts = append(parts, "must be "+p.showValue(join(s.Ops), s.Type))
	case s.Set >= 0:
		set := cr.Sets[s.Set]
		names := make([]string, len(set.Members))
		for k, a := range set.Members {
			names[k] = p.targetName(a)
		}
		parts = append(parts, fmt.Sprintf("one of %d addresses: %s", len(set.Members), strings.Join(names, ", ")))
	case s.Flags&FlagRange != 0:
		hasMax, hasMin := s.Ops[0].Cmp(maxHalf) != 0, s.Ops[1].Sign() != 0
		switch {
		case hasMax && hasMin:
			parts = append(parts, fmt.Sprintf("between %s and %s", p.showAmount(cr, s.Ops[1]), p.showAmount(cr, s.Ops[0])))
		case hasMax:
			parts = append(parts, "at most "+p.showAmount(cr, s.Ops[0]))
		case hasMin:
			parts = append(parts, fmt.Sprintf("at least %s (and below 2^128)", p.showAmount(cr, s.Ops[1])))
		default:
			parts = append(parts, "any value below 2^128")
		}
	default:
		what := "any value"
		if s.Type == "address" || s.Type == typeWord {
			what = "ANY " + s.Type + " (no rule)"
		}
		parts = append(parts, what)
	}
	if s.Flags&FlagSpend != 0 {
		parts = append(parts, "counts toward the window of "+p.spendName(cr))
	}
	if s.Flags&FlagTokenArg != 0 {
		parts = append(parts, "is the token this call spends")
	}
	return strings.Join(parts, "; ")
}

func (p *Policy) spendName(cr *CallRule) string {
	switch cr.SpendMode {
	case SpendTarget:
		if w := p.TokenWindow(cr.Target); w != nil {
			return w.name()
		}
	case SpendFixed:
		if w := p.TokenWindow(cr.SpendToken); w != nil {
			return w.name()
		}
	case SpendArg:
		return fmt.Sprintf("the token in word %d", cr.TokenArg)
	}
	return "its token"
}

// showAmount renders an amount word of a call: in the call's token when it
// spends one with a known symbol, else as a number.
func (p *Policy) showAmount(cr *CallRule, v *big.Int) string {
	var w *TokenWindow
	switch cr.SpendMode {
	case SpendTarget:
		w = p.TokenWindow(cr.Target)
	case SpendFixed:
		w = p.TokenWindow(cr.SpendToken)
	}
	if w != nil && w.Symbol != "" && w.Decimals >= 0 {
		return w.Format(v)
	}
	return v.String()
}

func (p *Policy) showValue(v *big.Int, typ string) string {
	switch {
	case typ == "bool":
		return fmt.Sprint(v.Sign() != 0)
	case v.BitLen() <= AddressBits && (typ == "address" || typ == typeWord && v.BitLen() > 64):
		var a wire.Address
		v.FillBytes(a[:])
		return p.targetName(a)
	}
	return showWord(v, typ)
}

func fmtTime(t Timestamp) string { return time.Unix(int64(t), 0).UTC().Format(time.RFC3339) }

// FormatSeconds says a duration in words: "day", "2 hours", "90 seconds".
func FormatSeconds(s uint64) string {
	for _, u := range []struct {
		n    uint64
		name string
	}{{86400, "day"}, {3600, "hour"}, {60, "minute"}} {
		if s%u.n == 0 {
			if s == u.n {
				return u.name
			}
			return fmt.Sprintf("%d %ss", s/u.n, u.name)
		}
	}
	return fmt.Sprintf("%d seconds", s)
}

// Warnings lists things that are legal but probably not what the author
// meant, and every lint finding not acknowledged. They are not errors for
// a signer (the user committed to the policy); `leash policy commit`
// refuses a policy with unacknowledged findings.
func (p *Policy) Warnings() []string {
	var w []string
	if p.MaxValuePerTx.Cmp(&p.Window.MaxValue.Int) > 0 {
		w = append(w, "maxValuePerTx is above window.maxValue, so the window cap is the real limit")
	}
	if p.MaxFeePerTx.Cmp(&p.Window.MaxFees.Int) > 0 {
		w = append(w, "maxFeePerTx is above window.maxFees, so the fee window is the real limit")
	}
	for _, f := range p.Lint() {
		if !f.Acknowledged {
			w = append(w, f.String())
		}
	}
	return w
}

// CallsOn returns the calls allowed on target addr (none when it is not a
// target with calls).
func (p *Policy) CallsOn(addr wire.Address) []*CallRule {
	if i := p.target(addr); i >= 0 {
		return append([]*CallRule(nil), p.targets[i].calls...)
	}
	return nil
}

// AllowedAddresses lists the addresses calldata word i of a call may hold,
// or nil when the word is not ruled to a list (eq, is self or oneOf).
func (p *Policy) AllowedAddresses(cr *CallRule, i int) []wire.Address {
	if i < 0 || i >= len(cr.Slots) {
		return nil
	}
	s := &cr.Slots[i]
	switch {
	case s.Set >= 0:
		return append([]wire.Address(nil), cr.Sets[s.Set].Members...)
	case s.Flags&FlagEq != 0:
		if v := join(s.Ops); v.BitLen() <= AddressBits {
			var a wire.Address
			v.FillBytes(a[:])
			return []wire.Address{a}
		}
	}
	return nil
}

// MaxOf returns the max rule of calldata word i of a call, or nil.
func (cr *CallRule) MaxOf(i int) *big.Int {
	if i < 0 || i >= len(cr.Slots) || cr.Slots[i].Flags&FlagRange == 0 || cr.Slots[i].Ops[0].Cmp(maxHalf) == 0 {
		return nil
	}
	return new(big.Int).Set(cr.Slots[i].Ops[0])
}

// DescribeCall states one call and the rule of each of its words, on one
// line: "transfer(address,uint256): args[0] one of 1 addresses: …; args[1] at
// most 1000 USDC …".
func (p *Policy) DescribeCall(cr *CallRule) string {
	if cr.Selector == ValueTransferSelector {
		return "plain value transfers"
	}
	parts := make([]string, len(cr.Slots))
	for i := range cr.Slots {
		parts[i] = cr.Slots[i].Name + " " + p.DescribeWord(cr, i)
	}
	s := cr.Fn
	if cr.ProgramOnly {
		s += " (program proofs only)"
	}
	if len(parts) == 0 {
		return s
	}
	return s + ": " + strings.Join(parts, "; ")
}
