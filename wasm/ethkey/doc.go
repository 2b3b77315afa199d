// Package ethkey is the secp256k1 and Keccak code the signer core needs to
// sign Ethereum transactions and messages: private keys as
// crypto/ecdsa values on the secp256k1 curve, addresses, compressed public
// keys, recoverable signatures ([R ‖ S ‖ V], V ∈ {0, 1}) and EIP-55
// checksums. It is a thin layer over decred's secp256k1 (the same library
// go-ethereum uses without cgo) and x/crypto's Keccak.
//
// It exists so that the WebAssembly core does not link go-ethereum: its
// common package compiles a regexp at start-up, which pulls the regexp
// engine and the unicode tables into the binary and costs about 20 ms of
// the signer's cold start (docs/signer.md, "Cold start").
//
// # Guarantees
//
//   - Every function gives the same bytes as go-ethereum's crypto package
//     (Keccak256, ToECDSA, CompressPubkey, PubkeyToAddress, Sign) and
//     common.Address.Hex (EIP-55); the tests check that on edge and random
//     keys and hashes.
//   - Signatures are deterministic (RFC 6979) with low S, so the native and
//     WASM builds sign byte-identical transactions. (go-ethereum with cgo
//     uses libsecp256k1, whose nonce differs from decred's only for a hash
//     ≥ n, which a Keccak output is with probability about 2^-128.)
//   - ToECDSA refuses a key that is not 32 bytes or not in [1, n−1].
//
// # Security notes
//
// Sign copies the scalar into decred's key type and zeroes that copy when it
// returns; the caller owns (and zeroes) the *ecdsa.PrivateKey. The code is
// decred's constant-time scalar multiplication and nonce derivation.
package ethkey
