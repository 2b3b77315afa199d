// Package ext is the extension's addition to the signer core: the pure Go
// logic behind the second WASM global, leashExt (see extension/leash-ext.d.ts).
// The signer core itself (vault, ledger, verify-then-sign, audit) is exposed
// as the global leash by the core's own boundary; this package holds only
// what the browser extension needs beyond it:
//
//   - Link: the signer's side of its relay channel (pairing URI and its
//     expiry, the Noise handshake answered for every offer, the comparison
//     code the user confirms, the move to the session channel, the ratchet,
//     an outbox kept until the relay acknowledges, acks by the relay's
//     delivery numbers). The service worker's JavaScript only moves the
//     frames Link returns over a WebSocket and stores its state encrypted;
//     every key, every seal and open, every number stays in Go.
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
//     the session of the pairing the user confirmed by its comparison code,
//     and each opened envelope is handed over once per process. A handshake
//     is never acted on by itself: it becomes an offer; a second agent key
//     answering the same URI refuses the pairing (Step.Conflict) and no
//     confirm goes through until a new URI.
//   - Nothing in an unauthenticated header moves state: the ack point is the
//     relay's delivery number, the session's receive position moves only
//     when an envelope opened and was handled. Forged and replayed envelopes
//     are dropped, acknowledged and reported (Step.Dropped); deliveries the
//     relay skipped and sequence gaps are reported (Step.Lost, Step.Gap).
//   - Acks are ordered and one message is open at a time: the relay is told
//     "handled up to n" only when delivery n was handled (Handled) or
//     dropped, and the persisted session is the handled one, so a worker
//     restart redelivers, never loses (G5).
//   - Outgoing envelopes go to the outbox, which is part of the persisted
//     state, before the frame is handed to JavaScript (write-ahead), and stay
//     there until the relay's SENDACK. A first transmission the relay did not
//     store is reported with its code, never as stored. The outbox is
//     bounded in count and bytes so that a full state still loads.
//   - Every decoder is strict and bounded; malformed input is a coded
//     wire error, never a panic.
//
// # Security notes
//
// The link state holds the signer's static key, the pairing URI's secret
// (while pairing) and the session's ratchet and auth key. The extension
// stores it only encrypted (AES-GCM under a non-extractable WebCrypto key
// in IndexedDB, extension/sw/linkstore.js), so that proposals can be
// received and answered while the vault is locked. Whoever obtains the
// decrypted state can read and inject channel traffic from then on until
// the next re-key, but opens nothing sealed before (the ratchet), and still
// cannot get anything signed: every proposal needs a valid proof for the
// pinned commitment, and the wallet keys stay in the vault, encrypted under
// the password (G3).
package ext
