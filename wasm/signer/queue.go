package signer

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"math/big"
	"sync"
	"time"

	"github.com/leash-wallet/leash/wasm/audit"
	"github.com/leash-wallet/leash/wire"
)

// KeyQueue is the storage key of the supervised queue.
const KeyQueue = "queue"

// Bounds of the queues (Config zero values).
const (
	// DefaultMaxQueue bounds the proposals waiting for the user in
	// supervised mode; one more is answered busy.
	DefaultMaxQueue = 64
	// DefaultMaxQueueBytes bounds the bytes of the supervised queue and,
	// separately, of the queue held while the vault is locked.
	DefaultMaxQueueBytes = 1 << 20
)

// gate is what the core checks before deciding a proposal, whatever the
// path (relay, retry, the user's approval): the kill switch, the
// integrity of the stored records, and supervised mode.
type gate struct {
	mu         sync.Mutex
	paused     bool
	supervised bool
	queue      []queued
	queueBytes int
}

type queued struct {
	id     string
	raw    []byte
	digest wire.Hash32
}

// Digest identifies a proposal document (SHA-256 of its bytes): the user
// approves a digest, so what is signed is what was shown.
func Digest(raw []byte) wire.Hash32 {
	return wire.Hash32(sha256.Sum256(raw))
}

// Mode is the part of the host's settings the core acts on.
type Mode struct {
	// Paused is the kill switch: every proposal is refused as revoked,
	// and approving a queued one is refused too.
	Paused bool `json:"paused"`
	// Supervised holds every proposal for the user's approval.
	Supervised bool `json:"supervised"`
	// FeeWarn, when set, replaces Config.FeeWarn (wei, decimal).
	FeeWarn string `json:"feeWarnWei,omitempty"`
	// IdleTimeoutMs, when non-zero, replaces the vault's idle timeout.
	IdleTimeoutMs uint64 `json:"idleTimeoutMs,omitempty"`
}

// SetMode applies the host's settings. It takes effect in memory at once
// (the kill switch works whatever the state of the store), and is
// recorded in the audit log when it changes.
func (s *Signer) SetMode(ctx context.Context, m Mode) error {
	var fee *big.Int
	if m.FeeWarn != "" {
		f, ok := new(big.Int).SetString(m.FeeWarn, 10)
		if !ok || f.Sign() < 0 || f.BitLen() > 256 {
			return wire.Errorf(wire.Malformed, "feeWarnWei must be a decimal number of wei")
		}
		fee = f
	}
	s.g.mu.Lock()
	changedPause := s.g.paused != m.Paused
	changedMode := s.g.supervised != m.Supervised
	s.g.paused, s.g.supervised = m.Paused, m.Supervised
	if fee != nil {
		s.feeWarn.Store(fee)
	}
	s.g.mu.Unlock()
	if m.IdleTimeoutMs != 0 {
		if v, err := s.currentVault(); err == nil {
			v.SetIdleTimeout(time.Duration(m.IdleTimeoutMs) * time.Millisecond)
		}
		s.idle.Store(int64(m.IdleTimeoutMs))
	}
	if changedPause {
		msg := "agent resumed"
		if m.Paused {
			msg = "agent paused (kill switch)"
		}
		s.record(ctx, audit.Entry{Kind: "pause", Decision: audit.Info, Message: msg})
	}
	if changedMode {
		msg := "autonomous mode"
		if m.Supervised {
			msg = "supervised mode"
		}
		s.record(ctx, audit.Entry{Kind: "mode", Decision: audit.Info, Message: msg})
	}
	return nil
}

// Pause is the kill switch alone (SetMode with only Paused changed).
func (s *Signer) Pause(ctx context.Context, paused bool) {
	s.g.mu.Lock()
	m := Mode{Paused: paused, Supervised: s.g.supervised}
	s.g.mu.Unlock()
	_ = s.SetMode(ctx, m)
}

// CurrentMode reports the mode in force.
func (s *Signer) CurrentMode() Mode {
	s.g.mu.Lock()
	defer s.g.mu.Unlock()
	return Mode{Paused: s.g.paused, Supervised: s.g.supervised}
}

// check runs the gate for proposal p. It answers (receipt, true) when the
// proposal is decided here (refused, or queued for the user), and false
// when it goes on to decide.
func (s *Signer) check(ctx context.Context, p *wire.Proposal, raw []byte, fromQueue bool) (wire.Receipt, bool) {
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
		return s.enqueue(ctx, p, raw), true
	}
	return wire.Receipt{}, false
}

// enqueue holds a proposal for the user's approval (supervised mode).
// What cannot be signed anyway is refused at once; a full queue answers
// busy and keeps nothing.
func (s *Signer) enqueue(ctx context.Context, p *wire.Proposal, raw []byte) wire.Receipt {
	return s.enqueueRaw(ctx, p.ID, p.PolicyCommitment, raw)
}

// enqueueRaw is enqueue for a proposal of either kind (a transaction or a
// signature), by its id and policy commitment.
func (s *Signer) enqueueRaw(ctx context.Context, id string, commitment wire.Hash32, raw []byte) wire.Receipt {
	pn, err := s.currentPins()
	switch {
	case err != nil:
		return reject(id, err)
	case pn == nil:
		return reject(id, wire.Errorf(wire.UnknownPolicy, "no policy is pinned"))
	case commitment != pn.policy.Commitment():
		return reject(id, wire.Errorf(wire.UnknownPolicy, "proposal is for policy %s, the pinned policy is %s", commitment, pn.policy.Commitment()))
	case s.ledger.Seen(id):
		return reject(id, wire.Errorf(wire.Replay, "proposal %s was already signed", id))
	}
	p := struct{ ID string }{id}
	pending := wire.Receipt{ID: p.ID, Status: wire.StatusPending, Message: "waiting for the user's approval (supervised mode)"}
	s.g.mu.Lock()
	for _, q := range s.g.queue {
		if q.id == p.ID {
			s.g.mu.Unlock()
			return pending // a redelivery: still waiting
		}
	}
	if len(s.g.queue) >= s.cfg.MaxQueue || s.g.queueBytes+len(raw) > s.cfg.MaxQueueBytes {
		n := len(s.g.queue)
		s.g.mu.Unlock()
		return reject(p.ID, wire.Errorf(wire.Busy, "%d proposals already wait for the user's approval; this one is not kept", n))
	}
	s.g.queue = append(s.g.queue, queued{id: p.ID, raw: append([]byte(nil), raw...), digest: Digest(raw)})
	s.g.queueBytes += len(raw)
	s.g.mu.Unlock()
	if err := s.persistQueue(ctx); err != nil {
		s.takeQueued(p.ID)
		return reject(p.ID, err)
	}
	return pending
}

func (s *Signer) takeQueued(id string) (queued, bool) {
	s.g.mu.Lock()
	defer s.g.mu.Unlock()
	for i, q := range s.g.queue {
		if q.id == id {
			s.g.queue = append(s.g.queue[:i:i], s.g.queue[i+1:]...)
			s.g.queueBytes -= len(q.raw)
			return q, true
		}
	}
	return queued{}, false
}

func (s *Signer) persistQueue(ctx context.Context) error {
	// The documents decoded strictly when they were queued: the array is
	// written as is (json.Marshal would validate each of them again).
	s.g.mu.Lock()
	raw := make([]byte, 0, s.g.queueBytes+len(s.g.queue)+2)
	raw = append(raw, '[')
	for i, q := range s.g.queue {
		if i > 0 {
			raw = append(raw, ',')
		}
		raw = append(raw, q.raw...)
	}
	raw = append(raw, ']')
	s.g.mu.Unlock()
	if err := s.store.Put(ctx, KeyQueue, raw); err != nil {
		return storeErr("write queue", err)
	}
	return nil
}

// loadQueue restores the supervised queue (New). Every held document is
// decoded again: one that no longer decodes is dropped.
func (s *Signer) loadQueue(ctx context.Context) error {
	raw, err := s.store.Get(ctx, KeyQueue)
	if err != nil {
		return storeErr("read queue", err)
	}
	if raw == nil {
		return nil
	}
	var docs []json.RawMessage
	if err := wire.DecodeStrict(raw, &docs, "signer: stored queue"); err != nil {
		return err
	}
	for _, d := range docs {
		p, err := wire.DecodeProposal(d)
		if err != nil || len(s.g.queue) >= s.cfg.MaxQueue {
			continue
		}
		s.g.queue = append(s.g.queue, queued{id: p.ID, raw: append([]byte(nil), d...), digest: Digest(d)})
		s.g.queueBytes += len(d)
	}
	return nil
}

// QueuedCount is how many proposals wait for the user.
func (s *Signer) QueuedCount() int {
	s.g.mu.Lock()
	defer s.g.mu.Unlock()
	return len(s.g.queue)
}

// Approve decides the queued proposal id, which the user approved as
// shown: digest must be the digest of the document the user saw
// (ProposalView.Digest). The proposal leaves the queue whatever the
// outcome; the receipt says signed, or why not.
func (s *Signer) Approve(ctx context.Context, id string, digest wire.Hash32) (wire.Receipt, error) {
	s.g.mu.Lock()
	var q *queued
	for i := range s.g.queue {
		if s.g.queue[i].id == id {
			q = &s.g.queue[i]
		}
	}
	if q == nil {
		s.g.mu.Unlock()
		return wire.Receipt{}, wire.Errorf(wire.Malformed, "no proposal %q waits for approval (already decided?)", id)
	}
	if q.digest != digest {
		s.g.mu.Unlock()
		return wire.Receipt{}, wire.Errorf(wire.Malformed, "proposal %s is not the document that was shown", id)
	}
	s.g.mu.Unlock()
	item, ok := s.takeQueued(id)
	if !ok {
		return wire.Receipt{}, wire.Errorf(wire.Malformed, "proposal %q was decided meanwhile", id)
	}
	if err := s.persistQueue(ctx); err != nil {
		return wire.Receipt{}, err
	}
	if wire.IsSigProposal(item.raw) {
		return s.approveSignature(ctx, id, item.raw), nil
	}
	p, err := wire.DecodeProposal(item.raw)
	if err != nil {
		r := reject(id, err)
		s.recordReceipt(ctx, nil, r)
		return r, nil
	}
	r, done := s.check(ctx, p, item.raw, true)
	if !done {
		r = s.decide(ctx, p, item.raw)
	}
	s.recordReceipt(ctx, p, r)
	return r, nil
}

// Reject drops the queued proposal id on the user's word and returns its
// receipt (rejected, user_rejected).
func (s *Signer) Reject(ctx context.Context, id string) (wire.Receipt, error) {
	item, ok := s.takeQueued(id)
	if !ok {
		return wire.Receipt{}, wire.Errorf(wire.Malformed, "no proposal %q waits for approval (already decided?)", id)
	}
	if err := s.persistQueue(ctx); err != nil {
		return wire.Receipt{}, err
	}
	r := wire.Receipt{ID: id, Status: wire.StatusRejected, Code: wire.UserRejected, Message: "rejected by the user"}
	p, _ := wire.DecodeProposal(item.raw)
	s.recordReceipt(ctx, p, r)
	return r, nil
}

// Queue returns the display model of every proposal waiting for the user,
// oldest first.
func (s *Signer) Queue(ctx context.Context) []ProposalView {
	s.g.mu.Lock()
	items := append([]queued(nil), s.g.queue...)
	s.g.mu.Unlock()
	out := make([]ProposalView, 0, len(items))
	for _, q := range items {
		v, err := s.Inspect(ctx, q.raw)
		if err != nil {
			continue // decoded when queued: cannot happen
		}
		out = append(out, *v)
	}
	return out
}
