// Package ledger is the signer's own account state: the next nonce, the
// native value spent in the rolling window, and the ids of proposals already
// signed. The verifier takes its public inputs from this state, never from a
// proposal.
//
// Guarantees (G2 of DESIGN.md):
//   - A nonce is reserved at most once: Reserve succeeds only for the next
//     nonce and advances it atomically, and SyncNonce (fed by the host from
//     eth_getTransactionCount "pending") only ever moves it forward.
//   - Window spend is reserved before signing. Reserve checks, under one lock,
//     that the caller verified against the current state (same nonce, same
//     spent-in-window) and that spent + value stays within the cap, then
//     counts the value at once. Concurrent proposals are serialized: one
//     wins, the others get nonce_mismatch or stale_state and may re-prove.
//   - A reservation that is released (signing failed) is rolled back only if
//     nothing was reserved after it; otherwise it stays counted. Errors are
//     conservative: they can stall the account, never overspend it.
//   - A proposal id that was signed is refused with replay (the last MaxSeen
//     ids are remembered; older ones are also refused by their nonce).
//
// The window: a spend made at time t counts at time now while
// now < t + window. Times are the signer's clock in unix seconds.
//
// State serializes to a versioned JSON document (Marshal / Restore) that
// the host persists after every change.
package ledger
