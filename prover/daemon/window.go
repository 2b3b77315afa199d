package daemon

import "github.com/leash-wallet/leash/wire"

// The daemon's copy of the signer's window (policy v2) is a wire.State:
// the native value, the fees, the count and each token's amount. The daemon
// cannot see when the signer's spends leave the window; its sums only grow
// (policy.Count for every signed proposal) until a receipt carries the
// signer's own (stale_state, policy.TakeHint), and the prover re-proves.

// withInflight is win plus every in-flight job with a nonce in [from, to)
// (to 0: every job), as if they will all be signed. d.mu is held.
func (d *Daemon) withInflight(from, to uint64, all bool) *wire.State {
	st := d.win.Clone()
	for _, j := range d.inflight {
		if all || (j.nonce < to && j.nonce >= from) {
			d.cfg.Policy.Count(st, &j.tx)
		}
	}
	return st
}
