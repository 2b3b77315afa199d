package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/leash-wallet/leash/relay/boltstore"
	"github.com/leash-wallet/leash/relay/core"
	"github.com/leash-wallet/leash/relay/proto"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Config configures a relay node. Zero values get the defaults noted.
type Config struct {
	Addr            string        // listen address (default 127.0.0.1:8787)
	DataDir         string        // bbolt directory (required unless Store is set)
	TLSCert, TLSKey string        // serve wss:// when both are set
	Limits          core.Limits   // rules limits (see core.Limits)
	MaxConnsPerIP   int           // concurrent connections per remote IP (default 256)
	MaxConns        int           // concurrent connections in total (default 50,000)
	ReadLimit       int64         // bytes per frame (default 64 KiB)
	SendQueue       int           // frames queued per connection (default Window+SendWindow+64)
	PingInterval    time.Duration // (default 20 s)
	PongWait        time.Duration // read deadline after auth (default 45 s)
	AuthTimeout     time.Duration // (default 5 s)
	WriteTimeout    time.Duration // (default 1 s)
	ExpireInterval  time.Duration // TTL sweep period (default 5 s; expired envelopes are never delivered meanwhile)
	ShutdownTimeout time.Duration // drain budget (default 10 s)
	Logger          *slog.Logger  // default slog.Default()
	Store           core.Store    // overrides DataDir (tests)
	// Ready, when set, is called with the bound address once listening.
	Ready func(addr net.Addr)
}

func (c *Config) defaults() {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8787"
	}
	if c.MaxConnsPerIP <= 0 {
		c.MaxConnsPerIP = 256
	}
	if c.MaxConns <= 0 {
		c.MaxConns = 50_000
	}
	if c.ReadLimit <= 0 {
		c.ReadLimit = proto.MaxFrame
	}
	if c.PingInterval <= 0 {
		c.PingInterval = 20 * time.Second
	}
	if c.PongWait <= 0 {
		c.PongWait = 45 * time.Second
	}
	if c.AuthTimeout <= 0 {
		c.AuthTimeout = 5 * time.Second
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = time.Second
	}
	if c.ExpireInterval <= 0 {
		c.ExpireInterval = 5 * time.Second
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = 10 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Server is a running relay node.
type Server struct {
	cfg      Config
	hub      *core.Hub
	store    core.Store
	closeDB  func() error
	log      *slog.Logger
	upgrader websocket.Upgrader
	reg      *prometheus.Registry
	http     *http.Server

	mu      sync.Mutex
	conns   map[*wsConn]struct{}
	perIP   map[string]int
	closing bool
	gone    *sync.Cond

	shutdownOnce sync.Once
	shutdownErr  error
}

// New opens the store and builds the hub; Serve starts it.
func New(cfg Config) (*Server, error) {
	cfg.defaults()
	s := &Server{cfg: cfg, log: cfg.Logger, conns: map[*wsConn]struct{}{}, perIP: map[string]int{}}
	s.gone = sync.NewCond(&s.mu)
	s.store = cfg.Store
	if s.store == nil {
		if cfg.DataDir == "" {
			return nil, errors.New("relay: a data directory is required (--data)")
		}
		bs, err := boltstore.Open(cfg.DataDir)
		if err != nil {
			return nil, err
		}
		s.store, s.closeDB = bs, bs.Close
	}
	commitSeconds := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "leash_relay_commit_seconds", Help: "Duration of a group commit, fsync included.",
		Buckets: []float64{.0005, .001, .002, .004, .008, .016, .032, .064, .128, .256, .512},
	})
	hub, err := core.New(core.Config{Store: s.store, Limits: cfg.Limits, Logger: cfg.Logger,
		OnCommit: func(_ int, d time.Duration) { commitSeconds.Observe(d.Seconds()) }})
	if err != nil {
		return nil, err
	}
	if cfg.SendQueue <= 0 {
		s.cfg.SendQueue = hub.Limits().Window + hub.Limits().SendWindow + 64
	}
	s.hub = hub
	s.upgrader = websocket.Upgrader{
		ReadBufferSize: 1024, WriteBufferSize: 4096, WriteBufferPool: &sync.Pool{},
		HandshakeTimeout: 5 * time.Second,
		// No ambient credentials exist: a connection must prove a channel
		// secret before it can do anything, so any origin may connect.
		CheckOrigin: func(*http.Request) bool { return true },
	}
	s.reg = prometheus.NewRegistry()
	s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		commitSeconds, newStatsCollector(s))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/ws", s.serveWS)
	mux.HandleFunc("GET /healthz", s.serveHealth)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ErrorLog: slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelDebug)}
	return s, nil
}

// Hub exposes the rules core (tests, metrics).
func (s *Server) Hub() *core.Hub { return s.hub }

// Handler is the HTTP handler (/v1/ws, /healthz, /metrics).
func (s *Server) Handler() http.Handler { return s.http.Handler }

// Run listens on cfg.Addr and serves until ctx ends, then shuts down
// gracefully.
func Run(ctx context.Context, cfg Config) error {
	s, err := New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		s.closeStore()
		return fmt.Errorf("relay: %w", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- s.Serve(ln) }()
	var failed error
	select {
	case <-ctx.Done():
	case <-s.hub.Failed():
		failed = s.hub.Err()
	case err := <-errc:
		s.closeStore()
		return err
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := s.Shutdown(sctx); failed == nil {
		return err
	}
	return failed
}

// Serve accepts connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	s.log.Info("relay listening", "addr", ln.Addr().String(), "tls", s.cfg.TLSCert != "")
	if s.cfg.Ready != nil {
		s.cfg.Ready(ln.Addr())
	}
	stop := make(chan struct{})
	defer close(stop)
	go s.background(stop)
	var err error
	ln = corkListener{ln}
	if s.cfg.TLSCert != "" || s.cfg.TLSKey != "" {
		err = s.http.ServeTLS(ln, s.cfg.TLSCert, s.cfg.TLSKey)
	} else {
		err = s.http.Serve(ln)
	}
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// background pings connections and sweeps expired envelopes.
func (s *Server) background(stop chan struct{}) {
	ping := time.NewTicker(s.cfg.PingInterval)
	expire := time.NewTicker(s.cfg.ExpireInterval)
	defer ping.Stop()
	defer expire.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ping.C:
			s.mu.Lock()
			conns := make([]*wsConn, 0, len(s.conns))
			for c := range s.conns {
				conns = append(conns, c)
			}
			s.mu.Unlock()
			for _, c := range conns {
				c.schedulePing()
			}
		case now := <-expire.C:
			if n, err := s.hub.Expire(now); err != nil {
				s.log.Warn("expiry sweep failed", "err", err)
			} else if n > 0 {
				s.log.Debug("expired envelopes", "n", n)
			}
		}
	}
}

func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	s.mu.Lock()
	switch {
	case s.closing:
		s.mu.Unlock()
		http.Error(w, "relay is shutting down", http.StatusServiceUnavailable)
		return
	case s.perIP[ip] >= s.cfg.MaxConnsPerIP || len(s.conns) >= s.cfg.MaxConns:
		s.mu.Unlock()
		s.hub.Stats().Reject(core.ReasonIPLimit)
		http.Error(w, "too many connections", http.StatusTooManyRequests)
		return
	}
	s.perIP[ip]++
	s.mu.Unlock()
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.mu.Lock()
		s.dropIPLocked(ip)
		s.mu.Unlock()
		s.hub.Stats().Reject(core.ReasonMalformed)
		return
	}
	c := &wsConn{s: s, ws: ws, ip: ip, done: make(chan struct{})}
	s.mu.Lock()
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	// Return from the handler: the connection lives on its own goroutine,
	// and net/http's per-connection state is released.
	go c.readLoop()
}

func (s *Server) dropIPLocked(ip string) {
	if s.perIP[ip]--; s.perIP[ip] <= 0 {
		delete(s.perIP, ip)
	}
}

func (s *Server) untrack(c *wsConn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.dropIPLocked(c.ip)
	if len(s.conns) == 0 {
		s.gone.Broadcast()
	}
	s.mu.Unlock()
}

func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	closing, n := s.closing, len(s.conns)
	s.mu.Unlock()
	st := s.hub.Stats()
	body := map[string]any{"ok": true, "connections": n, "links": st.Links.Load(), "channels": st.Channels.Load()}
	code := http.StatusOK
	if err := s.hub.Err(); err != nil || closing {
		body["ok"] = false
		code = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

// Shutdown drains gracefully: no new connections, everything accepted is
// committed and answered, then every connection gets 1012 and the store is
// closed.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutdownOnce.Do(func() { s.shutdownErr = s.shutdown(ctx) })
	return s.shutdownErr
}

func (s *Server) shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	s.log.Info("relay draining")
	_ = s.http.Shutdown(ctx) // listener and idle HTTP connections; upgraded ones are ours
	err := s.hub.Shutdown(ctx)
	s.mu.Lock()
	for c := range s.conns {
		c.Close(proto.CloseRestart, "relay restarting")
	}
	done := make(chan struct{})
	go func() {
		s.mu.Lock()
		for len(s.conns) > 0 {
			s.gone.Wait()
		}
		s.mu.Unlock()
		close(done)
	}()
	s.mu.Unlock()
	select {
	case <-done:
	case <-ctx.Done():
		s.mu.Lock()
		for c := range s.conns {
			_ = c.ws.Close()
		}
		s.mu.Unlock()
		<-done
	}
	if cerr := s.closeStore(); err == nil {
		err = cerr
	}
	s.log.Info("relay stopped")
	return err
}

func (s *Server) closeStore() error {
	if s.closeDB != nil {
		return s.closeDB()
	}
	return nil
}

// statsCollector exposes core.Stats as Prometheus metrics.
type statsCollector struct {
	s                              *Server
	conns, links, channels, reject *prometheus.Desc
	counters                       []*prometheus.Desc
}

var counterNames = [...]string{"auth", "stored", "delivered", "acked", "expired", "commits", "commit_records"}

func newStatsCollector(s *Server) *statsCollector {
	c := &statsCollector{s: s,
		conns:    prometheus.NewDesc("leash_relay_connections", "Open WebSocket connections.", nil, nil),
		links:    prometheus.NewDesc("leash_relay_links", "Authenticated connections.", nil, nil),
		channels: prometheus.NewDesc("leash_relay_channels", "Channels held in memory.", nil, nil),
		reject:   prometheus.NewDesc("leash_relay_rejected_total", "Refused frames, sends and connections by reason.", []string{"reason"}, nil),
	}
	for _, n := range counterNames {
		c.counters = append(c.counters, prometheus.NewDesc("leash_relay_"+n+"_total", "Relay "+n+" count.", nil, nil))
	}
	return c
}

func (c *statsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.conns
	ch <- c.links
	ch <- c.channels
	ch <- c.reject
	for _, d := range c.counters {
		ch <- d
	}
}

func (c *statsCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.s.hub.Stats()
	c.s.mu.Lock()
	n := len(c.s.conns)
	c.s.mu.Unlock()
	ch <- prometheus.MustNewConstMetric(c.conns, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(c.links, prometheus.GaugeValue, float64(st.Links.Load()))
	ch <- prometheus.MustNewConstMetric(c.channels, prometheus.GaugeValue, float64(st.Channels.Load()))
	for r := core.Reason(0); r < core.NumReasons; r++ {
		ch <- prometheus.MustNewConstMetric(c.reject, prometheus.CounterValue, float64(st.Rejected[r].Load()), r.String())
	}
	vals := []uint64{st.Auths.Load(), st.Stored.Load(), st.Delivered.Load(), st.Acked.Load(), st.Expired.Load(), st.Commits.Load(), st.CommitRecords.Load()}
	for i, d := range c.counters {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(vals[i]))
	}
}
