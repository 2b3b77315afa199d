// Package worker runs the Leash relay on Cloudflare Workers with one Durable
// Object per channel. The Go side is one wasm (GOOS=js GOARCH=wasm, built
// from ./cmd/relayworker) used twice:
//
//   - by the Worker, through github.com/syumai/workers, for the plain HTTP
//     routes (Handler: /healthz, and 426 for /v1/ws without an upgrade);
//   - by each Durable Object, whose constructor starts one Go instance that
//     runs relay/core's rules (the same Hub as the native server) over the
//     object's SQLite storage (relay/worker/sqlstore) and its hibernatable
//     WebSockets (RunDurable, in durable_js.go).
//
// The JS glue in src/index.mjs does only what Go cannot: it accepts the
// client's WebSocket in the Worker, sends the CHALLENGE, reads the first
// frame to learn the channel id, and pipes the connection to the Durable
// Object named by that id (idFromName), handing over the nonce so that the
// object verifies the AUTH exactly as the native relay does
// (core.Hub.AcceptChallenged). Clients use the same URL shape
// (wss://host/v1/ws) and protocol as with the native relay.
//
// # Guarantees
//
//   - Same rules as the native relay: auth, ordering, idempotency, queue
//     caps, TTL, rate limits and bad-input handling are core's, configured
//     from the Worker's variables (ConfigFromEnv). The conformance suite
//     (relay/conformance) runs the same cases against both backends.
//   - Durable before acknowledged: a commit is one SQLite transaction and
//     the object's output gate holds the SENDACK until it is durable.
//   - Hibernation loses nothing: each socket's attachment records its link
//     (nonce before auth; channel and role after), and a fresh Go instance
//     reattaches every socket and resends from the stored ack point.
//
// # Security notes
//
// The Durable Object trusts the nonce header it receives, which only the
// Worker can send (objects are reachable only through their binding); the
// Worker draws the nonce from crypto.getRandomValues for each connection.
// Differences from the native node, all documented in docs/relay-worker.md:
// the platform offers no server-side WebSocket ping, so a half-open client
// is evicted when it reconnects (replaced) or by the platform, not by a
// pong deadline; per-IP caps belong to Cloudflare's rate-limiting rules;
// and counters are per object (logs), with no aggregate /metrics.
package worker
