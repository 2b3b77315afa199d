package e2e_test

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/wire"
)

type pairing struct {
	p             e2e.Pairing
	signer, agent e2e.KeyPair
	sAuth, aAuth  e2e.AuthKey
	in            *e2e.Initiator
	offer         e2e.Offer
	agentS, signS *e2e.Session
	agentP        e2e.Paired
}

func newPairing(t testing.TB) *pairing {
	t.Helper()
	var z pairing
	var err error
	z.signer, _ = e2e.GenerateKeyPair(nil)
	z.agent, _ = e2e.GenerateKeyPair(nil)
	z.sAuth, _ = e2e.NewAuthKey(nil)
	z.aAuth, _ = e2e.NewAuthKey(nil)
	secret, _ := e2e.NewChannelSecret(nil)
	z.p = e2e.Pairing{Relay: "ws://127.0.0.1:8787/v1/ws", Secret: secret, SignerPub: z.signer.Public, Exp: time.Now().Add(time.Hour).Unix()}
	got, err := e2e.ParsePairingURI(z.p.URI())
	if err != nil || got != z.p {
		t.Fatalf("URI round trip: %v %+v", err, got)
	}
	if z.in, err = e2e.Initiate(got, z.agent, z.aAuth, []byte(`{"name":"agent-1"}`), 0, nil); err != nil {
		t.Fatal(err)
	}
	if z.offer, err = e2e.Respond(z.p, z.signer, z.sAuth, z.in.Envelope(), nil); err != nil {
		t.Fatal(err)
	}
	if z.agentS, z.agentP, err = z.in.Finish(z.offer.Response); err != nil {
		t.Fatal(err)
	}
	z.signS = z.offer.Session
	return &z
}

func TestHandshake(t *testing.T) {
	z := newPairing(t)
	o := z.offer
	if o.PeerKey != z.agent.Public || string(o.Body) != `{"name":"agent-1"}` || o.PeerAuth != z.aAuth.Public() {
		t.Fatalf("offer: %+v", o.Paired)
	}
	if z.agentP.Code != o.Code || len(o.Code) != 7 || z.agentP.Hash != o.Hash || z.agentP.PeerAuth != z.sAuth.Public() {
		t.Fatalf("codes %q %q", z.agentP.Code, o.Code)
	}
	if z.agentS.Channel() != z.signS.Channel() || z.agentS.Channel() == z.p.Secret.ID() {
		t.Fatal("the session channel must be shared and differ from the pairing channel")
	}
	if z.agentS.Peer() != z.signer.Public || z.signS.Peer() != z.agent.Public {
		t.Fatal("peer keys")
	}
	// Each side holds only its own role's relay-auth key.
	var nonce [e2e.ChallengeSize]byte
	ak, sk := z.agentS.Keys(), z.signS.Keys()
	if err := e2e.VerifyAuth(ak.ID(), e2e.RoleAgent, nonce, ak.Prove(nonce, e2e.RoleAgent)); err != nil {
		t.Fatal(err)
	}
	if err := e2e.VerifyAuth(ak.ID(), e2e.RoleSigner, nonce, ak.Prove(nonce, e2e.RoleSigner)); !errors.Is(err, e2e.ErrAuthFailed) {
		t.Fatalf("the agent's key logged in as the signer: %v", err)
	}
	if err := e2e.VerifyAuth(sk.ID(), e2e.RoleSigner, nonce, sk.Prove(nonce, e2e.RoleSigner)); err != nil {
		t.Fatal(err)
	}
	// The pairing URI's key logs in to the pairing channel only.
	pk := z.p.Secret.Keys()
	if err := e2e.VerifyAuth(ak.ID(), e2e.RoleAgent, nonce, pk.Prove(nonce, e2e.RoleAgent)); !errors.Is(err, e2e.ErrAuthFailed) {
		t.Fatalf("the URI's key logged in to the session channel: %v", err)
	}
	exchange(t, z.agentS, z.signS, 3)
	exchange(t, z.signS, z.agentS, 3)
}

func exchange(t *testing.T, from, to *e2e.Session, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		msg := []byte(strings.Repeat("m", i*700))
		env, seq, err := from.Seal(e2e.KindData, e2e.MessageIDFor(string(msg)), 60, msg)
		if err != nil {
			t.Fatal(err)
		}
		o, err := to.Open(env)
		if err != nil {
			t.Fatalf("open %d: %v", seq, err)
		}
		if !bytes.Equal(o.Payload, msg) || o.Kind != e2e.KindData || o.Gap != 0 || o.Seq != seq || o.TTL != 60 {
			t.Fatalf("opened %+v", o.Header)
		}
	}
}

func TestPadding(t *testing.T) {
	a, s, err := e2e.HandshakeLocal(nil)
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[int]bool{}
	for _, n := range []int{0, 1, 100, 150, 160, 900, 4000, 16000, e2e.MaxPayload} {
		env, _, err := a.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, make([]byte, n))
		if err != nil {
			t.Fatal(err)
		}
		sizes[len(env)] = true
		if o, err := s.Open(env); err != nil || len(o.Payload) != n {
			t.Fatalf("%d: %v", n, err)
		}
	}
	for sz := range sizes {
		if sz != 1024 && sz != 2048 && sz != 4096 && sz != 8192 && sz != 16384 && sz != 32768 && sz != e2e.MaxEnvelope {
			t.Fatalf("envelope of %d bytes is not a bucket", sz)
		}
	}
	// A confirm, a refusal and a signed transfer's receipt look the same.
	c, _, _ := a.Seal(e2e.KindConfirm, e2e.NewMessageID(nil), 0, make([]byte, 32))
	d, _, _ := a.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, []byte(`{"kind":"receipt","body":{"id":"p-1","status":"rejected","code":"proof_invalid","message":"the proof does not verify for the public inputs the signer computed"}}`))
	signed := `{"kind":"receipt","body":{"id":"p-1.0","status":"signed","txHash":"0x` + strings.Repeat("ab", 32) + `","rawTx":"0x` + strings.Repeat("cd", 120) + `"}}`
	e, _, _ := a.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, []byte(signed))
	if len(c) != len(d) || len(d) != len(e) || c[18] != d[18] {
		t.Fatalf("kind or size shows: %d %d %d", len(c), len(d), len(e))
	}
	if _, _, err := a.Seal(e2e.KindData, e2e.MessageID{}, 0, make([]byte, e2e.MaxPayload+1)); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("oversized: %v", err)
	}
}

func TestOpenRejects(t *testing.T) {
	z := newPairing(t)
	seal := func(s *e2e.Session, msg string) []byte {
		env, _, err := s.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, []byte(msg))
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	first, second := seal(z.agentS, "a"), seal(z.agentS, "b")
	flip := func(i int) []byte {
		b := bytes.Clone(first)
		b[i] ^= 1
		return b
	}
	other := newPairing(t)
	// A keyless envelope with a huge sequence number and message index.
	keyless := bytes.Clone(first)
	binary.BigEndian.PutUint64(keyless[19:27], 1<<62)
	binary.BigEndian.PutUint32(keyless[51:55], 1<<31)
	keyless2 := bytes.Clone(first)
	binary.BigEndian.PutUint64(keyless2[19:27], 1<<62)
	binary.BigEndian.PutUint32(keyless2[51:55], 2)
	cases := []struct {
		name string
		env  []byte
		want error
	}{
		{"empty", nil, wire.ErrMalformed},
		{"short", first[:40], wire.ErrMalformed},
		{"oversized", make([]byte, e2e.MaxEnvelope+1), wire.ErrMalformed},
		{"version", flip(0), e2e.ErrUnsupported},
		{"channel", flip(1), e2e.ErrUnknownChannel},
		{"from-self", seal(z.signS, "reflected"), e2e.ErrForged},
		{"type", flip(18), e2e.ErrForged},
		{"seq", flip(25), e2e.ErrForged},
		{"id", flip(30), e2e.ErrForged},
		{"ttl", flip(46), e2e.ErrForged},
		{"epoch", flip(50), e2e.ErrForged},
		{"n", flip(54), e2e.ErrForged},
		{"nonce", flip(60), e2e.ErrForged},
		{"body", flip(len(first) - 20), e2e.ErrForged},
		{"tag", flip(len(first) - 1), e2e.ErrForged},
		{"keyless-far-ahead", keyless, e2e.ErrForged},
		{"keyless-seq-2^62", keyless2, e2e.ErrForged},
		{"other-channel", seal(other.agentS, "x"), e2e.ErrUnknownChannel},
		{"handshake-as-transport", z.in.Envelope(), e2e.ErrUnknownChannel},
	}
	before := z.signS.State()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := z.signS.Open(c.env); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
	// Nothing moved on any of them: the real envelopes still open in order.
	if st := z.signS.State(); st.Recv != before.Recv || st.RecvC != before.RecvC {
		t.Fatalf("a refused envelope moved the receive state: %+v", st)
	}
	if o, err := z.signS.Open(first); err != nil || string(o.Payload) != "a" {
		t.Fatalf("first after the attacks: %v", err)
	}
	if _, err := z.signS.Open(first); !errors.Is(err, wire.ErrReplay) {
		t.Fatalf("replayed first: %v", err)
	}
	if o, err := z.signS.Open(second); err != nil || o.Gap != 0 {
		t.Fatalf("second: %v", err)
	}
	// Reordered: a later one first, then the earlier is a replay; the gap
	// is reported.
	third, fourth := seal(z.agentS, "c"), seal(z.agentS, "d")
	if o, err := z.signS.Open(fourth); err != nil || o.Gap != 1 {
		t.Fatalf("fourth: %v gap %d", err, o.Gap)
	}
	if _, err := z.signS.Open(third); !errors.Is(err, wire.ErrReplay) {
		t.Fatalf("reordered third: %v", err)
	}
}

// TestStolenStateCannotOpenPast: a state read after some envelopes were
// handled (what a thief of the extension's storage gets) opens none of the
// envelopes recorded before: message keys are derived and forgotten.
func TestStolenStateCannotOpenPast(t *testing.T) {
	z := newPairing(t)
	var recorded [][]byte
	for i := 0; i < 5; i++ {
		env, _, _ := z.agentS.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, []byte("secret proposal"))
		recorded = append(recorded, env)
		if _, err := z.signS.Open(env); err != nil {
			t.Fatal(err)
		}
	}
	stolen := z.signS.State()
	raw, _ := json.Marshal(stolen)
	var st e2e.SessionState
	if err := wire.DecodeStrict(raw, &st, "state"); err != nil {
		t.Fatal(err)
	}
	for i, env := range recorded {
		thief, err := e2e.LoadSession(st)
		if err != nil {
			t.Fatal(err)
		}
		// Even with the sequence check out of the way, no key opens it.
		st2 := st
		st2.Recv = 0
		thief2, _ := e2e.LoadSession(st2)
		for _, s := range []*e2e.Session{thief, thief2} {
			if _, err := s.Open(env); err == nil {
				t.Fatalf("the stolen state opened recorded envelope %d", i)
			}
		}
	}
	// The agent's stolen state cannot open what it sent either.
	ast := z.agentS.State()
	ast.Role = e2e.RoleSigner
	if _, err := e2e.LoadSession(ast); err == nil {
		t.Fatal("a state with another role's auth key loaded")
	}
}

// TestRekey: a re-key under traffic in both directions, across a save and a
// restore, and a state stolen before it does not open what follows.
func TestRekey(t *testing.T) {
	z := newPairing(t)
	a, s := z.agentS, z.signS
	stolen := s.State()
	pl, err := s.Rekey()
	if err != nil || pl == nil {
		t.Fatal(err)
	}
	if again, _ := s.Rekey(); again != nil {
		t.Fatal("a second re-key while one is under way")
	}
	rk, _, _ := s.Seal(e2e.KindRekey, e2e.NewMessageID(nil), 0, pl)
	// The agent sends before and after it sees the re-key.
	before, _, _ := a.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, []byte("before"))
	o, err := a.Open(rk)
	if err != nil || o.Kind != e2e.KindRekey || o.Reply == nil {
		t.Fatalf("rekey: %v %+v", err, o)
	}
	after, _, _ := a.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, []byte("after"))
	// Save and restore the signer mid-way.
	s2, err := e2e.LoadSession(roundTrip(t, s.State()))
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range [][]byte{before, o.Reply, after} {
		if _, err := s2.Open(env); err != nil {
			t.Fatalf("signer: %v", err)
		}
	}
	if a.Epoch() != 1 || s2.Epoch() != 0 {
		t.Fatalf("epochs %d %d", a.Epoch(), s2.Epoch())
	}
	next, _, _ := s2.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, []byte("new epoch"))
	if s2.Epoch() != 1 {
		t.Fatal("the signer did not switch")
	}
	if o, err := a.Open(next); err != nil || string(o.Payload) != "new epoch" {
		t.Fatalf("agent: %v", err)
	}
	thief, _ := e2e.LoadSession(stolen)
	for _, env := range [][]byte{after, next} {
		if _, err := thief.Open(env); err == nil {
			t.Fatal("a state stolen before the re-key opened an envelope after it")
		}
	}
	exchange(t, a, s2, 2)
	exchange(t, s2, a, 2)
	// Both start one at once: the signer's wins.
	pa, _ := a.Rekey()
	ps, _ := s2.Rekey()
	ea, _, _ := a.Seal(e2e.KindRekey, e2e.NewMessageID(nil), 0, pa)
	es, _, _ := s2.Seal(e2e.KindRekey, e2e.NewMessageID(nil), 0, ps)
	oa, _ := s2.Open(ea)
	os, _ := a.Open(es)
	if oa.Reply != nil || os.Reply == nil {
		t.Fatal("tie-break: the agent must answer the signer's re-key")
	}
	if _, err := s2.Open(os.Reply); err != nil {
		t.Fatal(err)
	}
	exchange(t, a, s2, 2)
	exchange(t, s2, a, 2)
	if a.Epoch() != 2 || s2.Epoch() != 2 {
		t.Fatalf("epochs after the second re-key %d %d", a.Epoch(), s2.Epoch())
	}
}

func roundTrip(t *testing.T, st e2e.SessionState) e2e.SessionState {
	raw, _ := json.Marshal(st)
	var out e2e.SessionState
	if err := wire.DecodeStrict(raw, &out, "session state"); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReplayAcrossRepairing: pairing again with the same URI secret and the
// same static keys gives new session keys (fresh ephemerals), so the relay
// cannot replay the old session's envelopes into the new one.
func TestReplayAcrossRepairing(t *testing.T) {
	z := newPairing(t)
	old, _, _ := z.agentS.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, []byte("old session"))
	in, _ := e2e.Initiate(z.p, z.agent, z.aAuth, nil, 0, nil)
	off, err := e2e.Respond(z.p, z.signer, z.sAuth, in.Envelope(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if off.Session.Channel() != z.signS.Channel() {
		t.Fatal("same auth keys give the same channel id")
	}
	if off.Code == z.offer.Code && off.Hash == z.offer.Hash {
		t.Fatal("same handshake hash")
	}
	if _, err := off.Session.Open(old); !errors.Is(err, e2e.ErrForged) {
		t.Fatalf("old envelope in the new session: %v", err)
	}
}

func TestHandshakeRejects(t *testing.T) {
	z := newPairing(t)
	stranger, _ := e2e.GenerateKeyPair(nil)
	otherSecret, _ := e2e.NewChannelSecret(nil)
	wrong := z.p
	wrong.Secret = otherSecret
	noPSK, _ := e2e.Initiate(wrong, stranger, z.aAuth, nil, 0, nil)
	forged := bytes.Clone(noPSK.Envelope())
	copy(forged[1:17], z.p.Secret.ID().Bytes())
	tampered := bytes.Clone(z.in.Envelope())
	tampered[len(tampered)-1] ^= 1
	laterExp := z.p
	laterExp.Exp++
	longer, _ := e2e.Initiate(laterExp, z.agent, z.aAuth, nil, 0, nil)
	cases := []struct {
		name   string
		signer e2e.KeyPair
		env    []byte
		want   error
	}{
		{"wrong-signer-key", stranger, z.in.Envelope(), e2e.ErrForged},
		{"other-secret", z.signer, forged, e2e.ErrForged},
		{"tampered", z.signer, tampered, e2e.ErrForged},
		{"other-exp", z.signer, withChannel(longer.Envelope(), z.p.Secret.ID()), e2e.ErrForged},
		{"response-not-init", z.signer, z.offer.Response, e2e.ErrForged},
		{"truncated", z.signer, z.in.Envelope()[:e2e.HeaderSize+40], e2e.ErrForged},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := e2e.Respond(z.p, c.signer, z.sAuth, c.env, nil); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
	// A forged response (anyone on the pairing channel can send one) does
	// not spoil the initiator: the real one still completes.
	in, _ := e2e.Initiate(z.p, z.agent, z.aAuth, nil, 0, nil)
	fake, _ := e2e.Initiate(z.p, stranger, z.sAuth, nil, 0, nil)
	fakeResp := withFrom(bytes.Clone(fake.Envelope()), e2e.RoleSigner, e2e.TypeResponse)
	if _, _, err := in.Finish(fakeResp); !errors.Is(err, e2e.ErrForged) {
		t.Fatalf("forged response: %v", err)
	}
	real, err := e2e.Respond(z.p, z.signer, z.sAuth, in.Envelope(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, p, err := in.Finish(real.Response); err != nil || p.Code != real.Code {
		t.Fatalf("real response after a forged one: %v", err)
	}
	if _, err := e2e.Initiate(z.p, z.agent, z.aAuth, make([]byte, e2e.MaxHelloBody+1), 0, nil); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("oversized body: %v", err)
	}
}

func withChannel(env []byte, ch e2e.ChannelID) []byte {
	b := bytes.Clone(env)
	copy(b[1:17], ch[:])
	return b
}

func withFrom(env []byte, r e2e.Role, ty e2e.Type) []byte {
	env[17], env[18] = byte(r), byte(ty)
	return env
}

func TestCounterNeverWraps(t *testing.T) {
	a, _, err := e2e.HandshakeLocal(nil)
	if err != nil {
		t.Fatal(err)
	}
	st := a.State()
	st.Send = e2e.MaxSeq
	a2, err := e2e.LoadSession(st)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a2.Seal(e2e.KindData, e2e.MessageID{}, 0, nil); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("sealed past MaxSeq: %v", err)
	}
	st.Send = e2e.MaxSeq + 1
	if _, err := e2e.LoadSession(st); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("loaded a state past MaxSeq: %v", err)
	}
}

func TestChannelAuth(t *testing.T) {
	secret, _ := e2e.NewChannelSecret(nil)
	other, _ := e2e.NewChannelSecret(nil)
	var nonce, nonce2 [e2e.ChallengeSize]byte
	nonce[0], nonce2[0] = 1, 2
	k := secret.Keys()
	good := k.Prove(nonce, e2e.RoleAgent)
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
		{"other-secret", secret.ID(), e2e.RoleAgent, nonce, other.Keys().Prove(nonce, e2e.RoleAgent), e2e.ErrAuthFailed},
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

// BenchmarkRatchet is the per-message cost of the ratchet's seal and open
// (a 1 KiB payload), against the bare XChaCha20-Poly1305 seal and open of
// the same envelope under a fixed key: the difference is the ratchet's
// overhead (target ≤ 20 µs per message).
func BenchmarkRatchet(b *testing.B) {
	payload := make([]byte, 1024)
	b.Run("ratchet-seal+open", func(b *testing.B) {
		a, s, _ := e2e.HandshakeLocal(nil)
		for b.Loop() {
			env, _, err := a.Seal(e2e.KindData, e2e.MessageID{}, 0, payload)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.Open(env); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fixed-key-seal+open", func(b *testing.B) {
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		for b.Loop() {
			if err := e2e.SealOpenFixedKey(key, payload); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestPeekCommit: Peek changes nothing (a state saved after it opens the
// envelope again); Commit accepts it once; a commit against a state that
// moved in between is refused.
func TestPeekCommit(t *testing.T) {
	a, s, err := e2e.HandshakeLocal(nil)
	if err != nil {
		t.Fatal(err)
	}
	e1, _, _ := a.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, []byte("one"))
	e2, _, _ := a.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, []byte("two"))
	o1, err := s.Peek(e1)
	if err != nil {
		t.Fatal(err)
	}
	saved := s.State()
	again, _ := e2e.LoadSession(saved)
	if o, err := again.Open(e1); err != nil || string(o.Payload) != "one" {
		t.Fatalf("a state saved after Peek does not open the envelope again: %v", err)
	}
	o1b, _ := s.Peek(e1)
	if err := s.Commit(&o1); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(&o1b); !errors.Is(err, wire.ErrReplay) {
		t.Fatalf("second commit of the same envelope: %v", err)
	}
	if err := s.Commit(&o1); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("commit of a committed envelope: %v", err)
	}
	if o, err := s.Open(e2); err != nil || string(o.Payload) != "two" {
		t.Fatalf("next: %v", err)
	}
}
