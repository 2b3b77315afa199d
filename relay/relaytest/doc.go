// Package relaytest is the relay's conformance suite and its raw-protocol
// test client. The same suite runs against every backend: the native server
// (relay/server tests) and, later, the Durable-Object build under wrangler
// dev. A backend passes when it shows the same behaviour for auth, queueing
// while offline, ordered delivery after reconnect, idempotency, TTL, limits
// and bad input.
package relaytest
