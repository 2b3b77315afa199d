package signer

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/leash-wallet/leash/wasm/audit"
	"github.com/leash-wallet/leash/wire"
)

// NonceStep is the most the ledger's next nonce moves forward on the RPC's
// word alone (issue 13: one lying eth_getTransactionCount moved it to 2^40
// for ever, and nothing the agent sent was mined again). The step is
// counted from the anchor, the next nonce after the signer's own last
// signature or the user's last confirmation, so repeated syncs cannot walk
// the nonce up 16 at a time. 16 covers the transactions a user sends from
// another wallet between two of the agent's; a larger jump is held until
// the user confirms it (ConfirmNonce) or dismisses it (ResetNonce). The
// nonce never moves back (G2).
const NonceStep = 16

// KeyNonceAnchor is the storage key of the nonce anchor.
const KeyNonceAnchor = "nonce-anchor"

type anchorJSON struct {
	Version int         `json:"version"`
	Anchor  wire.Uint64 `json:"anchor"`
}

func decodeAnchor(raw []byte) (uint64, error) {
	var a anchorJSON
	if err := wire.DecodeStrict(raw, &a, "nonce anchor"); err != nil {
		return 0, err
	}
	if a.Version != 1 {
		return 0, wire.Errorf(wire.Malformed, "nonce anchor: version %d is not supported", a.Version)
	}
	return uint64(a.Anchor), nil
}

// anchorNonce moves the anchor forward to n (a nonce the signer or the user
// vouched for) and stores it. A failed write leaves the stored anchor
// lower: more conservative.
func (s *Signer) anchorNonce(ctx context.Context, n uint64) {
	s.nonceMu.Lock()
	defer s.nonceMu.Unlock()
	if n > s.anchor {
		_ = s.storeAnchor(ctx, n)
	}
}

// storeAnchor sets and stores the anchor. s.nonceMu is held (or s is not
// shared yet).
func (s *Signer) storeAnchor(ctx context.Context, n uint64) error {
	s.anchor = n
	raw, err := json.Marshal(anchorJSON{Version: 1, Anchor: wire.Uint64(n)})
	if err != nil {
		return wire.Errorf(wire.Internal, "nonce anchor: %v", err)
	}
	if err := s.store.Put(ctx, KeyNonceAnchor, raw); err != nil {
		return storeErr("write nonce anchor", err)
	}
	return nil
}

// NonceHold is a nonce jump larger than NonceStep that an RPC reported,
// waiting for the user.
type NonceHold struct {
	// Chain is the next nonce the RPC reported.
	Chain wire.Uint64 `json:"chain"`
	// Ledger is the signer's next nonce when it was reported.
	Ledger wire.Uint64 `json:"ledger"`
	// Time is when it was reported (the signer's clock, unix seconds).
	Time uint64 `json:"time"`
}

// SyncNonce moves the ledger's next nonce forward to pending, the chain's
// transaction count as an RPC (or the user's own wallet) reports it: to at
// most the anchor plus NonceStep. A larger jump is held
// (Status().NonceHold) and the nonce stays; a count at or below the
// ledger's changes nothing, and a count within the step clears a held
// jump. It returns the next nonce.
func (s *Signer) SyncNonce(ctx context.Context, pending uint64) (uint64, error) {
	now := s.now()
	cur := s.ledger.View(now).Nonce
	s.nonceMu.Lock()
	limit := s.anchor + NonceStep
	if limit < s.anchor {
		limit = ^uint64(0)
	}
	s.nonceMu.Unlock()
	switch {
	case pending <= cur:
		return cur, nil
	case pending > limit:
		s.nonceMu.Lock()
		fresh := s.nonceHold == nil || uint64(s.nonceHold.Chain) != pending
		if fresh {
			s.nonceHold = &NonceHold{Chain: wire.Uint64(pending), Ledger: wire.Uint64(cur), Time: now}
		}
		s.nonceMu.Unlock()
		if fresh {
			s.record(ctx, audit.Entry{Kind: "nonce", Decision: audit.Info, Message: "the RPC reports next nonce " +
				strconv.FormatUint(pending, 10) + ", beyond " + strconv.FormatUint(limit, 10) + " (" + strconv.Itoa(NonceStep) +
				" past the last nonce the signer or the user vouched for); the next nonce stays " + strconv.FormatUint(cur, 10) +
				" until the user confirms the jump"})
		}
		return cur, nil
	}
	s.nonceMu.Lock()
	s.nonceHold = nil
	s.nonceMu.Unlock()
	return s.moveNonce(ctx, pending, "next nonce synced to ")
}

// moveNonce moves the ledger forward to n and persists it.
func (s *Signer) moveNonce(ctx context.Context, n uint64, why string) (uint64, error) {
	if s.ledger.SyncNonce(n) {
		if err := s.persistLedger(ctx); err != nil {
			return 0, err
		}
		s.record(ctx, audit.Entry{Kind: "nonce", Decision: audit.Info, Message: why + strconv.FormatUint(n, 10)})
	}
	return s.ledger.View(s.now()).Nonce, nil
}

// RefreshNonce reads the account's pending transaction count through the
// signer's own RPC (both endpoints, when two are set, must agree; the
// chain must be the pinned policy's) and syncs the ledger to it within the
// step. It returns the next nonce.
func (s *Signer) RefreshNonce(ctx context.Context) (uint64, error) {
	r, _ := s.reader()
	if r == nil {
		return 0, wire.Errorf(wire.InputUnavailable, "no RPC is configured: the nonce cannot be read")
	}
	pn, err := s.currentPins()
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	v := s.vault
	s.mu.Unlock()
	if v == nil {
		return 0, wire.Errorf(wire.Locked, "no vault yet: create or import one")
	}
	if pn != nil {
		if err := checkChainID(ctx, r, pn.policy.ChainID, wire.InputUnavailable, "reading the nonce"); err != nil {
			return 0, err
		}
	}
	n, err := r.PendingNonce(ctx, v.Address())
	if err != nil {
		return 0, readError(err, wire.InputUnavailable, "cannot read the nonce")
	}
	return s.SyncNonce(ctx, n)
}

// ConfirmNonce is the user accepting a held nonce jump: n must be the
// jump's nonce as the user was shown it (Status().NonceHold.Chain).
func (s *Signer) ConfirmNonce(ctx context.Context, n uint64) (uint64, error) {
	s.nonceMu.Lock()
	h := s.nonceHold
	if h == nil || uint64(h.Chain) != n {
		s.nonceMu.Unlock()
		return 0, wire.Errorf(wire.Malformed, "no nonce jump to %d is waiting for confirmation", n)
	}
	s.nonceHold = nil
	s.nonceMu.Unlock()
	next, err := s.moveNonce(ctx, n, "the user confirmed the jump of the next nonce to ")
	if err == nil {
		s.anchorNonce(ctx, n)
	}
	return next, err
}

// ResetNonce is the user dismissing a held nonce jump: the ledger's next
// nonce stays where it is. Dismissing when nothing is held is no error.
func (s *Signer) ResetNonce(ctx context.Context) uint64 {
	s.nonceMu.Lock()
	h := s.nonceHold
	s.nonceHold = nil
	s.nonceMu.Unlock()
	cur := s.ledger.View(s.now()).Nonce
	if h != nil {
		s.record(ctx, audit.Entry{Kind: "nonce", Decision: audit.Info, Message: "the user dismissed the jump of the next nonce to " +
			strconv.FormatUint(uint64(h.Chain), 10) + "; it stays " + strconv.FormatUint(cur, 10)})
	}
	return cur
}

// heldNonce is the held jump, if any (a copy).
func (s *Signer) heldNonce() *NonceHold {
	s.nonceMu.Lock()
	defer s.nonceMu.Unlock()
	if s.nonceHold == nil {
		return nil
	}
	h := *s.nonceHold
	return &h
}
