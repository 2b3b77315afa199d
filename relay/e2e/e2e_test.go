package e2e_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/wire"
)

type paired struct {
	pairing      e2e.Pairing
	signer       e2e.KeyPair
	agent        e2e.KeyPair
	signerS      *e2e.Session
	agentS       *e2e.Session
	hello        []byte
	helloOpened  e2e.Hello
	transcript   [32]byte
	confirmation []byte
}

// pair runs the whole pairing: URI, hello, confirm.
func pair(t testing.TB) *paired {
	t.Helper()
	var p paired
	var err error
	if p.signer, err = e2e.GenerateKeyPair(nil); err != nil {
		t.Fatal(err)
	}
	if p.agent, err = e2e.GenerateKeyPair(nil); err != nil {
		t.Fatal(err)
	}
	secret, err := e2e.NewChannelSecret(nil)
	if err != nil {
		t.Fatal(err)
	}
	p.pairing = e2e.Pairing{Relay: "ws://127.0.0.1:8787/v1/ws", Secret: secret, SignerPub: p.signer.Public}
	// The agent host parses the URI it was shown.
	got, err := e2e.ParsePairingURI(p.pairing.URI())
	if err != nil {
		t.Fatal(err)
	}
	if got != p.pairing {
		t.Fatalf("pairing round trip: got %+v", got)
	}
	p.hello, p.transcript, err = e2e.SealHello(got, p.agent, 1, e2e.NewMessageID(nil), 0, []byte(`{"name":"agent-1"}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	p.helloOpened, err = e2e.OpenHello(secret, p.signer, p.hello)
	if err != nil {
		t.Fatal(err)
	}
	if p.helloOpened.AgentPub != p.agent.Public || string(p.helloOpened.Body) != `{"name":"agent-1"}` || p.helloOpened.Transcript != p.transcript {
		t.Fatalf("hello opened wrong: %+v", p.helloOpened)
	}
	if p.signerS, err = e2e.NewSession(secret, e2e.RoleSigner, p.signer, p.helloOpened.AgentPub); err != nil {
		t.Fatal(err)
	}
	p.signerS.SetState(e2e.State{Recv: p.helloOpened.Seq})
	if p.confirmation, _, err = p.signerS.Confirm(p.helloOpened, e2e.NewMessageID(nil), 0); err != nil {
		t.Fatal(err)
	}
	if p.agentS, err = e2e.NewSession(secret, e2e.RoleAgent, p.agent, got.SignerPub); err != nil {
		t.Fatal(err)
	}
	p.agentS.SetState(e2e.State{Send: 1})
	o, err := p.agentS.Open(p.confirmation)
	if err != nil {
		t.Fatal(err)
	}
	if err := e2e.CheckConfirm(o, p.transcript); err != nil {
		t.Fatal(err)
	}
	return &p
}

func TestPairingAndExchange(t *testing.T) {
	p := pair(t)
	for i, msg := range []string{"proposal-1", "proposal-2", strings.Repeat("x", e2e.MaxPayload)} {
		env, seq, err := p.agentS.Seal(e2e.KindData, e2e.MessageIDFor(msg), 60, []byte(msg))
		if err != nil {
			t.Fatal(err)
		}
		if seq != uint64(i+2) {
			t.Fatalf("seq %d, want %d", seq, i+2)
		}
		o, err := p.signerS.Open(env)
		if err != nil {
			t.Fatal(err)
		}
		if string(o.Payload) != msg || o.Gap != 0 || o.TTL != 60 || o.ID != e2e.MessageIDFor(msg) {
			t.Fatalf("opened %+v", o.Header)
		}
	}
	// And back.
	env, _, err := p.signerS.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, []byte("receipt"))
	if err != nil {
		t.Fatal(err)
	}
	o, err := p.agentS.Open(env)
	if err != nil || string(o.Payload) != "receipt" {
		t.Fatalf("receipt: %v %q", err, o.Payload)
	}
}

func TestOpenRejects(t *testing.T) {
	p := pair(t)
	seal := func(s *e2e.Session, msg string) []byte {
		env, _, err := s.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, []byte(msg))
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	first, second := seal(p.agentS, "a"), seal(p.agentS, "b")
	flip := func(i int) []byte {
		b := bytes.Clone(first)
		b[i] ^= 1
		return b
	}
	other := pair(t)
	cases := []struct {
		name string
		env  []byte
		want error
	}{
		{"empty", nil, wire.ErrMalformed},
		{"short", first[:e2e.Overhead-1], wire.ErrMalformed},
		{"oversized", make([]byte, e2e.MaxEnvelope+1), wire.ErrMalformed},
		{"version", flip(0), e2e.ErrUnsupported},
		{"channel", flip(1), e2e.ErrUnknownChannel},
		{"from-self", seal(p.signerS, "reflected"), e2e.ErrForged},
		{"kind", flip(18), e2e.ErrForged},
		{"seq", flip(26), e2e.ErrForged},
		{"id", flip(30), e2e.ErrForged},
		{"ttl", flip(46), e2e.ErrForged},
		{"nonce", flip(50), e2e.ErrForged},
		{"body", flip(len(first) - 20), e2e.ErrForged},
		{"tag", flip(len(first) - 1), e2e.ErrForged},
		{"other-channel", seal(other.agentS, "x"), e2e.ErrUnknownChannel},
		{"hello-as-data", p.hello, e2e.ErrForged},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := p.signerS.Open(c.env); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
	// Reordered: second before first, then first is a replay.
	if o, err := p.signerS.Open(second); err != nil || o.Gap != 1 {
		t.Fatalf("second: %v gap %d", err, o.Gap)
	}
	if _, err := p.signerS.Open(first); !errors.Is(err, wire.ErrReplay) {
		t.Fatalf("reordered first: %v", err)
	}
	if _, err := p.signerS.Open(second); !errors.Is(err, wire.ErrReplay) {
		t.Fatalf("replayed second: %v", err)
	}
	// A failed open changed nothing.
	if st := p.signerS.State(); st.Recv != 3 {
		t.Fatalf("recv state %d", st.Recv)
	}
}

func TestHelloRejects(t *testing.T) {
	p := pair(t)
	stranger, _ := e2e.GenerateKeyPair(nil)
	otherSecret, _ := e2e.NewChannelSecret(nil)
	wrongSecret := p.pairing
	wrongSecret.Secret = otherSecret
	// A hello made without the channel secret, sent on our channel id.
	forged, _, err := e2e.SealHello(wrongSecret, stranger, 1, e2e.MessageID{}, 0, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	copy(forged[1:17], p.pairing.Secret.ID().Bytes())
	tampered := bytes.Clone(p.hello)
	tampered[len(tampered)-1] ^= 1
	swapped := bytes.Clone(p.hello) // the agent key replaced: the auth part no longer opens
	swapped[e2e.HeaderSize+e2e.NonceSize+40] ^= 1
	cases := []struct {
		name   string
		signer e2e.KeyPair
		env    []byte
		want   error
	}{
		{"wrong-signer-key", stranger, p.hello, e2e.ErrForged},
		{"no-secret", p.signer, forged, e2e.ErrForged},
		{"tampered-body", p.signer, tampered, e2e.ErrForged},
		{"tampered-key", p.signer, swapped, e2e.ErrForged},
		{"data-not-hello", p.signer, p.confirmation, wire.ErrMalformed},
		{"truncated", p.signer, p.hello[:e2e.Overhead+10], wire.ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := e2e.OpenHello(p.pairing.Secret, c.signer, c.env); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
	// A confirm for another hello is refused by the agent.
	o := e2e.Opened{Header: e2e.Header{Kind: e2e.KindConfirm}, Payload: make([]byte, 32)}
	if err := e2e.CheckConfirm(o, p.transcript); !errors.Is(err, e2e.ErrForged) {
		t.Fatalf("confirm mismatch: %v", err)
	}
}

func TestChannelAuth(t *testing.T) {
	secret, _ := e2e.NewChannelSecret(nil)
	other, _ := e2e.NewChannelSecret(nil)
	var nonce, nonce2 [e2e.ChallengeSize]byte
	nonce[0], nonce2[0] = 1, 2
	good := secret.Prove(nonce, e2e.RoleAgent)
	if err := e2e.VerifyAuth(secret.ID(), e2e.RoleAgent, nonce, good); err != nil {
		t.Fatal(err)
	}
	tampered := good
	tampered.Sig[5] ^= 1
	cases := []struct {
		name  string
		ch    e2e.ChannelID
		role  e2e.Role
		nonce [e2e.ChallengeSize]byte
		proof e2e.AuthProof
		want  error
	}{
		{"other-role", secret.ID(), e2e.RoleSigner, nonce, good, e2e.ErrAuthFailed},
		{"old-nonce", secret.ID(), e2e.RoleAgent, nonce2, good, e2e.ErrAuthFailed},
		{"other-channel", other.ID(), e2e.RoleAgent, nonce, good, e2e.ErrAuthFailed},
		{"other-secret", secret.ID(), e2e.RoleAgent, nonce, other.Prove(nonce, e2e.RoleAgent), e2e.ErrAuthFailed},
		{"tampered", secret.ID(), e2e.RoleAgent, nonce, tampered, e2e.ErrAuthFailed},
		{"bad-role", secret.ID(), 7, nonce, good, wire.ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := e2e.VerifyAuth(c.ch, c.role, c.nonce, c.proof); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

// TestPairingURIFiles checks testdata/pairing: files named expfail_* must be
// rejected with the code on their first line; the others must parse and
// re-render identically.
func TestPairingURIFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/pairing/*.txt")
	if len(files) == 0 {
		t.Fatal("no pairing test vectors")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.SplitN(strings.TrimRight(string(b), "\n"), "\n", 2)
			if strings.HasPrefix(filepath.Base(f), "expfail_") {
				_, err := e2e.ParsePairingURI(lines[1])
				if got := wire.CodeOf(err); string(got) != lines[0] {
					t.Fatalf("got %v, want code %s", err, lines[0])
				}
				return
			}
			p, err := e2e.ParsePairingURI(lines[0])
			if err != nil {
				t.Fatal(err)
			}
			if p.URI() != lines[0] {
				t.Fatalf("re-rendered %s", p.URI())
			}
		})
	}
}

func TestFingerprint(t *testing.T) {
	k, _ := e2e.KeyPairFromPrivate([32]byte{1})
	fp := k.Public.Fingerprint()
	if len(fp) != 19 || strings.Count(fp, "-") != 3 {
		t.Fatalf("fingerprint %q", fp)
	}
}
