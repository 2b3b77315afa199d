package e2e

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"io"

	"github.com/leash-wallet/leash/wire"
	"golang.org/x/crypto/hkdf"
)

// ChannelSecret is the random 256-bit secret of a pairing URI, carried as
// "channel". The relay never sees it: it sees the pairing channel's id and
// auth key, both derived from it. It is also the Noise pre-shared key's
// source, and it is good for one pairing only.
type ChannelSecret [32]byte

// ChannelID names a channel on the relay: the first 16 bytes of
// SHA-256("leash/relay/v2 channel-id" ‖ A_signer ‖ A_agent), where A_signer
// and A_agent are the Ed25519 relay-auth keys of the two roles. Because it
// is a hash of both keys, the relay can check any connection's proof
// without having registered the channel first, and a key of one role does
// not log in as the other.
type ChannelID [16]byte

// Sizes of the channel-auth proof.
const (
	ChallengeSize = 32
	AuthPubSize   = ed25519.PublicKeySize
	AuthSigSize   = ed25519.SignatureSize
)

const (
	labelPairingAuth = "leash/relay/v2 pairing-auth"
	labelPSK         = "leash/relay/v2 psk"
	labelChannelID   = "leash/relay/v2 channel-id"
	labelAuthSig     = "leash/relay/v2 auth\x00"
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

func (s ChannelSecret) derive(label string, n int) []byte {
	out := make([]byte, n)
	_, _ = io.ReadFull(hkdf.New(sha256.New, s[:], nil, []byte(label)), out)
	return out
}

// AuthKey is the pairing channel's relay-auth key. Both roles log in to the
// pairing channel with it: it proves only that the holder saw the URI.
func (s ChannelSecret) AuthKey() AuthKey {
	var k AuthKey
	copy(k[:], s.derive(labelPairingAuth, ed25519.SeedSize))
	return k
}

// psk is the Noise pre-shared key of the pairing.
func (s ChannelSecret) psk() []byte { return s.derive(labelPSK, 32) }

// ID is the pairing channel's id.
func (s ChannelSecret) ID() ChannelID {
	p := s.AuthKey().Public()
	return ChannelIDOf(p, p)
}

// Keys is the pairing channel's login: the one auth key for both roles.
func (s ChannelSecret) Keys() ChannelKeys {
	k := s.AuthKey()
	p := k.Public()
	return ChannelKeys{Signer: p, Agent: p, Own: k}
}

// AuthKey is the seed of an Ed25519 relay-auth key.
type AuthKey [ed25519.SeedSize]byte

// NewAuthKey draws a fresh auth key (crypto/rand when r is nil).
func NewAuthKey(r io.Reader) (AuthKey, error) {
	if r == nil {
		r = rand.Reader
	}
	var k AuthKey
	if _, err := io.ReadFull(r, k[:]); err != nil {
		return k, wire.Errorf(wire.Internal, "e2e: random: %w", err)
	}
	return k, nil
}

func (k AuthKey) private() ed25519.PrivateKey { return ed25519.NewKeyFromSeed(k[:]) }

// Public is the key the relay sees.
func (k AuthKey) Public() AuthPub {
	var p AuthPub
	copy(p[:], k.private().Public().(ed25519.PublicKey))
	return p
}

// AuthPub is an Ed25519 relay-auth public key.
type AuthPub [AuthPubSize]byte

// ChannelKeys is what one side needs to log in to a channel: both roles'
// public keys (they name the channel) and its own role's private key.
type ChannelKeys struct {
	Signer, Agent AuthPub
	Own           AuthKey
}

// ID is the channel these keys name.
func (k ChannelKeys) ID() ChannelID { return ChannelIDOf(k.Signer, k.Agent) }

// ChannelIDOf derives a channel id from the two roles' auth keys.
func ChannelIDOf(signer, agent AuthPub) ChannelID {
	h := sha256.New()
	h.Write([]byte(labelChannelID))
	h.Write(signer[:])
	h.Write(agent[:])
	var id ChannelID
	copy(id[:], h.Sum(nil))
	return id
}

func (c ChannelID) String() string { return hex.EncodeToString(c[:]) }

// Bytes returns the id as a slice.
func (c ChannelID) Bytes() []byte { return c[:] }

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

// AuthProof answers a relay's challenge: both roles' auth public keys (the
// channel id is their hash) and a signature by the key of the role logging
// in, over the challenge, the channel id and the role.
type AuthProof struct {
	Signer, Agent AuthPub
	Sig           [AuthSigSize]byte
}

func authMessage(nonce [ChallengeSize]byte, ch ChannelID, role Role) []byte {
	m := make([]byte, 0, len(labelAuthSig)+ChallengeSize+len(ch)+1)
	m = append(m, labelAuthSig...)
	m = append(m, nonce[:]...)
	m = append(m, ch[:]...)
	return append(m, byte(role))
}

// Prove answers the challenge nonce for role with k.Own, which must be that
// role's key. No secret is sent.
func (k ChannelKeys) Prove(nonce [ChallengeSize]byte, role Role) AuthProof {
	p := AuthProof{Signer: k.Signer, Agent: k.Agent}
	copy(p.Sig[:], ed25519.Sign(k.Own.private(), authMessage(nonce, k.ID(), role)))
	return p
}

// VerifyAuth checks a proof for channel ch and role against the nonce the
// relay issued. It fails with ErrAuthFailed when the keys do not hash to ch
// or the signature is not by the role's key.
func VerifyAuth(ch ChannelID, role Role, nonce [ChallengeSize]byte, p AuthProof) error {
	if !role.Valid() {
		return wire.Errorf(wire.Malformed, "e2e: auth: unknown role %d", role)
	}
	id := ChannelIDOf(p.Signer, p.Agent)
	if subtle.ConstantTimeCompare(id[:], ch[:]) != 1 {
		return wire.Errorf(AuthFailed, "auth keys do not belong to channel %s", ch)
	}
	key := p.Signer
	if role == RoleAgent {
		key = p.Agent
	}
	if !ed25519.Verify(key[:], authMessage(nonce, ch, role), p.Sig[:]) {
		return wire.Errorf(AuthFailed, "bad signature for channel %s", ch)
	}
	return nil
}
