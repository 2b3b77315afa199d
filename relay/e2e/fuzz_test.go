package e2e_test

import (
	"bytes"
	"testing"

	"github.com/leash-wallet/leash/relay/e2e"
)

func fixedRand() *bytes.Reader { return bytes.NewReader(bytes.Repeat([]byte{7, 1, 9, 3}, 4096)) }

// FuzzOpen: arbitrary bytes never panic, a refused envelope changes no
// state, and whatever opens was sealed by the peer.
func FuzzOpen(f *testing.F) {
	a, s, err := e2e.HandshakeLocal(fixedRand())
	if err != nil {
		f.Fatal(err)
	}
	const seedPayload = `{"kind":"proposal","body":{}}`
	env, _, _ := a.Seal(e2e.KindData, e2e.MessageIDFor("seed"), 30, []byte(seedPayload))
	f.Add(env)
	f.Add(env[:e2e.HeaderSize+10])
	f.Add([]byte{})
	base := s.State()
	f.Fuzz(func(t *testing.T, b []byte) {
		sess, _ := e2e.LoadSession(base)
		o, err := sess.Open(b)
		if err != nil {
			if st := sess.State(); st.Recv != base.Recv || st.RecvC != base.RecvC {
				t.Fatal("a refused envelope moved the receive state")
			}
			return
		}
		// Fuzz workers seal their own copy of the seed (random nonce):
		// compare what the peer sealed, not the bytes.
		if string(o.Payload) != seedPayload || o.Seq != 1 || o.ID != e2e.MessageIDFor("seed") {
			t.Fatalf("opened an envelope the peer did not seal: %+v", o.Header)
		}
	})
}

// FuzzRespond: arbitrary bytes never panic in the signer's handshake path.
func FuzzRespond(f *testing.F) {
	signer, _ := e2e.KeyPairFromPrivate([32]byte{1, 2, 3})
	agent, _ := e2e.KeyPairFromPrivate([32]byte{4, 5, 6})
	var secret e2e.ChannelSecret
	secret[0] = 9
	p := e2e.Pairing{Relay: "ws://127.0.0.1:1/v1/ws", Secret: secret, SignerPub: signer.Public, Exp: 1900000000}
	in, err := e2e.Initiate(p, agent, e2e.AuthKey{1}, []byte("agent"), 0, fixedRand())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(in.Envelope())
	f.Add(in.Envelope()[:e2e.HeaderSize+40])
	f.Fuzz(func(t *testing.T, b []byte) {
		o, err := e2e.Respond(p, signer, e2e.AuthKey{2}, b, fixedRand())
		if err == nil && o.PeerKey != agent.Public {
			t.Fatalf("a handshake opened with a foreign agent key %x", o.PeerKey)
		}
	})
}

// FuzzParsePairingURI: anything that parses re-renders to a URI that parses
// to the same pairing.
func FuzzParsePairingURI(f *testing.F) {
	f.Add("leash:pair?v=2&relay=ws%3A%2F%2Fx&channel=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8&pub=L-V9o0fNYkMVKNqsX7spBzD_9oSvxM_C7ZCZX1jLO3Q&exp=1900000000")
	f.Add("leash:pair?%zz")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := e2e.ParsePairingURI(s)
		if err != nil {
			return
		}
		q, err := e2e.ParsePairingURI(p.URI())
		if err != nil || q != p {
			t.Fatalf("round trip of %q: %v", s, err)
		}
	})
}

// FuzzFinish: arbitrary bytes never panic in the agent's reading of the
// signer's response, and a refused response leaves the initiator able to
// finish with the real one.
func FuzzFinish(f *testing.F) {
	signer, _ := e2e.KeyPairFromPrivate([32]byte{1, 2, 3})
	agent, _ := e2e.KeyPairFromPrivate([32]byte{4, 5, 6})
	var secret e2e.ChannelSecret
	secret[0] = 9
	p := e2e.Pairing{Relay: "ws://127.0.0.1:1/v1/ws", Secret: secret, SignerPub: signer.Public, Exp: 1900000000}
	in, err := e2e.Initiate(p, agent, e2e.AuthKey{1}, nil, 0, fixedRand())
	if err != nil {
		f.Fatal(err)
	}
	off, err := e2e.Respond(p, signer, e2e.AuthKey{2}, in.Envelope(), fixedRand())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(off.Response)
	f.Add(off.Response[:e2e.HeaderSize+20])
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, _, err := in.Finish(b); err == nil {
			return
		}
		if _, pd, err := in.Finish(off.Response); err != nil || pd.Code != off.Code {
			t.Fatalf("a refused response spoiled the initiator: %v", err)
		}
	})
}
