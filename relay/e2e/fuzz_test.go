package e2e_test

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/leash-wallet/leash/relay/e2e"
)

// fixed returns a deterministic pairing so fuzz seeds stay valid envelopes.
func fixed(t testing.TB) (e2e.Pairing, e2e.KeyPair, e2e.KeyPair, *e2e.Session, *e2e.Session) {
	signer, _ := e2e.KeyPairFromPrivate([32]byte{1, 2, 3})
	agent, _ := e2e.KeyPairFromPrivate([32]byte{4, 5, 6})
	var secret e2e.ChannelSecret
	secret[0] = 9
	p := e2e.Pairing{Relay: "ws://127.0.0.1:1/v1/ws", Secret: secret, SignerPub: signer.Public}
	ss, err := e2e.NewSession(secret, e2e.RoleSigner, signer, agent.Public)
	if err != nil {
		t.Fatal(err)
	}
	as, err := e2e.NewSession(secret, e2e.RoleAgent, agent, signer.Public)
	if err != nil {
		t.Fatal(err)
	}
	return p, signer, agent, ss, as
}

// writeSeeds (LEASH_WRITE_SEEDS=1 go test -run TestWriteFuzzSeeds) refreshes
// the committed seed corpora under testdata/fuzz.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("LEASH_WRITE_SEEDS") == "" {
		t.Skip("set LEASH_WRITE_SEEDS=1 to rewrite testdata/fuzz seeds")
	}
	p, _, agent, _, as := fixed(t)
	env, _, _ := as.Seal(e2e.KindData, e2e.MessageIDFor("seed"), 30, []byte(`{"kind":"proposal","body":{}}`))
	hello, _, _ := e2e.SealHello(p, agent, 1, e2e.MessageIDFor("hello"), 0, []byte("agent"), nil)
	write := func(fuzz string, vals ...[]byte) {
		dir := filepath.Join("testdata", "fuzz", fuzz)
		_ = os.MkdirAll(dir, 0o755)
		for i, v := range vals {
			s := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", v)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed%d", i)), []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("FuzzOpen", env, hello, env[:e2e.Overhead], nil)
	write("FuzzOpenHello", hello, env, hello[:e2e.Overhead+40])
	str := func(fuzz string, vals ...string) {
		dir := filepath.Join("testdata", "fuzz", fuzz)
		_ = os.MkdirAll(dir, 0o755)
		for i, v := range vals {
			s := fmt.Sprintf("go test fuzz v1\nstring(%q)\n", v)
			_ = os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed%d", i)), []byte(s), 0o644)
		}
	}
	str("FuzzParsePairingURI", p.URI(), "leash:pair?relay=ws%3A%2F%2Fx&channel=&pub=", "leash:pair?%zz")
}

// FuzzOpen: arbitrary bytes never panic, and whatever opens re-seals to a
// payload of the same length (no partial acceptance).
func FuzzOpen(f *testing.F) {
	_, _, _, ss, _ := fixed(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		ss.SetState(e2e.State{})
		h, herr := e2e.ParseHeader(b)
		o, err := ss.Open(b)
		if err == nil {
			if herr != nil || o.Seq != h.Seq || len(o.Payload) != len(b)-e2e.Overhead {
				t.Fatalf("opened inconsistent envelope: %+v", o.Header)
			}
		}
	})
}

// FuzzOpenHello: arbitrary bytes never panic in the signer's hello path.
func FuzzOpenHello(f *testing.F) {
	p, signer, agent, _, _ := fixed(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := e2e.OpenHello(p.Secret, signer, b)
		if err == nil && (h.AgentPub != agent.Public || h.Transcript != sha256.Sum256(b)) {
			t.Fatalf("a hello opened with a foreign agent key %x", h.AgentPub)
		}
	})
}

// FuzzParsePairingURI: anything that parses re-renders to a URI that parses
// to the same pairing.
func FuzzParsePairingURI(f *testing.F) {
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
