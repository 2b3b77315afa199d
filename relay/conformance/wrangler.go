package conformance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// WranglerConfig says how to run `wrangler dev` on the Worker relay.
type WranglerConfig struct {
	Root  string            // the repository root (node_modules/.bin/wrangler, relay/worker)
	Dir   string            // state, config and logs; a temporary directory when empty
	Vars  map[string]string // --var overrides (limits, timings)
	Log   io.Writer         // wrangler's output (default: Dir/wrangler.out)
	Level string            // wrangler's --log-level (default "warn"; "log" shows the Worker's console)
	// Config is the wrangler configuration, relative to relay/worker
	// (default wrangler.jsonc, the relay; selftest/wrangler.jsonc runs the
	// store's tests inside a Durable Object).
	Config string
	Ready  time.Duration // how long to wait for /healthz (default 90 s)
}

// Wrangler is a running `wrangler dev` on a free loopback port. Restart
// keeps its port and its Durable Objects' storage.
type Wrangler struct {
	cfg  WranglerConfig
	Addr string
	// Inspector is the DevTools inspector address of the running Worker.
	Inspector string
	cmd       *exec.Cmd
	done      chan error
}

// StartWrangler starts `wrangler dev` and waits until it answers /healthz.
// The Worker must be built (make relay-worker).
func StartWrangler(cfg WranglerConfig) (*Wrangler, error) {
	root, err := filepath.Abs(cfg.Root)
	if err != nil {
		return nil, err
	}
	cfg.Root = root
	if cfg.Level == "" {
		cfg.Level = "warn"
	}
	if cfg.Ready <= 0 {
		cfg.Ready = 90 * time.Second
	}
	if _, err := os.Stat(filepath.Join(cfg.Root, "relay/worker/build/app.wasm")); err != nil {
		return nil, fmt.Errorf("the Worker is not built (make relay-worker): %w", err)
	}
	if cfg.Dir == "" {
		d, err := os.MkdirTemp("", "leash-wrangler-")
		if err != nil {
			return nil, err
		}
		cfg.Dir = d
	}
	if err = os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	w := &Wrangler{cfg: cfg, Addr: fmt.Sprintf("127.0.0.1:%d", port)}
	return w, w.start()
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// URL is the relay endpoint, the same shape as the native relay's.
func (w *Wrangler) URL() string { return "ws://" + w.Addr + "/v1/ws" }

func (w *Wrangler) start() error {
	inspector, err := freePort()
	if err != nil {
		return err
	}
	_, port, _ := net.SplitHostPort(w.Addr)
	w.Inspector = fmt.Sprintf("127.0.0.1:%d", inspector)
	args := []string{"dev", "--ip", "127.0.0.1", "--port", port, "--inspector-port", fmt.Sprint(inspector),
		"--persist-to", filepath.Join(w.cfg.Dir, "state"), "--show-interactive-dev-session=false", "--log-level", w.cfg.Level}
	if w.cfg.Config != "" {
		args = append(args, "--config", w.cfg.Config)
	}
	for k, v := range w.cfg.Vars {
		args = append(args, "--var", k+":"+v)
	}
	cmd := exec.Command(filepath.Join(w.cfg.Root, "node_modules/.bin/wrangler"), args...)
	cmd.Dir = filepath.Join(w.cfg.Root, "relay/worker")
	cmd.Env = append(os.Environ(),
		"WRANGLER_SEND_METRICS=false", "WRANGLER_SEND_ERROR_REPORTS=false", "CLOUDFLARE_CF_FETCH_ENABLED=false",
		"XDG_CONFIG_HOME="+filepath.Join(w.cfg.Dir, "config"), "WRANGLER_LOG_PATH="+filepath.Join(w.cfg.Dir, "logs"),
		"WRANGLER_REGISTRY_PATH="+filepath.Join(w.cfg.Dir, "registry"), "WRANGLER_CACHE_DIR="+filepath.Join(w.cfg.Dir, "cache"))
	out := w.cfg.Log
	if out == nil {
		f, err := os.OpenFile(filepath.Join(w.cfg.Dir, "wrangler.out"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // wrangler starts workerd: stop the group
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start wrangler: %w", err)
	}
	w.cmd, w.done = cmd, make(chan error, 1)
	go func() { w.done <- cmd.Wait() }()
	deadline := time.Now().Add(w.cfg.Ready)
	for time.Now().Before(deadline) {
		select {
		case err := <-w.done:
			w.done <- err
			return fmt.Errorf("wrangler dev exited before it was ready (%v); output in %s", err, w.cfg.Dir)
		default:
		}
		if healthy("http://" + w.Addr + "/healthz") {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	w.Stop()
	return fmt.Errorf("wrangler dev did not answer /healthz within %s; output in %s", w.cfg.Ready, w.cfg.Dir)
}

func healthy(url string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode == 200 && strings.Contains(string(b), `"ok":true`)
}

// Stop ends wrangler and workerd (the process group it started).
func (w *Wrangler) Stop() {
	if w.cmd == nil {
		return
	}
	pgid := w.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-w.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-w.done
	}
	w.cmd = nil
}

// Restart stops wrangler and starts it again on the same port and state.
func (w *Wrangler) Restart() error {
	w.Stop()
	var err error
	for range 20 { // the port may linger for a moment
		if err = w.start(); err == nil || !errors.Is(err, syscall.EADDRINUSE) {
			return err
		}
		time.Sleep(200 * time.Millisecond)
	}
	return err
}

// Dir is where wrangler keeps its state, configuration and logs.
func (w *Wrangler) Dir() string { return w.cfg.Dir }

// CPUTime is the CPU time (user + system) used so far by wrangler and its
// workerd processes: the whole process group, dev proxy included. Linux
// only (/proc).
func (w *Wrangler) CPUTime() (time.Duration, error) {
	if w.cmd == nil {
		return 0, errors.New("wrangler is not running")
	}
	pgid := w.cmd.Process.Pid
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	var ticks int64
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// Fields after the command name (which may hold spaces): state is
		// field 3; pgrp 5; utime 14; stime 15.
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 13 {
			continue
		}
		if pg, _ := strconv.Atoi(f[2]); pg != pgid {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + st
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil // USER_HZ is 100 on Linux
}
