// Package signer is the Leash signer core: it verifies a proposal against
// the pinned policy and verifying key with its own ledger and clock, reserves
// the nonce and window spend, signs the EIP-1559 transaction, and records
// every decision in the hash-chained audit log. The same code runs natively
// (tests, the CLI) and in WebAssembly (the extension, wasm/leash.mjs).
//
// Two faces, never mixed (as go-ethereum Clef's ExternalAPI and
// UIServerAPI): Agent is what proposals from the relay reach (Submit only);
// Approver is the user's side (vault, unlock, pin, nonce sync, audit). The
// JS boundary exposes them as leash.agent and leash.approver.
//
// Decision order for a proposal, rejecting by default:
//  0. malformed → malformed (decoded exactly: wire.DecodeStrict); paused
//     (the kill switch, in memory) → revoked; stored records that failed
//     the integrity check → malformed; supervised mode → the queue for the
//     user (queue.go: bounded, then busy; Approve takes the digest of the
//     document shown and goes on below);
//  1. no pinned policy or another commitment → unknown_policy; an id
//     already signed → replay;
//  2. a policy-only proposal (no program claim) whose call the policy marks
//     programOnly, or whose `to` is a pinned program's pool → program_only
//     (a second line behind the policy circuit's own refusal);
//  3. vault locked → held in the pending queue (persisted, bounded) and
//     answered pending/locked; Retry processes the queue after unlock;
//  4. the policy's account is not the signing address → unknown_policy;
//  5. nonce ≠ the ledger's next nonce → nonce_mismatch; a window hint
//     (value, fees, count, the token's sum) ≠ the ledger's → stale_state
//     (both receipts carry the signer's nonce and window state so the
//     prover can re-prove);
//  6. verify.Verify (or programverify) with the signer's own state and
//     clock (G1), then the chain checks (chain.go: the registry; a program
//     decision's block is single-use, decisions.go);
//  7. reserve the nonce and every window sum atomically (G2), sign
//     EIP-1559 under the reservation, persist the ledger with the
//     reservation and its hash (one write), and only then release the
//     signed transaction (commit).
//
// A signature proposal (a document with typedData, issue 17) takes the same
// path with its own checks (signature.go): no typed-data key pinned →
// unknown_policy; verify.VerifySignature reads every public input from the
// document and the signer's state (policy_violation:signature, arg,
// validity, token_window; stale_state; proof_invalid); the ledger reserves
// the token amount and the (domain separator, nonce) record together
// (replay); the signer signs that document's EIP-712 digest. No nonce, fee
// or transaction count is taken, and nothing is broadcast.
//
// The display model (display.go) is what a host shows: Inspect decodes a
// proposal exactly as Submit does and returns the transaction and calldata
// decoded, every address in full (EIP-55) with the pinned policy's label,
// the rule that allows it (one function, display_policy.go), the nonce
// that is signed and the proof's status; InspectTx and ActivityView do the
// same for a dapp's transaction and the audit log (G8).
//
// Bounds (G9): the locked queue and the supervised queue hold at most
// MaxPending / MaxQueue proposals and MaxQueueBytes each; the audit log
// keeps AuditKeep entries and rotates with its chain intact (bounds.go).
//
// Storage authentication (Config.Authenticate, integrity.go): pins,
// programs, ledger and the host's records are under a MAC keyed from the
// vault; a mismatch stops every signature until ResetTampered. Sessions
// (session.go) hand the host derived keys to keep, never the password.
//
// Opening (New) reads every record but leaves the stored pins undecoded,
// and the verifiers' tables unmade, until their first use or Warm: a
// host's cold start (the extension worker's) skips the policy's trees and
// commitment and the keys' points, the most of an open in WebAssembly.
// Nothing is skipped: the first use runs the same strict decode and checks
// (and the policy's window against the stored ledger's), and stored pins
// that fail them are refused there with the code New used to fail with
// (Status.PinsError), until the user pins again.
//
// Security notes: the mnemonic and keys live only inside the vault package
// (G3). The store sees the encrypted vault blob, the ledger, pins, pending
// proposals and audit entries, never plaintext keys. A reservation is
// persisted before the signature leaves the core: the signature is made
// under the in-memory reservation, the one ledger write carries the
// reservation and its hash, and a write that fails drops the signature
// unreleased and undoes the reservation (it stays counted when a later
// one holds). A crash can only make the ledger more conservative.
package signer
