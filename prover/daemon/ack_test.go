package daemon_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/leash-wallet/leash/prover/daemon"
)

// TestAckAfterHandled: the daemon acknowledges a message from the signer
// only after it applied it (the relay may then forget it), so a crash
// between the two redelivers the message instead of losing it. Before the
// Ack hook the relay connection acknowledged on arrival.
func TestAckAfterHandled(t *testing.T) {
	h := start(t, daemon.Config{})
	applied := make(chan bool, 1)
	ack := func() {
		resp, err := http.Get(h.Server.URL + "/v1/tasks")
		if err != nil {
			applied <- false
			return
		}
		defer resp.Body.Close()
		var out struct{ Tasks []daemon.Task }
		_ = json.NewDecoder(resp.Body).Decode(&out)
		applied <- len(out.Tasks) == 1
	}
	h.Pipe.FromSigner <- daemon.Message{Kind: daemon.KindTask, Body: json.RawMessage(`{"id":"t-ack","request":{}}`), Ack: ack}
	select {
	case ok := <-applied:
		if !ok {
			t.Fatal("acknowledged before the task was applied")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("never acknowledged")
	}
	// A malformed message is handled too (dropped and counted): acknowledged.
	done := make(chan struct{})
	h.Pipe.FromSigner <- daemon.Message{Kind: daemon.KindReceipt, Body: json.RawMessage(`{"garbage":true}`), Ack: func() { close(done) }}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a dropped message was never acknowledged")
	}
}
