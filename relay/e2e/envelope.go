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

// Envelope format versions (byte 0 of every envelope). Version is what this
// code seals; relays route both. See docs/protocol-relay.md for the
// changelog.
const (
	Version1 = 1 // static-key sessions (relay protocol 1); routed, no longer sealed
	Version2 = 2 // Noise IKpsk2 handshake, per-direction ratchet, padded, kind inside
	Version  = Version2
)

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

// Type says how the body of a version-2 envelope is protected. It is
// implied by the channel anyway (handshakes travel only on the pairing
// channel, transport envelopes only on the session channel), so it tells the
// relay nothing new. What an envelope carries (data, confirm, rekey) is
// inside the ciphertext.
type Type byte

const (
	TypeTransport Type = 0 // sealed with the ratchet's message key
	TypeInit      Type = 1 // agent → signer: Noise IKpsk2 message 1
	TypeResponse  Type = 2 // signer → agent: Noise IKpsk2 message 2
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

// Version-2 envelope layout (all integers big-endian):
//
//	0      version   1   (2)
//	1      channel   16
//	17     from      1   (Role)
//	18     type      1   (Type)
//	19     seq       8   per-direction sequence number, from 1
//	27     id        16  MessageID
//	43     ttl       4   seconds; 0 = the relay's default
//	47     epoch     4   ratchet epoch (re-keys so far)
//	51     n         4   index of the message key within the epoch, from 1
//	55     body          transport: nonce(24) ‖ XChaCha20-Poly1305(kind ‖ payload ‖ padding)
//	                     handshake: the Noise message
//
// The header (bytes 0–54) is the AEAD's associated data. Version 1 had a
// 47-byte header (version, channel, from, kind, seq, id, ttl) followed by a
// nonce and the sealed body; relays still route it.
const (
	HeaderSize   = 55
	header1Size  = 47
	NonceSize    = 24
	TagSize      = 16
	Overhead     = HeaderSize + NonceSize + TagSize // the smallest transport envelope, before padding
	MaxEnvelope  = 64<<10 - 64                      // fits the relay's 64 KiB frame limit with room for framing
	MinEnvelope  = header1Size + NonceSize + TagSize
	MaxTTLSecond = 1<<32 - 1
)

// Header is the clear part of an envelope, which the relay routes on. None
// of it is trusted before the envelope opens: the relay uses only Channel,
// From, ID and TTL, and numbers what it stores itself; a receiver checks
// Seq only after the body authenticated.
type Header struct {
	Version byte
	Channel ChannelID
	From    Role
	Type    Type
	Seq     uint64
	ID      MessageID
	TTL     uint32 // seconds
	Epoch   uint32
	N       uint32
}

func (h *Header) put(b []byte) {
	b[0] = h.Version
	copy(b[1:17], h.Channel[:])
	b[17] = byte(h.From)
	b[18] = byte(h.Type)
	binary.BigEndian.PutUint64(b[19:27], h.Seq)
	copy(b[27:43], h.ID[:])
	binary.BigEndian.PutUint32(b[43:47], h.TTL)
	binary.BigEndian.PutUint32(b[47:51], h.Epoch)
	binary.BigEndian.PutUint32(b[51:55], h.N)
}

// ParseHeader parses and checks the clear header of an envelope of either
// version: size bounds, version, role, type and a non-zero sequence number.
// It does no cryptography; the relay uses it to route.
func ParseHeader(env []byte) (Header, error) {
	var h Header
	if len(env) < MinEnvelope {
		return h, wire.Errorf(wire.Malformed, "envelope: %d bytes is shorter than the minimum %d", len(env), MinEnvelope)
	}
	if len(env) > MaxEnvelope {
		return h, wire.Errorf(wire.Malformed, "envelope: %d bytes is longer than the maximum %d", len(env), MaxEnvelope)
	}
	h.Version = env[0]
	copy(h.Channel[:], env[1:17])
	h.From = Role(env[17])
	if !h.From.Valid() {
		return h, wire.Errorf(wire.Malformed, "envelope: unknown sender role %d", env[17])
	}
	switch h.Version {
	case Version1:
		// kind(1) seq(8) id(16) ttl(4); the kind is not interpreted.
		if env[18] > 2 {
			return h, wire.Errorf(wire.Malformed, "envelope: unknown kind %d", env[18])
		}
		h.Seq = binary.BigEndian.Uint64(env[19:27])
		copy(h.ID[:], env[27:43])
		h.TTL = binary.BigEndian.Uint32(env[43:47])
	case Version2:
		if len(env) < HeaderSize+TagSize {
			return h, wire.Errorf(wire.Malformed, "envelope: %d bytes is shorter than a version-2 envelope", len(env))
		}
		h.Type = Type(env[18])
		if h.Type > TypeResponse {
			return h, wire.Errorf(wire.Malformed, "envelope: unknown type %d", env[18])
		}
		h.Seq = binary.BigEndian.Uint64(env[19:27])
		copy(h.ID[:], env[27:43])
		h.TTL = binary.BigEndian.Uint32(env[43:47])
		h.Epoch = binary.BigEndian.Uint32(env[47:51])
		h.N = binary.BigEndian.Uint32(env[51:55])
	default:
		return h, wire.Errorf(Unsupported, "envelope: version %d (this code speaks 1 and 2)", h.Version)
	}
	if h.Seq == 0 {
		return h, wire.Errorf(wire.Malformed, "envelope: sequence number 0")
	}
	return h, nil
}

// Padding buckets: every version-2 transport envelope is padded to one of
// these total sizes, so its length tells the relay only the bucket. The
// smallest is large enough for every receipt and control message (a
// refusal, a signed transaction of a plain transfer, a confirm, a re-key
// all look alike); above it, powers of two.
var buckets = [...]int{1024, 2048, 4096, 8192, 16384, 32768, MaxEnvelope}

// PaddedSize is the envelope size a payload of n bytes is padded to, or 0
// when it does not fit.
func PaddedSize(n int) int {
	need := HeaderSize + NonceSize + 1 + n + 1 + TagSize // kind, payload, 0x80 marker
	for _, b := range buckets {
		if need <= b {
			return b
		}
	}
	return 0
}

// MaxPayload is the largest application payload of one envelope.
const MaxPayload = MaxEnvelope - HeaderSize - NonceSize - TagSize - 2
