package signer

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"

	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/wasm/audit"
	"github.com/leash-wallet/leash/wasm/ethkey"
	"github.com/leash-wallet/leash/wasm/ledger"
	"github.com/leash-wallet/leash/wire"
)

// PinTypedKey pins the typed-data circuit's verifying key (from the user's
// own setup, as the policy key), in the pins record (under storage
// authentication). It needs a pinned policy; without a typed-data key every
// signature proposal is refused (unknown_policy).
func (s *Signer) PinTypedKey(ctx context.Context, vkBytes []byte) (wire.Hash32, error) {
	vk, err := verify.LoadTypedVerifyingKey(vkBytes)
	if err != nil {
		return wire.Hash32{}, err
	}
	pn, err := s.currentPins()
	if err != nil {
		return wire.Hash32{}, err
	}
	if pn == nil {
		return wire.Hash32{}, wire.Errorf(wire.UnknownPolicy, "pin the policy first")
	}
	pj := pn.raw
	pj.TypedVK = append(wire.Bytes(nil), vkBytes...)
	raw, err := json.Marshal(pj)
	if err != nil {
		return wire.Hash32{}, wire.Errorf(wire.Internal, "pins: %v", err)
	}
	if err := s.put(ctx, KeyPins, raw); err != nil {
		return wire.Hash32{}, storeErr("write pins", err)
	}
	s.mu.Lock()
	s.pins = &pins{policy: pn.policy, vk: pn.vk, typedVK: vk, raw: pj}
	s.mu.Unlock()
	s.record(ctx, audit.Entry{Kind: "pin", Decision: audit.Info, Message: "pinned typed-data key " + vk.Hash().Hex()})
	return vk.Hash(), nil
}

// submitSignature decides one signature proposal: verify, then reserve
// (the token window and the (domain, nonce) record, under one lock), then
// sign the EIP-712 digest of the very document verified. Nothing is
// reserved or signed on a refusal.
func (s *Signer) submitSignature(ctx context.Context, raw []byte) wire.Receipt {
	p, err := wire.DecodeSigProposal(raw)
	if err != nil {
		r := reject("", err)
		s.recordSignature(ctx, nil, nil, r)
		return r
	}
	var sig *verify.Signature
	r, done := s.gateSignature(ctx, p, raw, false)
	if !done {
		sig, r = s.decideSignature(ctx, p, raw)
	}
	s.recordSignature(ctx, p, sig, r)
	return r
}

// gateSignature is check for a signature proposal: the kill switch, the
// integrity of the stored records, and supervised mode (the proposal waits
// in the same queue as transactions, for the user's approval).
func (s *Signer) gateSignature(ctx context.Context, p *wire.SigProposal, raw []byte, fromQueue bool) (wire.Receipt, bool) {
	s.g.mu.Lock()
	paused, supervised := s.g.paused, s.g.supervised
	s.g.mu.Unlock()
	if paused {
		return reject(p.ID, wire.Errorf(wire.Revoked, "the agent is paused by the user (kill switch)")), true
	}
	if err := s.integrityErr(); err != nil {
		return reject(p.ID, err), true
	}
	if supervised && !fromQueue {
		return s.enqueueRaw(ctx, p.ID, p.PolicyCommitment, raw), true
	}
	return wire.Receipt{}, false
}

// approveSignature decides a queued signature proposal the user approved.
func (s *Signer) approveSignature(ctx context.Context, id string, raw []byte) wire.Receipt {
	p, err := wire.DecodeSigProposal(raw)
	if err != nil {
		r := reject(id, err)
		s.recordSignature(ctx, nil, nil, r)
		return r
	}
	var sig *verify.Signature
	r, done := s.gateSignature(ctx, p, raw, true)
	if !done {
		sig, r = s.decideSignature(ctx, p, raw)
	}
	s.recordSignature(ctx, p, sig, r)
	return r
}

func (s *Signer) decideSignature(ctx context.Context, p *wire.SigProposal, raw []byte) (*verify.Signature, wire.Receipt) {
	pn, err := s.currentPins()
	if err != nil {
		return nil, reject(p.ID, err)
	}
	if pn == nil {
		return nil, reject(p.ID, wire.Errorf(wire.UnknownPolicy, "no policy is pinned"))
	}
	vk := pn.typedVK
	if vk == nil {
		return nil, reject(p.ID, wire.Errorf(wire.UnknownPolicy, "no typed-data key is pinned: this signer signs no typed data"))
	}
	pol := pn.policy
	if p.PolicyCommitment != pol.Commitment() {
		return nil, reject(p.ID, wire.Errorf(wire.UnknownPolicy, "proposal is for policy %s, the pinned policy is %s", p.PolicyCommitment, pol.Commitment()))
	}
	if s.ledger.Seen(p.ID) {
		return nil, reject(p.ID, wire.Errorf(wire.Replay, "proposal %s was already signed", p.ID))
	}
	v, err := s.currentVault()
	if err != nil {
		return nil, reject(p.ID, err)
	}
	if v.Locked() {
		return nil, s.holdRaw(ctx, p.ID, raw)
	}
	if err := s.checkAccount(v, pol); err != nil {
		if errors.Is(err, wire.ErrLocked) {
			return nil, s.holdRaw(ctx, p.ID, raw)
		}
		return nil, reject(p.ID, err)
	}
	now := s.now()
	st := s.ledger.View(now).State()
	sig, err := verify.VerifySignature(p, pol, vk, st, verify.Options{MaxSkew: s.cfg.MaxSkew})
	if err != nil {
		r := reject(p.ID, err)
		if wire.CodeOf(err) == wire.StaleState && sig != nil {
			q := wire.Quantity{}
			if sig.Match.Spends {
				q = wire.NewQuantity(st.TokenSpent(sig.Match.SpendToken))
			}
			r.State = &wire.Hint{TokenSpent: q}
		}
		return nil, r
	}
	if err := s.beforeSignature(ctx, pn, v.Address()); err != nil { // the registry: policy entry and typed key
		return sig, reject(p.ID, err)
	}
	sm := sig.Match
	req := ledger.SigRequest{ID: p.ID, Time: now, Until: now + pol.MaxValidity}
	if req.Key, err = s.replayKey(ctx, pn, sig); err != nil { // EIP-2612 counters: read on chain
		return sig, reject(p.ID, err)
	}
	if sm.Spends {
		tok := sm.SpendToken
		req.Token, req.Amount, req.ExpectTokenSpent, req.TokenMax = &tok, sm.SpendAmount, st.TokenSpent(tok), sm.Window.Max
	}
	res, err := s.ledger.ReserveSignature(req)
	if err != nil {
		return sig, reject(p.ID, err)
	}
	// Sign under the reservation (held in memory), then persist the
	// reservation and the digest in one write, and only then release the
	// signature: a failed write drops it unreleased and undoes the
	// reservation.
	digest := sig.TypedData.Hash()
	var out []byte
	var from wire.Address
	s.signMu.Lock()
	err = v.WithKey(s.cfg.Account, func(k *ecdsa.PrivateKey) error {
		var err error
		out, err = ethkey.Sign(digest[:], k)
		from = ethkey.Address(&k.PublicKey)
		return err
	})
	s.signMu.Unlock()
	if err == nil && from != pol.Account {
		err = wire.Errorf(wire.UnknownPolicy, "the pinned policy is for account %s, the signing key is %s", pol.Account.Hex(), from.Hex())
	}
	if err != nil {
		if res.Release() {
			_ = s.persistLedger(ctx) // a concurrent write may have stored the reservation
		}
		if errors.Is(err, wire.ErrLocked) {
			return sig, s.holdRaw(ctx, p.ID, raw)
		}
		return sig, reject(p.ID, err)
	}
	out[64] += 27
	h := wire.Hash32(digest)
	res.Stage(h)
	if err := s.persistLedger(ctx); err != nil {
		res.Release()
		return sig, reject(p.ID, err)
	}
	res.Commit(h)
	return sig, wire.Receipt{ID: p.ID, Status: wire.StatusSigned, Digest: &h, Signature: out}
}

// recordSignature writes the audit entry of a signature decision: the
// verifying contract as `to`, the spend amount as `value`, the digest as
// the hash.
func (s *Signer) recordSignature(ctx context.Context, p *wire.SigProposal, sig *verify.Signature, r wire.Receipt) {
	e := audit.Entry{Kind: "signature", ID: r.ID, Code: r.Code, Message: r.Message, TxHash: r.Digest}
	switch r.Status {
	case wire.StatusSigned:
		e.Decision = audit.Signed
	case wire.StatusPending:
		e.Decision = audit.Pending
	default:
		e.Decision = audit.Rejected
	}
	if sig != nil {
		to := sig.Message.Contract
		val := wire.NewQuantity(sig.Match.SpendAmount)
		e.To, e.Value = &to, &val
	}
	s.record(ctx, e)
}
