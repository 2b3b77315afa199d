package daemon_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/circuits/wire"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/prover/daemon"
)

// pipe is an in-process Transport: what the daemon sends goes to toSigner,
// what the fake signer sends arrives on fromSigner.
type pipe struct {
	toSigner   chan daemon.Message
	fromSigner chan daemon.Message
}

func (p *pipe) Send(ctx context.Context, m daemon.Message) error {
	select {
	case p.toSigner <- m:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
func (p *pipe) Receive() <-chan daemon.Message { return p.fromSigner }

// fakeSigner verifies each proposal for real against its own state, and
// answers like the extension would (without keys or a chain).
type fakeSigner struct {
	pol    *policy.Policy
	vk     *verify.VerifyingKey
	mu     sync.Mutex
	nonce  uint64
	spent  *big.Int
	seen   map[string]bool
	nonces []uint64
}

func (s *fakeSigner) run(ctx context.Context, p *pipe) {
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-p.toSigner:
			prop, err := wire.DecodeProposal(m.Body)
			if err != nil {
				panic(err)
			}
			r := s.handle(prop)
			b, _ := json.Marshal(r)
			p.fromSigner <- daemon.Message{Kind: daemon.KindReceipt, Body: b}
		}
	}
}

func (s *fakeSigner) handle(p *wire.Proposal) wire.Receipt {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[p.ID] {
		return wire.Receipt{ID: p.ID, Status: wire.StatusRejected, Code: wire.Replay}
	}
	s.seen[p.ID] = true
	st := &wire.State{Nonce: wire.Uint64(s.nonce), Spent: wire.NewQuantity(s.spent), Time: uint64(time.Now().Unix())}
	if err := verify.Verify(p, s.pol, s.vk, st, verify.Options{}); err != nil {
		n, sp := st.Nonce, st.Spent
		return wire.Receipt{ID: p.ID, Status: wire.StatusRejected, Code: wire.CodeOf(err), Message: wire.MessageOf(err), Nonce: &n, Spent: &sp}
	}
	s.nonce++
	s.spent.Add(s.spent, &p.Tx.Value.Int)
	s.nonces = append(s.nonces, uint64(p.Tx.Nonce))
	h := wire.Hash32(sha256.Sum256([]byte(p.ID)))
	return wire.Receipt{ID: p.ID, Status: wire.StatusSigned, TxHash: &h}
}

type harness struct {
	srv    *httptest.Server
	signer *fakeSigner
	pipe   *pipe
}

func start(t *testing.T, cfg daemon.Config) *harness {
	t.Helper()
	pol := policytest.Policy(t)
	_, _, vk := policytest.Keys(t)
	p := &pipe{toSigner: make(chan daemon.Message, 64), fromSigner: make(chan daemon.Message, 64)}
	cfg.Policy, cfg.Transport = pol, p
	if cfg.Prover == nil {
		cfg.Prover = policytest.Prover(t, pol)
	}
	d, err := daemon.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go d.Run(ctx)
	s := &fakeSigner{pol: pol, vk: vk, spent: new(big.Int), seen: map[string]bool{}}
	go s.run(ctx, p)
	srv := httptest.NewServer(d.Handler())
	t.Cleanup(srv.Close)
	return &harness{srv: srv, signer: s, pipe: p}
}

const alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"

func intent(value string) string {
	return fmt.Sprintf(`{"to":%q,"value":%q,"maxFeePerGas":"0x77359400","maxPriorityFeePerGas":"0x3b9aca00"}`, alice, value)
}

func post(t *testing.T, h *harness, path, body string, hdr ...string) (int, daemon.Record, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", h.srv.URL+path, strings.NewReader(body))
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
	if len(h.pipe.toSigner) != 0 {
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
	h.signer.mu.Lock()
	defer h.signer.mu.Unlock()
	if len(h.signer.nonces) != n {
		t.Fatalf("signer signed %v", h.signer.nonces)
	}
	for i, nonce := range h.signer.nonces {
		if nonce != uint64(i) {
			t.Fatalf("nonces signed out of order: %v", h.signer.nonces)
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
	resp, _ := http.Get(h.srv.URL + "/v1/transactions/nope")
	if resp.StatusCode != 404 {
		t.Errorf("unknown id: %d", resp.StatusCode)
	}
}

func TestTasksAndEvents(t *testing.T) {
	h := start(t, daemon.Config{})
	h.pipe.fromSigner <- daemon.Message{Kind: daemon.KindTask, Body: json.RawMessage(`{"id":"t-1","origin":"http://dapp.test","request":{"action":"rebalance"}}`)}
	h.pipe.fromSigner <- daemon.Message{Kind: daemon.KindTask, Body: json.RawMessage(`{"id":"t-1","origin":"http://dapp.test","request":{}}`)}
	h.pipe.fromSigner <- daemon.Message{Kind: daemon.KindReceipt, Body: json.RawMessage(`{"garbage":true}`)}
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, _ := http.Get(h.srv.URL + "/v1/tasks")
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
	resp, err := http.Get(h.srv.URL + "/v1/transactions/" + rec.ID + "/events")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body) // ends when the record is terminal... or signed
	if !strings.Contains(buf.String(), "event: proving") && !strings.Contains(buf.String(), "event: sent") {
		t.Fatalf("events: %s", buf.String())
	}
	m, _ := http.Get(h.srv.URL + "/metrics")
	var mb bytes.Buffer
	mb.ReadFrom(m.Body)
	if !strings.Contains(mb.String(), "leash_agenthost_dropped_messages_total 1") {
		t.Fatal("the malformed receipt was not counted")
	}
}
