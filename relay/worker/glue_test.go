package worker

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/leash-wallet/leash/relay/proto"
)

// TestGlueMatchesProto: the Worker's JS glue routes on the AUTH frame's
// length, type and channel bytes and sends the CHALLENGE's version itself;
// its constants must be relay/proto's.
func TestGlueMatchesProto(t *testing.T) {
	b, err := os.ReadFile("src/index.mjs")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	for _, want := range []string{
		fmt.Sprintf("CHALLENGE = 0x%02x", byte(proto.TChallenge)),
		fmt.Sprintf("VERSION = %d", proto.Version),
		fmt.Sprintf("AUTH = 0x%02x", byte(proto.TAuth)),
		fmt.Sprintf("AUTH_LEN = %d", proto.AuthLen),
		"b.subarray(3, 19)", // the channel id: bytes 3–18 of AUTH
	} {
		if !strings.Contains(src, want) {
			t.Errorf("src/index.mjs does not have %q", want)
		}
	}
}
