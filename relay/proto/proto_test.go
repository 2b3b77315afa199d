package proto_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/proto"
	"github.com/leash-wallet/leash/wire"
)

func sampleEnvelope(t testing.TB) []byte {
	s, _, err := e2e.HandshakeLocal(bytes.NewReader(bytes.Repeat([]byte{5, 9}, 1024)))
	if err != nil {
		t.Fatal(err)
	}
	env, _, err := s.Seal(e2e.KindData, e2e.MessageIDFor("x"), 5, []byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func samples(t testing.TB) map[string][]byte {
	var secret e2e.ChannelSecret
	var nonce [32]byte
	nonce[3] = 3
	env := sampleEnvelope(t)
	return map[string][]byte{
		"challenge": proto.Challenge(nonce),
		"welcome":   proto.Welcome(7),
		"deliver":   proto.Deliver(3, env),
		"send":      proto.Send(env),
		"sendack":   proto.SendAck(42, proto.StatusQueueFull),
		"auth":      proto.Auth(e2e.RoleSigner, secret.ID(), secret.Keys().Prove(nonce, e2e.RoleSigner)),
		"ack":       proto.Ack(12),
	}
}

func TestRoundTrip(t *testing.T) {
	var secret e2e.ChannelSecret
	s := samples(t)
	f, err := proto.Decode(s["auth"])
	if err != nil || f.Role != e2e.RoleSigner || f.Channel != secret.ID() {
		t.Fatalf("auth: %v %+v", err, f)
	}
	var nonce [32]byte
	nonce[3] = 3
	if err := e2e.VerifyAuth(f.Channel, f.Role, nonce, f.Proof); err != nil {
		t.Fatal(err)
	}
	if f, err := proto.Decode(s["welcome"]); err != nil || f.Acked != 7 {
		t.Fatalf("welcome: %v %+v", err, f)
	}
	if f, err := proto.Decode(s["sendack"]); err != nil || f.Seq != 42 || !errors.Is(f.Status.Err(), proto.ErrQueueFull) {
		t.Fatalf("sendack: %v %+v", err, f)
	}
	if f, err := proto.Decode(s["send"]); err != nil || f.Header.Seq != 1 || f.Header.TTL != 5 {
		t.Fatalf("send: %v %+v", err, f)
	}
	if f, err := proto.Decode(s["ack"]); err != nil || f.N != 12 {
		t.Fatalf("ack: %v %+v", err, f)
	}
	if f, err := proto.Decode(s["deliver"]); err != nil || f.N != 3 || f.Header.Seq != 1 {
		t.Fatalf("deliver: %v %+v", err, f)
	}
}

func TestDecodeRejects(t *testing.T) {
	s := samples(t)
	badVersion := append([]byte{}, s["auth"]...)
	badVersion[1] = 9
	badRole := append([]byte{}, s["auth"]...)
	badRole[2] = 0
	badStatus := append([]byte{}, s["sendack"]...)
	badStatus[9] = 200
	v1Replay := append([]byte{}, s["sendack"]...)
	v1Replay[9] = 2
	deliver0 := append([]byte{}, s["deliver"]...)
	deliver0[8] = 0
	v1Auth := append([]byte{}, s["auth"]...)
	v1Auth[1] = 1
	cases := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, wire.ErrMalformed},
		{"unknown-type", []byte{0x7f, 1, 2}, wire.ErrMalformed},
		{"garbage-text", []byte("GET / HTTP/1.1"), wire.ErrMalformed},
		{"auth-short", s["auth"][:50], wire.ErrMalformed},
		{"auth-long", append(append([]byte{}, s["auth"]...), 0), wire.ErrMalformed},
		{"auth-version", badVersion, e2e.ErrUnsupported},
		{"auth-role", badRole, wire.ErrMalformed},
		{"ack-short", s["ack"][:5], wire.ErrMalformed},
		{"sendack-status", badStatus, wire.ErrMalformed},
		{"sendack-v1-replay", v1Replay, wire.ErrMalformed},
		{"deliver-numbered-0", deliver0, wire.ErrMalformed},
		{"deliver-short", s["deliver"][:8], wire.ErrMalformed},
		{"auth-v1", v1Auth, e2e.ErrUnsupported},
		{"send-short", s["send"][:30], wire.ErrMalformed},
		{"oversized", make([]byte, proto.MaxFrame+1), proto.ErrTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := proto.Decode(c.b); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func TestCloseError(t *testing.T) {
	err := error(&proto.CloseError{Code: proto.CloseSlowConsumer, Reason: "queue overflow"})
	if !errors.Is(err, proto.ErrSlowConsumer) || errors.Is(err, proto.ErrRateLimited) {
		t.Fatalf("close error matching: %v", err)
	}
	if !errors.Is(&proto.CloseError{Code: proto.CloseAuthFailed}, e2e.ErrAuthFailed) {
		t.Fatal("auth close does not match ErrAuthFailed")
	}
}

func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("LEASH_WRITE_SEEDS") == "" {
		t.Skip("set LEASH_WRITE_SEEDS=1 to rewrite testdata/fuzz seeds")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	_ = os.MkdirAll(dir, 0o755)
	for name, b := range samples(t) {
		s := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzDecode: never panics; what decodes re-encodes to the same bytes.
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := proto.Decode(b)
		if err != nil {
			return
		}
		var again []byte
		switch fr.Type {
		case proto.TChallenge:
			again = proto.Challenge(fr.Nonce)
		case proto.TWelcome:
			again = proto.Welcome(fr.Acked)
		case proto.TDeliver:
			again = proto.Deliver(fr.N, fr.Envelope)
		case proto.TSend:
			again = proto.Send(fr.Envelope)
		case proto.TSendAck:
			again = proto.SendAck(fr.Seq, fr.Status)
		case proto.TAuth:
			again = proto.Auth(fr.Role, fr.Channel, fr.Proof)
		case proto.TAck:
			again = proto.Ack(fr.N)
		}
		if string(again) != string(b) {
			t.Fatalf("re-encoded %x as %x", b, again)
		}
	})
}
