// Package server is the native relay node: the rules of relay/core served
// over gorilla/websocket, stored in relay/boltstore, with Prometheus
// /metrics and /healthz. `leash relay` runs it.
//
// # Guarantees
//
//   - Hygiene on every connection: a 64 KiB read limit, binary frames only,
//     an auth deadline, ping/pong with a read deadline (half-open
//     connections are closed with 4006), a 1 s write deadline, a token
//     bucket, a bounded send queue written by a short-lived writer goroutine
//     (overflow closes with 4008, asynchronously, never blocking the
//     committer), per-channel auth churn caps and per-IP connection caps
//     (429 before the upgrade).
//   - Memory per idle connection is one reader goroutine, a 1 KiB read
//     buffer and a pooled write buffer: the HTTP handler returns right after
//     the upgrade.
//   - Graceful shutdown: stop accepting, let the hub commit and answer
//     everything accepted, then close every connection with 1012 (restart).
//   - Every refusal is counted in leash_relay_rejected_total{reason}.
//
// # Security notes
//
// Any web origin may connect: there are no ambient credentials, and a
// connection can do nothing before it proves knowledge of a channel secret.
// The relay logs channel ids and addresses, never envelope contents.
package server
