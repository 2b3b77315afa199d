package signer

import (
	"context"
	"sync"

	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/wire"
)

// eip2612Permit is EIP-2612's Permit type: its nonce is the token's
// per-owner counter (nonces(owner)), not a random value.
const eip2612Permit = "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"

// replayKey is the ledger's record of a signed typed-data document, which
// refuses a second signature with the same key (replay): the (domain
// separator, nonce) pair. For an EIP-2612 Permit, whose nonce is a counter
// the token moves only when a permit is used, with an RPC configured: the
// core reads the token's nonces(owner) and refuses a counter below it
// (replay: used on chain); otherwise the record is (domain separator,
// EIP-712 digest), so the same permit is refused again but a new permit at
// a counter signed before and never used can be signed. That is safe: at
// most one permit per counter can ever be used, and every signed one
// counts in the window. Without an RPC, or when the read fails or the RPC
// serves another chain, the record is the pair, as before (a counter
// signed once stays refused until its record expires).
func (s *Signer) replayKey(ctx context.Context, pn *pins, sig *verify.Signature) ([]byte, error) {
	m, sr := sig.Message, sig.Match.Rule
	pair := m.Nonce(sr)
	owner := -1
	for i, p := range m.Paths {
		if p == "owner" {
			owner = i
		}
	}
	if sr.EncodedType != eip2612Permit || owner < 0 {
		return pair[:], nil
	}
	r, _ := s.reader()
	if r == nil {
		return pair[:], nil
	}
	var who wire.Address
	w := m.Data.Word(owner).Bytes() // an address field: < 2^160 (ReadTyped)
	if len(w) > len(who) {
		return pair[:], nil
	}
	copy(who[len(who)-len(w):], w)
	// The chain id and the counter are read together (one round trip, not
	// two); the counter is used only when the chain is the policy's.
	var (
		wg       sync.WaitGroup
		chainErr error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		chainErr = checkChainID(ctx, r, pn.policy.ChainID, wire.InputUnavailable, "reading the permit nonce")
	}()
	next, err := r.PermitNonce(ctx, m.Contract, who)
	wg.Wait()
	if chainErr != nil || err != nil {
		return pair[:], nil
	}
	counter := m.Data.Word(sr.NonceWord)
	if counter.Cmp(next) < 0 {
		return nil, wire.Errorf(wire.Replay, "permit nonce %s of %s is used on chain (the token's next is %s)", counter, who.Hex(), next)
	}
	key := make([]byte, 64)
	copy(key, m.DomainSeparator[:])
	d := sig.TypedData.Hash()
	copy(key[32:], d[:])
	return key, nil
}
