// Package vault keeps the user's BIP-39 mnemonic encrypted at rest and the
// derived keys in memory only while unlocked. Mnemonics and seeds come from
// package wasm/bip39 (English; NormalizeMnemonic lower-cases and single-spaces
// a mnemonic before it is checked, so what is stored and derived is ASCII).
//
// A vault is a versioned JSON blob (Blob) that the host stores (a file in
// Node, chrome.storage in the extension). It holds:
//
//   - the KDF: argon2id with a random 16-byte salt, at or above OWASP's
//     password-storage guidance (default t=2, m=19 MiB, p=1; Open refuses a
//     blob whose cost m×t is below that, or absurdly high);
//   - a password check value, a hash of a second KDF output half, so a wrong
//     password (bad_password) is told apart from a corrupted ciphertext
//     (malformed);
//   - the mnemonic sealed with XChaCha20-Poly1305 under a random nonce, with
//     every header field (version, KDF parameters, address) as associated data,
//     so no header field can be altered without detection;
//   - the index-0 address (public), so the host can show the account while the
//     vault is locked.
//
// Guarantees:
//   - Create, Import and ChangePassword return a new blob only after it has
//     been decoded and decrypted again successfully; a failed operation
//     returns an error and no blob, so the caller never overwrites a good vault.
//   - Open rejects a corrupted or truncated blob with a malformed error.
//   - A wrong password gets wire.ErrBadPassword; using a key while locked
//     gets wire.ErrLocked.
//   - The mnemonic is exported only against the password, even while unlocked.
//   - The vault locks itself after IdleTimeout without the user's activity
//     (Unlock, Touch); using the key (a signature the agent asked for) is
//     not activity. Checked on every call and by a timer.
//   - UnlockSession returns the argon2id-derived key of this blob, which a
//     host may keep in memory-only storage to unlock again after a restart
//     (UnlockWithKey, no KDF) instead of the password: it opens this blob
//     only, and a password change retires it. Secret derives per-label
//     keys from the account key (the storage MAC key), unchanged by
//     password changes.
//
// Security notes: the plaintext mnemonic, seed and keys exist only in memory
// while unlocked. They are never logged or put in an error message. Lock
// zeroes the key material it holds; Go may have copied bytes (strings, big
// integers) that cannot be zeroed, so wiping is best effort, which is the
// usual limit of a garbage-collected runtime.
package vault
