package signer

import (
	"context"

	"github.com/leash-wallet/leash/wasm/audit"
	"github.com/leash-wallet/leash/wire"
)

// DefaultAuditKeep bounds the audit entries kept in the store. The log
// rotates once AuditKeep + AuditKeep/4 entries are stored, back down to
// AuditKeep, keeping its hash chain (audit.Rotate): at most 1,280 entries
// of at most ~1.2 KiB each.
const DefaultAuditKeep = 1024

// rotateAudit drops the oldest audit entries once more than the bound are
// stored: the head (with the new base and the hash before it) is written
// first, then the dropped entries are deleted, so a crash between the two
// leaves some entries behind, never a head that points at missing ones.
// auditMu is held.
func (s *Signer) rotateAudit(ctx context.Context) {
	keep := uint64(s.cfg.AuditKeep)
	head := s.audit.Head()
	h, ok, err := audit.Rotate(head, keep, keep/4, func(seq uint64) (wire.Hash32, error) {
		raw, err := s.store.Get(ctx, auditKey(seq))
		if err != nil || raw == nil {
			return wire.Hash32{}, wire.Errorf(wire.Internal, "audit entry %d is not stored", seq)
		}
		e, err := audit.DecodeEntry(raw)
		if err != nil {
			return wire.Hash32{}, err
		}
		return e.Prev, nil
	})
	if err != nil || !ok {
		return
	}
	if err := s.store.Put(ctx, KeyAuditHead, h.AppendJSON(nil)); err != nil {
		return
	}
	s.audit.SetBase(h.Base, *h.BaseHash)
	for seq := head.Base; seq < h.Base; seq++ {
		_ = s.store.Delete(ctx, auditKey(seq))
	}
}

// pendingBytes is the size of the queue held while locked. s.mu is held.
func (s *Signer) pendingBytesLocked() int {
	n := 0
	for _, p := range s.pending {
		n += len(p)
	}
	return n
}
