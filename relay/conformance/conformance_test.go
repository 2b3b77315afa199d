package conformance_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/leash-wallet/leash/relay/conformance"
	"github.com/leash-wallet/leash/relay/relaytest"
	"github.com/leash-wallet/leash/relay/server"
	"github.com/leash-wallet/leash/relay/worker"
)

func repoRoot(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "../..")
}

// nativeNode is the native relay on a loopback port, restartable on the
// same data directory.
type nativeNode struct {
	t    *testing.T
	cfg  server.Config
	srv  *server.Server
	done chan error
}

func (n *nativeNode) start() {
	srv, err := server.New(n.cfg)
	if err != nil {
		n.t.Fatal(err)
	}
	ln, err := net.Listen("tcp", n.cfg.Addr)
	if err != nil {
		n.t.Fatal(err)
	}
	n.cfg.Addr = ln.Addr().String()
	n.srv, n.done = srv, make(chan error, 1)
	go func() { n.done <- srv.Serve(ln) }()
}

func (n *nativeNode) stop() {
	if n.srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = n.srv.Shutdown(ctx)
	<-n.done
	n.srv = nil
}

func (n *nativeNode) rejected(reason string) float64 {
	resp, err := http.Get("http://" + n.cfg.Addr + "/metrics")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	v, _ := relaytest.MetricValue(string(b), `leash_relay_rejected_total{reason="`+reason+`"}`)
	return v
}

// TestNative runs the suite against relay/server over bbolt.
func TestNative(t *testing.T) {
	n := &nativeNode{t: t, cfg: server.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Limits: relaytest.Limits,
		AuthTimeout: relaytest.AuthTimeout, PingInterval: relaytest.PingInterval, PongWait: relaytest.PongWait,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}
	n.start()
	t.Cleanup(n.stop)
	relaytest.Run(t, relaytest.Target{URL: "ws://" + n.cfg.Addr + "/v1/ws", Rejected: n.rejected,
		Restart: func(t *testing.T) { n.stop(); n.start() }})
}

// TestWorker runs the same suite against the Worker build under `wrangler
// dev`. It needs the built Worker and npm's wrangler, so it runs when
// LEASH_RELAY_WORKER=1 (scripts/test.d/45-relay-worker.sh sets it).
func TestWorker(t *testing.T) {
	if os.Getenv("LEASH_RELAY_WORKER") != "1" {
		t.Skip("LEASH_RELAY_WORKER=1 runs the Worker backend (make relay-worker; scripts/test.d/45-relay-worker.sh)")
	}
	l := relaytest.Limits
	w, err := conformance.StartWrangler(conformance.WranglerConfig{Root: repoRoot(t), Dir: t.TempDir(), Level: "log", Vars: map[string]string{
		worker.VarQueueDepth: fmt.Sprint(l.QueueDepth), worker.VarRate: fmt.Sprint(l.Rate), worker.VarBurst: fmt.Sprint(l.Burst),
		worker.VarAuthRate: fmt.Sprint(l.AuthRate), worker.VarAuthBurst: fmt.Sprint(l.AuthBurst),
		worker.VarAuthTimeoutMS: fmt.Sprint(relaytest.AuthTimeout.Milliseconds()), worker.VarLogLevel: "info",
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		w.Stop()
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(w.Dir(), "wrangler.out"))
			t.Logf("wrangler output:\n%s", b)
		}
	})
	relaytest.Run(t, relaytest.Target{URL: w.URL(), NoServerPing: true,
		Restart: func(t *testing.T) {
			if err := w.Restart(); err != nil {
				t.Fatal(err)
			}
		}})
	t.Run("Hibernation", func(t *testing.T) { testHibernation(t, w) })
}

// testHibernation: an idle Durable Object is evicted from memory while its
// WebSockets stay open (workerd does this after about 10 s). The next frame
// starts a fresh Go instance, which must reattach both sockets from their
// attachments: queued envelopes survive, live delivery goes on both ways
// and nothing is delivered twice to the application.
func testHibernation(t *testing.T, w *conformance.Wrangler) {
	p := relaytest.NewPair(t, w.URL())
	p.SendN(t, 1, 3)
	p.ReceiveN(t, 1, 3)
	p.SendN(t, 4, 5) // left unread across the hibernation
	logf := filepath.Join(w.Dir(), "wrangler.out")
	before, _ := os.ReadFile(logf)
	time.Sleep(15 * time.Second)
	p.SendN(t, 6, 7) // wakes the object
	p.ReceiveN(t, 4, 4)
	p.RoundTrip(t)
	p.ExpectNothing(t, 200*time.Millisecond)
	after, _ := os.ReadFile(logf)
	if !strings.Contains(string(after[len(before):]), `msg="relay object started" sockets=2`) {
		t.Fatalf("no hibernation wake with both sockets seen in the wrangler output:\n%s", after[len(before):])
	}
}

// TestSQLStoreInDurableObject runs relay/worker/sqlstore's tests (the shared
// core.Store conformance suite among them) compiled to wasm, inside a fresh
// Durable Object under wrangler dev, on the object's real SQLite storage.
func TestSQLStoreInDurableObject(t *testing.T) {
	if os.Getenv("LEASH_RELAY_WORKER") != "1" {
		t.Skip("LEASH_RELAY_WORKER=1 runs the Worker backend (make relay-worker; scripts/test.d/45-relay-worker.sh)")
	}
	root := repoRoot(t)
	build := exec.Command("go", "test", "-c", "-o", filepath.Join(root, "relay/worker/build/sqlstore_test.wasm"), "./relay/worker/sqlstore")
	build.Dir, build.Env = root, append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the store's test wasm: %v\n%s", err, out)
	}
	w, err := conformance.StartWrangler(conformance.WranglerConfig{Root: root, Dir: t.TempDir(), Config: "selftest/wrangler.jsonc"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	resp, err := http.Get("http://" + w.Addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	out := string(b)
	if resp.StatusCode != 200 || !strings.HasPrefix(out, "exit 0\n") || strings.Count(out, "--- PASS") < 3 || strings.Contains(out, "--- SKIP") {
		t.Fatalf("the store's tests inside the Durable Object: HTTP %d\n%s", resp.StatusCode, out)
	}
	t.Logf("inside the Durable Object:\n%s", out)
}
