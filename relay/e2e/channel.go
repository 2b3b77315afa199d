package e2e

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"

	"github.com/leash-wallet/leash/wire"
	"golang.org/x/crypto/hkdf"
)

// ChannelSecret is the random 256-bit secret of a channel, carried in the
// pairing URI as "channel". The relay never sees it: it sees the ChannelID
// and the AuthPublic key, both derived from it.
type ChannelSecret [32]byte

// ChannelID names a channel on the relay: the first 16 bytes of
// SHA-256("leash/relay/v1 channel-id" || AuthPublic). Because it is a hash of
// the auth key, the relay can check any connection's proof without having
// registered the channel first.
type ChannelID [16]byte

// Sizes of the channel-auth proof.
const (
	ChallengeSize = 32
	AuthPubSize   = ed25519.PublicKeySize
	AuthSigSize   = ed25519.SignatureSize
)

const (
	labelAuthSeed  = "leash/relay/v1 channel-auth"
	labelChannelID = "leash/relay/v1 channel-id"
	labelAuthSig   = "leash/relay/v1 auth\x00"
)

// NewChannelSecret draws a fresh secret from r (crypto/rand when nil).
func NewChannelSecret(r io.Reader) (ChannelSecret, error) {
	if r == nil {
		r = rand.Reader
	}
	var s ChannelSecret
	if _, err := io.ReadFull(r, s[:]); err != nil {
		return s, wire.Errorf(wire.Internal, "e2e: random: %w", err)
	}
	return s, nil
}

func (s ChannelSecret) authKey() ed25519.PrivateKey {
	seed := make([]byte, ed25519.SeedSize)
	_, _ = io.ReadFull(hkdf.New(sha256.New, s[:], nil, []byte(labelAuthSeed)), seed)
	return ed25519.NewKeyFromSeed(seed)
}

// AuthPublic is the channel's Ed25519 auth key, the only thing about the
// secret the relay learns.
func (s ChannelSecret) AuthPublic() ed25519.PublicKey {
	return s.authKey().Public().(ed25519.PublicKey)
}

// ID is the channel id the relay routes on.
func (s ChannelSecret) ID() ChannelID { return ChannelIDOf(s.AuthPublic()) }

// ChannelIDOf derives the channel id from an auth public key.
func ChannelIDOf(authPub []byte) ChannelID {
	h := sha256.New()
	h.Write([]byte(labelChannelID))
	h.Write(authPub)
	var id ChannelID
	copy(id[:], h.Sum(nil))
	return id
}

func (c ChannelID) String() string { return hex.EncodeToString(c[:]) }

// ParseChannelID parses the 32-hex-digit form.
func ParseChannelID(s string) (ChannelID, error) {
	var c ChannelID
	if len(s) != 2*len(c) {
		return c, wire.Errorf(wire.Malformed, "e2e: channel id: want %d hex digits", 2*len(c))
	}
	if _, err := hex.Decode(c[:], []byte(s)); err != nil {
		return c, wire.Errorf(wire.Malformed, "e2e: channel id: not hex")
	}
	return c, nil
}

// AuthProof answers a relay's challenge: the channel's auth public key and a
// signature over the challenge, the channel id and the role.
type AuthProof struct {
	Pub [AuthPubSize]byte
	Sig [AuthSigSize]byte
}

func authMessage(nonce [ChallengeSize]byte, ch ChannelID, role Role) []byte {
	m := make([]byte, 0, len(labelAuthSig)+ChallengeSize+len(ch)+1)
	m = append(m, labelAuthSig...)
	m = append(m, nonce[:]...)
	m = append(m, ch[:]...)
	return append(m, byte(role))
}

// Prove answers the challenge nonce for the given role. The secret itself
// is never sent.
func (s ChannelSecret) Prove(nonce [ChallengeSize]byte, role Role) AuthProof {
	k := s.authKey()
	var p AuthProof
	copy(p.Pub[:], k.Public().(ed25519.PublicKey))
	copy(p.Sig[:], ed25519.Sign(k, authMessage(nonce, ChannelIDOf(p.Pub[:]), role)))
	return p
}

// VerifyAuth checks a proof for channel ch and role against the nonce the
// relay issued. It fails with ErrAuthFailed when the key does not hash to
// ch or the signature does not verify.
func VerifyAuth(ch ChannelID, role Role, nonce [ChallengeSize]byte, p AuthProof) error {
	if !role.Valid() {
		return wire.Errorf(wire.Malformed, "e2e: auth: unknown role %d", role)
	}
	id := ChannelIDOf(p.Pub[:])
	if !bytes.Equal(id[:], ch[:]) {
		return wire.Errorf(AuthFailed, "auth key does not belong to channel %s", ch)
	}
	if !ed25519.Verify(p.Pub[:], authMessage(nonce, ch, role), p.Sig[:]) {
		return wire.Errorf(AuthFailed, "bad signature for channel %s", ch)
	}
	return nil
}

// Bytes returns the id as a slice.
func (c ChannelID) Bytes() []byte { return c[:] }
