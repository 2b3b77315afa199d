package e2e

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"io"

	"github.com/leash-wallet/leash/wire"
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/hkdf"
)

// MaxHelloBody bounds the application bytes of a hello (a display name, a
// host description).
const MaxHelloBody = 4096

// The sealed part of a hello: ephemeral public key (32), the agent's static
// key sealed under k1 (32+16), the body sealed under k2 (body+16).
const helloFixed = 32 + 32 + TagSize + TagSize

// Hello is a hello the signer opened.
type Hello struct {
	Header
	AgentPub   PublicKey // the agent host's static key, authenticated
	Body       []byte    // application bytes from the agent host
	Transcript [32]byte  // SHA-256 of the whole hello envelope; the confirm binds it
}

func helloKeys(secret ChannelSecret, signer, eph PublicKey, es []byte) []byte {
	info := append([]byte("leash/e2e/v1 hello-key"), signer[:]...)
	info = append(info, eph[:]...)
	k := make([]byte, chacha20poly1305.KeySize)
	_, _ = io.ReadFull(hkdf.New(sha256.New, es, secret[:], info), k)
	return k
}

func helloAuthKey(secret ChannelSecret, signer, eph, agent PublicKey, es, ss []byte) []byte {
	info := append([]byte("leash/e2e/v1 hello-auth"), signer[:]...)
	info = append(info, eph[:]...)
	info = append(info, agent[:]...)
	k := make([]byte, chacha20poly1305.KeySize)
	_, _ = io.ReadFull(hkdf.New(sha256.New, append(append([]byte{}, es...), ss...), secret[:], info), k)
	return k
}

// SealHello makes the agent host's hello to the signer named in p, as
// envelope number seq of the agent → signer direction (1 for a first
// pairing). The agent's static key is encrypted to the signer's static key
// with a fresh ephemeral key (es), and the body is authenticated with the
// static-static secret (ss), both salted with the channel secret. It returns
// the envelope and its transcript hash, which the signer's confirmation must
// carry.
func SealHello(p Pairing, agent KeyPair, seq uint64, id MessageID, ttl uint32, body []byte, r io.Reader) ([]byte, [32]byte, error) {
	var tr [32]byte
	if r == nil {
		r = rand.Reader
	}
	if len(body) > MaxHelloBody {
		return nil, tr, wire.Errorf(wire.Malformed, "e2e: hello body of %d bytes exceeds %d", len(body), MaxHelloBody)
	}
	if seq == 0 {
		return nil, tr, wire.Errorf(wire.Malformed, "e2e: hello sequence number 0")
	}
	eph, err := GenerateKeyPair(r)
	if err != nil {
		return nil, tr, err
	}
	es, err := dh(eph.Private, p.SignerPub)
	if err != nil {
		return nil, tr, err
	}
	ss, err := dh(agent.Private, p.SignerPub)
	if err != nil {
		return nil, tr, err
	}
	h := Header{Version: Version, Channel: p.Secret.ID(), From: RoleAgent, Kind: KindHello, Seq: seq, ID: id, TTL: ttl}
	env := make([]byte, HeaderSize+NonceSize, HeaderSize+NonceSize+helloFixed+len(body))
	h.put(env)
	nonce := env[HeaderSize : HeaderSize+NonceSize]
	if _, err := io.ReadFull(r, nonce); err != nil {
		return nil, tr, wire.Errorf(wire.Internal, "e2e: random: %w", err)
	}
	env = append(env, eph.Public[:]...)
	a1, _ := chacha20poly1305.NewX(helloKeys(p.Secret, p.SignerPub, eph.Public, es))
	env = a1.Seal(env, nonce, agent.Public[:], env[:HeaderSize+NonceSize+32])
	a2, _ := chacha20poly1305.NewX(helloAuthKey(p.Secret, p.SignerPub, eph.Public, agent.Public, es, ss))
	env = a2.Seal(env, nonce, body, env[:len(env)])
	return env, sha256.Sum256(env), nil
}

// OpenHello is the signer's side: it opens a hello sealed to signer (whose
// public key is in the pairing URI it made) for the channel of secret. It
// fails with ErrForged unless the hello was made by someone holding both the
// pairing URI and the private key of the static key it carries.
func OpenHello(secret ChannelSecret, signer KeyPair, env []byte) (Hello, error) {
	h, err := ParseHeader(env)
	if err != nil {
		return Hello{}, err
	}
	if h.Channel != secret.ID() {
		return Hello{}, wire.Errorf(UnknownChannel, "hello for channel %s on channel %s", h.Channel, secret.ID())
	}
	if h.Kind != KindHello || h.From != RoleAgent {
		return Hello{}, wire.Errorf(wire.Malformed, "envelope of kind %d from %s is not a hello", h.Kind, h.From)
	}
	rest := env[HeaderSize+NonceSize:]
	if len(rest) < helloFixed || len(rest)-helloFixed > MaxHelloBody {
		return Hello{}, wire.Errorf(wire.Malformed, "hello: sealed part of %d bytes", len(rest))
	}
	nonce := env[HeaderSize : HeaderSize+NonceSize]
	var eph PublicKey
	copy(eph[:], rest[:32])
	es, err := dh(signer.Private, eph)
	if err != nil {
		return Hello{}, wire.Errorf(Forged, "hello: bad ephemeral key")
	}
	a1, _ := chacha20poly1305.NewX(helloKeys(secret, signer.Public, eph, es))
	c1end := HeaderSize + NonceSize + 32 + 32 + TagSize
	pub, err := a1.Open(nil, nonce, env[HeaderSize+NonceSize+32:c1end], env[:HeaderSize+NonceSize+32])
	if err != nil {
		return Hello{}, wire.Errorf(Forged, "hello does not authenticate")
	}
	var agent PublicKey
	copy(agent[:], pub)
	ss, err := dh(signer.Private, agent)
	if err != nil {
		return Hello{}, wire.Errorf(Forged, "hello: bad agent key")
	}
	a2, _ := chacha20poly1305.NewX(helloAuthKey(secret, signer.Public, eph, agent, es, ss))
	body, err := a2.Open(nil, nonce, env[c1end:], env[:c1end])
	if err != nil {
		return Hello{}, wire.Errorf(Forged, "hello is not signed by the key it carries")
	}
	return Hello{Header: h, AgentPub: agent, Body: body, Transcript: sha256.Sum256(env)}, nil
}

// Confirm is the signer's acceptance of a hello: the first envelope of the
// signer's session, of kind KindConfirm, carrying the hello's transcript.
func (s *Session) Confirm(h Hello, id MessageID, ttl uint32) ([]byte, uint64, error) {
	if s.role != RoleSigner || h.AgentPub != s.peer {
		return nil, 0, wire.Errorf(wire.Malformed, "e2e: confirm needs the signer's session with the hello's agent key")
	}
	return s.Seal(KindConfirm, id, ttl, h.Transcript[:])
}

// CheckConfirm is the agent host's side: o must be a confirm envelope opened
// with the agent's session, binding the transcript of the hello it sent.
func CheckConfirm(o Opened, transcript [32]byte) error {
	if o.Kind != KindConfirm {
		return wire.Errorf(wire.Malformed, "e2e: expected a confirm, got kind %d", o.Kind)
	}
	if subtle.ConstantTimeCompare(o.Payload, transcript[:]) != 1 {
		return wire.Errorf(Forged, "confirm binds another hello")
	}
	return nil
}
