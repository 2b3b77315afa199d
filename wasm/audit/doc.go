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
// Rotation: Rotate moves the head's Base up once more than keep+chunk
// entries are stored; the head then carries BaseHash, the hash of the last
// dropped entry, which the first kept entry links to, so Verify still
// checks every kept entry and link from the base to the head, and the
// dropped history is summed up in one hash. Entries below the base may be
// deleted once the rotated head is stored.
//
// Security notes: entries hold ids, codes, messages, addresses, values and
// transaction hashes, never key material or passwords. A chain alone cannot
// stop an attacker who can rewrite the whole log including its head; anchor
// the head outside the store to detect that.
package audit
