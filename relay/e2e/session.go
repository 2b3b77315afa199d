package e2e

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"io"
	"sync"

	"github.com/leash-wallet/leash/wire"
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/curve25519"
	"golang.org/x/crypto/hkdf"
)

func randReader() io.Reader { return rand.Reader }

// Kind says what a transport envelope carries. It is inside the
// ciphertext: the relay cannot tell data from control messages.
type Kind byte

const (
	KindData     Kind = 0 // application bytes
	KindConfirm  Kind = 1 // signer → agent: the user confirmed the pairing (payload: the handshake hash)
	KindRekey    Kind = 2 // a fresh X25519 key and the next epoch: starts a re-key
	KindRekeyAck Kind = 3 // the answer to KindRekey: the peer's fresh X25519 key
	maxKind           = KindRekeyAck
)

// Limits of the ratchet.
const (
	// MaxSkip bounds how far ahead (in message keys) an envelope may be of
	// the last one accepted in its epoch. Gaps come from envelopes that
	// expired on the relay or were refused there; a header claiming more
	// is refused before any key is derived, so it cannot make a receiver
	// spin.
	MaxSkip = 1 << 16
	// MaxSeq is the last sequence number a session seals; Seal refuses
	// beyond it (the counter never wraps). At one envelope a millisecond
	// that is 290 million years.
	MaxSeq = 1<<63 - 1
	// maxN is the last message index within an epoch.
	maxN = 1<<32 - 1
)

// Session seals and opens the transport envelopes of a paired channel with
// a per-direction symmetric ratchet: message key n of a direction is
// derived from chain key n−1, which is then replaced by chain key n, so a
// session state read at any time does not open any envelope sealed before
// it. A re-key (Rekey/KindRekey) mixes a fresh X25519 exchange into the
// root key and starts new chains (an epoch), so a state read earlier does
// not open what follows either. Safe for concurrent use.
type Session struct {
	mu  sync.Mutex
	st  SessionState
	ch  ChannelID
	rnd io.Reader
}

// chain is one direction's ratchet position.
type chain struct {
	Epoch uint32 `json:"epoch"`
	N     uint32 `json:"n"`     // index of the last message key used
	Chain Key32  `json:"chain"` // chain key after message N
}

type nextChain struct {
	Epoch uint32 `json:"epoch"`
	Chain Key32  `json:"chain"` // chain key before message 1 of the epoch
}

type pendingRekey struct {
	Epoch   uint32 `json:"epoch"`
	Private Key32  `json:"private"`
}

// SessionState is a session's persisted form. It holds secrets: keep it
// encrypted at rest (the extension under its vault key, the agent host
// under its state key).
type SessionState struct {
	Version  int           `json:"version"`
	Role     Role          `json:"role"`
	Signer   Key32         `json:"signerAuth"` // the channel's signer auth public key
	Agent    Key32         `json:"agentAuth"`  // the channel's agent auth public key
	Own      Key32         `json:"ownAuth"`    // this role's auth key (secret)
	Peer     Key32         `json:"peer"`       // the peer's static X25519 key
	Hash     Key32         `json:"hash"`       // the handshake hash
	Root     Key32         `json:"root"`
	Send     uint64        `json:"send"` // last sequence number sealed
	SendC    chain         `json:"sendChain"`
	Recv     uint64        `json:"recv"` // last sequence number accepted
	RecvC    chain         `json:"recvChain"`
	RecvNext *nextChain    `json:"recvNext,omitempty"`
	Rekey    *pendingRekey `json:"rekey,omitempty"`
	SendNext *nextChain    `json:"sendNext,omitempty"` // switch to this epoch at the next Seal
}

const sessionStateVersion = 1

func kdf(key []byte, info string, n int) []byte {
	out := make([]byte, n)
	_, _ = io.ReadFull(hkdf.New(sha256.New, key, nil, []byte(info)), out)
	return out
}

func chainsOf(root Key32, epoch uint32) (a2s, s2a Key32) {
	var e [4]byte
	binary.BigEndian.PutUint32(e[:], epoch)
	b := kdf(root[:], "leash/e2e/v2 chains"+string(e[:]), 64)
	copy(a2s[:], b[:32])
	copy(s2a[:], b[32:])
	return
}

func newSession(role Role, keys ChannelKeys, peer PublicKey, h [32]byte, kInit, kResp [32]byte) *Session {
	ikm := append(append([]byte{}, kInit[:]...), kResp[:]...)
	var root Key32
	_, _ = io.ReadFull(hkdf.New(sha256.New, ikm, h[:], []byte(labelRoot)), root[:])
	a2s, s2a := chainsOf(root, 0)
	st := SessionState{Version: sessionStateVersion, Role: role, Signer: Key32(keys.Signer), Agent: Key32(keys.Agent),
		Own: Key32(keys.Own), Peer: Key32(peer), Hash: Key32(h), Root: root}
	if role == RoleAgent {
		st.SendC.Chain, st.RecvC.Chain = a2s, s2a
	} else {
		st.SendC.Chain, st.RecvC.Chain = s2a, a2s
	}
	return &Session{st: st, ch: ChannelIDOf(keys.Signer, keys.Agent), rnd: rand.Reader}
}

// LoadSession restores a session from its persisted form.
func LoadSession(st SessionState) (*Session, error) {
	if st.Version != sessionStateVersion || !st.Role.Valid() {
		return nil, wire.Errorf(wire.Malformed, "e2e: session state version %d role %d", st.Version, st.Role)
	}
	if st.Send > MaxSeq || st.Recv > MaxSeq {
		return nil, wire.Errorf(wire.Malformed, "e2e: session state: sequence number out of range")
	}
	k := st.keys()
	if AuthKey(st.Own).Public() != k.own() {
		return nil, wire.Errorf(wire.Malformed, "e2e: session state: the auth key is not this role's")
	}
	return &Session{st: st, ch: ChannelIDOf(AuthPub(st.Signer), AuthPub(st.Agent)), rnd: rand.Reader}, nil
}

func (st *SessionState) keys() sessKeys {
	return sessKeys{role: st.Role, signer: AuthPub(st.Signer), agent: AuthPub(st.Agent)}
}

type sessKeys struct {
	role          Role
	signer, agent AuthPub
}

func (k sessKeys) own() AuthPub {
	if k.role == RoleSigner {
		return k.signer
	}
	return k.agent
}

// State returns the session's persisted form (a copy).
func (s *Session) State() SessionState {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	if st.RecvNext != nil {
		c := *st.RecvNext
		st.RecvNext = &c
	}
	if st.SendNext != nil {
		c := *st.SendNext
		st.SendNext = &c
	}
	if st.Rekey != nil {
		c := *st.Rekey
		st.Rekey = &c
	}
	return st
}

// Role is the local side of the session.
func (s *Session) Role() Role { return s.st.Role }

// Keys is the session channel's login for this side.
func (s *Session) Keys() ChannelKeys {
	return ChannelKeys{Signer: AuthPub(s.st.Signer), Agent: AuthPub(s.st.Agent), Own: AuthKey(s.st.Own)}
}

// Channel is the session channel's id.
func (s *Session) Channel() ChannelID { return s.ch }

// Peer is the peer's static public key.
func (s *Session) Peer() PublicKey { return PublicKey(s.st.Peer) }

// Code is the pairing's comparison code.
func (s *Session) Code() string { return comparisonCode(s.st.Hash) }

// Hash is the handshake hash.
func (s *Session) Hash() [32]byte { return s.st.Hash }

// Epoch is the current send epoch (re-keys so far).
func (s *Session) Epoch() uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.SendC.Epoch
}

// step is one ratchet step: mk = HMAC(ck, 0x01), next = HMAC(ck, 0x02).
func step(ck Key32) (mk, next Key32) {
	m := hmac.New(sha256.New, ck[:])
	m.Write([]byte{1})
	m.Sum(mk[:0])
	m.Reset() // keeps the keyed state: the key's pads are absorbed once
	m.Write([]byte{2})
	m.Sum(next[:0])
	return
}

// Seal encrypts kind and payload as the next envelope of this direction,
// padded to a size bucket, and returns it with its sequence number. ttl is
// in seconds (0: the relay's default). Persist the state (State) before
// transmitting the envelope.
func (s *Session) Seal(kind Kind, id MessageID, ttl uint32, payload []byte) ([]byte, uint64, error) {
	if kind > maxKind {
		return nil, 0, wire.Errorf(wire.Malformed, "e2e: unknown kind %d", kind)
	}
	size := PaddedSize(len(payload))
	if size == 0 {
		return nil, 0, wire.Errorf(wire.Malformed, "e2e: payload of %d bytes exceeds %d", len(payload), MaxPayload)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sealLocked(kind, id, ttl, payload, size)
}

func (s *Session) sealLocked(kind Kind, id MessageID, ttl uint32, payload []byte, size int) ([]byte, uint64, error) {
	if s.st.Send >= MaxSeq {
		return nil, 0, wire.Errorf(wire.Malformed, "e2e: the session sealed its last sequence number: pair again")
	}
	if n := s.st.SendNext; n != nil {
		s.st.SendC = chain{Epoch: n.Epoch, Chain: n.Chain}
		s.st.SendNext = nil
	}
	if s.st.SendC.N >= maxN {
		return nil, 0, wire.Errorf(wire.Malformed, "e2e: epoch exhausted: re-key first")
	}
	var nonce [NonceSize]byte
	if _, err := io.ReadFull(s.rnd, nonce[:]); err != nil {
		return nil, 0, wire.Errorf(wire.Internal, "e2e: random: %w", err)
	}
	mk, next := step(s.st.SendC.Chain)
	s.st.Send++
	s.st.SendC.N++
	s.st.SendC.Chain = next
	h := Header{Version: Version2, Channel: s.Channel(), From: s.st.Role, Type: TypeTransport, Seq: s.st.Send,
		ID: id, TTL: ttl, Epoch: s.st.SendC.Epoch, N: s.st.SendC.N}
	env := make([]byte, HeaderSize+NonceSize, size)
	h.put(env)
	copy(env[HeaderSize:], nonce[:])
	pt := make([]byte, size-HeaderSize-NonceSize-TagSize)
	pt[0] = byte(kind)
	copy(pt[1:], payload)
	pt[1+len(payload)] = 0x80 // ISO/IEC 7816-4 padding: a marker, then zeros
	a, _ := chacha20poly1305.NewX(mk[:])
	env = a.Seal(env, env[HeaderSize:HeaderSize+NonceSize], pt, env[:HeaderSize])
	return env, h.Seq, nil
}

// Opened is a transport envelope that authenticated.
type Opened struct {
	Header
	Kind    Kind
	Payload []byte
	Gap     uint64 // sequence numbers skipped since the last accepted envelope
	adv     *advance
	// Reply, when set, is an envelope the session sealed in answer (the
	// KindRekeyAck to a KindRekey): persist State, then transmit it.
	Reply    []byte
	ReplySeq uint64
}

// Open authenticates and decrypts a transport envelope from the peer. It
// fails with ErrUnknownChannel for another channel, ErrForged when the
// envelope does not authenticate (or claims to come from ourselves, or an
// epoch or message index this session has no key for), and ErrReplay when
// its sequence number is not above the last accepted one. Nothing in the
// header is acted on before the body authenticated, and a failed Open
// changes no state.
func (s *Session) Open(env []byte) (Opened, error) {
	o, err := s.Peek(env)
	if err != nil {
		return o, err
	}
	return o, s.Commit(&o)
}

// advance is what accepting an opened envelope changes.
type advance struct {
	from  SessionState // the receive state it was opened against
	epoch uint32
	n     uint32
	chain Key32
}

// Peek authenticates and decrypts like Open but changes nothing: the
// envelope counts as accepted only once Commit(&o) is called (when the
// application has handled it), so a state persisted in between still opens
// it again after a restart.
func (s *Session) Peek(env []byte) (Opened, error) {
	h, err := ParseHeader(env)
	if err != nil {
		return Opened{}, err
	}
	if h.Channel != s.Channel() {
		return Opened{}, wire.Errorf(UnknownChannel, "envelope for channel %s on channel %s", h.Channel, s.Channel())
	}
	if h.Version != Version2 || h.Type != TypeTransport || h.From != s.st.Role.Peer() ||
		len(env) < HeaderSize+NonceSize+TagSize+2 {
		return Opened{}, wire.Errorf(Forged, "envelope is not a transport envelope from the peer")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var from Key32
	var base uint32
	switch {
	case h.Epoch == s.st.RecvC.Epoch:
		from, base = s.st.RecvC.Chain, s.st.RecvC.N
	case s.st.RecvNext != nil && h.Epoch == s.st.RecvNext.Epoch:
		from, base = s.st.RecvNext.Chain, 0
	default:
		return Opened{}, wire.Errorf(Forged, "envelope %d of epoch %d: no key for that epoch", h.Seq, h.Epoch)
	}
	if h.N <= base || h.N-base > MaxSkip {
		if h.N <= base && h.Seq <= s.st.Recv {
			return Opened{}, wire.Errorf(wire.Replay, "envelope %d already accepted (last %d)", h.Seq, s.st.Recv)
		}
		return Opened{}, wire.Errorf(Forged, "envelope %d: message index %d is not within %d after %d", h.Seq, h.N, MaxSkip, base)
	}
	ck := from
	var mk Key32
	for i := base; i < h.N; i++ {
		mk, ck = step(ck)
	}
	a, _ := chacha20poly1305.NewX(mk[:])
	pt, err := a.Open(nil, env[HeaderSize:HeaderSize+NonceSize], env[HeaderSize+NonceSize:], env[:HeaderSize])
	if err != nil {
		return Opened{}, wire.Errorf(Forged, "envelope %d does not authenticate", h.Seq)
	}
	// Authenticated: now the header's numbers count.
	if h.Seq <= s.st.Recv {
		return Opened{}, wire.Errorf(wire.Replay, "envelope %d already accepted (last %d)", h.Seq, s.st.Recv)
	}
	end := len(pt) - 1
	for end > 0 && pt[end] == 0 {
		end--
	}
	if end < 1 || pt[end] != 0x80 || Kind(pt[0]) > maxKind {
		return Opened{}, wire.Errorf(wire.Malformed, "envelope %d: bad padding or kind", h.Seq)
	}
	o := Opened{Header: h, Kind: Kind(pt[0]), Payload: pt[1:end], Gap: h.Seq - s.st.Recv - 1,
		adv: &advance{from: s.recvLocked(), epoch: h.Epoch, n: h.N, chain: ck}}
	return o, nil
}

func (s *Session) recvLocked() SessionState {
	return SessionState{Recv: s.st.Recv, RecvC: s.st.RecvC, RecvNext: s.st.RecvNext}
}

// ErrStale: Commit of an envelope opened against another receive state.
var errStale = wire.Errorf(wire.Replay, "e2e: the session accepted another envelope since this one was opened")

// Commit accepts an envelope returned by Peek: the receive state moves past
// it and its chain key is forgotten. A re-key message takes effect here;
// when it needs an answer, Commit seals it into o.Reply (persist State,
// then transmit it).
func (s *Session) Commit(o *Opened) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := o.adv
	if a == nil {
		return wire.Errorf(wire.Malformed, "e2e: commit of an envelope that was not opened")
	}
	cur := s.recvLocked()
	if cur.Recv != a.from.Recv || cur.RecvC != a.from.RecvC || (cur.RecvNext == nil) != (a.from.RecvNext == nil) ||
		(cur.RecvNext != nil && *cur.RecvNext != *a.from.RecvNext) {
		return errStale
	}
	o.adv = nil
	s.st.Recv = o.Seq
	if a.epoch == s.st.RecvC.Epoch {
		s.st.RecvC.N, s.st.RecvC.Chain = a.n, a.chain
	} else {
		s.st.RecvC = chain{Epoch: a.epoch, N: a.n, Chain: a.chain}
		s.st.RecvNext = nil // the old epoch's chain is gone
	}
	return s.controlLocked(o)
}

// controlLocked applies a re-key message that opened.
func (s *Session) controlLocked(o *Opened) error {
	switch o.Kind {
	case KindRekey:
		if len(o.Payload) != 36 {
			return nil // ignored: the caller sees the kind
		}
		epoch := binary.BigEndian.Uint32(o.Payload[32:])
		if epoch != s.st.SendC.Epoch+1 || s.st.SendNext != nil || s.st.RecvNext != nil {
			return nil
		}
		if s.st.Rekey != nil {
			if s.st.Role == RoleSigner {
				return nil // both started one: the signer's wins, the agent answers it
			}
			s.st.Rekey = nil
		}
		var priv Key32
		if _, err := io.ReadFull(s.rnd, priv[:]); err != nil {
			return wire.Errorf(wire.Internal, "e2e: random: %w", err)
		}
		pub, err := curve25519.X25519(priv[:], curve25519.Basepoint)
		if err != nil {
			return wire.Errorf(wire.Internal, "e2e: rekey: %v", err)
		}
		if _, err := curve25519.X25519(priv[:], o.Payload[:32]); err != nil {
			return nil // a low-order key: no re-key
		}
		// The answer goes out under the old epoch (the peer cannot open
		// the new one yet); the new epoch starts after it.
		ans := append(append([]byte{}, pub...), o.Payload[32:]...)
		env, seq, err := s.sealLocked(KindRekeyAck, NewMessageID(s.rnd), 0, ans, PaddedSize(len(ans)))
		if err != nil {
			return err
		}
		_ = s.mixLocked(priv, o.Payload[:32], epoch)
		o.Reply, o.ReplySeq = env, seq
	case KindRekeyAck:
		if s.st.Rekey == nil || len(o.Payload) != 36 || binary.BigEndian.Uint32(o.Payload[32:]) != s.st.Rekey.Epoch {
			return nil
		}
		r := *s.st.Rekey
		s.st.Rekey = nil
		_ = s.mixLocked(r.Private, o.Payload[:32], r.Epoch)
	}
	return nil
}

// mixLocked derives the next epoch's chains from a fresh exchange.
func (s *Session) mixLocked(priv Key32, peer []byte, epoch uint32) error {
	dh, err := curve25519.X25519(priv[:], peer)
	if err != nil {
		return err
	}
	var root Key32
	_, _ = io.ReadFull(hkdf.New(sha256.New, dh, s.st.Root[:], []byte("leash/e2e/v2 rekey")), root[:])
	s.st.Root = root
	a2s, s2a := chainsOf(root, epoch)
	send, recv := a2s, s2a
	if s.st.Role == RoleSigner {
		send, recv = s2a, a2s
	}
	s.st.SendNext = &nextChain{Epoch: epoch, Chain: send}
	s.st.RecvNext = &nextChain{Epoch: epoch, Chain: recv}
	return nil
}

// Rekey starts a re-key: it returns the payload of a KindRekey envelope to
// seal and send (a fresh X25519 key and the next epoch), or nil when one is
// already under way. The new epoch starts once the peer's KindRekeyAck
// opened.
func (s *Session) Rekey() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.Rekey != nil || s.st.SendNext != nil || s.st.RecvNext != nil {
		return nil, nil
	}
	var priv Key32
	if _, err := io.ReadFull(s.rnd, priv[:]); err != nil {
		return nil, wire.Errorf(wire.Internal, "e2e: random: %w", err)
	}
	pub, err := curve25519.X25519(priv[:], curve25519.Basepoint)
	if err != nil {
		return nil, wire.Errorf(wire.Internal, "e2e: rekey: %v", err)
	}
	epoch := s.st.SendC.Epoch + 1
	s.st.Rekey = &pendingRekey{Epoch: epoch, Private: priv}
	return binary.BigEndian.AppendUint32(pub, epoch), nil
}
