// Command relayworker-bench prints the Worker relay's benchmark table: the
// bundle size (wasm gzipped, and wrangler's own upload figure), a→b latency
// and throughput through one Durable Object under `wrangler dev`, with the
// native relay (relay/server over bbolt, in this process) measured in the
// same run as the baseline, then the paper estimate of cost and capacity
// at one million paired agents (docs/relay-worker.md explains the sources).
// Run it through scripts/bench-relay-worker.sh, after make relay-worker.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/leash-wallet/leash/relay/bench"
	"github.com/leash-wallet/leash/relay/conformance"
	"github.com/leash-wallet/leash/relay/core"
	"github.com/leash-wallet/leash/relay/server"
	"github.com/leash-wallet/leash/relay/worker"
)

type config struct {
	root     string
	runs     int
	duration time.Duration
	rate     float64
	payload  int
}

func main() {
	var c config
	flag.StringVar(&c.root, "root", ".", "repository root")
	flag.IntVar(&c.runs, "runs", 3, "runs per measurement (the table shows medians)")
	flag.DurationVar(&c.duration, "duration", 3*time.Second, "measured time per run")
	flag.Float64Var(&c.rate, "rate", 200, "latency runs: messages/s on the one channel")
	flag.IntVar(&c.payload, "payload", 1024, "payload bytes")
	flag.Parse()
	root, err := filepath.Abs(c.root)
	if err == nil {
		c.root = root
		err = run(context.Background(), c)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "relayworker-bench:", err)
		os.Exit(1)
	}
}

func progress(f string, a ...any) { fmt.Fprintf(os.Stderr, "bench: "+f+"\n", a...) }

// Per-connection policy limits are raised for the benchmark so that it
// measures the relay, not the token bucket (both backends alike).
var benchLimits = core.Limits{Rate: 1e6, Burst: 1e6}

type figures struct {
	connect    time.Duration // cold: a fresh channel's first connect + auth
	p50, p99   time.Duration // open loop at c.rate
	peak       float64       // closed loop, msg/s
	lost, dups uint64
	memBytes   string
	cpuPerMsg  time.Duration // the server's CPU time per message in the closed-loop runs
}

func run(ctx context.Context, c config) error {
	wasm := filepath.Join(c.root, "relay/worker/build/app.wasm")
	raw, err := os.ReadFile(wasm)
	if err != nil {
		return fmt.Errorf("%w (make relay-worker first)", err)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	_, _ = zw.Write(raw)
	_ = zw.Close()
	tmp, err := os.MkdirTemp("", "leash-relayworker-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	progress("wrangler deploy --dry-run (bundle size)")
	upload, upGz, err := dryRun(c.root, tmp)
	if err != nil {
		return err
	}

	// Each backend twice: state on the disk (wrangler dev's default; every
	// commit is synced to this machine's disk) and in tmpfs (no disk sync:
	// closer to what the CPU alone allows).
	places := []struct{ name, dir string }{{"disk", tmp}}
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		shm, err := os.MkdirTemp("/dev/shm", "leash-relayworker-bench-")
		if err == nil {
			defer os.RemoveAll(shm)
			places = append(places, struct{ name, dir string }{"tmpfs", shm})
		}
	}
	var nat, wk []figures
	var devStart time.Duration
	for _, pl := range places {
		progress("native relay, state on %s", pl.name)
		f, err := measureNative(ctx, c, pl.dir)
		if err != nil {
			return fmt.Errorf("native: %w", err)
		}
		nat = append(nat, f)
		progress("wrangler dev, state on %s", pl.name)
		t0 := time.Now()
		w, err := conformance.StartWrangler(conformance.WranglerConfig{Root: c.root, Dir: filepath.Join(pl.dir, "wrangler"), Level: "log",
			Vars: map[string]string{worker.VarRate: "1000000", worker.VarBurst: "1000000", worker.VarLogLevel: "info"}})
		if err != nil {
			return err
		}
		devStart = time.Since(t0)
		f, err = measure(ctx, c, w.URL(), "worker", w.CPUTime)
		f.memBytes = wasmMemory(filepath.Join(w.Dir(), "wrangler.out"))
		w.Stop()
		if err != nil {
			return fmt.Errorf("worker: %w", err)
		}
		wk = append(wk, f)
	}

	ms := func(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }
	ok := func(b bool) string {
		if b {
			return "PASS"
		}
		return "FAIL"
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Leash relay on Cloudflare Workers (wrangler 4.86.0 / workerd, offline), %s, %d runs each (medians), %d-byte payloads, %s\n",
		time.Now().Format("2006-01-02"), c.runs, c.payload, loadavg())
	head := "measure"
	for _, pl := range places {
		head += "\tworker, state on " + pl.name
	}
	for _, pl := range places {
		head += "\tnative, " + pl.name
	}
	fmt.Fprintln(tw, head+"\ttarget\tverdict (worker)")
	row := func(name string, cell func(f figures) string, target string, pass func(f figures) bool) {
		line := name
		for _, f := range wk {
			line += "\t" + cell(f)
		}
		for _, f := range nat {
			if target == "" {
				line += "\t-"
			} else {
				line += "\t" + cell(f)
			}
		}
		line += "\t" + max(target, "-") + "\t"
		if pass != nil {
			for i, f := range wk {
				if i > 0 {
					line += " / "
				}
				line += ok(pass(f))
			}
		}
		fmt.Fprintln(tw, line)
	}
	same := func(v string) func(figures) string { return func(figures) string { return v } }
	line := "bundle, wrangler upload gzip"
	for range wk {
		line += fmt.Sprintf("\t%s (raw %s)", mb(upGz), mb(upload))
	}
	for range nat {
		line += "\t-"
	}
	fmt.Fprintln(tw, line+"\t≤ 3 MB (free plan)\t"+ok(upGz <= 3_000_000))
	row("app.wasm gzip -9", same(fmt.Sprintf("%s (raw %s)", mb(float64(gz.Len())), mb(float64(len(raw))))), "", nil)
	row(fmt.Sprintf("a→b p50, 1 channel at %.0f msg/s", c.rate), func(f figures) string { return ms(f.p50) }, "≤ 2 ms",
		func(f figures) bool { return f.p50 <= 2*time.Millisecond })
	row("a→b p99, same run", func(f figures) string { return ms(f.p99) }, " ", nil)
	row("msg/s through one channel (one DO), closed loop", func(f figures) string { return fmt.Sprintf("%.0f", f.peak) }, "≥ 1,000",
		func(f figures) bool { return f.peak >= 1000 })
	row("lost / duplicates (all runs)", func(f figures) string { return fmt.Sprintf("%d / %d", f.lost, f.dups) }, "0 / 0",
		func(f figures) bool { return f.lost+f.dups == 0 })
	row("cold connect+auth (new channel = new DO)", func(f figures) string { return ms(f.connect) }, " ", nil)
	row("wrangler dev CPU per message (wrangler, dev proxy, workerd)", func(f figures) string {
		return fmt.Sprintf("%.3f ms", float64(f.cpuPerMsg)/1e6)
	}, "", nil)
	row("one Go instance's wasm memory", func(f figures) string { return f.memBytes }, "", nil)
	_ = tw.Flush()
	fmt.Printf("wrangler dev start to ready: %.1f s\n", devStart.Seconds())
	fmt.Println()
	// The object's cost per wake: a cold connect is a new object (a Go
	// instance starting) plus the handshake; per event: the closed-loop
	// time per message on one object (state on disk, the conservative one).
	printEstimateWith(os.Stdout, wk[0].connect.Seconds(), 1/wk[0].peak, wk[0].peak)
	missed := upGz > 3_000_000
	for i := range wk {
		missed = missed || wk[i].lost+wk[i].dups+nat[i].lost+nat[i].dups != 0
	}
	best := wk[len(wk)-1]
	if missed || best.p50 > 2*time.Millisecond || best.peak < 1000 {
		return fmt.Errorf("a target was missed")
	}
	return nil
}

func mb(b float64) string { return fmt.Sprintf("%.2f MB", b/1e6) }

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "load unknown"
	}
	f := strings.Fields(string(b))
	return "load " + strings.Join(f[:3], " ")
}

// dryRun bundles the Worker as `wrangler deploy` would, offline, and
// returns wrangler's own upload size and its gzip size, in bytes.
func dryRun(root, tmp string) (float64, float64, error) {
	cmd := exec.Command(filepath.Join(root, "node_modules/.bin/wrangler"), "deploy", "--dry-run", "--outdir", filepath.Join(tmp, "dist"))
	cmd.Dir = filepath.Join(root, "relay/worker")
	cmd.Env = append(os.Environ(), "WRANGLER_SEND_METRICS=false", "WRANGLER_SEND_ERROR_REPORTS=false", "CLOUDFLARE_CF_FETCH_ENABLED=false",
		"XDG_CONFIG_HOME="+filepath.Join(tmp, "config"), "WRANGLER_LOG_PATH="+filepath.Join(tmp, "logs"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("wrangler deploy --dry-run: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`Total Upload: ([0-9.]+) KiB / gzip: ([0-9.]+) KiB`).FindSubmatch(out)
	if m == nil {
		return 0, 0, fmt.Errorf("no upload size in wrangler's output:\n%s", out)
	}
	a, _ := strconv.ParseFloat(string(m[1]), 64)
	b, _ := strconv.ParseFloat(string(m[2]), 64)
	return a * 1024, b * 1024, nil
}

func wasmMemory(logf string) string {
	b, _ := os.ReadFile(logf)
	m := regexp.MustCompile(`relay object started.* wasm_memory=([0-9]+)`).FindAllSubmatch(b, -1)
	if len(m) == 0 {
		return "unknown"
	}
	n, _ := strconv.ParseFloat(string(m[len(m)-1][1]), 64)
	return mb(n)
}

func measureNative(ctx context.Context, c config, tmp string) (figures, error) {
	srv, err := server.New(server.Config{DataDir: filepath.Join(tmp, "bolt"), Limits: benchLimits,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return figures{}, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return figures{}, err
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		<-done
	}()
	return measure(ctx, c, "ws://"+ln.Addr().String()+"/v1/ws", "native", nil)
}

// measure runs the latency and throughput loads c.runs times each, every
// run on a fresh channel, and keeps the medians.
func measure(ctx context.Context, c config, url, name string, cpu func() (time.Duration, error)) (figures, error) {
	var f figures
	var conn, p50, p99, perMsg []time.Duration
	var peak []float64
	for i := range c.runs {
		progress("%s: latency run %d/%d", name, i+1, c.runs)
		r, err := bench.RunLoad(ctx, bench.Load{URL: url, Channels: 1, Rate: c.rate, Payload: c.payload,
			Warmup: time.Second, Duration: c.duration, Senders: true, Receivers: true})
		if err != nil {
			return f, err
		}
		conn, p50, p99 = append(conn, r.Connect), append(p50, r.P50), append(p99, r.P99)
		f.lost, f.dups = f.lost+r.Lost, f.dups+r.Duplicates
		progress("%s: throughput run %d/%d", name, i+1, c.runs)
		var cpu0 time.Duration
		if cpu != nil {
			cpu0, _ = cpu()
		}
		r, err = bench.RunLoad(ctx, bench.Load{URL: url, Channels: 1, Window: 128, Payload: c.payload,
			Warmup: time.Second, Duration: c.duration, Senders: true, Receivers: true})
		if err != nil {
			return f, err
		}
		if cpu != nil && r.Received > 0 {
			cpu1, _ := cpu()
			perMsg = append(perMsg, (cpu1-cpu0)/time.Duration(r.Received))
		}
		peak = append(peak, r.Throughput)
		f.lost, f.dups = f.lost+r.Lost, f.dups+r.Duplicates
	}
	f.connect, f.p50, f.p99, f.peak = median(conn), median(p50), median(p99), median(peak)
	if len(perMsg) > 0 {
		f.cpuPerMsg = median(perMsg)
	}
	return f, nil
}

func median[T int64 | float64 | time.Duration](v []T) T {
	slices.Sort(v)
	return v[len(v)/2]
}
