package daemon_test

import (
	"bufio"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/prover/daemon/daemontest"
	"github.com/leash-wallet/leash/wire"
)

const overLimit = "0x14d1120d7b160000" // 1.5 ETH: the example policy's pre-check refuses it

// signedCount is how many proposals a harness's fake signer signed.
func signedCount(h *harness) int {
	h.Signer.Mu.Lock()
	defer h.Signer.Mu.Unlock()
	return len(h.Signer.Nonces)
}

// TestIdempotencyKeySurvivesRestart is the attack of task idem: a payment
// is signed, the agent host restarts (a crash, a redeploy), and the agent
// retries with the same Idempotency-Key. Before the fix the keys lived in
// memory only: each retry made a new record and a second proposal, which
// the signer signed (the user paid twice). Now every retry, six of them at
// once right after the start, gets the first record and nothing is sent.
func TestIdempotencyKeySurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	h1 := start(t, daemon.Config{DataDir: dir})
	code, first, _ := post(t, h1, "/v1/transactions?wait=60s", intent("0x2386f26fc10000"), "Idempotency-Key", "pay-alice-1")
	if code != http.StatusOK || first.Status != daemon.StatusSigned || first.TxHash == nil {
		t.Fatalf("first request: %d %+v", code, first)
	}
	h1.Stop()

	h2 := start(t, daemon.Config{DataDir: dir})
	const n = 6
	var wg sync.WaitGroup
	recs := make([]daemon.Record, n)
	codes := make([]int, n)
	gate := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			codes[i], recs[i], _ = post(t, h2, "/v1/transactions?wait=60s", intent("0x2386f26fc10000"), "Idempotency-Key", "pay-alice-1")
		}()
	}
	close(gate)
	wg.Wait()
	for i, rec := range recs {
		if codes[i] != http.StatusOK || rec.ID != first.ID || rec.Status != daemon.StatusSigned || rec.TxHash == nil || *rec.TxHash != *first.TxHash {
			t.Errorf("retry %d after the restart: %d %+v, first %s", i, codes[i], rec, first.ID)
		}
	}
	if s := signedCount(h2); s != 0 || len(h2.Pipe.ToSigner) != 0 {
		t.Fatalf("a retry after the restart was proposed again: %d signed", s)
	}
	list, err := h2.Client.List(t.Context(), 100)
	if err != nil || len(list) != 1 || list[0].ID != first.ID {
		t.Fatalf("records after the restart: %+v %v", list, err)
	}

	// The key with another request is refused across the restart too.
	code, _, raw := post(t, h2, "/v1/transactions", intent("0x1"), "Idempotency-Key", "pay-alice-1")
	if e, _ := raw["error"].(map[string]any); code != http.StatusUnprocessableEntity || e == nil || e["code"] != string(daemon.CodeIdempotencyMismatch) {
		t.Fatalf("another request with the key: %d %v", code, raw)
	}
	fi, err := os.Stat(filepath.Join(dir, daemon.IdempotencyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the key file: %v %v", fi, err)
	}
}

// TestIdempotencyKeyInterruptedByRestart: a request still being proven
// when the agent host stops comes back interrupted (its outcome unknown to
// the new daemon: the old one may have sent it, the signer may have signed
// it), and a retry of its key returns it; it is never proposed again.
func TestIdempotencyKeyInterruptedByRestart(t *testing.T) {
	dir := t.TempDir()
	pol := policytest.Policy(t)
	bp := &blockingProver{Prover: policytest.Prover(t, pol), release: make(chan struct{})}
	t.Cleanup(func() { close(bp.release) })
	h1 := start(t, daemon.Config{DataDir: dir, Prover: bp, Workers: 1})
	code, first, _ := post(t, h1, "/v1/transactions", intent("0x2386f26fc10000"), "Idempotency-Key", "pay-bob-1")
	if code != http.StatusAccepted || first.ID == "" {
		t.Fatalf("%d %+v", code, first)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		rec, err := h1.Client.Get(t.Context(), first.ID, 0)
		if err == nil && rec.Status == daemon.StatusProving {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never proving: %+v %v", rec, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	h1.Stop() // with the proof under way

	h2 := start(t, daemon.Config{DataDir: dir})
	code, rec, _ := post(t, h2, "/v1/transactions?wait=5s", intent("0x2386f26fc10000"), "Idempotency-Key", "pay-bob-1")
	if code != http.StatusOK || rec.ID != first.ID || rec.Status != daemon.StatusInterrupted || !rec.Final || rec.Code != daemon.CodeInterrupted {
		t.Fatalf("retry after the restart: %d %+v", code, rec)
	}
	got, err := h2.Client.Get(t.Context(), first.ID, 0)
	if err != nil || got.Status != daemon.StatusInterrupted {
		t.Fatalf("GET after the restart: %+v %v", got, err)
	}
	time.Sleep(200 * time.Millisecond)
	if s := signedCount(h2); s != 0 || len(h2.Pipe.ToSigner) != 0 {
		t.Fatalf("an interrupted request was proposed again: %d signed", s)
	}
	// A third start still remembers it, interrupted.
	h2.Stop()
	h3 := start(t, daemon.Config{DataDir: dir})
	_, rec, _ = post(t, h3, "/v1/transactions", intent("0x2386f26fc10000"), "Idempotency-Key", "pay-bob-1")
	if rec.ID != first.ID || rec.Status != daemon.StatusInterrupted {
		t.Fatalf("after a second restart: %+v", rec)
	}
}

// fakeClock is a clock tests move forward.
type fakeClock struct{ off atomic.Int64 }

func (c *fakeClock) now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *fakeClock) advance(d time.Duration) { c.off.Add(int64(d)) }

// TestIdempotencyKeyAgesOut: a key is kept for IdempotencyTTL (24 h by
// default) after its record is final; reused after that, it makes a new
// request, with or without a restart in between.
func TestIdempotencyKeyAgesOut(t *testing.T) {
	dir := t.TempDir()
	clk := &fakeClock{}
	cfg := daemon.Config{DataDir: dir, Clock: clk.now}
	h1 := start(t, cfg)
	_, a, _ := post(t, h1, "/v1/transactions", intent(overLimit), "Idempotency-Key", "old-1")
	_, b, _ := post(t, h1, "/v1/transactions", intent(overLimit), "Idempotency-Key", "old-2")
	clk.advance(23 * time.Hour)
	if _, again, _ := post(t, h1, "/v1/transactions", intent(overLimit), "Idempotency-Key", "old-1"); again.ID != a.ID {
		t.Fatalf("within the TTL: %s != %s", again.ID, a.ID)
	}
	clk.advance(2 * time.Hour)
	_, c, _ := post(t, h1, "/v1/transactions", intent(overLimit), "Idempotency-Key", "old-1")
	if c.ID == "" || c.ID == a.ID {
		t.Fatalf("a key reused after its TTL returned the old record: %+v", c)
	}
	h1.Stop()
	h2 := start(t, cfg)
	_, d, _ := post(t, h2, "/v1/transactions", intent(overLimit), "Idempotency-Key", "old-2")
	if d.ID == "" || d.ID == b.ID {
		t.Fatalf("a key aged out before the restart returned the old record: %+v", d)
	}
	if _, e, _ := post(t, h2, "/v1/transactions", intent(overLimit), "Idempotency-Key", "old-1"); e.ID != c.ID {
		t.Fatalf("a live key was forgotten by the restart: %s != %s", e.ID, c.ID)
	}
}

// TestIdempotencyKeyFlood: a flood of distinct keys keeps at most History
// records in memory and a bounded file; the newest keys survive a restart.
func TestIdempotencyKeyFlood(t *testing.T) {
	dir := t.TempDir()
	const history, n = 20, 300
	h1 := start(t, daemon.Config{DataDir: dir, History: history})
	ids := make([]string, n)
	for i := range n {
		code, rec, _ := post(t, h1, "/v1/transactions", intent(overLimit), "Idempotency-Key", fmt.Sprintf("flood-%d", i))
		if code != http.StatusUnprocessableEntity || rec.ID == "" {
			t.Fatalf("request %d: %d %+v", i, code, rec)
		}
		ids[i] = rec.ID
		if lines := countLines(t, filepath.Join(dir, daemon.IdempotencyFile)); lines > 2*history+daemon.CompactSlack+1 {
			t.Fatalf("after %d keys the file has %d lines", i+1, lines)
		}
		// Every acknowledged key is in the file, a compaction or not.
		if data, _ := os.ReadFile(filepath.Join(dir, daemon.IdempotencyFile)); !strings.Contains(string(data), fmt.Sprintf(`"key":"flood-%d"`, i)) {
			t.Fatalf("key %d was acknowledged and is not in the file", i)
		}
	}
	if list, _ := h1.Client.List(t.Context(), 1000); len(list) > history {
		t.Fatalf("%d records in memory, History is %d", len(list), history)
	}
	h1.Stop()
	h2 := start(t, daemon.Config{DataDir: dir, History: history})
	if list, _ := h2.Client.List(t.Context(), 1000); len(list) != history {
		t.Fatalf("%d records after the restart, History is %d", len(list), history)
	}
	for i := n - history; i < n; i++ { // every one of the newest History keys, whenever the file was compacted
		if _, rec, _ := post(t, h2, "/v1/transactions", intent(overLimit), "Idempotency-Key", fmt.Sprintf("flood-%d", i)); rec.ID != ids[i] {
			t.Fatalf("key %d of the newest %d was forgotten: %s != %s", i, history, rec.ID, ids[i])
		}
	}
	if _, rec, _ := post(t, h2, "/v1/transactions", intent(overLimit), "Idempotency-Key", "flood-0"); rec.ID == ids[0] {
		t.Fatal("the oldest key outlived the History bound")
	}
}

func countLines(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
	}
	return n
}

// TestIdempotencyFileDamaged: a damaged or foreign key file stops the
// start with a coded error (the daemon never forgets keys silently); a
// last line torn by a crash mid-write (never acknowledged) is dropped.
func TestIdempotencyFileDamaged(t *testing.T) {
	pol := policytest.Policy(t)
	pr := policytest.Prover(t, pol)
	newAt := func(dir string) error {
		_, err := daemon.New(daemon.Config{Policy: pol, Prover: pr, Transport: &daemontest.Pipe{}, DataDir: dir})
		return err
	}
	dir := t.TempDir()
	h := start(t, daemon.Config{DataDir: dir})
	_, rec, _ := post(t, h, "/v1/transactions", intent(overLimit), "Idempotency-Key", "k")
	h.Stop()
	good, err := os.ReadFile(filepath.Join(dir, daemon.IdempotencyFile))
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{
		"garbage":         "not json\n",
		"foreign":         `{"format":"something-else","version":1}` + "\n",
		"future version":  `{"format":"leash-agent-idempotency","version":2}` + "\n",
		"unknown field":   string(good) + `{"key":"x","sum":"0x` + fmt.Sprintf("%064x", 1) + `","extra":1}` + "\n",
		"duplicate field": string(good) + `{"key":"x","key":"y","sum":"0x` + fmt.Sprintf("%064x", 1) + `"}` + "\n",
		"null":            string(good) + `{"key":"x","sum":"0x` + fmt.Sprintf("%064x", 1) + `","record":null}` + "\n",
		"damaged middle":  string(good[:len(good)-5]) + "\n" + string(good[len(good)-5:]),
		"empty key":       string(good) + `{"key":"","sum":"0x` + fmt.Sprintf("%064x", 1) + `"}` + "\n",
	} {
		d := t.TempDir()
		os.WriteFile(filepath.Join(d, daemon.IdempotencyFile), []byte(content), 0o600)
		if err := newAt(d); !errors.Is(err, daemon.ErrIdempotencyStore) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A torn last line: dropped with a warning, the rest kept.
	os.WriteFile(filepath.Join(dir, daemon.IdempotencyFile), append(append([]byte{}, good...), `{"key":"torn","su`...), 0o600)
	h2 := start(t, daemon.Config{DataDir: dir})
	if _, again, _ := post(t, h2, "/v1/transactions", intent(overLimit), "Idempotency-Key", "k"); again.ID != rec.ID {
		t.Fatalf("after a torn line: %s != %s", again.ID, rec.ID)
	}
	if s := countLines(t, filepath.Join(dir, daemon.IdempotencyFile)); s < 2 {
		t.Fatalf("%d lines", s)
	}
}

// TestIdempotencyKeyReleasedOnOverload: a keyed request refused with 429
// (the queue is full) was never queued, so its key is free again, in
// memory and in the key file: after a restart it makes a new request,
// while the key of the request that was being proven returns it,
// interrupted.
func TestIdempotencyKeyReleasedOnOverload(t *testing.T) {
	dir := t.TempDir()
	pol := policytest.Policy(t)
	bp := &blockingProver{Prover: policytest.Prover(t, pol), release: make(chan struct{})}
	t.Cleanup(func() { close(bp.release) })
	h1 := start(t, daemon.Config{DataDir: dir, Prover: bp, Workers: 1, QueueDepth: 1})
	overloaded := ""
	for i := range 6 {
		key := fmt.Sprintf("ov-%d", i)
		code, _, _ := post(t, h1, "/v1/transactions", intent("0x1"), "Idempotency-Key", key)
		if code == http.StatusTooManyRequests {
			overloaded = key
			break
		}
		time.Sleep(50 * time.Millisecond) // let the worker take the first job
	}
	if overloaded == "" {
		t.Fatal("no 429 under overload")
	}
	if code, _, _ := post(t, h1, "/v1/transactions", intent("0x1"), "Idempotency-Key", overloaded); code != http.StatusTooManyRequests {
		t.Fatalf("the overloaded key's retry: %d, want another 429 (the key is free, the queue still full)", code)
	}
	h1.Stop()
	h2 := start(t, daemon.Config{DataDir: dir})
	code, rec, _ := post(t, h2, "/v1/transactions?wait=60s", intent("0x1"), "Idempotency-Key", overloaded)
	if code != http.StatusOK || rec.Status != daemon.StatusSigned {
		t.Fatalf("the released key after the restart: %d %+v", code, rec)
	}
	if _, rec, _ := post(t, h2, "/v1/transactions", intent("0x1"), "Idempotency-Key", "ov-0"); rec.Status != daemon.StatusInterrupted {
		t.Fatalf("the key of the job being proven: %+v", rec)
	}
}

// TestIdempotencyDataDirInUse: a second daemon over a DataDir another one
// runs on (a redeploy that starts the new agent host before the old one
// stopped) refuses to start; the two would lose each other's keys.
func TestIdempotencyDataDirInUse(t *testing.T) {
	dir := t.TempDir()
	pol := policytest.Policy(t)
	pr := policytest.Prover(t, pol)
	cfg := daemon.Config{Policy: pol, Prover: pr, Transport: &daemontest.Pipe{}, DataDir: dir}
	first, err := daemon.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := daemon.New(cfg); !errors.Is(err, &wire.Error{Code: daemon.CodeDataDirInUse}) {
		t.Fatalf("a second daemon over the same DataDir: %v", err)
	}
	first.Close()
	second, err := daemon.New(cfg)
	if err != nil {
		t.Fatalf("after the first one closed: %v", err)
	}
	second.Close()
}

// BenchmarkIdempotencyKey: what a keyed request costs the daemon with its
// keys in memory and with the key file (one synced line per request, the
// file compacted when over half stale), on pre-check refusals so that no
// proof is in the measure. go test -run '^$' -bench IdempotencyKey ./prover/daemon
func BenchmarkIdempotencyKey(b *testing.B) {
	pol := policytest.Policy(b)
	pr := policytest.Prover(b, pol)
	to := policytest.Addr(alice)
	fee := wire.NewQuantity(big.NewInt(2_000_000_000))
	for _, mode := range []string{"memory", "file"} {
		b.Run(mode, func(b *testing.B) {
			cfg := daemon.Config{Policy: pol, Prover: pr, Transport: &daemontest.Pipe{}, History: 1000, Logger: slog.New(slog.DiscardHandler)}
			if mode == "file" {
				cfg.DataDir = b.TempDir()
			}
			d, err := daemon.New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer d.Close()
			in := daemon.Payment(to, big.NewInt(15e17)) // over the value cap
			in.MaxFeePerGas, in.MaxPriorityFeePerGas = &fee, &fee
			b.ResetTimer()
			for i := range b.N {
				rec, err := d.Submit(b.Context(), in, fmt.Sprintf("bench-%d", i))
				if err != nil || rec.Status != daemon.StatusRejected {
					b.Fatalf("%+v %v", rec, err)
				}
			}
		})
	}
}

// TestIdempotencyKeySentThenRestart: a proposal sent and not yet answered
// when the agent host stops (the signer may sign it) comes back
// interrupted with the transaction it proposed (nonce, attempt), so the
// agent can look for it; the retry is not proposed again.
func TestIdempotencyKeySentThenRestart(t *testing.T) {
	dir := t.TempDir()
	h1 := start(t, daemon.Config{DataDir: dir})
	h1.Signer.Mu.Lock() // the fake signer takes the proposal and never answers
	unlocked := false
	defer func() {
		if !unlocked {
			h1.Signer.Mu.Unlock()
		}
	}()
	code, first, _ := post(t, h1, "/v1/transactions", intent("0x2386f26fc10000"), "Idempotency-Key", "pay-carol-1")
	if code != http.StatusAccepted {
		t.Fatalf("%d %+v", code, first)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		rec, err := h1.Client.Get(t.Context(), first.ID, 0)
		if err == nil && rec.Status == daemon.StatusSent {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never sent: %+v %v", rec, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	h1.Stop()
	h1.Signer.Mu.Unlock()
	unlocked = true

	h2 := start(t, daemon.Config{DataDir: dir})
	code, rec, _ := post(t, h2, "/v1/transactions?wait=5s", intent("0x2386f26fc10000"), "Idempotency-Key", "pay-carol-1")
	if code != http.StatusOK || rec.ID != first.ID || rec.Status != daemon.StatusInterrupted || rec.Attempts != 1 || rec.Tx == nil ||
		!strings.Contains(rec.Message, "last recorded: sent") {
		t.Fatalf("retry after the restart: %d %+v", code, rec)
	}
	time.Sleep(200 * time.Millisecond)
	if s := signedCount(h2); s != 0 || len(h2.Pipe.ToSigner) != 0 {
		t.Fatalf("a sent request was proposed again after the restart: %d signed", s)
	}
}
