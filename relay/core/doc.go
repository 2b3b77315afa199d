// Package core is the relay's rules, written once for every backend: the
// channel-auth challenge, per-recipient durable queues, group commit,
// acknowledgements, resume, TTL, queue caps, idempotent message ids, flow
// control and per-connection limits. It talks to storage through Store and
// to connections through Conn, both small, so the native server (bbolt,
// gorilla/websocket) and a Durable Object (SQLite, hibernatable WebSockets)
// run the same code.
//
// # Guarantees
//
//   - Durable before acknowledged: a SENDACK with status stored is written
//     only after Store.Commit returned for the batch holding the envelope.
//     Commits group whatever is waiting, without an extra wait.
//   - At-least-once, in order: each recipient queue is numbered by the relay
//     itself (1, 2, 3… in acceptance order) and DELIVER carries the number;
//     deliveries are resent from the queue's durable ack point on every
//     (re)connect until acknowledged or expired. No number the relay keeps
//     ever comes from an envelope header (which any login of the channel can
//     write), and logging in acknowledges nothing: only an ACK for a
//     delivery made on that connection moves the ack point.
//   - Idempotent: a message id is queued at most once per queue
//     (duplicate). Replays of whole envelopes under other ids are stored and
//     refused by the recipient's session after they open.
//   - Bounded: every queue has a depth cap, every connection a token bucket,
//     a window of unacknowledged deliveries and (in the Conn) a bounded send
//     queue; overflow closes that one connection with a coded close.
//   - Isolated: a bad frame, a failed auth, a flood or a slow consumer costs
//     only its own connection; other channels see no effect.
//
// # Security notes
//
// The relay is untrusted by design (DESIGN.md G4): it sees envelope headers
// only and never holds a key that opens them. Channel auth keeps strangers
// out of a channel and, on a session channel, each role's key logs in only
// as that role (the channel id is the hash of both keys). A Store error is
// treated as fatal: the hub stops acknowledging and closes every
// connection, so that a failing disk cannot turn into silent loss.
package core
