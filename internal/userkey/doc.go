// Package userkey gives the CLI's verbs that need the user's key (sign,
// policy publish, keys) that key without a plaintext file on disk.
//
// A Source is one of:
//   - a BIP-39 mnemonic in a file, or on standard input with the path "-"
//     (read without echo when standard input is a terminal); the key is
//     the one at m/44'/60'/0'/0/Index, the extension's account for index 0;
//   - a Web3 Secret Storage v3 keystore (the JSON file of go-ethereum's
//     accounts/keystore, MetaMask, ethers and most wallets), whose password
//     comes from the LEASH_KEYSTORE_PASSWORD environment variable or, when
//     that is unset, from a prompt on the terminal.
//
// WriteKeystore turns any Source into a keystore file (leash keys import).
//
// Guarantees and security notes:
//   - Nothing here writes a mnemonic or a private key to disk. A keystore
//     is written to a temporary file beside its destination (mode 0600) and
//     linked into place, so it never replaces an existing file and a crash
//     leaves no half-written keystore under the final name.
//   - A keystore is decoded strictly (wire.DecodeStrict: byte-exact keys,
//     no duplicates, no unknown fields except ethers' "x-ethers" block) and
//     its parameters are bounded before any key derivation: AES-128-CTR
//     only, scrypt with r = 8, n ≤ 2^18, p ≤ 8 and n·p ≤ 2^20 (at most
//     256 MiB and a few seconds), or PBKDF2-HMAC-SHA256 with at most 10^7
//     rounds; a 32-byte derived key, a 32-byte ciphertext, a 16-byte IV and
//     a 32-byte MAC. go-ethereum's DecryptKey on its own panics on a
//     missing salt or n, reads past a short dklen and allocates whatever n
//     asks for; it is
//     only called on a document that passed these checks. Everything else
//     is refused as malformed.
//   - The "address" field of a keystore is not authenticated; when present
//     it must equal the address of the decrypted key, or the file is
//     refused (it would otherwise name one account and sign for another).
//   - A wrong password is bad_password. The private key is zeroed (its
//     big.Int words cleared) when a Key is closed; go-ethereum's decryption
//     keeps a transient copy of the 32 key bytes that Go's garbage
//     collector, not this package, reclaims.
package userkey
