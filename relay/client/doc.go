// Package client is the Go client of the Leash relay, used by the agent-host
// daemon, the tests and Go signers. It keeps one WebSocket connection to a
// relay (reconnecting with exponential backoff and full jitter), answers
// the channel-auth challenge, resumes from its acknowledgement point, seals
// and opens envelopes with an e2e.Session, and offers a small typed layer
// (a message kind plus a JSON body) over opaque payloads.
//
// # Guarantees
//
//   - Send returns nil only once the relay has fsynced the envelope. Until
//     then the envelope stays in an in-memory outbox and is retransmitted,
//     in order, on every reconnect; the relay's duplicate/replay answers to
//     a retransmission count as success, so nothing is sent twice to the
//     application on the other side.
//   - Receive yields each message once per process: redeliveries after a
//     reconnect are recognised by sequence number and dropped. Ack(m)
//     acknowledges m and everything received before it; the relay deletes
//     acknowledged envelopes and a restarted client resumes after the last
//     acknowledged one (persisted through StateStore), so a crash between
//     Receive and Ack redelivers, never loses.
//   - Envelopes that fail authentication (forged, altered, for another
//     channel) never reach the application; they are counted in Stats and
//     acknowledged so that a hostile relay cannot wedge the queue.
//
// # Security notes
//
// The session's send counter is persisted before each transmission
// (write-ahead) when a StateStore is configured; without one, a restarted
// process must pair again or its envelopes will be refused as replays.
// The relay is not trusted: WELCOME's numbers are only used to pick the
// sequence number of a hello, and a lie there can only fail the pairing.
package client
