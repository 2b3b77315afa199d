package x402ref

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Defaults of Config's zero values.
const (
	DefaultName       = "Devnet USD Coin" // contracts.USDCName
	DefaultVersion    = "2"               // contracts.USDCVersion
	DefaultMaxTimeout = 300               // seconds, the reference default
	DefaultReadyWait  = 60 * time.Second
)

// Config configures Start. Root, RPC, Asset, PayTo, FacilitatorKey and
// Price are required.
type Config struct {
	Root           string // the repository root (tests/x402 and node_modules)
	RPC            string // the chain's JSON-RPC URL
	Asset          common.Address
	PayTo          common.Address
	FacilitatorKey []byte // 32-byte private key; its account pays the settlement gas
	Price          uint64 // GET /paid, in the asset's atomic units
	Premium        uint64 // GET /premium; default 100 × Price
	Name, Version  string // the asset's EIP-712 domain; defaults DefaultName, DefaultVersion
	MaxTimeout     uint64 // maxTimeoutSeconds; default DefaultMaxTimeout
	ReadyWait      time.Duration
}

// Server is a running reference server. Its fields are the URLs and
// values of its ready line.
type Server struct {
	URL                string `json:"url"`
	Paid               string `json:"paid"`
	Premium            string `json:"premium"`
	Free               string `json:"free"`
	Facilitator        string `json:"facilitator"`
	Network            string `json:"network"`
	FacilitatorAddress string `json:"facilitatorAddress"`

	cmd  *exec.Cmd
	log  *logBuffer
	once sync.Once
	err  error
	done chan error
}

type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() > 1<<20 { // bounded: keep the first MiB
		return len(p), nil
	}
	return l.b.Write(p)
}

// Log is what the server wrote to stderr so far: one JSON line per
// payment event (verified, settled, verify_failed, …).
func (s *Server) Log() string {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	return s.log.b.String()
}

// Start launches the server and waits for its ready line.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Root == "" || cfg.RPC == "" || cfg.Price == 0 || len(cfg.FacilitatorKey) != 32 ||
		cfg.Asset == (common.Address{}) || cfg.PayTo == (common.Address{}) {
		return nil, errors.New("x402ref: Root, RPC, Asset, PayTo, a 32-byte FacilitatorKey and Price are required")
	}
	if cfg.Premium == 0 {
		cfg.Premium = 100 * cfg.Price
	}
	if cfg.Name == "" {
		cfg.Name = DefaultName
	}
	if cfg.Version == "" {
		cfg.Version = DefaultVersion
	}
	if cfg.MaxTimeout == 0 {
		cfg.MaxTimeout = DefaultMaxTimeout
	}
	if cfg.ReadyWait <= 0 {
		cfg.ReadyWait = DefaultReadyWait
	}
	cmd := exec.Command("node", filepath.Join(cfg.Root, "tests", "x402", "server.mjs"),
		"--rpc", cfg.RPC, "--asset", cfg.Asset.Hex(), "--pay-to", cfg.PayTo.Hex(),
		"--price", strconv.FormatUint(cfg.Price, 10), "--premium", strconv.FormatUint(cfg.Premium, 10),
		"--name", cfg.Name, "--version", cfg.Version, "--max-timeout", strconv.FormatUint(cfg.MaxTimeout, 10))
	cmd.Dir = cfg.Root
	cmd.Env = append(os.Environ(), "LEASH_X402_FACILITATOR_KEY=0x"+hex.EncodeToString(cfg.FacilitatorKey))
	s := &Server{cmd: cmd, log: &logBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = s.log
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("x402ref: node: %w", err)
	}
	line := make(chan []byte, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			line <- bytes.Clone(sc.Bytes())
		}
		close(line)
		for sc.Scan() { // drain
		}
		s.done <- cmd.Wait()
	}()
	fail := func(format string, args ...any) (*Server, error) {
		cmd.Process.Kill()
		<-s.done
		return nil, fmt.Errorf("x402ref: "+format+"\n%s", append(args, s.Log())...)
	}
	select {
	case l, ok := <-line:
		if !ok {
			return fail("server.mjs exited without its ready line")
		}
		if err := json.Unmarshal(l, s); err != nil {
			return fail("ready line %q: %v", l, err)
		}
	case <-time.After(cfg.ReadyWait):
		return fail("server.mjs not ready in %s", cfg.ReadyWait)
	case <-ctx.Done():
		return fail("%v", ctx.Err())
	}
	return s, nil
}

// Close stops the server (SIGTERM) and waits up to 15 s for a clean exit.
func (s *Server) Close() error {
	s.once.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-s.done:
			if err != nil {
				s.err = fmt.Errorf("x402ref: server.mjs after SIGTERM: %w", err)
			}
		case <-time.After(15 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
			s.err = errors.New("x402ref: server.mjs still running 15 s after SIGTERM (killed)")
		}
	})
	return s.err
}
