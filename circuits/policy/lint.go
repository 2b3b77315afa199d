package policy

import (
	"fmt"
	"strings"
)

// Finding is one lint finding: a rule that is legal but lets a compromised
// agent move assets in a way the user probably did not mean. `leash policy
// commit` refuses a policy with a finding the document does not
// acknowledge; the acknowledgement is local to its call
// ("acknowledge": ["any-address:args[1]"]) and is not committed.
type Finding struct {
	Field        string `json:"field"`
	Risk         string `json:"risk"`
	Ack          string `json:"ack,omitempty"` // what to add to the call's acknowledge list ("" cannot be acknowledged)
	Acknowledged bool   `json:"acknowledged"`
}

func (f Finding) String() string {
	s := f.Field + ": " + f.Risk
	if f.Ack != "" && !f.Acknowledged {
		s += fmt.Sprintf(" (if this is really meant, add %q to the call's acknowledge list)", f.Ack)
	}
	return s
}

// Lint acknowledgements.
const (
	AckAnyAddress = "any-address:" // + the word's name, e.g. "any-address:args[1]"
	AckUnruled    = "unruled"
	AckNestedCall = "nested-call"
)

// unruledRisk names the functions that must not go without rules.
var unruledRisk = map[uint64]string{
	SelectorTransferFrom:      "transferFrom without rules moves anyone's tokens that approved this account, to anyone",
	SelectorSetApprovalForAll: "setApprovalForAll without rules hands every NFT of the collection to any operator",
	SelectorIncreaseAllowance: "increaseAllowance without rules grants any spender an unbounded allowance",
	SelectorPermit:            "permit without rules signs away an allowance to any spender",
	SelectorPermitDAI:         "permit without rules signs away an allowance to any spender",
}

// nestedCallSelectors are well-known functions whose bytes arguments carry
// further calls (a 0x selector bypasses the signature parser that refuses
// bytes arguments).
var nestedCallSelectors = map[uint64]string{
	0xac9650d8: "multicall(bytes[])",
	0x5ae401dc: "multicall(uint256,bytes[])",
	0x1f0464d1: "multicall(bytes32,bytes[])",
	0xb61d27f6: "execute(address,uint256,bytes)",
	0x3593564c: "execute(bytes,bytes[],uint256)",
	0x24856bc3: "execute(bytes,bytes[])",
	0x252dba42: "aggregate((address,bytes)[])",
	0x82ad56cb: "aggregate3((address,bool,bytes)[])",
	0x6a761202: "execTransaction(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,bytes)",
	0x1cff79cd: "execute(address,bytes)",
	0x47e1da2a: "executeBatch(address[],uint256[],bytes[])",
}

// Lint lists the policy's findings, acknowledged or not, and every
// acknowledgement that matches no finding.
func (p *Policy) Lint() []Finding {
	var out []Finding
	for _, t := range p.targets {
		for _, cr := range t.calls {
			out = append(out, cr.lint()...)
		}
	}
	for _, sr := range p.sigs {
		out = append(out, sr.lint()...)
	}
	return out
}

func (cr *CallRule) lint() []Finding {
	var fs []Finding
	add := func(field, risk, ack string) {
		fs = append(fs, Finding{Field: cr.Where + field, Risk: risk, Ack: ack})
	}
	if sig, ok := nestedCallSelectors[cr.Selector]; ok && cr.Name == "" {
		add(".fn", fmt.Sprintf("%s is %s, whose bytes arguments are nested calls the rules cannot see", cr.Fn, sig), AckNestedCall)
	}
	allAny := len(cr.Slots) > 0
	for _, s := range cr.Slots {
		if s.Rule == nil || !s.Rule.Any {
			allAny = false
			continue
		}
		switch s.Type {
		case "address":
			add("."+compact(s.Name), "an address argument ruled only \"any\": a compromised agent chooses it (a recipient, spender or `to` that is its own)",
				AckAnyAddress+compact(s.Name))
		case typeWord:
			add("."+compact(s.Name), "a word of a 0x selector ruled only \"any\": its type is unknown, so it may be an address a compromised agent chooses",
				AckAnyAddress+compact(s.Name))
		}
	}
	if risk, ok := unruledRisk[cr.Selector]; ok && (allAny || len(cr.Slots) == 0) {
		add(".args", risk, AckUnruled)
	}
	acked := map[string]bool{}
	for i, a := range cr.Acks {
		matched := false
		for k := range fs {
			if fs[k].Ack == a {
				fs[k].Acknowledged, matched = true, true
			}
		}
		if !matched || acked[a] {
			add(fmt.Sprintf(".acknowledge[%d]", i), fmt.Sprintf("%q matches no finding of this call (or is listed twice); remove it", a), "")
		}
		acked[a] = true
	}
	return fs
}

func compact(name string) string { return strings.ReplaceAll(name, " ", "") }

// LintErrors returns the findings not acknowledged, as a Problems list
// (nil when there are none).
func (p *Policy) LintErrors() Problems {
	var probs Problems
	for _, f := range p.Lint() {
		if !f.Acknowledged {
			probs = append(probs, f.String())
		}
	}
	return probs
}
