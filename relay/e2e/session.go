package e2e

import (
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"io"
	"sync"

	"github.com/leash-wallet/leash/wire"
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/hkdf"
)

// State is what a session must persist to survive a restart: the last
// sequence number it sealed and the last one it accepted. Persist Send
// before transmitting what Seal returned (write-ahead), and Recv only up to
// what the application has durably handled.
type State struct {
	Send uint64 `json:"send"`
	Recv uint64 `json:"recv"`
}

// Session seals and opens envelopes between the two static keys of a paired
// channel. It is safe for concurrent use.
type Session struct {
	role    Role
	channel ChannelID
	peer    PublicKey
	send    cipher.AEAD
	recv    cipher.AEAD
	rand    io.Reader

	mu    sync.Mutex
	state State
}

// Opened is an envelope that authenticated.
type Opened struct {
	Header
	Payload []byte
	Gap     uint64 // sequence numbers skipped since the last accepted envelope
}

// NewSession derives the per-direction keys of a paired channel:
// k = HKDF-SHA256(ikm = X25519(self, peer), salt = channel secret,
// info = "leash/e2e/v1 <direction>" || signer pub || agent pub).
func NewSession(secret ChannelSecret, role Role, self KeyPair, peer PublicKey) (*Session, error) {
	if !role.Valid() {
		return nil, wire.Errorf(wire.Malformed, "e2e: unknown role %d", role)
	}
	shared, err := dh(self.Private, peer)
	if err != nil {
		return nil, err
	}
	signerPub, agentPub := self.Public, peer
	if role == RoleAgent {
		signerPub, agentPub = peer, self.Public
	}
	key := func(dir string) cipher.AEAD {
		info := append([]byte("leash/e2e/v1 "+dir), signerPub[:]...)
		info = append(info, agentPub[:]...)
		k := make([]byte, chacha20poly1305.KeySize)
		_, _ = io.ReadFull(hkdf.New(sha256.New, shared, secret[:], info), k)
		a, _ := chacha20poly1305.NewX(k)
		return a
	}
	s2a, a2s := key("signer->agent"), key("agent->signer")
	s := &Session{role: role, channel: secret.ID(), peer: peer, rand: rand.Reader}
	if role == RoleSigner {
		s.send, s.recv = s2a, a2s
	} else {
		s.send, s.recv = a2s, s2a
	}
	return s, nil
}

// Role is the local side of the session.
func (s *Session) Role() Role { return s.role }

// Channel is the channel id the session seals for.
func (s *Session) Channel() ChannelID { return s.channel }

// Peer is the peer's static public key.
func (s *Session) Peer() PublicKey { return s.peer }

// State returns the sequence numbers to persist.
func (s *Session) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// SetState restores persisted sequence numbers.
func (s *Session) SetState(st State) {
	s.mu.Lock()
	s.state = st
	s.mu.Unlock()
}

// Seal encrypts payload as the next envelope of this direction and returns
// it with its sequence number. ttl is in seconds (0: the relay's default).
func (s *Session) Seal(kind Kind, id MessageID, ttl uint32, payload []byte) ([]byte, uint64, error) {
	if kind != KindData && kind != KindConfirm {
		return nil, 0, wire.Errorf(wire.Malformed, "e2e: Seal cannot make kind %d", kind)
	}
	if len(payload) > MaxPayload {
		return nil, 0, wire.Errorf(wire.Malformed, "e2e: payload of %d bytes exceeds %d", len(payload), MaxPayload)
	}
	s.mu.Lock()
	s.state.Send++
	seq := s.state.Send
	s.mu.Unlock()
	h := Header{Version: Version, Channel: s.channel, From: s.role, Kind: kind, Seq: seq, ID: id, TTL: ttl}
	env := make([]byte, HeaderSize+NonceSize, HeaderSize+NonceSize+len(payload)+TagSize)
	h.put(env)
	if _, err := io.ReadFull(s.rand, env[HeaderSize:HeaderSize+NonceSize]); err != nil {
		return nil, 0, wire.Errorf(wire.Internal, "e2e: random: %w", err)
	}
	env = s.send.Seal(env, env[HeaderSize:HeaderSize+NonceSize], payload, env[:HeaderSize])
	return env, seq, nil
}

// Open authenticates and decrypts an envelope from the peer. It fails with
// ErrUnknownChannel for another channel, ErrForged when the envelope does not
// authenticate (or claims to come from ourselves), and ErrReplay when its
// sequence number is not above the last accepted one. A failed Open changes
// no state.
func (s *Session) Open(env []byte) (Opened, error) {
	h, err := ParseHeader(env)
	if err != nil {
		return Opened{}, err
	}
	if h.Channel != s.channel {
		return Opened{}, wire.Errorf(UnknownChannel, "envelope for channel %s on channel %s", h.Channel, s.channel)
	}
	if h.From != s.role.Peer() || h.Kind == KindHello {
		return Opened{}, wire.Errorf(Forged, "envelope from %s of kind %d is not a session envelope from the peer", h.From, h.Kind)
	}
	pt, err := s.recv.Open(nil, env[HeaderSize:HeaderSize+NonceSize], env[HeaderSize+NonceSize:], env[:HeaderSize])
	if err != nil {
		return Opened{}, wire.Errorf(Forged, "envelope %d does not authenticate", h.Seq)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if h.Seq <= s.state.Recv {
		return Opened{}, wire.Errorf(wire.Replay, "envelope %d already accepted (last %d)", h.Seq, s.state.Recv)
	}
	o := Opened{Header: h, Payload: pt, Gap: h.Seq - s.state.Recv - 1}
	s.state.Recv = h.Seq
	return o, nil
}
