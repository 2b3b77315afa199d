package core_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/leash-wallet/leash/relay/core"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/proto"
)

// fuzzFrames splits b into frames: 2-byte length prefixes.
func fuzzFrames(b []byte) [][]byte {
	var out [][]byte
	for len(b) >= 2 {
		n := int(binary.BigEndian.Uint16(b))
		b = b[2:]
		n = min(n, len(b))
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}

func fuzzSetup() (e2e.ChannelKeys, *e2e.Session) {
	a, _, err := e2e.HandshakeLocal(bytes.NewReader(bytes.Repeat([]byte{1, 2, 3}, 2048)))
	if err != nil {
		panic(err)
	}
	return a.Keys(), a
}

func TestWriteHandleSeeds(t *testing.T) {
	if os.Getenv("LEASH_WRITE_SEEDS") == "" {
		t.Skip("set LEASH_WRITE_SEEDS=1 to rewrite testdata/fuzz seeds")
	}
	keys, sess := fuzzSetup()
	var seeds [][]byte
	frame := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = binary.BigEndian.AppendUint16(b, uint16(len(p)))
			b = append(b, p...)
		}
		return b
	}
	e1, _, _ := sess.Seal(e2e.KindData, e2e.MessageID{1}, 0, []byte("a"))
	e2, _, _ := sess.Seal(e2e.KindData, e2e.MessageID{2}, 0, []byte("b"))
	other, _ := e2e.NewChannelSecret(nil)
	seeds = append(seeds,
		frame(proto.Send(e1), proto.Send(e2), proto.Ack(1)),
		frame(proto.Send(e1), proto.Send(e1)),
		frame([]byte{0x11, 1, 2}, proto.Ack(5)),
		frame(proto.Auth(e2e.RoleSigner, other.ID(), keys.Prove([32]byte{}, e2e.RoleSigner))),
		frame(proto.Deliver(1, e1), proto.Welcome(1)),
	)
	dir := filepath.Join("testdata", "fuzz", "FuzzHandle")
	_ = os.MkdirAll(dir, 0o755)
	for i, s := range seeds {
		_ = os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed%d", i)), []byte(fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)), 0o644)
	}
}

// FuzzHandle feeds arbitrary frames to authenticated links: the hub never
// panics, answers or closes, and a healthy peer still gets its deliveries.
func FuzzHandle(f *testing.F) {
	keys, _ := fuzzSetup()
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := core.New(core.Config{Store: core.NewMemStore(), Rand: bytes.NewReader(make([]byte, 1<<16))})
		if err != nil {
			t.Fatal(err)
		}
		defer h.Shutdown(t.Context())
		agent, _ := connect(t, h, keys, e2e.RoleAgent)
		for _, fr := range fuzzFrames(b) {
			if ce := agent.Handle(bytes.Clone(fr)); ce != nil {
				if proto.CloseCode(ce.Code) == proto.ProtocolError {
					t.Fatalf("close with an undefined code %d", ce.Code)
				}
				break
			}
		}
		agent.Closed()
	})
}
