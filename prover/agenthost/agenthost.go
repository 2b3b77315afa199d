// Package agenthost assembles the agent-host daemon: it loads the policy and
// proving key, connects to the chain and to the signer through the relay
// (pairing the first time from a pairing URI, resuming the saved, encrypted
// pairing state afterwards), and serves the daemon's HTTP API on loopback.
// The daemon keeps its Idempotency-Keys in the same data directory, so a
// retry after a restart is never proposed twice.
package agenthost

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/leash-wallet/leash/chain/ethchain"
	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programcircuit"
	"github.com/leash-wallet/leash/circuits/typedcircuit"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/prover/chainrpc"
	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/prover/httpguard"
	"github.com/leash-wallet/leash/prover/programprover"
	"github.com/leash-wallet/leash/prover/programrun"
	"github.com/leash-wallet/leash/prover/relayconn"
	"github.com/leash-wallet/leash/wire"
)

// DefaultAddr is where the API listens by default (loopback only).
const DefaultAddr = "127.0.0.1:8645"

// Config is `leash agent-host`'s configuration.
type Config struct {
	Addr       string // HTTP API address; default DefaultAddr
	KeysDir    string // holds policy.pk (and typed.pk when the policy has signature rules)
	PolicyFile string
	RPC        string // chain JSON-RPC URL; optional
	Account    string // the signer's account (0x…), needed to fill nonces from the chain
	// PairingURI pairs with the signer (the URI it shows); needed only the
	// first time: the pairing state is saved, encrypted, in DataDir.
	PairingURI string
	Repair     bool // pair again with PairingURI, replacing the saved pairing
	// DataDir holds the encrypted pairing state and the Idempotency-Keys
	// with their records (daemon.IdempotencyFile); default ./.leash-agent.
	DataDir    string
	StateKey   string // key file of the pairing state; default DataDir/state.key
	Passphrase string // instead of a key file: scrypt(passphrase)
	// OnCode shows a pairing's comparison code (default: logged).
	OnCode  func(code string)
	Workers int // concurrent proofs; default one per core
	// ProgramFiles are committed programs the agent may run (run_program);
	// each needs its template's proving key in KeysDir and RPC.
	ProgramFiles []string
	// Guard is the API's front door: loopback Host names only, no
	// cross-origin callers, and the bearer token when one is set.
	Guard  httpguard.Config
	Logger *slog.Logger
	Ready  func(addr string) // called once the API listens (tests, the demo)
	// Middleware, when set, wraps the API handler (tests check every
	// response against docs/agent-host-api.yaml with it).
	Middleware func(http.Handler) http.Handler
	// Tap, when set, receives the relay transport once paired. The demo uses
	// it to play a compromised host that sends forged proposals.
	Tap func(daemon.Transport)
}

// Run runs the daemon until ctx ends.
func Run(ctx context.Context, cfg Config) error {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.DataDir == "" {
		cfg.DataDir = ".leash-agent"
	}
	raw, err := os.ReadFile(cfg.PolicyFile)
	if err != nil {
		return err
	}
	pol, err := policy.Decode(raw)
	if err != nil {
		return err
	}
	start := time.Now()
	pk, err := policycircuit.ReadProvingKey(cfg.KeysDir)
	if err != nil {
		return fmt.Errorf("proving key: %w", err)
	}
	pr, err := prover.New(pol, pk)
	if err != nil {
		return err
	}
	if vk, err := hintKey(log, cfg.KeysDir, policycircuit.VerifyingKeyFile); err != nil {
		return err
	} else if vk != nil {
		if pr, err = pr.WithHints(vk); err != nil {
			return fmt.Errorf("%s: %w", policycircuit.VerifyingKeyFile, err)
		}
	}
	log.Info("loaded the policy and proving key", "commitment", pol.Commitment(), "ms", time.Since(start).Milliseconds())
	dcfg := daemon.Config{Policy: pol, Prover: pr, Workers: cfg.Workers, Logger: log, Guard: cfg.Guard, DataDir: cfg.DataDir}
	if len(pol.SignatureRules()) > 0 {
		// Signatures (x402 payments, permits) need the typed-data key.
		tpk, err := typedcircuit.ReadProvingKey(cfg.KeysDir)
		if err != nil {
			return fmt.Errorf("the policy has signature rules: typed-data proving key: %w (leash setup writes typed.pk)", err)
		}
		sp := prover.NewSigProver(pol, tpk)
		if vk, err := hintKey(log, cfg.KeysDir, typedcircuit.VerifyingKeyFile); err != nil {
			return err
		} else if vk != nil {
			if sp, err = sp.WithHints(vk); err != nil {
				return fmt.Errorf("%s: %w", typedcircuit.VerifyingKeyFile, err)
			}
		}
		dcfg.Signatures = sp
	}
	if cfg.RPC != "" {
		ch, err := chainrpc.Dial(ctx, cfg.RPC)
		if err != nil {
			return fmt.Errorf("chain RPC: %w", err)
		}
		defer ch.Close()
		dcfg.Chain, dcfg.Reader = ch, ch
		if cfg.Account == "" {
			return errors.New("--account (the signer's address) is required with --rpc")
		}
		if dcfg.Account, err = wire.ParseAddress(cfg.Account); err != nil {
			return err
		}
		if dcfg.Programs, err = loadPrograms(cfg, pol, ch); err != nil {
			return err
		}
	} else if len(cfg.ProgramFiles) > 0 {
		return errors.New("--program needs --rpc: a program reads its inputs on chain")
	}
	conn, err := relayconn.Connect(ctx, relayconn.Config{PairingURI: cfg.PairingURI, Repair: cfg.Repair, DataDir: cfg.DataDir,
		KeyFile: cfg.StateKey, Passphrase: cfg.Passphrase, OnCode: cfg.OnCode, Logger: log,
		Hello: map[string]any{"name": "leash agent-host", "policyCommitment": pol.Commitment()}})
	if err != nil {
		return err
	}
	defer conn.Close()
	dcfg.Transport = conn
	if cfg.Tap != nil {
		cfg.Tap(conn)
	}
	d, err := daemon.New(dcfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	h := d.Handler()
	if cfg.Middleware != nil {
		h = cfg.Middleware(h)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	// Run returns only after the daemon has (a proof under way finishes),
	// so that its data directory is released for the next start.
	ctx, stop := context.WithCancel(ctx)
	daemonDone := make(chan struct{})
	defer func() { stop(); <-daemonDone }()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	go func() { defer close(daemonDone); _ = d.Run(ctx) }()
	log.Info("agent-host API listening", "addr", ln.Addr().String())
	if cfg.Ready != nil {
		cfg.Ready(ln.Addr().String())
	}
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// loadPrograms loads each program with its template's proving key.
func loadPrograms(cfg Config, pol *policy.Policy, ch *chainrpc.Chain) ([]daemon.ProgramRunner, error) {
	var out []daemon.ProgramRunner
	for _, f := range cfg.ProgramFiles {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		prog, err := program.Decode(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		pk, err := programcircuit.ReadProvingKey(cfg.KeysDir, prog.Tmpl())
		if err != nil {
			return nil, fmt.Errorf("%s: the %s template's proving key: %w", f, prog.Tmpl().Name, err)
		}
		pr, err := programprover.New(pol, prog, pk)
		if err != nil {
			return nil, err
		}
		name := programcircuit.VerifyingKeyFile(prog.Tmpl())
		if vk, err := hintKey(cfg.Logger, cfg.KeysDir, name); err != nil {
			return nil, err
		} else if vk != nil {
			if pr, err = pr.WithHints(vk); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
		out = append(out, programrun.New(prog, pr, ethchain.New(ch.Eth())))
	}
	return out, nil
}

// hintKey reads the verifying key dir/name for a prover's residue hints
// (groth16v): the signer then verifies without the final exponentiation.
// Without the file the proofs go without hints, which the signer checks
// the old way.
func hintKey(log *slog.Logger, dir, name string) ([]byte, error) {
	vk, err := policycircuit.ReadHintKeyFile(filepath.Join(dir, name))
	if err != nil {
		return nil, fmt.Errorf("verifying key for residue hints: %w", err)
	}
	if vk == nil && log != nil {
		log.Info("no verifying key beside the proving key: proofs go without residue hints", "file", name)
	}
	return vk, nil
}
