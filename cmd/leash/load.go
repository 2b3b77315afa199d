package main

import (
	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/wire"
)

// Loaders for the files subcommands take. Each returns a coded error whose
// message names the file.

func loadWith[T any](path, what string, decode func([]byte) (T, error)) (T, error) {
	var zero T
	b, err := readFile(path)
	if err != nil {
		return zero, wire.Errorf(wire.Malformed, "%s file: %w", what, err)
	}
	v, err := decode(b)
	if err != nil {
		return zero, wire.Errorf(wire.CodeOf(err), "%s (%s): %s", what, path, wire.MessageOf(err))
	}
	return v, nil
}

func loadPolicy(path string) (*policy.Policy, error) { return loadWith(path, "policy", policy.Decode) }
func loadTx(path string) (*wire.Tx, error)           { return loadWith(path, "transaction", wire.DecodeTx) }
func loadState(path string) (*wire.State, error)     { return loadWith(path, "state", wire.DecodeState) }
func loadProposal(path string) (*wire.Proposal, error) {
	return loadWith(path, "proposal", wire.DecodeProposal)
}
func loadVK(path string) (*verify.VerifyingKey, error) {
	return loadWith(path, "verifying key", verify.LoadVerifyingKey)
}

// verifyInputs are the four files `verify`, `sign` and `proposal
// public-inputs` share.
type verifyInputs struct {
	vk       *verify.VerifyingKey
	policy   *policy.Policy
	proposal *wire.Proposal
	state    *wire.State
}

// loadVerifyInputs loads whichever of the four paths are non-empty.
func loadVerifyInputs(vkPath, policyPath, proposalPath, statePath string) (*verifyInputs, error) {
	var in verifyInputs
	var err error
	if vkPath != "" {
		if in.vk, err = loadVK(vkPath); err != nil {
			return nil, err
		}
	}
	if in.policy, err = loadPolicy(policyPath); err != nil {
		return nil, err
	}
	if in.proposal, err = loadProposal(proposalPath); err != nil {
		return nil, err
	}
	if in.state, err = loadState(statePath); err != nil {
		return nil, err
	}
	return &in, nil
}
