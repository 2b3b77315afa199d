package e2e

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/flynn/noise"
)

// TestNoiseVectors replays the Noise protocol's own test vectors for
// Noise_IKpsk2_25519_ChaChaPoly_SHA256 through the cipher suite, pattern and
// PSK placement the pairing uses (handshakeConfig), byte for byte: both
// handshake messages and two transport messages each way.
func TestNoiseVectors(t *testing.T) {
	f, err := os.Open("testdata/noise/IKpsk2_25519_ChaChaPoly_SHA256.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks []map[string]string
	cur := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			if len(cur) > 0 {
				blocks = append(blocks, cur)
				cur = map[string]string{}
			}
			continue
		}
		k, v, _ := strings.Cut(line, "=")
		cur[k] = v
	}
	if len(cur) > 0 {
		blocks = append(blocks, cur)
	}
	if len(blocks) < 2 {
		t.Fatalf("%d vectors", len(blocks))
	}
	x := func(s string) []byte {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for i, v := range blocks {
		if v["handshake"] != "Noise_IKpsk2_25519_ChaChaPoly_SHA256" || string(cipherSuite.Name()) != "25519_ChaChaPoly_SHA256" {
			t.Fatalf("vector %d: %s (suite %s)", i, v["handshake"], cipherSuite.Name())
		}
		is, _ := noise.DH25519.GenerateKeypair(bytes.NewReader(x(v["init_static"])))
		rs, _ := noise.DH25519.GenerateKeypair(bytes.NewReader(x(v["resp_static"])))
		base := noise.Config{CipherSuite: cipherSuite, Pattern: noise.HandshakeIK, PresharedKey: x(v["preshared_key"]),
			PresharedKeyPlacement: 2, Prologue: x(v["prologue"])}
		ci, cr := base, base
		ci.Initiator, ci.StaticKeypair, ci.PeerStatic, ci.Random = true, is, rs.Public, bytes.NewReader(x(v["gen_init_ephemeral"]))
		cr.StaticKeypair, cr.Random = rs, bytes.NewReader(x(v["gen_resp_ephemeral"]))
		hi, _ := noise.NewHandshakeState(ci)
		hr, _ := noise.NewHandshakeState(cr)
		m0, _, _, err := hi.WriteMessage(nil, x(v["msg_0_payload"]))
		if err != nil || !bytes.Equal(m0, x(v["msg_0_ciphertext"])) {
			t.Fatalf("vector %d message 0: %v\n got %x", i, err, m0)
		}
		if p, _, _, err := hr.ReadMessage(nil, m0); err != nil || !bytes.Equal(p, x(v["msg_0_payload"])) {
			t.Fatalf("vector %d read 0: %v", i, err)
		}
		m1, r1, r2, err := hr.WriteMessage(nil, x(v["msg_1_payload"]))
		if err != nil || !bytes.Equal(m1, x(v["msg_1_ciphertext"])) {
			t.Fatalf("vector %d message 1: %v", i, err)
		}
		_, i1, i2, err := hi.ReadMessage(nil, m1)
		if err != nil || i1 == nil {
			t.Fatalf("vector %d read 1: %v", i, err)
		}
		if !bytes.Equal(hi.ChannelBinding(), hr.ChannelBinding()) {
			t.Fatalf("vector %d: handshake hashes differ", i)
		}
		// Transport: message 2 initiator → responder, message 3 back.
		c2, _ := i1.Encrypt(nil, nil, x(v["msg_2_payload"]))
		if !bytes.Equal(c2, x(v["msg_2_ciphertext"])) {
			t.Fatalf("vector %d message 2: %x", i, c2)
		}
		if p, err := r1.Decrypt(nil, nil, c2); err != nil || !bytes.Equal(p, x(v["msg_2_payload"])) {
			t.Fatalf("vector %d read 2: %v", i, err)
		}
		c3, _ := r2.Encrypt(nil, nil, x(v["msg_3_payload"]))
		if !bytes.Equal(c3, x(v["msg_3_ciphertext"])) {
			t.Fatalf("vector %d message 3: %x", i, c3)
		}
		if p, err := i2.Decrypt(nil, nil, c3); err != nil || !bytes.Equal(p, x(v["msg_3_payload"])) {
			t.Fatalf("vector %d read 3: %v", i, err)
		}
	}
}
