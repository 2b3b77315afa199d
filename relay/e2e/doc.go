// Package e2e is the end-to-end cryptography of the Leash relay (envelope
// and pairing version 2): the pairing URI, the relay-auth keys and channel
// ids, the Noise IKpsk2 pairing handshake with its comparison code, and the
// sessions that seal and open padded envelopes with a per-direction
// symmetric ratchet between a signer (the extension) and an agent host.
//
// The package is pure: no network, no storage, no clocks. The browser
// extension's WASM core imports it unchanged, and so do the relay's rules
// core (which only parses envelope headers and verifies channel auth) and
// the Go client.
//
// # Guarantees
//
//   - Pairing (Initiate, Respond, Finish): Noise_IKpsk2_25519_ChaChaPoly_SHA256
//     (flynn/noise, checked against the Noise test vectors in
//     testdata/noise) with the agent host as initiator, the signer's static
//     key from the URI, a pre-shared key from the URI's secret and a
//     prologue binding the pairing channel, the signer's key and the URI's
//     expiry. Only someone who saw the URI can make a message 1 that opens;
//     the session keys come from the handshake's transcript, so pairing
//     again (even with the same keys) never reuses them. Both sides derive
//     the same six-digit comparison code from the handshake hash.
//   - Channels: a channel id is the hash of both roles' Ed25519 auth public
//     keys. The pairing channel's single key comes from the URI's secret;
//     the session channel's two keys are exchanged inside the handshake, and
//     each side holds only its own, so the URI does not log in there and
//     neither role's key logs in as the other (VerifyAuth).
//   - Confidentiality and integrity (DESIGN.md G4): transport envelopes are
//     sealed with XChaCha20-Poly1305 under a message key used once; the
//     whole header is associated data. The kind of message is inside the
//     ciphertext and every envelope is padded to a size bucket.
//   - Forward secrecy: message keys come from a per-direction chain that
//     only moves forward (HMAC-SHA256); a session state read at any time
//     opens nothing sealed before it. Rekey mixes a fresh X25519 exchange
//     into the root key, so a state read earlier opens nothing after it.
//   - Nothing unauthenticated moves state: Open derives keys only within
//     MaxSkip of its position, checks the sequence number only after the
//     body authenticated, and changes nothing when it fails. Peek and Commit
//     split opening from accepting, so a persisted state never runs ahead of
//     what the application handled.
//   - Counters never wrap: Seal refuses past MaxSeq; LoadSession refuses a
//     state beyond it.
//
// # Security notes
//
//   - A SessionState holds secrets (auth key, root and chain keys): persist
//     it only encrypted. The extension stores its link state encrypted
//     (extension/sw/linkstore.js), the agent host its pairing state
//     (prover/relayconn).
//   - Nonces are 24 random bytes, so a sender restored from an old state
//     cannot reuse a nonce under a key; its envelopes are refused as replays
//     instead. Senders persist their state before transmitting.
//   - The relay learns channel ids, auth public keys, roles, envelope types,
//     sequence numbers, epochs, message ids, padded sizes and timing. Message
//     ids should therefore be random or derived with MessageIDFor, never an
//     application secret.
//   - Anyone who sees the pairing URI can start a handshake. The signer keeps
//     every offer, refuses the pairing when a second agent key answers
//     (ErrConflict), and lets the user confirm only by the comparison code;
//     the URI is good for one pairing and expires (Pairing.Exp).
package e2e
