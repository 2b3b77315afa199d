package e2e

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	"strconv"

	"github.com/leash-wallet/leash/wire"
)

// Version is the envelope format version this code speaks (byte 0 of every
// envelope). See docs/protocol-relay.md for the changelog.
const Version = 1

// Role is the sender's side of a channel. A channel pairs one signer with one
// agent host; envelopes from one role are queued for the other.
type Role byte

const (
	RoleSigner Role = 1 // the extension (holds the user's key)
	RoleAgent  Role = 2 // the agent host (holds the proving key)
)

// Valid reports whether r is one of the two roles.
func (r Role) Valid() bool { return r == RoleSigner || r == RoleAgent }

// Peer is the other role of the channel.
func (r Role) Peer() Role {
	if r == RoleSigner {
		return RoleAgent
	}
	return RoleSigner
}

func (r Role) String() string {
	switch r {
	case RoleSigner:
		return "signer"
	case RoleAgent:
		return "agent"
	}
	return "role(" + strconv.Itoa(int(r)) + ")"
}

// Kind says what an envelope carries. The relay sees it but treats all
// kinds alike.
type Kind byte

const (
	KindData    Kind = 0 // application bytes under the session keys
	KindHello   Kind = 1 // agent → signer: the agent's static key, sealed to the signer
	KindConfirm Kind = 2 // signer → agent: session envelope binding the accepted hello
)

// MessageID identifies a message end to end. The relay keeps a message id
// at most once in a queue, so resending the same id is idempotent.
type MessageID [16]byte

// NewMessageID draws a random id (crypto/rand when r is nil).
func NewMessageID(r io.Reader) MessageID {
	if r == nil {
		r = rand.Reader
	}
	var id MessageID
	_, _ = io.ReadFull(r, id[:])
	return id
}

// MessageIDFor derives a stable id from an application key (a proposal id,
// an idempotency key), so that retries of the same thing share one id. The
// key is hashed: the relay sees only the hash.
func MessageIDFor(key string) MessageID {
	h := sha256.Sum256([]byte("leash/e2e/v1 message-id\x00" + key))
	var id MessageID
	copy(id[:], h[:])
	return id
}

func (m MessageID) String() string { return hex.EncodeToString(m[:]) }

// Envelope layout (all integers big-endian):
//
//	0      version   1
//	1      channel   16
//	17     from      1   (Role)
//	18     kind      1   (Kind)
//	19     seq       8   per-direction sequence number, from 1
//	27     id        16  MessageID
//	43     ttl       4   seconds; 0 = the relay's default
//	47     nonce     24  XChaCha20-Poly1305 nonce
//	71     sealed    ≥16 ciphertext and tag
//
// Bytes 0–46 (the header) are the AEAD's associated data.
const (
	HeaderSize   = 47
	NonceSize    = 24
	TagSize      = 16
	Overhead     = HeaderSize + NonceSize + TagSize
	MaxEnvelope  = 64<<10 - 64 // fits the relay's 64 KiB frame limit with room for framing
	MaxPayload   = MaxEnvelope - Overhead
	MaxTTLSecond = 1<<32 - 1
)

// Header is the clear part of an envelope, which the relay routes on.
type Header struct {
	Version byte
	Channel ChannelID
	From    Role
	Kind    Kind
	Seq     uint64
	ID      MessageID
	TTL     uint32 // seconds
}

func (h *Header) put(b []byte) {
	b[0] = h.Version
	copy(b[1:17], h.Channel[:])
	b[17] = byte(h.From)
	b[18] = byte(h.Kind)
	binary.BigEndian.PutUint64(b[19:27], h.Seq)
	copy(b[27:43], h.ID[:])
	binary.BigEndian.PutUint32(b[43:47], h.TTL)
}

// ParseHeader parses and checks the clear header of an envelope: size
// bounds, version, role, kind and a non-zero sequence number. It does no
// cryptography; the relay uses it to route.
func ParseHeader(env []byte) (Header, error) {
	var h Header
	if len(env) < Overhead {
		return h, wire.Errorf(wire.Malformed, "envelope: %d bytes is shorter than the minimum %d", len(env), Overhead)
	}
	if len(env) > MaxEnvelope {
		return h, wire.Errorf(wire.Malformed, "envelope: %d bytes is longer than the maximum %d", len(env), MaxEnvelope)
	}
	h.Version = env[0]
	if h.Version != Version {
		return h, wire.Errorf(Unsupported, "envelope: version %d (this code speaks %d)", h.Version, Version)
	}
	copy(h.Channel[:], env[1:17])
	h.From = Role(env[17])
	if !h.From.Valid() {
		return h, wire.Errorf(wire.Malformed, "envelope: unknown sender role %d", env[17])
	}
	h.Kind = Kind(env[18])
	if h.Kind > KindConfirm {
		return h, wire.Errorf(wire.Malformed, "envelope: unknown kind %d", env[18])
	}
	h.Seq = binary.BigEndian.Uint64(env[19:27])
	if h.Seq == 0 {
		return h, wire.Errorf(wire.Malformed, "envelope: sequence number 0")
	}
	copy(h.ID[:], env[27:43])
	h.TTL = binary.BigEndian.Uint32(env[43:47])
	return h, nil
}
