package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

type row struct {
	scenario, target, result string
	p50, p99                 time.Duration
	lost, dups               int64 // -1: not applicable
	pass                     *bool
}

func verdict(ok bool) *bool { return &ok }

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// Suite runs the relay issue's target scenarios against child processes
// and prints one table.
func Suite(ctx context.Context, cfg Config, w io.Writer) error {
	warm, dur, peakDur := time.Second, 5*time.Second, 3*time.Second
	channels, idleN, perChan := 1000, 10_000, 100
	if cfg.Quick {
		warm, dur, peakDur = 500*time.Millisecond, 2*time.Second, 2*time.Second
		idleN, perChan = 2_000, 20
	}
	startLoad := machineLoad()
	tmp, err := os.MkdirTemp("", "leash-relay-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var rows []row
	progress := func(f string, a ...any) { fmt.Fprintf(os.Stderr, "bench: "+f+"\n", a...) }
	const kib = 1024

	// 1. The transport's ceiling: a bare forwarder, closed loop.
	progress("bare forwarder peak")
	fw, err := startForwarder(cfg.Binary)
	if err != nil {
		return err
	}
	fres, err := RunLoad(ctx, Load{URL: fw.wsURL(true), Forwarder: true, Channels: 100, Window: 32, Payload: kib,
		Warmup: warm, Duration: peakDur, Senders: true, Receivers: true})
	if err != nil {
		fw.stop()
		return fmt.Errorf("forwarder: %w", err)
	}
	rows = append(rows, row{"bare gorilla forwarder peak (100 ch, window 32, 1 KiB)", "baseline",
		fmt.Sprintf("%.0f msg/s", fres.Throughput), fres.P50, fres.P99, -1, int64(fres.Duplicates), nil})
	// The same forwarder at the 5k msg/s open-loop load: the latency floor of
	// this machine and load generator, without any relay work.
	progress("bare forwarder 5k msg/s")
	f5, err := RunLoad(ctx, Load{URL: fw.wsURL(true), Forwarder: true, Channels: channels, Rate: 5000, Payload: kib,
		Warmup: warm, Duration: dur, Senders: true, Receivers: true})
	fw.stop()
	if err != nil {
		return fmt.Errorf("forwarder: %w", err)
	}
	rows = append(rows, row{"bare gorilla forwarder 5k msg/s (1,000 ch, 1 KiB)", "baseline",
		fmt.Sprintf("%.0f msg/s", f5.Throughput), f5.P50, f5.P99, -1, int64(f5.Duplicates), nil})

	// 2. Durable scenarios on one relay.
	relay, err := startRelay(cfg.Binary, tmp+"/load", "")
	if err != nil {
		return err
	}
	load := func(name, target string, l Load, pass func(Result) bool, result func(Result) string) error {
		progress("%s", name)
		l.URL, l.Senders, l.Receivers, l.Payload, l.Warmup = relay.wsURL(false), true, true, kib, warm
		l.Drain = 30 * time.Second // "lost" = stored but still not delivered 30 s after the run
		res, err := RunLoad(ctx, l)
		if err != nil {
			// A scenario that breaks is a row of the table, not the end of it.
			rows = append(rows, row{name, target, "failed: " + err.Error(), 0, 0, -1, -1, verdict(false)})
			return nil
		}
		rows = append(rows, row{name, target, result(res), res.P50, res.P99, int64(res.Lost), int64(res.Duplicates),
			verdict(pass(res) && res.Lost == 0 && res.Duplicates == 0)})
		return nil
	}
	rate := func(r Result) string { return fmt.Sprintf("%.0f msg/s", r.Throughput) }
	err = load("relay durable 5k msg/s (1,000 ch, 1 KiB)", "p99 ≤ 10 ms",
		Load{Channels: channels, Rate: 5000, Duration: dur},
		func(r Result) bool { return r.P99 <= 10*time.Millisecond && r.Throughput >= 0.95*5000 }, rate)
	if err == nil {
		err = load("relay durable 20k msg/s (100 ch, 1 KiB)", "≥ 20k msg/s, p99 ≤ 100 ms",
			Load{Channels: 100, Rate: 20000, Duration: dur},
			func(r Result) bool { return r.P99 <= 100*time.Millisecond && r.Throughput >= 0.98*20000 }, rate)
	}
	if err == nil {
		err = load("relay durable 20k msg/s (1,000 ch, 1 KiB)", "(info)",
			Load{Channels: channels, Rate: 20000, Duration: dur},
			func(r Result) bool { return true }, rate)
		if err == nil && rows[len(rows)-1].pass != nil && *rows[len(rows)-1].pass {
			rows[len(rows)-1].pass = nil
		}
	}
	if err == nil {
		err = load("relay durable peak (100 ch, window 32, 1 KiB)", "≥ 0.8 × forwarder",
			Load{Channels: 100, Window: 32, Duration: peakDur},
			func(r Result) bool { return r.Throughput >= 0.8*fres.Throughput },
			func(r Result) string {
				return fmt.Sprintf("%.0f msg/s (%.2f×)", r.Throughput, r.Throughput/fres.Throughput)
			})
	}
	if err == nil {
		// Pairing: the Noise handshake on the pairing channel, the move to
		// the session channel, the confirm, then the first proposal.
		progress("handshake to first proposal")
		n := 20
		if cfg.Quick {
			n = 8
		}
		hs, herr := HandshakeToProposal(ctx, relay.wsURL(false), n)
		if herr != nil {
			rows = append(rows, row{"pairing: handshake → first proposal received", "≤ 50 ms", "failed: " + herr.Error(), 0, 0, -1, -1, verdict(false)})
		} else {
			p50, p99 := hs[len(hs)/2], hs[len(hs)-1]
			rows = append(rows, row{fmt.Sprintf("pairing: handshake → first proposal received (n=%d)", n), "p50 ≤ 50 ms",
				fmt.Sprintf("%s median", ms(p50)), p50, p99, -1, -1, verdict(p50 <= 50*time.Millisecond)})
		}
	}
	relay.stop()
	if err != nil {
		return err
	}

	// The ratchet's cost per message, against the fixed-key baseline.
	progress("ratchet overhead")
	rt, fx, rerr := RatchetOverhead(21, 2000)
	if rerr != nil {
		return rerr
	}
	rows = append(rows, row{"ratchet seal+open per message (1 KiB)", "overhead ≤ 20 µs",
		fmt.Sprintf("%.1f µs (fixed key %.1f µs, overhead %.1f µs)", us(rt), us(fx), us(rt-fx)), 0, 0, -1, -1,
		verdict(rt-fx <= 20*time.Microsecond)})

	// 3. Idle connections.
	progress("%d idle connections", idleN)
	per, before, after, err := measureIdle(ctx, cfg.Binary, idleN)
	if err != nil {
		return err
	}
	rows = append(rows, row{fmt.Sprintf("idle connections (%d, authenticated)", idleN), "≤ 16 KiB RSS each",
		fmt.Sprintf("%.1f KiB each (%d → %d MiB)", per, before/1024, after/1024), 0, 0, -1, -1, verdict(per <= 16)})

	// 4. Outage: fill a backlog with recipients offline, SIGKILL, restart, drain.
	progress("backlog of %d messages", channels*perChan)
	dir := tmp + "/outage"
	relay, err = startRelay(cfg.Binary, dir, "")
	if err != nil {
		return err
	}
	fleet := &Fleet{}
	fill, err := RunLoad(ctx, Load{URL: relay.wsURL(false), Channels: channels, PerChan: perChan, Window: 32, Payload: kib,
		Duration: time.Second, Senders: true, Fleet: fleet, Drain: 30 * time.Second})
	if err != nil {
		relay.kill()
		return fmt.Errorf("backlog: %w", err)
	}
	rows = append(rows, row{fmt.Sprintf("backlog fill, recipients offline (%d msgs)", fill.Stored), "(info)",
		fmt.Sprintf("%.0f msg/s stored", float64(fill.Stored)/fill.Elapsed.Seconds()), 0, 0, -1, -1, nil})
	addr := relay.addr
	relay.kill()
	progress("restart after SIGKILL")
	relay, err = startRelay(cfg.Binary, dir, addr)
	if err != nil {
		return err
	}
	rows = append(rows, row{fmt.Sprintf("restart after SIGKILL (%d msgs on disk)", fill.Stored), "≤ 100 ms",
		fmt.Sprintf("%.1f ms exec → healthy", float64(relay.ready)/1e6), 0, 0, -1, -1, verdict(relay.ready <= 100*time.Millisecond)})
	progress("drain")
	drain, err := RunLoad(ctx, Load{URL: relay.wsURL(false), Channels: channels, Payload: kib, Duration: time.Second,
		Receivers: true, Fleet: fleet, Expect: fill.Stored, Drain: 60 * time.Second})
	relay.stop()
	if err != nil {
		return fmt.Errorf("drain: %w", err)
	}
	drate := float64(drain.Received) / drain.Elapsed.Seconds()
	rows = append(rows, row{fmt.Sprintf("drain after outage (%d ch reconnect)", channels), "≥ 50k msg/s",
		fmt.Sprintf("%.0f msg/s (%d in %.2fs)", drate, drain.Received, drain.Elapsed.Seconds()), 0, 0,
		int64(drain.Lost), int64(drain.Duplicates), verdict(drate >= 50_000 && drain.Lost == 0 && drain.Duplicates == 0)})

	fmt.Fprintf(w, "machine: %d CPUs; at start %s; at end %s\n", runtime.NumCPU(), startLoad, machineLoad())
	printTable(w, rows)
	return nil
}

// machineLoad describes how busy the machine is (the load generator and the
// relay share it with whatever else runs).
func machineLoad() string {
	s := "load average ?"
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			s = "load average " + strings.Join(f[:3], " ")
		}
	}
	if b, err := os.ReadFile("/proc/pressure/cpu"); err == nil {
		if f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0]); len(f) >= 3 {
			s += ", CPU pressure " + strings.TrimPrefix(f[2], "avg60=") + "% (avg60)"
		}
	}
	return s
}

func printTable(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\ttarget\tmeasured\tp50\tp99\tlost\tdup\tverdict")
	for _, r := range rows {
		lat := func(d time.Duration) string {
			if d == 0 {
				return "-"
			}
			return ms(d)
		}
		n := func(v int64) string {
			if v < 0 {
				return "-"
			}
			return fmt.Sprint(v)
		}
		v := "-"
		if r.pass != nil {
			v = map[bool]string{true: "PASS", false: "MISS"}[*r.pass]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.scenario, r.target, r.result, lat(r.p50), lat(r.p99), n(r.lost), n(r.dups), v)
	}
	tw.Flush()
}
