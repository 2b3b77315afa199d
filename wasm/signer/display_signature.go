package signer

import (
	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/wasm/eip712"
	"github.com/leash-wallet/leash/wire"
)

// ExplainedSignature is a signature proposal as the supervised-mode
// approval shows it: the domain, the type, and each field with its value
// (amounts in token units when the rule spends a token) and the rule that
// allows it, all read from the same decoded document the core signs.
type ExplainedSignature struct {
	PrimaryType string       `json:"primaryType"`
	Domain      []eip712.Row `json:"domain"`
	Fields      []SigField   `json:"fields"`
	Digest      wire.Hash32  `json:"digest"`
	Spends      string       `json:"spends,omitempty"` // "0.1 dUSDC of the dUSDC window"
	Code        wire.Code    `json:"code,omitempty"`   // why the policy refuses it, if it does
	Message     string       `json:"message,omitempty"`
}

// SigField is one atomic field of the struct.
type SigField struct {
	Path  string `json:"path"`
	Type  string `json:"type"`
	Value string `json:"value"`
	Rule  string `json:"rule,omitempty"`
}

// ExplainSignature decodes an eth_signTypedData_v4 document and, with the
// policy (nil: no rules shown), explains it at the signer's state st.
func ExplainSignature(doc []byte, pol *policy.Policy, st *wire.State) (*ExplainedSignature, error) {
	td, err := eip712.Decode(doc, eip712.V4)
	if err != nil {
		return nil, err
	}
	dom, msg := td.Rows()
	out := &ExplainedSignature{PrimaryType: td.PrimaryType, Domain: dom, Digest: wire.Hash32(td.Hash())}
	for _, r := range msg {
		out.Fields = append(out.Fields, SigField{Path: r.Path, Type: r.Type, Value: r.Value})
	}
	if pol == nil {
		return out, nil
	}
	m, err := policy.ReadTyped(td)
	if err == nil {
		var sm *policy.SigMatch
		if sm, err = pol.MatchSignature(m); err == nil {
			for i := range out.Fields {
				for k := range sm.Rule.Slots {
					if sm.Rule.Slots[k].Name != out.Fields[i].Path {
						continue
					}
					out.Fields[i].Rule = pol.DescribeWord(sm.Rule.CallRule, k) + sm.Rule.Extra(pol, k)
					if sm.Rule.Slots[k].Flags&policy.FlagSpend != 0 && sm.Window != nil {
						out.Fields[i].Value = sm.Window.Format(sm.Data.Word(k))
					}
				}
			}
			if sm.Spends && sm.Window != nil {
				out.Spends = sm.Window.Format(sm.SpendAmount)
			}
			_, err = pol.CheckSignature(m, st)
		}
	}
	if err != nil {
		out.Code, out.Message = wire.CodeOf(err), wire.MessageOf(err)
	}
	return out, nil
}

// inspectSignature is Inspect for a signature proposal: its display model
// is the typed data explained against the pinned policy at the signer's
// own window, with the document's digest (what Approve checks).
func (s *Signer) inspectSignature(raw []byte, pn *pins, st *wire.State) (*ProposalView, error) {
	p, err := wire.DecodeSigProposal(raw)
	if err != nil {
		return nil, err
	}
	var pol *policy.Policy
	if pn != nil {
		pol = pn.policy
	}
	e, err := ExplainSignature(p.TypedData, pol, st)
	if err != nil {
		return nil, err
	}
	return &ProposalView{ID: p.ID, Digest: Digest(raw), Signature: e, Warnings: []Warning{}}, nil
}
