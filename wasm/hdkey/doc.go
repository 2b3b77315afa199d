// Package hdkey derives secp256k1 keys from a BIP-39 seed with BIP-32
// (private, "CKDpriv", derivation only) along BIP-44 paths such as Ethereum's
// m/44'/60'/0'/0/i.
//
// Guarantees:
//   - Derivation follows BIP-32 exactly; the official test vectors 1–3
//     (testdata/bip32_vectors.json, including vector 3 on the retention of
//     leading zeros) pass for every chain, serialized as xprv and xpub.
//   - An invalid master or child key (IL ≥ n or a zero key, probability
//     about 2^-127) is an error, never a silently different key.
//   - Paths are parsed strictly: "m" then up to 255 elements, each a decimal
//     index below 2^31 with an optional ' or H hardening mark.
//
// Security notes: a Key holds private key material in fixed arrays. Wipe
// zeroes them; callers wipe intermediate keys as soon as a child has been
// derived (DerivePath does this for the keys it creates). Go offers no
// guarantee that the runtime has not copied the bytes elsewhere, so wiping
// is best effort. Nothing in this package logs or stores keys.
package hdkey
