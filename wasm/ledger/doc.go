// Package ledger is the signer's own account state: the next nonce, the
// sums of the rolling window (policy v2: the native value spent, the fees
// committed, the number of transactions, and the amount moved of each token
// with a window), and the ids of proposals already signed. The verifier
// takes its public inputs from this state, never from a proposal.
//
// Guarantees (G2 of DESIGN.md):
//   - A nonce is reserved at most once: Reserve succeeds only for the next
//     nonce and advances it atomically, and SyncNonce (fed by the host from
//     eth_getTransactionCount "pending") only ever moves it forward.
//   - Every window sum is reserved before signing. Reserve checks, under one
//     lock, that the caller verified against the current state (same nonce,
//     same value, fee and count sums, same sum of the transaction's token)
//     and that every cap still holds with this transaction, then counts it
//     at once. Concurrent proposals are serialized: one wins, the others get
//     nonce_mismatch or stale_state and may re-prove.
//   - A fee is counted as gas × maxFeePerGas, the most the transaction can
//     pay, when it is reserved, and stays counted whether the transaction
//     later succeeds or reverts (or is never mined): a reverted no-op burns
//     its fee too.
//   - A reservation that is released (signing failed) is rolled back only if
//     nothing was reserved after it; otherwise it stays counted. Errors are
//     conservative: they can stall the account, never overspend it.
//   - A proposal id that was signed is refused with replay (the last MaxSeen
//     ids are remembered; older ones are also refused by their nonce).
//
// The window: a spend made at time t counts at time now while
// now < t + window. Times are the signer's clock in unix seconds. A view
// also says, per sum, when its oldest counted spend leaves the window
// (when capacity frees up).
//
// State serializes to a versioned JSON document (Marshal / Restore) that
// the host persists after every change; Restore is strict (version 2 only,
// every amount in range, at most MaxSpends spends).
package ledger
