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
// The HTTP API listens on loopback by default; it is for the local agent
// only. It is documented in docs/agent-host-api.yaml (OpenAPI 3).
package daemon
