package bench

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/leash-wallet/leash/relay/server"
)

func inProcRelay(b *testing.B) string {
	srv, err := server.New(server.Config{DataDir: b.TempDir(), MaxConnsPerIP: 10000,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Shutdown(context.Background()) })
	return "ws://" + ln.Addr().String() + "/v1/ws"
}

// BenchmarkRelayOpenLoop: 1,000 channels at 5,000 msg/s in total.
func BenchmarkRelayOpenLoop(b *testing.B) {
	u := inProcRelay(b)
	for i := 0; i < b.N; i++ {
		res, err := RunLoad(context.Background(), Load{URL: u, Channels: 1000, Rate: 5000,
			Payload: 1024, Warmup: 500 * time.Millisecond, Duration: 3 * time.Second, Senders: true, Receivers: true})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(res.Throughput, "msg/s")
		b.ReportMetric(float64(res.P50)/1e6, "p50-ms")
		b.ReportMetric(float64(res.P99)/1e6, "p99-ms")
	}
}

// BenchmarkRelayPeak runs the closed-loop peak load against an in-process
// relay (for profiling; `leash relay bench --scenario suite` is the
// reference figure, with the relay in its own process).
func BenchmarkRelayPeak(b *testing.B) {
	srv, err := server.New(server.Config{DataDir: b.TempDir(), MaxConnsPerIP: 10000,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(ln)
	defer srv.Shutdown(context.Background())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := RunLoad(context.Background(), Load{URL: "ws://" + ln.Addr().String() + "/v1/ws", Channels: 100, Window: 32,
			Payload: 1024, Warmup: 500 * time.Millisecond, Duration: 2 * time.Second, Senders: true, Receivers: true})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(res.Throughput, "msg/s")
		b.ReportMetric(float64(res.P99)/1e6, "p99-ms")
	}
}

// BenchmarkForwarderPeak is the same load against the bare forwarder.
func BenchmarkForwarderPeak(b *testing.B) {
	addr := "127.0.0.1:0"
	ln, _ := net.Listen("tcp", addr)
	addr = ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go ServeForwarder(ctx, addr)
	time.Sleep(100 * time.Millisecond)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := RunLoad(context.Background(), Load{URL: "ws://" + addr + "/fwd", Forwarder: true, Channels: 100, Window: 32,
			Payload: 1024, Warmup: 500 * time.Millisecond, Duration: 2 * time.Second, Senders: true, Receivers: true})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(res.Throughput, "msg/s")
	}
}

// BenchmarkRelayDrain fills a backlog with recipients offline, then measures
// how fast 1,000 reconnecting recipients drain it.
func BenchmarkRelayDrain(b *testing.B) {
	for i := 0; i < b.N; i++ {
		u := inProcRelay(b)
		fleet := &Fleet{}
		fill, err := RunLoad(context.Background(), Load{URL: u, Channels: 1000, PerChan: 50, Window: 32, Payload: 1024,
			Duration: time.Second, Senders: true, Fleet: fleet, Drain: 30 * time.Second})
		if err != nil {
			b.Fatal(err)
		}
		drain, err := RunLoad(context.Background(), Load{URL: u, Channels: 1000, Payload: 1024, Duration: time.Second,
			Receivers: true, Fleet: fleet, Expect: fill.Stored, Drain: 30 * time.Second})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(fill.Stored)/fill.Elapsed.Seconds(), "fill-msg/s")
		b.ReportMetric(float64(drain.Received)/drain.Elapsed.Seconds(), "drain-msg/s")
	}
}
