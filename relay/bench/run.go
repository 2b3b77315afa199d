package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
	"github.com/leash-wallet/leash/relay/e2e"
)

// Config is `leash relay bench`.
type Config struct {
	Scenario string        // load | suite | forwarder-serve
	URL      string        // load: relay or forwarder URL (default: start a child)
	Target   string        // load: relay | forwarder
	Channels int           // load
	Rate     float64       // load: messages/s in total; 0 = closed loop
	Payload  int           // load
	Duration time.Duration // load: measured time (default 5 s)
	Window   int           // load: closed-loop window per channel
	Addr     string        // forwarder-serve
	Binary   string        // leash binary for child processes (default: os.Executable)
	Quick    bool          // suite: shorter runs
}

// Run dispatches a bench scenario, printing to w.
func Run(ctx context.Context, cfg Config, w io.Writer) error {
	if cfg.Binary == "" {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		cfg.Binary = exe
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 5 * time.Second
	}
	switch cfg.Scenario {
	case "forwarder-serve":
		if err := loopbackOnly(cfg.Addr); err != nil {
			return err
		}
		return ServeForwarder(ctx, cfg.Addr)
	case "load":
		return runOne(ctx, cfg, w)
	case "suite":
		return Suite(ctx, cfg, w)
	case "idle":
		return runIdle(ctx, cfg, w)
	}
	return fmt.Errorf("unknown scenario %q (load, suite, idle, forwarder-serve)", cfg.Scenario)
}

func loopbackOnly(hostport string) error {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return fmt.Errorf("address %q: %w", hostport, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("the bench runs on loopback addresses only, not %q", host)
	}
	return nil
}

func runOne(ctx context.Context, cfg Config, w io.Writer) error {
	fwd := cfg.Target == "forwarder"
	u := cfg.URL
	if u == "" {
		var ch *child
		var err error
		if fwd {
			ch, err = startForwarder(cfg.Binary)
		} else {
			dir, derr := os.MkdirTemp("", "leash-relay-bench-")
			if derr != nil {
				return derr
			}
			defer os.RemoveAll(dir)
			ch, err = startRelay(cfg.Binary, dir, "")
		}
		if err != nil {
			return err
		}
		defer ch.stop()
		u = ch.wsURL(fwd)
	} else {
		pu, err := url.Parse(u)
		if err != nil {
			return err
		}
		if err := loopbackOnly(pu.Host); err != nil {
			return err
		}
	}
	res, err := RunLoad(ctx, Load{URL: u, Forwarder: fwd, Channels: cfg.Channels, Rate: cfg.Rate, Window: cfg.Window,
		Payload: cfg.Payload, Warmup: time.Second, Duration: cfg.Duration, Senders: true, Receivers: true})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "target=%s channels=%d rate=%.0f payload=%d duration=%s\n", cfg.Target, cfg.Channels, cfg.Rate, cfg.Payload, cfg.Duration)
	fmt.Fprintf(w, "throughput %.0f msg/s  p50 %s  p99 %s  max %s  sent %d  received %d  lost %d  duplicates %d\n",
		res.Throughput, ms(res.P50), ms(res.P99), ms(res.Max), res.Sent, res.Received, res.Lost, res.Duplicates)
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/1e6) }

// child is a relay or forwarder process of this binary.
type child struct {
	cmd   *exec.Cmd
	addr  string
	ready time.Duration // exec → /healthz answering
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func startChild(bin, addr string, args ...string) (*child, error) {
	if addr == "" {
		var err error
		if addr, err = freeAddr(); err != nil {
			return nil, err
		}
	}
	cmd := exec.Command(bin, append(args, "--addr", addr)...)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, addr: addr}
	hc := &http.Client{Timeout: 200 * time.Millisecond}
	for time.Since(start) < 15*time.Second {
		if resp, err := hc.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				c.ready = time.Since(start)
				return c, nil
			}
		}
		time.Sleep(time.Millisecond)
	}
	c.kill()
	return nil, fmt.Errorf("%s %s did not become healthy", bin, strings.Join(args, " "))
}

func startRelay(bin, dir, addr string) (*child, error) {
	return startChild(bin, addr, "relay", "--data", dir, "--max-conns-per-ip", "30000", "--max-conns", "30000")
}

func startForwarder(bin string) (*child, error) {
	return startChild(bin, "", "relay", "bench", "--scenario", "forwarder-serve")
}

func (c *child) wsURL(fwd bool) string {
	if fwd {
		return "ws://" + c.addr + "/fwd"
	}
	return "ws://" + c.addr + "/v1/ws"
}

func (c *child) kill() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	_ = c.cmd.Wait()
}

func (c *child) stop() {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		c.kill()
	}
}

// rssKiB reads VmRSS of the child.
func (c *child) rssKiB() (int64, error) {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(c.cmd.Process.Pid), "status"))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, errors.New("no VmRSS")
}

// idleConns opens n authenticated connections (n/2 channels, both roles)
// and returns them.
func idleConns(ctx context.Context, u string, n int) ([]*websocket.Conn, error) {
	r := &run{l: Load{URL: u}}
	conns := make([]*websocket.Conn, n)
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for i := 0; i < n/2; i++ {
		c, err := newChan(i)
		if err != nil {
			return nil, err
		}
		for j, role := range []e2e.Role{e2e.RoleSigner, e2e.RoleAgent} {
			wg.Add(1)
			sem <- struct{}{}
			go func(slot int, role e2e.Role) {
				defer wg.Done()
				defer func() { <-sem }()
				ws, err := r.dial(ctx, c, role)
				mu.Lock()
				defer mu.Unlock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				conns[slot] = ws
				if ws != nil {
					// Answer pings like an idle client would.
					go func() {
						for {
							if _, _, err := ws.ReadMessage(); err != nil {
								return
							}
						}
					}()
				}
			}(2*i+j, role)
		}
	}
	wg.Wait()
	return conns, firstErr
}

// runIdle measures the RSS of a relay child per idle authenticated
// connection (--channels × 2 connections).
func runIdle(ctx context.Context, cfg Config, w io.Writer) error {
	per, before, after, err := measureIdle(ctx, cfg.Binary, 2*cfg.Channels)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d idle connections: %.1f KiB RSS each (%d → %d MiB)\n", 2*cfg.Channels, per, before/1024, after/1024)
	return nil
}

func measureIdle(ctx context.Context, bin string, n int) (per float64, before, after int64, err error) {
	dir, err := os.MkdirTemp("", "leash-relay-idle-")
	if err != nil {
		return 0, 0, 0, err
	}
	defer os.RemoveAll(dir)
	relay, err := startRelay(bin, dir, "")
	if err != nil {
		return 0, 0, 0, err
	}
	defer relay.kill()
	time.Sleep(500 * time.Millisecond)
	if before, err = relay.rssKiB(); err != nil {
		return 0, 0, 0, err
	}
	conns, err := idleConns(ctx, relay.wsURL(false), n)
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	}()
	if err != nil {
		return 0, 0, 0, fmt.Errorf("idle connections: %w", err)
	}
	time.Sleep(2 * time.Second)
	if after, err = relay.rssKiB(); err != nil {
		return 0, 0, 0, err
	}
	return float64(after-before) / float64(n), before, after, nil
}
