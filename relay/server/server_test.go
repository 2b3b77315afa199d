package server_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/leash-wallet/leash/relay/core"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/proto"
	"github.com/leash-wallet/leash/relay/relaytest"
	"github.com/leash-wallet/leash/relay/server"
)

// TestMain doubles as the relay child process of the chaos test.
func TestMain(m *testing.M) {
	if os.Getenv("LEASH_RELAY_CHILD") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
		defer stop()
		err := server.Run(ctx, server.Config{Addr: os.Getenv("LEASH_RELAY_ADDR"), DataDir: os.Getenv("LEASH_RELAY_DATA"),
			Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func quiet() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// node is an in-process relay on a fixed loopback port that can restart on
// the same data directory.
type node struct {
	t    *testing.T
	cfg  server.Config
	addr string
	srv  *server.Server
	done chan error
}

func suiteConfig(dir string) server.Config {
	return server.Config{DataDir: dir, Limits: relaytest.Limits, AuthTimeout: relaytest.AuthTimeout,
		PingInterval: relaytest.PingInterval, PongWait: relaytest.PongWait, Logger: quiet()}
}

func startNode(t *testing.T, cfg server.Config) *node {
	n := &node{t: t, cfg: cfg}
	if n.cfg.Addr == "" {
		n.cfg.Addr = "127.0.0.1:0"
	}
	n.start()
	t.Cleanup(n.stop)
	return n
}

func (n *node) start() {
	n.t.Helper()
	srv, err := server.New(n.cfg)
	if err != nil {
		n.t.Fatal(err)
	}
	ln, err := net.Listen("tcp", n.cfg.Addr)
	if err != nil {
		n.t.Fatal(err)
	}
	n.addr = ln.Addr().String()
	n.cfg.Addr = n.addr // restarts reuse the port
	n.srv, n.done = srv, make(chan error, 1)
	go func() { n.done <- srv.Serve(ln) }()
}

func (n *node) stop() {
	if n.srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := n.srv.Shutdown(ctx); err != nil {
		n.t.Errorf("shutdown: %v", err)
	}
	<-n.done
	n.srv = nil
}

func (n *node) url() string { return "ws://" + n.addr + "/v1/ws" }

func (n *node) metrics(t testing.TB) string {
	resp, err := http.Get("http://" + n.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func (n *node) rejected(reason string) float64 {
	v, _ := relaytest.MetricValue(n.metrics(n.t), `leash_relay_rejected_total{reason="`+reason+`"}`)
	return v
}

func TestConformance(t *testing.T) {
	n := startNode(t, suiteConfig(t.TempDir()))
	relaytest.Run(t, relaytest.Target{
		URL:      n.url(),
		Rejected: n.rejected,
		Restart:  func(t *testing.T) { n.stop(); n.start() },
	})
}

func TestHealthAndMetrics(t *testing.T) {
	n := startNode(t, suiteConfig(t.TempDir()))
	resp, err := http.Get("http://" + n.addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"ok":true`) {
		t.Fatalf("healthz %d %s", resp.StatusCode, b)
	}
	m := n.metrics(t)
	for _, name := range []string{"leash_relay_links", "leash_relay_stored_total", `leash_relay_rejected_total{reason="slow_consumer"}`, "process_resident_memory_bytes"} {
		if _, ok := relaytest.MetricValue(m, name); !ok {
			t.Errorf("metric %s missing", name)
		}
	}
	// Every series of the relay's own is leash_relay_*; the rest come from
	// the Go and process collectors.
	for _, line := range strings.Split(m, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if name := line[:strings.IndexAny(line+" ", "{ ")]; !strings.HasPrefix(name, "leash_relay_") &&
			!strings.HasPrefix(name, "go_") && !strings.HasPrefix(name, "process_") {
			t.Errorf("metric %s: the relay's series are named leash_relay_*", name)
		}
	}
}

func TestSlowConsumer(t *testing.T) {
	cfg := suiteConfig(t.TempDir())
	cfg.SendQueue = 4
	n := startNode(t, cfg)
	healthy := relaytest.NewPair(t, n.url())
	before := n.rejected("slow_consumer")
	sess, sig, err := e2e.HandshakeLocal(nil)
	if err != nil {
		t.Fatal(err)
	}
	// A recipient with a tiny receive buffer that never reads.
	d := &net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 2048) })
	}}
	_ = d
	recv := dialWith(t, n.url(), d)
	recv.Auth(sig.Keys(), e2e.RoleSigner)
	sender := relaytest.DialRaw(t, n.url())
	sender.Auth(sess.Keys(), e2e.RoleAgent)
	payload := make([]byte, e2e.MaxPayload)
	for i := 0; i < relaytest.Limits.QueueDepth; i++ {
		env, _, _ := sess.Seal(e2e.KindData, e2e.NewMessageID(nil), 0, payload)
		if err := sender.Write(proto.Send(env)); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for n.rejected("slow_consumer") <= before {
		if time.Now().After(deadline) {
			t.Fatal("the slow consumer was not disconnected")
		}
		time.Sleep(50 * time.Millisecond)
	}
	healthy.RoundTrip(t)
}

func dialWith(t *testing.T, url string, d *net.Dialer) *relaytest.Raw {
	t.Helper()
	return relaytest.DialRawWith(t, url, d.DialContext)
}

func TestPerIPLimit(t *testing.T) {
	cfg := suiteConfig(t.TempDir())
	cfg.MaxConnsPerIP = 3
	n := startNode(t, cfg)
	for i := 0; i < 3; i++ {
		relaytest.DialRaw(t, n.url())
	}
	before := n.rejected("ip_limit")
	resp, err := http.Get("http://" + n.addr + "/v1/ws")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("4th connection from one IP: HTTP %d", resp.StatusCode)
	}
	if n.rejected("ip_limit") <= before {
		t.Fatal("ip_limit not counted")
	}
}

func TestGracefulShutdown(t *testing.T) {
	n := startNode(t, suiteConfig(t.TempDir()))
	s := relaytest.DialRaw(t, n.url())
	secret, _ := e2e.NewChannelSecret(nil)
	s.Auth(secret.Keys(), e2e.RoleSigner)
	go n.srv.Shutdown(context.Background())
	s.ExpectClose(proto.CloseRestart)
}

func TestStoreFailureClosesEverything(t *testing.T) {
	ms := core.NewMemStore()
	cfg := suiteConfig("")
	cfg.Store = ms
	n := startNode(t, cfg)
	p := relaytest.NewPair(t, n.url())
	ms.FailCommit = errors.New("disk on fire")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := p.Agent.Send(ctx, "proposal", relaytest.Proposal{N: 1}); err == nil {
		t.Fatal("a send was acknowledged although the store failed")
	}
	resp, err := http.Get("http://" + n.addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("healthz after a store failure: %d", resp.StatusCode)
	}
	n.srv.Shutdown(context.Background())
	<-n.done
	n.srv = nil
}

// TestChaosSIGKILL runs the relay as a real child process, kills it with
// SIGKILL twice in the middle of a stream, restarts it, and checks that the
// application received every message exactly once, in order.
func TestChaosSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos test")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	var mu sync.Mutex
	var child *exec.Cmd
	start := func() {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "LEASH_RELAY_CHILD=1", "LEASH_RELAY_ADDR="+addr, "LEASH_RELAY_DATA="+dir)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
				resp.Body.Close()
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("relay child did not come up")
			}
			time.Sleep(10 * time.Millisecond)
		}
		mu.Lock()
		child = cmd
		mu.Unlock()
	}
	kill := func() {
		mu.Lock()
		defer mu.Unlock()
		_ = child.Process.Signal(syscall.SIGKILL)
		_ = child.Wait()
	}
	start()
	t.Cleanup(kill)

	p := relaytest.NewPair(t, "ws://"+addr+"/v1/ws")
	const total = 600
	sendErr := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		for i := 1; i <= total; i++ {
			if _, err := p.Agent.Send(ctx, "proposal", relaytest.Proposal{N: i}); err != nil {
				sendErr <- fmt.Errorf("send %d: %w", i, err)
				return
			}
		}
		sendErr <- nil
	}()
	got := make([]int, 0, total)
	seen := map[int]bool{}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	kills := 0
	for len(got) < total {
		m, err := p.Signer.Receive(ctx)
		if err != nil {
			t.Fatalf("received %d of %d: %v", len(got), total, err)
		}
		var pr relaytest.Proposal
		if err := m.Decode(&pr); err != nil {
			t.Fatal(err)
		}
		if seen[pr.N] {
			t.Fatalf("duplicate delivery of %d", pr.N)
		}
		seen[pr.N] = true
		got = append(got, pr.N)
		if err := p.Signer.Ack(m); err != nil {
			t.Fatal(err)
		}
		if (len(got) == total/3 || len(got) == 2*total/3) && kills < 2 {
			kills++
			kill()
			time.Sleep(100 * time.Millisecond)
			start()
		}
	}
	if err := <-sendErr; err != nil {
		t.Fatal(err)
	}
	for i, n := range got {
		if n != i+1 {
			t.Fatalf("message %d arrived at position %d", n, i+1)
		}
	}
	p.ExpectNothing(t, 300*time.Millisecond)
	t.Logf("%d messages, %d SIGKILLs, signer connects %d, agent connects %d, duplicates dropped %d",
		total, kills, p.Signer.Stats().Connects, p.Agent.Stats().Connects, p.Signer.Stats().Duplicates)
}
