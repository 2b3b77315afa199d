package ext

import (
	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/wasm/signer"
	"github.com/leash-wallet/leash/wire"
)

// PolicyInfo is what the policy screen shows about a policy document.
type PolicyInfo = signer.PolicyInfo

// DescribePolicy decodes a policy document, computes its commitment and
// describes it in plain language.
func DescribePolicy(doc []byte) (*policy.Policy, PolicyInfo, error) {
	p, err := policy.Decode(doc)
	if err != nil {
		return nil, PolicyInfo{}, err
	}
	return p, signer.DescribePolicy(p), nil
}

// ProposalID is the id of a proposal document, decoded strictly as the
// core decodes it ("" when it does not decode): the host answers a
// proposal it refuses before the core sees it (a registry refusal) by
// this id, never by its own parse.
func ProposalID(raw []byte) string {
	p, err := wire.DecodeProposal(raw)
	if err != nil {
		return ""
	}
	return p.ID
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
