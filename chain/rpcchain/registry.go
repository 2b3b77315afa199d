package rpcchain

import (
	"context"
	"errors"
	"fmt"

	"github.com/leash-wallet/leash/wire"
)

// Registry errors (package chain/registry, the go-ethereum client that
// publishes, reuses them).
var (
	// ErrNoContract: there is no contract at the registry address.
	ErrNoContract = errors.New("registry: no contract at the registry address")
	// ErrBadAnswer: the RPC answered something that is not a registry
	// answer (wrong length, a bool that is not 0 or 1, a revert).
	ErrBadAnswer = errors.New("registry: malformed answer from rpc")
)

// Selectors of PolicyRegistry's views (keccak256 of the signature, checked
// against the contract's ABI in the tests).
var (
	selCommitmentOf = []byte{0xf6, 0x62, 0xb8, 0x81} // commitmentOf(address)
	selProgramOf    = []byte{0xe9, 0x6b, 0x4f, 0x01} // programOf(address,bytes32)
)

// TypedKeyID is the registry key under which an account publishes the hash
// of its typed-data circuit's verifying key (typed.vk): the registry's
// keyed entries (publishProgram, programOf, revokeProgram) under this
// reserved id. It is keccak256("leash.registry.typed-data-key.v1") with its
// first byte set to 0xff, so it is above the BN254 scalar field and no
// program commitment (a field element) can ever equal it. The signer signs
// a typed-data proposal only while this entry holds its pinned typed key's
// hash, live (ProgramEntry.CheckTypedKey), as it signs transactions only
// while the policy entry holds the pinned policy key's hash.
var TypedKeyID = wire.Hash32{
	0xff, 0xe2, 0xa2, 0xf5, 0x26, 0x7a, 0x61, 0x90, 0xc9, 0xe9, 0xae, 0xf8, 0xf9, 0x0d, 0x7c, 0x61,
	0x2e, 0xcf, 0xdc, 0x8e, 0xee, 0xec, 0x73, 0x70, 0x8d, 0xca, 0x95, 0x3b, 0x1b, 0xee, 0xed, 0x3a,
}

// PolicyEntry is an account's policy entry in the PolicyRegistry. The zero
// PolicyEntry means the account never committed.
type PolicyEntry struct {
	Commitment wire.Hash32 `json:"commitment"`
	VKHash     wire.Hash32 `json:"vkHash"`
	Revoked    bool        `json:"revoked"`
}

// ProgramEntry is one program of an account in the PolicyRegistry. A zero
// VKHash means the program was never published.
type ProgramEntry struct {
	VKHash  wire.Hash32 `json:"vkHash"`
	Revoked bool        `json:"revoked"`
}

// PolicyEntry reads account's policy entry from the registry at the latest
// block: commitmentOf(account).
func (c *Chain) PolicyEntry(ctx context.Context, registry, account wire.Address) (PolicyEntry, error) {
	data := append(append([]byte(nil), selCommitmentOf...), word(account[:])...)
	out, err := c.registryCall(ctx, registry, data, "commitmentOf")
	if err != nil {
		return PolicyEntry{}, err
	}
	return DecodePolicyEntry(out)
}

// ProgramEntry reads program's entry of account from the registry at the
// latest block: programOf(account, program).
func (c *Chain) ProgramEntry(ctx context.Context, registry, account wire.Address, program wire.Hash32) (ProgramEntry, error) {
	data := append(append(append([]byte(nil), selProgramOf...), word(account[:])...), program[:]...)
	out, err := c.registryCall(ctx, registry, data, "programOf")
	if err != nil {
		return ProgramEntry{}, err
	}
	return DecodeProgramEntry(out)
}

func (c *Chain) registryCall(ctx context.Context, registry wire.Address, data []byte, what string) ([]byte, error) {
	out, err := c.call(ctx, registry, data, "latest", what)
	switch {
	case err != nil && isRevert(err):
		return nil, fmt.Errorf("%w: %s reverted (not a registry at %s?): %v", ErrBadAnswer, what, registry, err)
	case err != nil:
		return nil, fmt.Errorf("eth_call %s: %w", what, err)
	case len(out) == 0:
		return nil, fmt.Errorf("%w: %s", ErrNoContract, registry)
	}
	return out, nil
}

// word left-pads b to one 32-byte ABI word.
func word(b []byte) []byte {
	w := make([]byte, 32)
	copy(w[32-len(b):], b)
	return w
}

// abiBool decodes a canonical ABI bool word.
func abiBool(w []byte) (bool, error) {
	for _, b := range w[:31] {
		if b != 0 {
			return false, fmt.Errorf("%w: bool word %x", ErrBadAnswer, w)
		}
	}
	switch w[31] {
	case 0:
		return false, nil
	case 1:
		return true, nil
	}
	return false, fmt.Errorf("%w: bool word %x", ErrBadAnswer, w)
}

// DecodePolicyEntry decodes the return data of commitmentOf: exactly 96
// bytes, the bool canonical.
func DecodePolicyEntry(out []byte) (PolicyEntry, error) {
	if len(out) != 96 {
		return PolicyEntry{}, fmt.Errorf("%w: commitmentOf returned %d bytes, want 96", ErrBadAnswer, len(out))
	}
	revoked, err := abiBool(out[64:96])
	if err != nil {
		return PolicyEntry{}, err
	}
	var e PolicyEntry
	copy(e.Commitment[:], out[0:32])
	copy(e.VKHash[:], out[32:64])
	e.Revoked = revoked
	return e, nil
}

// DecodeProgramEntry decodes the return data of programOf: exactly 64
// bytes, the bool canonical.
func DecodeProgramEntry(out []byte) (ProgramEntry, error) {
	if len(out) != 64 {
		return ProgramEntry{}, fmt.Errorf("%w: programOf returned %d bytes, want 64", ErrBadAnswer, len(out))
	}
	revoked, err := abiBool(out[32:64])
	if err != nil {
		return ProgramEntry{}, err
	}
	var e ProgramEntry
	copy(e.VKHash[:], out[0:32])
	e.Revoked = revoked
	return e, nil
}

// Check verifies that the entry is exactly the pinned commitment and vk
// hash, live. It returns a coded error a signer passes on:
// wire.ErrRevoked when the entry is revoked (the kill switch), and
// wire.ErrUnknownPolicy when there is no entry or it names another
// commitment or key.
func (e PolicyEntry) Check(pinned, vkHash wire.Hash32) error {
	switch {
	case e.Commitment == (wire.Hash32{}):
		return wire.Errorf(wire.UnknownPolicy, "no policy commitment is published on chain for this account")
	case e.Revoked:
		return wire.Errorf(wire.Revoked, "the on-chain policy commitment %s is revoked", e.Commitment)
	case e.Commitment != pinned:
		return wire.Errorf(wire.UnknownPolicy, "the on-chain policy commitment %s is not the pinned %s", e.Commitment, pinned)
	case e.VKHash != vkHash:
		return wire.Errorf(wire.UnknownPolicy, "the on-chain policy vk hash %s is not the pinned key's %s", e.VKHash, vkHash)
	}
	return nil
}

// Check verifies that program is published, live, with the key hashing to
// vkHash: wire.ErrRevoked when it is revoked, wire.ErrUnknownPolicy when
// it is not published or published with another key.
func (e ProgramEntry) Check(program, vkHash wire.Hash32) error {
	switch {
	case e.VKHash == (wire.Hash32{}):
		return wire.Errorf(wire.UnknownPolicy, "program %s is not published on chain for this account", program)
	case e.Revoked:
		return wire.Errorf(wire.Revoked, "program %s is revoked on chain", program)
	case e.VKHash != vkHash:
		return wire.Errorf(wire.UnknownPolicy, "program %s is published with vk hash %s, not the pinned key's %s", program, e.VKHash, vkHash)
	}
	return nil
}

// CheckTypedKey verifies that the typed-data key entry (the entry under
// TypedKeyID) is published, live, with the key hashing to vkHash:
// wire.ErrRevoked when it is revoked, wire.ErrUnknownPolicy when it is not
// published or names another key.
func (e ProgramEntry) CheckTypedKey(vkHash wire.Hash32) error {
	switch {
	case e.VKHash == (wire.Hash32{}):
		return wire.Errorf(wire.UnknownPolicy, "no typed-data key is published on chain for this account (leash policy publish --typed-vk)")
	case e.Revoked:
		return wire.Errorf(wire.Revoked, "the on-chain typed-data key %s is revoked", e.VKHash)
	case e.VKHash != vkHash:
		return wire.Errorf(wire.UnknownPolicy, "the on-chain typed-data key hash %s is not the pinned key's %s", e.VKHash, vkHash)
	}
	return nil
}
