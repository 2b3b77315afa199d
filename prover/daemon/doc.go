// Package daemon is the agent-host daemon: a local HTTP API through which an
// agent asks for transactions, a policy pre-check that refuses early with the
// rule's name, a bounded proving queue (one proof per core), a sequencer that
// hands proposals to the relay in nonce order, and receipt tracking back to
// the agent (long-poll and server-sent events).
//
// The daemon runs on the agent host, which Leash assumes may be compromised:
// nothing here is a security boundary for the user. Its job is to be a
// correct, fast and well-behaved client of the signer: every proposal it
// sends is proven against its best view of the signer's state (nonce and
// window spend), and a stale_state or nonce_mismatch receipt makes it adopt
// the signer's state and re-prove, so concurrent requests are serialized,
// not lost.
//
// Requests come as raw intents (calldata, or a call the daemon ABI-encodes),
// as transfers and approvals in whole units (a token's decimals and symbol
// are read from the chain once), or as program runs. Every refusal carries a
// hint: the rule's limit in units and the budget left in each window, from
// the daemon's view of the window spend (Budget), which decays like the
// signer's ledger and adopts the signer's own figure from stale_state
// receipts.
//
// Guarantees of the API: an Idempotency-Key is reserved before any work
// (concurrent repeats get the one record; the key with another request is
// refused with idempotency_mismatch). With Config.DataDir the keys survive
// a restart: the key, the request's fingerprint and its record are written
// and fsynced to DataDir/idempotency.jsonl (0600) before the request is
// queued, so no proposal leaves before its key is on disk, and a repeat
// after a crash or a redeploy returns the first record. A record that was
// not final when the daemon stopped comes back interrupted (its outcome is
// unknown to the new daemon: the signer may have signed it) and is never
// proposed again. Keys are kept IdempotencyTTL (24 h) after their record
// is final and for at most History records (10,000; the oldest final ones
// go first, one that is not final never); reused after that, a key makes a
// new request. The file is decoded strictly: a damaged or foreign one
// refuses the start (idempotency_store_damaged), a torn last line (a crash
// mid-write, never acknowledged) is dropped. Without a DataDir (tests) the
// keys live in memory only. A daemon holds DataDir/idempotency.lock
// (flock) while it runs: a second one over the same DataDir refuses to
// start (data_dir_in_use). Lists are never null; stage timings
// are measured between instants, never derived, so none is negative; every
// error is a stable code (errors.go, docs/protocol.md).
//
// The HTTP API listens on loopback by default; it is for the local agent
// only, behind package httpguard (loopback Host names, no cross-origin
// callers, JSON bodies only, an optional bearer token). It is documented in
// docs/agent-host-api.yaml (OpenAPI 3.1), and daemontest checks every
// response of the test suite against that document.
package daemon
