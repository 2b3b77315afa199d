package policy

import (
	"fmt"
	"strings"
	"time"
)

// knownSelectors names common selectors for descriptions.
var knownSelectors = map[uint64]string{
	SelectorTransfer: "transfer(address,uint256)",
	SelectorApprove:  "approve(address,uint256)",
	0x23b872dd:       "transferFrom(address,address,uint256)",
	0x38ed1739:       "swapExactTokensForTokens(uint256,uint256,address[],address,uint256)",
	0x7ff36ab5:       "swapExactETHForTokens(uint256,address[],address,uint256)",
}

// Describe renders the policy in plain language, for the CLI and the
// extension's policy screen.
func (p *Policy) Describe() string {
	var b strings.Builder
	name := p.Name
	if name == "" {
		name = "Unnamed policy"
	}
	fmt.Fprintf(&b, "%s (commitment %s)\n", name, p.commitment)
	fmt.Fprintf(&b, "- Chain %d only, from %s to %s.\n", p.ChainID, fmtTime(p.NotBefore), fmtTime(p.NotAfter))
	fmt.Fprintf(&b, "- At most %s per transaction, and %s in any %s.\n", formatWei(&p.MaxValuePerTx.Int),
		formatWei(&p.Window.MaxValue.Int), FormatSeconds(p.Window.Seconds))
	fmt.Fprintf(&b, "- Fees: gas limit × max fee per gas at most %s per transaction.\n", formatWei(&p.MaxFeePerTx.Int))
	fmt.Fprintf(&b, "- Only these %d destinations:\n", len(p.Targets))
	for _, t := range p.Targets {
		label := ""
		if t.Label != "" {
			label = " (" + t.Label + ")"
		}
		fmt.Fprintf(&b, "  - %s%s:\n", t.Address.Hex(), label)
		if t.ValueTransfer {
			fmt.Fprintf(&b, "    - may receive plain value transfers\n")
		}
		for _, s := range t.Selectors {
			v, _ := ParseSelector(s)
			desc := s
			if known, ok := knownSelectors[uint64(v)]; ok && strings.HasPrefix(s, "0x") {
				desc = fmt.Sprintf("%s %s", s, known)
			}
			fmt.Fprintf(&b, "    - may be called with %s\n", desc)
		}
		if r := t.ERC20; r != nil {
			fmt.Fprintf(&b, "    - as an ERC-20 token: transfer/approve at most %s base units each\n", r.MaxAmount.String())
			fmt.Fprintf(&b, "      recipients: %s\n", addrList(r.Recipients))
			fmt.Fprintf(&b, "      spenders: %s\n", addrList(r.Spenders))
		}
	}
	return b.String()
}

func addrList[T fmt.Stringer](as []T) string {
	if len(as) == 0 {
		return "none"
	}
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

func fmtTime(t Timestamp) string { return time.Unix(int64(t), 0).UTC().Format(time.RFC3339) }

// Warnings lists things that are legal but probably not what the author
// meant. They are not errors.
func (p *Policy) Warnings() []string {
	var w []string
	if p.MaxValuePerTx.Cmp(&p.Window.MaxValue.Int) > 0 {
		w = append(w, "maxValuePerTx is above window.maxValue, so the window cap is the real limit")
	}
	for _, t := range p.Targets {
		if t.ERC20 == nil {
			continue
		}
		has := map[uint64]bool{}
		for _, s := range t.Selectors {
			v, _ := ParseSelector(s)
			has[uint64(v)] = true
		}
		if has[SelectorTransfer] && len(t.ERC20.Recipients) == 0 {
			w = append(w, fmt.Sprintf("%s: transfer is allowed but no recipient is, so every transfer will be refused", t.Address.Hex()))
		}
		if has[SelectorApprove] && len(t.ERC20.Spenders) == 0 {
			w = append(w, fmt.Sprintf("%s: approve is allowed but no spender is, so every approve will be refused", t.Address.Hex()))
		}
		if has[0x23b872dd] {
			w = append(w, fmt.Sprintf("%s: transferFrom is allowed and is not amount-capped by the ERC-20 rule", t.Address.Hex()))
		}
	}
	return w
}

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
