package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/leash-wallet/leash/relay/bench"
	"github.com/leash-wallet/leash/relay/server"
)

// cmdRelay runs a relay node, or its load generator with `relay bench`.
func cmdRelay(ctx context.Context, args []string) int {
	if len(args) > 0 && args[0] == "bench" {
		return cmdRelayBench(ctx, args[1:])
	}
	var cfg server.Config
	fs := newFlags("relay")
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8787", "listen address")
	fs.StringVar(&cfg.DataDir, "data", "relay-data", "directory of the durable queue (bbolt)")
	fs.StringVar(&cfg.TLSCert, "tls-cert", "", "TLS certificate (PEM); serve wss:// with --tls-key")
	fs.StringVar(&cfg.TLSKey, "tls-key", "", "TLS private key (PEM)")
	fs.IntVar(&cfg.MaxConnsPerIP, "max-conns-per-ip", 0, "concurrent connections per IP (default 256)")
	fs.IntVar(&cfg.MaxConns, "max-conns", 0, "concurrent connections in total (default 50000)")
	fs.IntVar(&cfg.Limits.QueueDepth, "queue-depth", 0, "envelopes queued per recipient (default 10000)")
	fs.Float64Var(&cfg.Limits.Rate, "rate", 0, "frames per second per connection (default 2000)")
	verbose := fs.Bool("v", false, "debug logs")
	if !parseFlags(fs, args) {
		return exitUsage
	}
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		fmt.Fprintln(os.Stderr, "leash relay: --tls-cert and --tls-key go together")
		return exitUsage
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	if err := server.Run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "leash relay:", err)
		return exitFailure
	}
	return exitOK
}

// cmdRelayBench runs the load generator (see relay/bench).
func cmdRelayBench(ctx context.Context, args []string) int {
	var cfg bench.Config
	fs := newFlags("relay bench")
	fs.StringVar(&cfg.Scenario, "scenario", "load", "load | suite | idle | forwarder-serve")
	fs.StringVar(&cfg.URL, "url", "", "relay WebSocket URL (load; default: start a relay child process)")
	fs.StringVar(&cfg.Target, "target", "relay", "relay | forwarder (load)")
	fs.IntVar(&cfg.Channels, "channels", 100, "channels (one sender and one recipient each)")
	fs.Float64Var(&cfg.Rate, "rate", 1000, "messages per second in total (0: as fast as the window allows)")
	fs.IntVar(&cfg.Payload, "payload", 1024, "payload bytes")
	fs.DurationVar(&cfg.Duration, "duration", 0, "measured duration (default 5s)")
	fs.IntVar(&cfg.Window, "window", 0, "messages in flight per channel when --rate 0 (default 32)")
	fs.StringVar(&cfg.Addr, "addr", "", "listen address (forwarder-serve)")
	fs.StringVar(&cfg.Binary, "binary", "", "leash binary for child processes (default: this one)")
	fs.BoolVar(&cfg.Quick, "quick", false, "suite: shorter runs")
	if !parseFlags(fs, args) {
		return exitUsage
	}
	if err := bench.Run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "leash relay bench:", err)
		return exitFailure
	}
	return exitOK
}
