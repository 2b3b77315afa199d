package ext

import (
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
