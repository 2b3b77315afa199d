// Package bip39 is BIP-39 for the English wordlist: mnemonic sentences from
// entropy and back, with their SHA-256 checksum, and the PBKDF2-HMAC-SHA512
// seed. It is what the vault needs and nothing more.
//
// Guarantees:
//   - Mnemonic and EntropyFromMnemonic are inverse on 128 to 256 bits of
//     entropy in steps of 32; EntropyFromMnemonic rejects any sentence whose
//     word count, words or checksum are wrong. They and Seed agree with the
//     reference test vectors (testdata/vectors.json) and, on many random
//     inputs, with github.com/tyler-smith/go-bip39 (a test-only reference).
//   - The wordlist is english.txt, the BIP-39 English list (SHA-256
//     2f5eed53…24dbda, checked by a test), embedded as one string. It is
//     split on first use, not when the package starts: the WASM signer's cold
//     start matters, and the list is sorted, so words are found by binary
//     search without a map.
//
// Security notes: the seed is PBKDF2-HMAC-SHA512 over the NFKD form of the
// mnemonic, salted with "mnemonic" + NFKD(passphrase). An English mnemonic
// is ASCII, where NFKD is the identity; this package has no Unicode
// normalization, so Seed refuses a mnemonic or passphrase that is not ASCII
// rather than derive a seed other wallets would not. Callers that hold
// entropy or seeds should zero them when done; the strings cannot be.
package bip39
