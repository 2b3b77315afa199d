package proto

import (
	"encoding/binary"

	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/wire"
)

// Version is the relay protocol version (byte 1 of CHALLENGE, AUTH and
// WELCOME). See docs/protocol-relay.md for the changelog. A relay refuses
// an AUTH of another version with 4005.
const Version = 2

// MaxFrame is the relay's default read limit: 64 KiB.
const MaxFrame = 64 << 10

// Type is byte 0 of every frame.
type Type byte

const (
	// relay → client
	TChallenge Type = 0x01 // version(1) nonce(32)
	TWelcome   Type = 0x02 // version(1) acked(8)
	TDeliver   Type = 0x03 // n(8) envelope: n is the relay's number for this delivery
	TSendAck   Type = 0x04 // seq(8) status(1): seq echoes the SEND's envelope header
	// client → relay
	TAuth Type = 0x10 // version(1) role(1) channel(16) signerKey(32) agentKey(32) sig(64)
	TSend Type = 0x11 // envelope
	TAck  Type = 0x12 // n(8): every delivery numbered up to n is handled
)

func (t Type) String() string {
	switch t {
	case TChallenge:
		return "CHALLENGE"
	case TWelcome:
		return "WELCOME"
	case TDeliver:
		return "DELIVER"
	case TSendAck:
		return "SENDACK"
	case TAuth:
		return "AUTH"
	case TSend:
		return "SEND"
	case TAck:
		return "ACK"
	}
	return "type(0x" + string("0123456789abcdef"[t>>4]) + string("0123456789abcdef"[t&15]) + ")"
}

const (
	challengeLen = 1 + 1 + e2e.ChallengeSize
	welcomeLen   = 1 + 1 + 8
	sendAckLen   = 1 + 8 + 1
	authLen      = 1 + 1 + 1 + 16 + 2*e2e.AuthPubSize + e2e.AuthSigSize
	ackLen       = 1 + 8
	// AuthLen is the size of an AUTH frame (the Worker's glue routes on it).
	AuthLen = authLen
)

// Frame is a decoded frame. Only the fields of its Type are set.
type Frame struct {
	Type     Type
	Version  byte
	Nonce    [e2e.ChallengeSize]byte // CHALLENGE
	Acked    uint64                  // WELCOME: the recipient queue's ack point (untrusted, informational)
	N        uint64                  // DELIVER, ACK: the relay's delivery number
	Envelope []byte                  // DELIVER, SEND (aliases the input)
	Header   e2e.Header              // DELIVER, SEND (unauthenticated)
	Seq      uint64                  // SENDACK: the sequence number of the SEND it answers
	Status   Status                  // SENDACK
	Role     e2e.Role                // AUTH
	Channel  e2e.ChannelID           // AUTH
	Proof    e2e.AuthProof           // AUTH
}

// Decode parses one frame strictly. Envelope frames get their e2e header
// parsed (no cryptography). The returned Envelope aliases b.
func Decode(b []byte) (Frame, error) {
	var f Frame
	if len(b) == 0 {
		return f, wire.Errorf(wire.Malformed, "empty frame")
	}
	if len(b) > MaxFrame {
		return f, wire.Errorf(TooLarge, "frame of %d bytes exceeds %d", len(b), MaxFrame)
	}
	f.Type = Type(b[0])
	exact := func(n int) error {
		if len(b) != n {
			return wire.Errorf(wire.Malformed, "%s frame of %d bytes, want %d", f.Type, len(b), n)
		}
		return nil
	}
	version := func() error {
		f.Version = b[1]
		if f.Version != Version {
			return wire.Errorf(e2e.Unsupported, "protocol version %d (this code speaks %d)", f.Version, Version)
		}
		return nil
	}
	switch f.Type {
	case TChallenge:
		if err := exact(challengeLen); err != nil {
			return f, err
		}
		if err := version(); err != nil {
			return f, err
		}
		copy(f.Nonce[:], b[2:])
	case TWelcome:
		if err := exact(welcomeLen); err != nil {
			return f, err
		}
		if err := version(); err != nil {
			return f, err
		}
		f.Acked = binary.BigEndian.Uint64(b[2:10])
	case TDeliver:
		if len(b) < 9 {
			return f, wire.Errorf(wire.Malformed, "DELIVER frame of %d bytes", len(b))
		}
		f.N = binary.BigEndian.Uint64(b[1:9])
		if f.N == 0 {
			return f, wire.Errorf(wire.Malformed, "DELIVER numbered 0")
		}
		h, err := e2e.ParseHeader(b[9:])
		if err != nil {
			return f, err
		}
		f.Header, f.Envelope = h, b[9:]
	case TSend:
		h, err := e2e.ParseHeader(b[1:])
		if err != nil {
			return f, err
		}
		f.Header, f.Envelope = h, b[1:]
	case TSendAck:
		if err := exact(sendAckLen); err != nil {
			return f, err
		}
		f.Seq = binary.BigEndian.Uint64(b[1:9])
		f.Status = Status(b[9])
		if f.Status > StatusTooLarge || f.Status == statusReplayV1 {
			return f, wire.Errorf(wire.Malformed, "unknown send status %d", b[9])
		}
	case TAuth:
		if err := exact(authLen); err != nil {
			return f, err
		}
		if err := version(); err != nil {
			return f, err
		}
		f.Role = e2e.Role(b[2])
		if !f.Role.Valid() {
			return f, wire.Errorf(wire.Malformed, "unknown role %d", b[2])
		}
		copy(f.Channel[:], b[3:19])
		copy(f.Proof.Signer[:], b[19:51])
		copy(f.Proof.Agent[:], b[51:83])
		copy(f.Proof.Sig[:], b[83:147])
	case TAck:
		if err := exact(ackLen); err != nil {
			return f, err
		}
		f.N = binary.BigEndian.Uint64(b[1:9])
	default:
		return f, wire.Errorf(wire.Malformed, "unknown frame type 0x%02x", b[0])
	}
	return f, nil
}

// Challenge encodes CHALLENGE.
func Challenge(nonce [e2e.ChallengeSize]byte) []byte {
	b := make([]byte, challengeLen)
	b[0], b[1] = byte(TChallenge), Version
	copy(b[2:], nonce[:])
	return b
}

// Welcome encodes WELCOME.
func Welcome(acked uint64) []byte {
	b := make([]byte, welcomeLen)
	b[0], b[1] = byte(TWelcome), Version
	binary.BigEndian.PutUint64(b[2:10], acked)
	return b
}

// Send encodes SEND around an envelope.
func Send(env []byte) []byte {
	b := make([]byte, 1+len(env))
	b[0] = byte(TSend)
	copy(b[1:], env)
	return b
}

// Deliver encodes DELIVER: the relay's delivery number and the envelope.
func Deliver(n uint64, env []byte) []byte {
	b := make([]byte, 9+len(env))
	b[0] = byte(TDeliver)
	binary.BigEndian.PutUint64(b[1:9], n)
	copy(b[9:], env)
	return b
}

// SendAck encodes SENDACK.
func SendAck(seq uint64, s Status) []byte {
	b := make([]byte, sendAckLen)
	b[0] = byte(TSendAck)
	binary.BigEndian.PutUint64(b[1:9], seq)
	b[9] = byte(s)
	return b
}

// Auth encodes AUTH. There is no resume point: the relay delivers from its
// own durable ack point, which only ACK moves.
func Auth(role e2e.Role, ch e2e.ChannelID, p e2e.AuthProof) []byte {
	b := make([]byte, authLen)
	b[0], b[1], b[2] = byte(TAuth), Version, byte(role)
	copy(b[3:19], ch[:])
	copy(b[19:51], p.Signer[:])
	copy(b[51:83], p.Agent[:])
	copy(b[83:147], p.Sig[:])
	return b
}

// Ack encodes ACK: every delivery numbered up to n is handled.
func Ack(n uint64) []byte {
	b := make([]byte, ackLen)
	b[0] = byte(TAck)
	binary.BigEndian.PutUint64(b[1:9], n)
	return b
}
