package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/flynn/noise"
	"github.com/leash-wallet/leash/wire"
	"golang.org/x/crypto/hkdf"
)

// The handshake is Noise_IKpsk2_25519_ChaChaPoly_SHA256 (the pattern
// WireGuard uses): the agent host initiates with the signer's static key
// from the pairing URI; the pre-shared key comes from the URI's channel
// secret; the prologue binds the pairing channel, the signer's key and the
// URI's expiry.
var cipherSuite = noise.NewCipherSuite(noise.DH25519, noise.CipherChaChaPoly, noise.HashSHA256)

const (
	// MaxHelloBody bounds the agent host's self-description in message 1
	// (a display name, a policy commitment). It is padded to this size, so
	// its length does not show.
	MaxHelloBody     = 1024
	helloPayloadSize = 1 + AuthPubSize + 2 + MaxHelloBody
	responseSize     = 1 + AuthPubSize
	labelPrologue    = "leash/relay/v2 pairing\x00"
	labelRoot        = "leash/e2e/v2 root"
	labelCode        = "leash/e2e/v2 comparison-code"
)

func handshakeConfig(p Pairing, initiator bool, static KeyPair) noise.Config {
	pro := make([]byte, 0, len(labelPrologue)+16+32+8)
	pro = append(pro, labelPrologue...)
	id := p.Secret.ID()
	pro = append(pro, id[:]...)
	pro = append(pro, p.SignerPub[:]...)
	pro = binary.BigEndian.AppendUint64(pro, uint64(p.Exp))
	cfg := noise.Config{CipherSuite: cipherSuite, Pattern: noise.HandshakeIK, Initiator: initiator,
		Prologue: pro, PresharedKey: p.Secret.psk(), PresharedKeyPlacement: 2,
		StaticKeypair: noise.DHKey{Private: bytes.Clone(static.Private[:]), Public: bytes.Clone(static.Public[:])}}
	if initiator {
		cfg.PeerStatic = bytes.Clone(p.SignerPub[:])
	}
	return cfg
}

// Initiator is the agent host's side of a handshake in progress. It keeps
// only what it needs to redo message 1 (its ephemeral key and payload), so
// that a forged response cannot spoil it and it survives a restart
// (InitiatorState).
type Initiator struct {
	p       Pairing
	agent   KeyPair
	auth    AuthKey
	eph     [32]byte
	payload []byte
	env     []byte
}

// Initiate starts a pairing: it makes message 1 (the agent's static key and
// auth key and the body, encrypted to the signer) and returns it as an
// envelope for the pairing channel. ttl is the envelope's TTL (0: the
// relay's default).
func Initiate(p Pairing, agent KeyPair, auth AuthKey, body []byte, ttl uint32, r io.Reader) (*Initiator, error) {
	if len(body) > MaxHelloBody {
		return nil, wire.Errorf(wire.Malformed, "e2e: hello body of %d bytes exceeds %d", len(body), MaxHelloBody)
	}
	if r == nil {
		r = randReader()
	}
	in := &Initiator{p: p, agent: agent, auth: auth}
	if _, err := io.ReadFull(r, in.eph[:]); err != nil {
		return nil, wire.Errorf(wire.Internal, "e2e: random: %w", err)
	}
	pl := make([]byte, helloPayloadSize)
	pl[0] = Version2
	ap := auth.Public()
	copy(pl[1:], ap[:])
	binary.BigEndian.PutUint16(pl[1+AuthPubSize:], uint16(len(body)))
	copy(pl[3+AuthPubSize:], body)
	in.payload = pl
	hs, msg, err := in.message1()
	if err != nil {
		return nil, err
	}
	_ = hs
	h := Header{Version: Version2, Channel: p.Secret.ID(), From: RoleAgent, Type: TypeInit, Seq: 1,
		ID: NewMessageID(r), TTL: ttl}
	env := make([]byte, HeaderSize, HeaderSize+len(msg))
	h.put(env)
	in.env = append(env, msg...)
	return in, nil
}

// message1 builds a fresh handshake state and writes message 1 with the
// kept ephemeral key: the same bytes every time.
func (in *Initiator) message1() (*noise.HandshakeState, []byte, error) {
	cfg := handshakeConfig(in.p, true, in.agent)
	cfg.Random = bytes.NewReader(in.eph[:])
	hs, err := noise.NewHandshakeState(cfg)
	if err != nil {
		return nil, nil, wire.Errorf(wire.Malformed, "e2e: handshake: %v", err)
	}
	msg, _, _, err := hs.WriteMessage(nil, in.payload)
	if err != nil {
		return nil, nil, wire.Errorf(wire.Malformed, "e2e: handshake: %v", err)
	}
	return hs, msg, nil
}

// Envelope is message 1, to send (and resend) on the pairing channel.
func (in *Initiator) Envelope() []byte { return in.env }

// Pairing is the pairing this handshake answers.
func (in *Initiator) Pairing() Pairing { return in.p }

// Paired describes a completed handshake.
type Paired struct {
	Code     string    // the comparison code both devices show
	Hash     [32]byte  // the handshake hash
	PeerKey  PublicKey // the peer's static key
	PeerAuth AuthPub   // the peer's relay-auth key on the session channel
	Body     []byte    // message 1's body (the agent host's self-description)
}

// Finish reads the signer's response (message 2) and returns the agent's
// session, on its own channel. A response that does not authenticate (a
// URI holder's, a forgery) fails with ErrForged and leaves the initiator
// ready for the real one.
func (in *Initiator) Finish(env []byte) (*Session, Paired, error) {
	h, err := ParseHeader(env)
	if err != nil {
		return nil, Paired{}, err
	}
	if h.Version != Version2 || h.Channel != in.p.Secret.ID() || h.From != RoleSigner || h.Type != TypeResponse {
		return nil, Paired{}, wire.Errorf(Forged, "envelope is not a handshake response on this pairing channel")
	}
	hs, _, err := in.message1()
	if err != nil {
		return nil, Paired{}, err
	}
	pl, cs1, cs2, err := hs.ReadMessage(nil, env[HeaderSize:])
	if err != nil || cs1 == nil || len(pl) != responseSize || pl[0] != Version2 {
		return nil, Paired{}, wire.Errorf(Forged, "handshake response does not authenticate")
	}
	var signerAuth AuthPub
	copy(signerAuth[:], pl[1:])
	var hh [32]byte
	copy(hh[:], hs.ChannelBinding())
	keys := ChannelKeys{Signer: signerAuth, Agent: in.auth.Public(), Own: in.auth}
	s := newSession(RoleAgent, keys, in.p.SignerPub, hh, cs1.UnsafeKey(), cs2.UnsafeKey())
	return s, Paired{Code: comparisonCode(hh), Hash: hh, PeerKey: in.p.SignerPub, PeerAuth: signerAuth}, nil
}

// Offer is a handshake the signer answered: the agent key and body it
// carried, the comparison code, the pending session (used only once the
// user confirms) and the response envelope to send.
type Offer struct {
	Paired
	Session  *Session
	Response []byte
}

// Respond is the signer's side: it reads message 1 from env for the pairing
// p (its own), and answers with message 2 made with its static key and its
// new session auth key. It fails with ErrForged when message 1 was not made
// with p's secret and signer key.
func Respond(p Pairing, signer KeyPair, auth AuthKey, env []byte, r io.Reader) (Offer, error) {
	h, err := ParseHeader(env)
	if err != nil {
		return Offer{}, err
	}
	if h.Version != Version2 || h.Channel != p.Secret.ID() || h.From != RoleAgent || h.Type != TypeInit {
		return Offer{}, wire.Errorf(Forged, "envelope is not a handshake on this pairing channel")
	}
	if r == nil {
		r = randReader()
	}
	cfg := handshakeConfig(p, false, signer)
	cfg.Random = r
	hs, err := noise.NewHandshakeState(cfg)
	if err != nil {
		return Offer{}, wire.Errorf(wire.Malformed, "e2e: handshake: %v", err)
	}
	pl, _, _, err := hs.ReadMessage(nil, env[HeaderSize:])
	if err != nil || len(pl) != helloPayloadSize || pl[0] != Version2 {
		return Offer{}, wire.Errorf(Forged, "handshake does not authenticate")
	}
	var agentKey PublicKey
	copy(agentKey[:], hs.PeerStatic())
	if _, err := ParsePublicKey(agentKey.String()); err != nil {
		return Offer{}, wire.Errorf(Forged, "handshake carries a low-order agent key")
	}
	var agentAuth AuthPub
	copy(agentAuth[:], pl[1:])
	n := int(binary.BigEndian.Uint16(pl[1+AuthPubSize:]))
	if n > MaxHelloBody {
		return Offer{}, wire.Errorf(wire.Malformed, "handshake body length %d", n)
	}
	body := bytes.Clone(pl[3+AuthPubSize : 3+AuthPubSize+n])
	resp := make([]byte, responseSize)
	resp[0] = Version2
	sa := auth.Public()
	copy(resp[1:], sa[:])
	msg, cs1, cs2, err := hs.WriteMessage(nil, resp)
	if err != nil || cs1 == nil {
		return Offer{}, wire.Errorf(wire.Internal, "e2e: handshake response: %v", err)
	}
	var hh [32]byte
	copy(hh[:], hs.ChannelBinding())
	rh := Header{Version: Version2, Channel: p.Secret.ID(), From: RoleSigner, Type: TypeResponse, Seq: h.Seq,
		ID: NewMessageID(r), TTL: h.TTL}
	out := make([]byte, HeaderSize, HeaderSize+len(msg))
	rh.put(out)
	out = append(out, msg...)
	keys := ChannelKeys{Signer: sa, Agent: agentAuth, Own: auth}
	s := newSession(RoleSigner, keys, agentKey, hh, cs1.UnsafeKey(), cs2.UnsafeKey())
	return Offer{Paired: Paired{Code: comparisonCode(hh), Hash: hh, PeerKey: agentKey, PeerAuth: agentAuth, Body: body},
		Session: s, Response: out}, nil
}

// comparisonCode is the six-digit code both devices show: the user
// confirms the pairing only when they match. It comes from the handshake
// hash, which covers both static keys, both ephemeral keys and the
// pre-shared key; the signer's ephemeral key is chosen after message 1, so
// a stranger cannot search for a message 1 that gives a chosen code.
func comparisonCode(h [32]byte) string {
	var b [8]byte
	_, _ = io.ReadFull(hkdf.New(sha256.New, h[:], nil, []byte(labelCode)), b[:])
	n := binary.BigEndian.Uint64(b[:]) % 1_000_000
	return fmt.Sprintf("%03d %03d", n/1000, n%1000)
}
