package e2e

import (
	"io"
	"time"
)

// HandshakeLocal runs a whole pairing in memory (a fresh pairing URI, both
// static keys, both auth keys, the handshake) and returns the agent's and
// the signer's sessions. It is for tests and benchmarks that need a paired
// channel without a relay; r (crypto/rand when nil) makes it reproducible.
func HandshakeLocal(r io.Reader) (agent, signer *Session, err error) {
	if r == nil {
		r = randReader()
	}
	secret, err := NewChannelSecret(r)
	if err != nil {
		return nil, nil, err
	}
	sk, err := GenerateKeyPair(r)
	if err != nil {
		return nil, nil, err
	}
	ak, err := GenerateKeyPair(r)
	if err != nil {
		return nil, nil, err
	}
	sa, err := NewAuthKey(r)
	if err != nil {
		return nil, nil, err
	}
	aa, err := NewAuthKey(r)
	if err != nil {
		return nil, nil, err
	}
	p := Pairing{Relay: "ws://127.0.0.1:1/v1/ws", Secret: secret, SignerPub: sk.Public, Exp: time.Now().Add(DefaultPairingTTL).Unix()}
	in, err := Initiate(p, ak, aa, nil, 0, r)
	if err != nil {
		return nil, nil, err
	}
	off, err := Respond(p, sk, sa, in.Envelope(), r)
	if err != nil {
		return nil, nil, err
	}
	agent, _, err = in.Finish(off.Response)
	if err != nil {
		return nil, nil, err
	}
	return agent, off.Session, nil
}
