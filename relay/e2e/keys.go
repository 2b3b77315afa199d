package e2e

import (
	"crypto/ecdh"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"io"
	"strings"

	"github.com/leash-wallet/leash/wire"
)

// PublicKey is a static X25519 public key.
type PublicKey [32]byte

// KeyPair is a static X25519 key pair, the Noise static key of one side.
// Private must stay secret: the extension keeps it in its link state,
// encrypted under a key of its vault's (wasm/ext), the agent host in its
// pairing state, encrypted under its state key (prover/relayconn).
type KeyPair struct {
	Private [32]byte
	Public  PublicKey
}

// GenerateKeyPair makes a new X25519 key pair from r (crypto/rand when nil).
func GenerateKeyPair(r io.Reader) (KeyPair, error) {
	if r == nil {
		r = rand.Reader
	}
	var seed [32]byte
	if _, err := io.ReadFull(r, seed[:]); err != nil {
		return KeyPair{}, wire.Errorf(wire.Internal, "e2e: random: %w", err)
	}
	return KeyPairFromPrivate(seed)
}

// KeyPairFromPrivate rebuilds a key pair from its private half.
func KeyPairFromPrivate(priv [32]byte) (KeyPair, error) {
	k, err := ecdh.X25519().NewPrivateKey(priv[:])
	if err != nil {
		return KeyPair{}, wire.Errorf(wire.Malformed, "e2e: private key: %v", err)
	}
	var kp KeyPair
	kp.Private = priv
	copy(kp.Public[:], k.PublicKey().Bytes())
	return kp, nil
}

// dh computes X25519(priv, pub). It fails for low-order public keys, whose
// shared secret would be all zeros.
func dh(priv [32]byte, pub PublicKey) ([]byte, error) {
	k, err := ecdh.X25519().NewPrivateKey(priv[:])
	if err != nil {
		return nil, wire.Errorf(wire.Malformed, "e2e: private key: %v", err)
	}
	p, err := ecdh.X25519().NewPublicKey(pub[:])
	if err != nil {
		return nil, wire.Errorf(wire.Malformed, "e2e: public key: %v", err)
	}
	s, err := k.ECDH(p)
	if err != nil {
		return nil, wire.Errorf(wire.Malformed, "e2e: public key is of low order")
	}
	return s, nil
}

// String is the unpadded base64url form used in pairing URIs.
func (p PublicKey) String() string { return base64.RawURLEncoding.EncodeToString(p[:]) }

// ParsePublicKey parses the unpadded base64url form.
func ParsePublicKey(s string) (PublicKey, error) {
	var p PublicKey
	if err := decode32(s, p[:], "public key"); err != nil {
		return p, err
	}
	// A low-order point gives an all-zero shared secret with every key.
	if _, err := dh([32]byte{1}, p); err != nil {
		return p, wire.Errorf(wire.Malformed, "e2e: public key is of low order")
	}
	return p, nil
}

// Fingerprint is a short, human-comparable digest of a public key, shown by
// the signer when it asks the user to confirm an agent host, e.g.
// "K3QF-7ZAM-X2LD-PQ4E".
func (p PublicKey) Fingerprint() string {
	h := sha256.Sum256(append([]byte("leash/e2e/v1 fingerprint"), p[:]...))
	s := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(h[:10])
	return strings.Join([]string{s[0:4], s[4:8], s[8:12], s[12:16]}, "-")
}

func decode32(s string, dst []byte, what string) error {
	if len(s) != base64.RawURLEncoding.EncodedLen(len(dst)) {
		return wire.Errorf(wire.Malformed, "e2e: %s: want %d base64url characters, got %d", what, base64.RawURLEncoding.EncodedLen(len(dst)), len(s))
	}
	n, err := base64.RawURLEncoding.Strict().Decode(dst, []byte(s))
	if err != nil || n != len(dst) {
		return wire.Errorf(wire.Malformed, "e2e: %s: not base64url", what)
	}
	return nil
}
