// Package ext is the extension's addition to the signer core: the pure Go
// logic behind the second WASM global, leashExt (see extension/leash-ext.d.ts).
// The signer core itself (vault, ledger, verify-then-sign, audit) is exposed
// as the global leash by the core's own boundary; this package holds only
// what the browser extension needs beyond it:
//
//   - Link: the signer's side of a relay channel (pairing URI, channel-auth
//     answer, hello/confirm, sealed envelopes, sequence numbers, an outbox
//     kept until the relay acknowledges, ordered acks). The service worker's
//     JavaScript only moves the frames Link returns over a WebSocket; every
//     key, every seal and open, every sequence number stays in Go.
//   - Descriptions for the popup: the commitment and plain-language
//     description of a policy and the vk hash; the display model of a
//     personal_sign request (InspectMessage: text or hex, an EIP-4361
//     sign-in message whose domain must be the requesting origin's and whose
//     account must be ours, else it is refused). Transactions and proposals
//     are described by the core itself (signer.Inspect, DescribeTx).
//
// # Guarantees
//
//   - Nothing a relay sends can reach the application unless it opens under
//     the session keys of the confirmed agent key (e2e.Session), and each
//     opened envelope is handed over once per process; a hello is never
//     acted on by itself: it becomes an Offer that only the user's Confirm
//     turns into a session.
//   - Acks are ordered: the relay is told "handled up to n" only when every
//     delivered envelope up to n was handled by the application (Handled) or
//     dropped as forged, a replay or unusable. The persisted receive point is
//     the ack point, so a worker restart redelivers, never loses (G5).
//   - Outgoing envelopes go to the outbox, which is part of the persisted
//     state, before the frame is handed to JavaScript (write-ahead), and stay
//     there until the relay's SENDACK, so a restart or a dropped socket
//     retransmits them; message ids derive from application ids, so a
//     retransmission is idempotent at the relay.
//   - Every decoder is strict and bounded; malformed input is a coded
//     wire error, never a panic.
//
// # Security notes
//
// The channel secret and the signer's static X25519 key are part of the
// persisted link state, stored by the extension in chrome.storage.local in
// the clear, so that proposals can be received and answered while the vault
// is locked. Whoever reads the extension's storage can therefore read and
// inject channel traffic; they still cannot get anything signed, because
// every proposal needs a valid proof for the pinned commitment, and the
// wallet keys stay in the vault, encrypted under the password (G3).
package ext
