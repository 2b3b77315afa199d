// Package conformance runs the relay's conformance suite (relay/relaytest)
// against both backends with the same cases: the native node
// (relay/server over bbolt) and the Cloudflare Workers build
// (relay/worker) under `wrangler dev`, fully offline. It also holds
// Wrangler, which starts and restarts `wrangler dev` for the tests and the
// Worker benchmark.
//
// # Guarantees
//
// A backend passes when it shows the same behaviour for pairing, queueing
// while offline, ordered delivery after reconnect, idempotent ids, queue
// caps, TTL expiry, restarts on the same data and every bad-input case.
// The one platform difference (no server-side WebSocket ping on Workers,
// so no pong deadline) is declared by the target and checked as what the
// platform does instead: a newer connection evicts the silent one.
//
// # Security notes
//
// `wrangler dev` runs with telemetry and request.cf fetching off and with
// its configuration, logs and state under a temporary directory, on a
// loopback port; nothing leaves the machine except wrangler's own
// best-effort update check, which it abandons after 3 s.
package conformance
