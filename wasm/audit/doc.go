// Package audit is the signer's append-only, hash-chained decision log.
//
// Every decision (a proposal signed, refused or held while locked, and the
// approver's actions: unlock, lock, pin, nonce sync) becomes an Entry. Each
// entry carries the hash of the previous one, and its own hash covers all
// its fields, so rewriting, dropping, inserting or reordering any entry
// breaks the chain and Verify reports the first bad sequence number.
//
// Guarantees:
//   - Append assigns consecutive sequence numbers from 0 and links each
//     entry to its predecessor (the first links to the zero hash).
//   - Verify detects any change to a stored entry, a gap, a reordering and
//     a truncated tail when the caller holds the head (sequence number and
//     hash) from elsewhere, e.g. shown in the popup or exported.
//
// Security notes: entries hold ids, codes, messages, addresses, values and
// transaction hashes, never key material or passwords. A chain alone cannot
// stop an attacker who can rewrite the whole log including its head; anchor
// the head outside the store to detect that.
package audit
