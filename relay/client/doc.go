// Package client is the Go client of the Leash relay (protocol 2), used by
// the agent-host daemon, the tests and Go signers. It keeps one WebSocket
// connection to a relay (reconnecting with exponential backoff and jitter),
// answers the channel-auth challenge with its role's key, seals and opens
// envelopes with an e2e.Session, and offers a small typed layer (a message
// kind plus a JSON body) over opaque payloads. PairAgent and AcceptPairing
// run the Noise pairing on a URI's pairing channel and return a client on
// the session channel.
//
// # Guarantees
//
//   - Send returns nil only once the relay has fsynced the envelope. Until
//     then the envelope stays in a bounded outbox and is retransmitted, in
//     order, on every reconnect. A first transmission the relay did not
//     store (duplicate id, full queue) returns its coded error, never nil;
//     a retransmission answered duplicate was ours and counts as stored.
//   - Receive yields one message at a time, in the relay's order, once per
//     process: the next delivery is opened only after Ack of the previous,
//     and Ack commits it to the session's ratchet, persists the session and
//     the ack point (StateStore) and tells the relay. A crash between
//     Receive and Ack redelivers, never loses; the persisted session never
//     runs ahead of what the application handled.
//   - Nothing in an unauthenticated header moves any state: acks are the
//     relay's delivery numbers, and envelopes that fail authentication or
//     are replays never reach the application; they are counted in Stats
//     and acknowledged, so a hostile relay or login cannot wedge the queue.
//   - Deliveries the relay numbered but never delivered (expired, or
//     acknowledged by another login) are reported as Message.Lost and
//     Stats.Lost; end-to-end sequence gaps as Message.Gap and Stats.Gaps.
//   - Re-keys sent by the peer are applied and answered by the client
//     itself (Stats.Rekeys).
//
// # Security notes
//
// The session is persisted before each transmission (write-ahead) when a
// StateStore is configured; the store must keep it encrypted (it holds the
// ratchet and the auth key). The relay is not trusted: WELCOME's ack point
// is informational only.
package client
