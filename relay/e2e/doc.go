// Package e2e is the end-to-end cryptography of the Leash relay: the pairing
// URI, channel secrets and the channel-auth challenge, the encrypted hello
// and its confirmation, and the sealed envelopes that carry application
// bytes between a signer (the extension) and an agent host.
//
// The package is pure: no network, no storage, no clocks. The browser
// extension's WASM core imports it unchanged, and so do the relay's rules
// core (which only parses envelope headers and verifies channel auth) and
// the Go client.
//
// # Guarantees
//
//   - Confidentiality and integrity (DESIGN.md G4). Envelope bodies are
//     sealed with XChaCha20-Poly1305 (the extended-nonce form of
//     ChaCha20-Poly1305, golang.org/x/crypto) under a per-direction key
//     derived with HKDF-SHA256 from X25519(static signer key, static agent
//     key), salted with the channel secret. The whole header (version,
//     channel, sender role, kind, sequence number, message id, TTL) is
//     associated data: the relay can read it but cannot change any bit of
//     it, nor of the body, without Open failing with ErrForged.
//   - Sender authentication. Only the holders of the two static private
//     keys can derive the direction keys, and the two directions use
//     different keys, so an envelope that opens was written by the peer,
//     not reflected back from ourselves.
//   - Replay and reordering. Each direction numbers its envelopes 1, 2, 3…
//     Open accepts only a sequence number above the last one accepted;
//     anything else is ErrReplay. Gaps are allowed (a message can expire on
//     the relay) and are reported in Opened.Gap.
//   - Channel auth. The relay sees a channel id and an Ed25519 public key
//     derived from the channel secret; the id is a hash of that key, so the
//     relay can check a challenge signature without ever learning the
//     secret, and no one without the secret can join a channel.
//   - Pairing. The hello carries the agent host's static key encrypted to
//     the signer's static key (from the pairing URI) with an ephemeral key,
//     and authenticated with the agent's static key, all salted with the
//     channel secret: only someone who saw the pairing URI can make a hello
//     that opens, and the signer learns the agent key only from it. The
//     signer's confirmation is the first envelope of the session and binds
//     the hash of the hello it accepted.
//
// # Security notes
//
//   - No forward secrecy: session keys come from static keys. Whoever later
//     steals a static private key and recorded the traffic can read it. The
//     keys live in the extension's encrypted vault and on the agent host.
//   - Nonces are 24 random bytes, so a sender that loses its sequence
//     counter cannot cause nonce reuse; it would only have its envelopes
//     rejected as replays. Senders must still persist the counter before
//     transmitting (the client package does this write-ahead).
//   - The relay learns channel ids, roles, envelope kinds, sizes, sequence
//     numbers, message ids and timing. Message ids should therefore be
//     random or derived with MessageIDFor, never an application secret.
//   - Anyone who sees the pairing URI can send a hello. The signer must show
//     the agent key fingerprint and let the user confirm exactly one hello.
package e2e
