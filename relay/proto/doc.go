// Package proto is the relay's wire protocol between a client and a relay
// node: binary WebSocket frames, their strict decoder, the status and close
// codes, and the version constant. It is pure (no network) so that the
// native server, the Durable-Object build, the Go client, the WASM core and
// the load generator share one codec. docs/protocol-relay.md is its prose.
//
// # Guarantees
//
//   - Decode never panics and accepts only frames of the exact length its
//     type defines (envelopes: within e2e bounds); anything else is a
//     wire.Malformed error.
//   - Every status and close code maps to a stable wire.Code, so both ends
//     test errors with errors.Is.
//
// # Security notes
//
// Frames carry no secrets: AUTH holds both roles' auth public keys and an
// Ed25519 signature over a one-time challenge, and SEND/DELIVER hold sealed
// e2e envelopes. No client number steers the relay: DELIVER and ACK carry
// the relay's own delivery numbers, and AUTH has no resume point.
package proto
