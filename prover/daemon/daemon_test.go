package daemon_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/prover/daemon/daemontest"
	"github.com/leash-wallet/leash/wire"
)

type harness = daemontest.Harness

func start(t *testing.T, cfg daemon.Config) *harness { return daemontest.Start(t, cfg) }

const alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"

func intent(value string) string {
	return fmt.Sprintf(`{"to":%q,"value":%q,"maxFeePerGas":"0x77359400","maxPriorityFeePerGas":"0x3b9aca00"}`, alice, value)
}

func post(t *testing.T, h *harness, path, body string, hdr ...string) (int, daemon.Record, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", h.Server.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	var rec daemon.Record
	var raw map[string]any
	json.Unmarshal(buf.Bytes(), &rec)
	json.Unmarshal(buf.Bytes(), &raw)
	return resp.StatusCode, rec, raw
}

func TestInPolicyIntentIsSigned(t *testing.T) {
	h := start(t, daemon.Config{})
	code, rec, _ := post(t, h, "/v1/transactions?wait=60s", intent("0x16345785d8a0000"))
	if code != 200 || rec.Status != daemon.StatusSigned || rec.TxHash == nil {
		t.Fatalf("%d %+v", code, rec)
	}
	if rec.Timings.ProveMs <= 0 || rec.Timings.PrecheckMs <= 0 {
		t.Fatalf("timings not recorded: %+v", rec.Timings)
	}
}

func TestPrecheckRefusalNamesTheRule(t *testing.T) {
	h := start(t, daemon.Config{})
	code, rec, _ := post(t, h, "/v1/transactions", intent("0x14d1120d7b160000")) // 1.5 ETH
	if code != http.StatusUnprocessableEntity || rec.Code != "policy_violation:value" || rec.Status != daemon.StatusRejected {
		t.Fatalf("%d %+v", code, rec)
	}
	if len(h.Pipe.ToSigner) != 0 {
		t.Fatal("a refused intent reached the relay")
	}
}

// TestConcurrentIntentsAreSerializedNotLost sends intents at once; the
// signer sees proposals in any order, refuses stale ones, and the daemon
// re-proves until every one is signed with consecutive nonces.
func TestConcurrentIntentsAreSerializedNotLost(t *testing.T) {
	h := start(t, daemon.Config{Workers: 2})
	const n = 4
	var wg sync.WaitGroup
	recs := make([]daemon.Record, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, recs[i], _ = post(t, h, "/v1/transactions?wait=120s", intent("0x2386f26fc10000")) // 0.01 ETH
		}(i)
	}
	wg.Wait()
	for i, r := range recs {
		if r.Status != daemon.StatusSigned {
			t.Fatalf("request %d: %+v", i, r)
		}
	}
	h.Signer.Mu.Lock()
	defer h.Signer.Mu.Unlock()
	if len(h.Signer.Nonces) != n {
		t.Fatalf("signer signed %v", h.Signer.Nonces)
	}
	for i, nonce := range h.Signer.Nonces {
		if nonce != uint64(i) {
			t.Fatalf("nonces signed out of order: %v", h.Signer.Nonces)
		}
	}
}

func TestIdempotencyKey(t *testing.T) {
	h := start(t, daemon.Config{})
	_, a, _ := post(t, h, "/v1/transactions", intent("0x1"), "Idempotency-Key", "k-1")
	_, b, _ := post(t, h, "/v1/transactions", intent("0x1"), "Idempotency-Key", "k-1")
	if a.ID == "" || a.ID != b.ID {
		t.Fatalf("%s != %s", a.ID, b.ID)
	}
}

// blockingProver holds every proof until released, to fill the queue.
type blockingProver struct {
	daemon.Prover
	release chan struct{}
}

func (b *blockingProver) Prove(req prover.Request) (*wire.Proposal, error) {
	<-b.release
	return b.Prover.Prove(req)
}

func TestOverloadGets429(t *testing.T) {
	pol := policytest.Policy(t)
	bp := &blockingProver{Prover: policytest.Prover(t, pol), release: make(chan struct{})}
	h := start(t, daemon.Config{Prover: bp, Workers: 1, QueueDepth: 1})
	defer close(bp.release)
	got429 := false
	for i := 0; i < 4; i++ {
		code, _, raw := post(t, h, "/v1/transactions", intent("0x1"))
		if code == http.StatusTooManyRequests {
			got429 = raw["error"].(map[string]any)["code"] == "overloaded"
			break
		}
	}
	if !got429 {
		t.Fatal("no 429 under overload")
	}
}

func TestBadRequests(t *testing.T) {
	h := start(t, daemon.Config{})
	for name, body := range map[string]string{
		"malformed JSON": `{"to":`,
		"unknown field":  `{"to":"` + alice + `","gasPrice":"0x1"}`,
		"bad address":    `{"to":"0x12"}`,
		"no fees":        `{"to":"` + alice + `"}`,
		"huge":           `{"to":"` + alice + `","data":"0x` + strings.Repeat("00", 200<<10) + `"}`,
	} {
		code, _, raw := post(t, h, "/v1/transactions", body)
		if code != 400 && code != 413 {
			t.Errorf("%s: %d", name, code)
		}
		if e, _ := raw["error"].(map[string]any); e == nil || e["code"] != "malformed" {
			t.Errorf("%s: %v", name, raw)
		}
	}
	resp, _ := http.Get(h.Server.URL + "/v1/transactions/nope")
	if resp.StatusCode != 404 {
		t.Errorf("unknown id: %d", resp.StatusCode)
	}
}

func TestTasksAndEvents(t *testing.T) {
	h := start(t, daemon.Config{})
	h.Pipe.FromSigner <- daemon.Message{Kind: daemon.KindTask, Body: json.RawMessage(`{"id":"t-1","origin":"http://dapp.test","request":{"action":"rebalance"}}`)}
	h.Pipe.FromSigner <- daemon.Message{Kind: daemon.KindTask, Body: json.RawMessage(`{"id":"t-1","origin":"http://dapp.test","request":{}}`)}
	h.Pipe.FromSigner <- daemon.Message{Kind: daemon.KindReceipt, Body: json.RawMessage(`{"garbage":true}`)}
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, _ := http.Get(h.Server.URL + "/v1/tasks")
		var out struct{ Tasks []daemon.Task }
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if len(out.Tasks) == 1 && out.Tasks[0].Origin == "http://dapp.test" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("tasks: %+v", out.Tasks)
		}
		time.Sleep(20 * time.Millisecond)
	}
	_, rec, _ := post(t, h, "/v1/transactions", intent("0x1"))
	resp, err := http.Get(h.Server.URL + "/v1/transactions/" + rec.ID + "/events")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body) // ends when the record is terminal... or signed
	if !strings.Contains(buf.String(), "event: proving") && !strings.Contains(buf.String(), "event: sent") {
		t.Fatalf("events: %s", buf.String())
	}
	m, _ := http.Get(h.Server.URL + "/metrics")
	var mb bytes.Buffer
	mb.ReadFrom(m.Body)
	if !strings.Contains(mb.String(), "leash_agenthost_dropped_messages_total 1") {
		t.Fatal("the malformed receipt was not counted")
	}
}

// TestReceiptBeforeSendReturns: a signer so fast that its receipt is
// handled before the relay's Send returns must not see its record moved
// back from signed to sent, nor signed without its proving time.
func TestReceiptBeforeSendReturns(t *testing.T) {
	h := start(t, daemon.Config{})
	overtake := func() {
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			h.Signer.Mu.Lock()
			n := len(h.Signer.Nonces)
			h.Signer.Mu.Unlock()
			if n > 0 {
				break
			}
			time.Sleep(time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond) // the daemon handles the receipt meanwhile
	}
	h.Pipe.AfterSend.Store(&overtake)
	code, rec, _ := post(t, h, "/v1/transactions?wait=60s", intent("0x16345785d8a0000"))
	if code != 200 || rec.Status != daemon.StatusSigned {
		t.Fatalf("%d %+v", code, rec)
	}
	// The record the waiter got, signed while Send had not returned, already
	// has its proving time (a CI run's TestInPolicyIntentIsSigned got
	// proveMs 0 so: the receipt of a fast signer came first).
	if rec.Timings.ProveMs <= 0 {
		t.Fatalf("signed before Send returned, without its proving time: %+v", rec.Timings)
	}
	time.Sleep(200 * time.Millisecond) // Send has returned and the daemon recorded it
	got, err := h.Client.Get(t.Context(), rec.ID, 0)
	if err != nil || got.Status != daemon.StatusSigned || got.Tx == nil || got.Timings.ProveMs <= 0 {
		t.Fatalf("after Send returned: %+v, %v", got, err)
	}
}

// TestIdempotencyKeyConcurrentRepeats is the attack of issue 15: six
// concurrent retries with one Idempotency-Key must make one record (and
// one proposal), and every retry must get that record.
func TestIdempotencyKeyConcurrentRepeats(t *testing.T) {
	h := start(t, daemon.Config{})
	const n = 6
	var wg sync.WaitGroup
	ids := make([]string, n)
	codes := make([]int, n)
	gate := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-gate
			var rec daemon.Record
			codes[i], rec, _ = post(t, h, "/v1/transactions", intent("0x2386f26fc10000"), "Idempotency-Key", "pay-alice-1")
			ids[i] = rec.ID
		}(i)
	}
	close(gate)
	wg.Wait()
	for i := range ids {
		if codes[i] != http.StatusAccepted && codes[i] != http.StatusOK || ids[i] == "" || ids[i] != ids[0] {
			t.Fatalf("retry %d: %d %q, first %q", i, codes[i], ids[i], ids[0])
		}
	}
	resp, err := http.Get(h.Server.URL + "/v1/transactions")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct{ Transactions []daemon.Record }
	json.NewDecoder(resp.Body).Decode(&list)
	if len(list.Transactions) != 1 {
		t.Fatalf("%d records for one idempotency key", len(list.Transactions))
	}
}
