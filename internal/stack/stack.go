// Package stack starts the whole Leash system on one machine: an in-process
// dev chain with the standard contracts, the relay as a child process (so it
// can be killed and restarted), the agent-host daemon, and a signer (the
// native signer core behind signerhost) paired with it over the relay. The
// end-to-end tests and `leash demo` run on it.
package stack

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/leash-wallet/leash/chain/contracts"
	"github.com/leash-wallet/leash/chain/devnet"
	"github.com/leash-wallet/leash/chain/ethchain"
	"github.com/leash-wallet/leash/chain/registry"
	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programcircuit"
	"github.com/leash-wallet/leash/circuits/program/programverify"
	"github.com/leash-wallet/leash/circuits/typedcircuit"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/prover/agenthost"
	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/relay/client"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/wasm/signer"
	"github.com/leash-wallet/leash/wasm/signerhost"
	"github.com/leash-wallet/leash/wire"
)

// TestMnemonic is the public test mnemonic; its account 0 is the signer.
const TestMnemonic = "test test test test test test test test test test test junk"

// Config configures Start.
type Config struct {
	LeashBin string // bin/leash, for the relay child process
	KeysDir  string // policy.pk and policy.vk from `leash setup`
	WorkDir  string // scratch space (policy file, relay data, agent data)
	Logger   *slog.Logger
	OnEvent  func(signerhost.Event)                // the signer's decisions, live
	Say      func(who, format string, args ...any) // progress lines, optional
	// Program also pins the demo strategy program (a threshold rebalancer
	// on the devnet's dETH/dUSD pool, see Stack.Program) on the signer
	// side: program proposals are verified with programverify against
	// KeysDir/program-threshold.vk and the inputs re-read over the devnet
	// RPC. Without it the signer refuses program proposals.
	Program bool
	// ExtensionSigner, when set, is the path of tests/browser/signer.mjs:
	// the signer is then the real extension (dist/extension) in headless
	// Chromium, driven by that script, instead of the native signer core.
	// Stack.Signer is nil in that mode; with Program, the extension pins
	// the program and re-reads its inputs through its own RPC setting.
	ExtensionSigner string
	// AgentAddr is where the agent host's API listens; default
	// 127.0.0.1:0 (a free port).
	AgentAddr string
	// APIMiddleware, when set, wraps the agent host's API handler.
	APIMiddleware func(http.Handler) http.Handler
}

// Stack is a running system.
type Stack struct {
	cfg        Config
	Devnet     *devnet.Devnet
	Addrs      contracts.Addresses
	Policy     *policy.Policy
	PolicyFile string
	// Typed is set when KeysDir has the typed-data keys: the policy then
	// has an x402 signature rule for dUSDC and the signer pins typed.vk.
	Typed     bool
	Agent     *daemon.Client
	Signer    *signer.Signer
	Account   common.Address   // the signer's account
	Alice     common.Address   // an allowlisted payee
	AgentLink daemon.Transport // the agent host's relay link (to play a compromised host)
	KeysDir   string
	// Program is the pinned strategy program (with Config.Program), and
	// ProgramFile its document in WorkDir.
	Program     *program.Program
	ProgramFile string

	eth       *ethclient.Client
	reg       *registry.Client
	key       *ecdsa.PrivateKey
	relayAddr string
	relayCmd  *exec.Cmd
	extCmd    *exec.Cmd
	cancel    context.CancelFunc
	ctx       context.Context // the stack's, until Close
	agentStop context.CancelFunc
	agentDone chan struct{} // closed when the agent host returned
	agentErr  error         // why it returned, when not asked to (read after agentDone)
	done      chan struct{}
	running   sync.WaitGroup // the agent host and the signer host
}

// Start brings everything up; Close tears it down.
func Start(ctx context.Context, cfg Config) (s *Stack, err error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
		cfg.Logger = log
	}
	if cfg.Say == nil {
		cfg.Say = func(string, string, ...any) {}
	}
	say := cfg.Say
	ctx, cancel := context.WithCancel(ctx)
	s = &Stack{cfg: cfg, cancel: cancel, ctx: ctx, done: make(chan struct{}), KeysDir: cfg.KeysDir}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if s.Devnet, err = devnet.Start(ctx, devnet.Config{Addr: "127.0.0.1:0", Deploy: true}); err != nil {
		return s, fmt.Errorf("devnet: %w", err)
	}
	s.Addrs, _ = s.Devnet.Contracts()
	say("devnet", "chain 1337 at %s; registry, tokens, oracle and pool deployed", s.Devnet.URL())
	accts := s.Devnet.Accounts()
	s.key, s.Account, s.Alice = accts[0].Key, accts[0].Address, accts[1].Address
	if s.eth, err = s.Devnet.Dial(ctx); err != nil {
		return s, err
	}
	_, errT := os.Stat(filepath.Join(cfg.KeysDir, typedcircuit.ProvingKeyFile))
	_, errV := os.Stat(filepath.Join(cfg.KeysDir, typedcircuit.VerifyingKeyFile))
	s.Typed = errT == nil && errV == nil
	if err := s.writePolicy(); err != nil {
		return s, err
	}

	vk, err := os.ReadFile(filepath.Join(cfg.KeysDir, policycircuit.VerifyingKeyFile))
	if err != nil {
		return s, err
	}
	var commitment, vkHash wire.Hash32
	var progDoc, progVK []byte
	if cfg.Program {
		if progDoc, progVK, err = s.writeProgram(); err != nil { // the extension pins it (startWithExtension)
			return s, err
		}
	}
	if cfg.ExtensionSigner != "" {
		k, err := verify.LoadVerifyingKey(vk)
		if err != nil {
			return s, err
		}
		commitment, vkHash = s.Policy.Commitment(), k.Hash()
	} else {
		// The signer: the native signer core, unlocked, with the policy and
		// key pinned; it reads the chain (program inputs, the registry
		// before every signature, the nonce) over the devnet's RPC. No idle
		// lock: this signer has no user to unlock it again, and signing no
		// longer counts as activity (the vault's idle timer counts the
		// user's actions only).
		sigCfg := signer.Config{Store: signer.NewMemStore(), IdleTimeout: -1, ChainOptions: signer.ChainOptions{
			RPC: ethchain.Transport(s.eth.Client()), Registry: wire.Address(s.Addrs.Registry)}}
		if s.Signer, err = signer.New(ctx, sigCfg); err != nil {
			return s, err
		}
		if _, err = s.Signer.ImportVault(ctx, TestMnemonic, "demo password", false); err != nil {
			return s, err
		}
		if err = s.Signer.Unlock(ctx, "demo password"); err != nil {
			return s, err
		}
		policyJSON, _ := os.ReadFile(s.PolicyFile)
		if _, err = s.Signer.Pin(ctx, policyJSON, vk); err != nil {
			return s, err
		}
		if s.Typed {
			tvk, err := os.ReadFile(filepath.Join(cfg.KeysDir, typedcircuit.VerifyingKeyFile))
			if err != nil {
				return s, err
			}
			if _, err = s.Signer.PinTypedKey(ctx, tvk); err != nil {
				return s, err
			}
		}
		st := s.Signer.Status()
		commitment, vkHash = *st.PolicyCommitment, *st.VKHash
		say("signer", "vault unlocked for %s; policy %s and vk %s pinned", s.Account.Hex(), short(commitment.Hex()), short(vkHash.Hex()))
	}
	if s.reg, err = registry.Dial(ctx, s.Devnet.URL(), s.Addrs.Registry); err != nil {
		return s, err
	}
	if _, err = s.reg.Publish(ctx, s.key, commitment, vkHash); err != nil {
		return s, fmt.Errorf("publish: %w", err)
	}
	log.Info("policy committed on chain", "commitment", commitment, "vkHash", vkHash)
	say("registry", "commitment %s published on chain by the user's account", short(commitment.Hex()))
	if s.Typed {
		// The signer signs typed data only while its pinned typed key is
		// the one published (registry entry rpcchain.TypedKeyID).
		tvk, err := os.ReadFile(filepath.Join(cfg.KeysDir, typedcircuit.VerifyingKeyFile))
		if err != nil {
			return s, err
		}
		k, err := verify.LoadTypedVerifyingKey(tvk)
		if err != nil {
			return s, err
		}
		if _, err = s.reg.PublishTypedKey(ctx, s.key, k.Hash()); err != nil {
			return s, fmt.Errorf("publish the typed-data key: %w", err)
		}
		say("registry", "typed-data key %s published on chain", short(k.Hash().Hex()))
	}
	if s.Signer != nil {
		// The deployer's account already sent its transactions: the RPC's
		// count is beyond the nonce step of a fresh ledger, so the core
		// holds it for the user, who confirms it here once.
		if _, err := s.Signer.RefreshNonce(ctx); err != nil {
			return s, err
		}
		if h := s.Signer.Status().NonceHold; h != nil {
			if _, err := s.Signer.ConfirmNonce(ctx, uint64(h.Chain)); err != nil {
				return s, err
			}
			say("signer", "the account has sent %d transactions: next nonce %d confirmed by the user", uint64(h.Chain), uint64(h.Chain))
		}
	}
	if cfg.Program {
		// A program is pinned (and its proposals signed) only while it is
		// published with its key's hash.
		pvk, err := programverify.LoadVerifyingKey(progVK, s.Program.Tmpl())
		if err != nil {
			return s, err
		}
		if _, err = s.reg.PublishProgram(ctx, s.key, s.Program.Commitment(), pvk.Hash()); err != nil {
			return s, fmt.Errorf("publish program: %w", err)
		}
		say("registry", "program %s published on chain with its key's hash %s", short(s.Program.Commitment().Hex()), short(pvk.Hash().Hex()))
		if s.Signer != nil {
			if _, err = s.Signer.PinProgram(ctx, progDoc, progVK); err != nil {
				return s, err
			}
			say("signer", "program %s pinned (%s template, oracle %s); inputs re-read over %s",
				short(s.Program.Commitment().Hex()), s.Program.Tmpl().Name, short(s.Program.Oracle.Hex()), s.Devnet.URL())
		}
	}

	// The relay, as a child process.
	port, err := freePort()
	if err != nil {
		return s, err
	}
	s.relayAddr = fmt.Sprintf("127.0.0.1:%d", port)
	if err = s.StartRelay(); err != nil {
		return s, err
	}
	say("relay", "listening on ws://%s (a separate process, durable queue on disk)", s.relayAddr)

	if cfg.ExtensionSigner != "" {
		return s, s.startWithExtension(ctx)
	}

	// Pairing: the signer shows a URI, the agent host answers with a Noise
	// handshake, both show the comparison code, the signer confirms.
	secret, err := e2e.NewChannelSecret(nil)
	if err != nil {
		return s, err
	}
	signerKey, err := e2e.GenerateKeyPair(nil)
	if err != nil {
		return s, err
	}
	pairing := e2e.Pairing{Relay: "ws://" + s.relayAddr + "/v1/ws", Secret: secret, SignerPub: signerKey.Public,
		Exp: time.Now().Add(e2e.DefaultPairingTTL).Unix()}
	type paired struct {
		c   *client.Client
		err error
	}
	pairedC := make(chan paired, 1)
	go func() {
		c, err := client.AcceptPairing(ctx, client.Config{State: &client.MemState{}, Logger: log, RekeyEvery: time.Hour}, pairing, signerKey,
			func(o e2e.Offer) bool {
				log.Info("signer: the agent host asks to pair", "agentKey", o.PeerKey.Fingerprint(), "code", o.Code)
				say("pairing", "agent host key %s confirmed by the signer (comparison code %s)", o.PeerKey.Fingerprint(), o.Code)
				return true
			})
		pairedC <- paired{c, err}
	}()
	apiReady := s.startAgentHost(ctx, pairing.URI())
	var sc *client.Client
	select {
	case r := <-pairedC:
		if r.err != nil {
			return s, fmt.Errorf("pairing: %w", r.err)
		}
		sc = r.c
	case <-time.After(60 * time.Second):
		return s, errors.New("pairing timed out")
	}
	if err := s.awaitAgentHost(apiReady); err != nil {
		return s, err
	}
	s.running.Add(1)
	go func() {
		defer s.running.Done()
		defer close(s.done)
		err := signerhost.Run(ctx, signerhost.Config{Signer: s.Signer, Relay: sc, RPC: s.Devnet.URL(),
			Logger: log, OnEvent: cfg.OnEvent})
		if err != nil && ctx.Err() == nil {
			log.Error("signer host stopped", "err", err)
		}
		sc.Close()
	}()
	return s, nil
}

// startAgentHost runs the agent-host daemon paired through uri; the returned
// channel yields its API address.
func (s *Stack) startAgentHost(ctx context.Context, uri string) <-chan string {
	apiReady := make(chan string, 1)
	ctx, s.agentStop = context.WithCancel(ctx)
	done := make(chan struct{})
	s.agentDone = done
	s.running.Add(1)
	go func() {
		defer s.running.Done()
		defer close(done)
		addr := s.cfg.AgentAddr
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		var programs []string
		if s.ProgramFile != "" {
			programs = []string{s.ProgramFile}
		}
		err := agenthost.Run(ctx, agenthost.Config{Addr: addr, KeysDir: s.cfg.KeysDir, PolicyFile: s.PolicyFile, ProgramFiles: programs,
			RPC: s.Devnet.URL(), Account: s.Account.Hex(), PairingURI: uri,
			DataDir: filepath.Join(s.cfg.WorkDir, "agent"), Logger: s.cfg.Logger, Ready: func(a string) { apiReady <- a },
			Middleware: s.cfg.APIMiddleware,
			Tap:        func(t daemon.Transport) { s.AgentLink = t }})
		if err != nil && ctx.Err() == nil {
			s.cfg.Logger.Error("agent-host stopped", "err", err)
			s.agentErr = err
		}
	}()
	return apiReady
}

// RestartAgentHost stops the agent host as a redeploy would (its context
// ends; it returns once its daemon has) and starts it again over the same
// data directory, resuming the saved pairing. Stack.Agent then talks to
// the new one.
func (s *Stack) RestartAgentHost() error {
	s.agentStop()
	select {
	case <-s.agentDone:
	case <-time.After(30 * time.Second):
		return errors.New("the agent host did not stop within 30 s")
	}
	ready := s.startAgentHost(s.ctx, "")
	select {
	case addr := <-ready:
		s.Agent = &daemon.Client{BaseURL: "http://" + addr}
		return nil
	case <-s.agentDone:
		return fmt.Errorf("the restarted agent host stopped: %v", s.agentErr)
	case <-time.After(60 * time.Second):
		return errors.New("the restarted agent host's API did not come up in 60 s")
	}
}

func (s *Stack) awaitAgentHost(apiReady <-chan string) error {
	select {
	case addr := <-apiReady:
		s.Agent = &daemon.Client{BaseURL: "http://" + addr}
		s.cfg.Say("agent-host", "API on http://%s (proving key loaded)", addr)
		return nil
	case <-time.After(60 * time.Second):
		return errors.New("the agent-host API did not come up")
	}
}

// writePolicy writes the demo policy for the deployed contracts.
func (s *Stack) writePolicy() error {
	var salt [32]byte
	if _, err := rand.Read(salt[1:]); err != nil {
		return err
	}
	now := time.Now().UTC()
	pool := s.Addrs.Pool.Hex()
	tokens := []string{s.Addrs.ETH.Hex(), s.Addrs.USD.Hex()}
	doc := map[string]any{
		"version": 2, "name": "Demo agent", "chainId": 1337, "account": s.Account.Hex(),
		"notBefore": now.Add(-time.Hour).Format(time.RFC3339), "notAfter": now.Add(30 * 24 * time.Hour).Format(time.RFC3339),
		"maxValuePerTx": "1 ether", "maxFeePerTx": "0.05 ether",
		"window": map[string]any{"seconds": 86400, "maxValue": "3 ether", "maxFees": "0.2 ether", "maxTxs": 100},
		"targets": []any{
			map[string]any{"address": s.Alice.Hex(), "label": "Alice", "calls": []any{map[string]any{"fn": "transfer-value"}}},
			map[string]any{"address": s.Addrs.USD.Hex(), "label": "dUSD token", "symbol": "dUSD", "decimals": 18, "windowMax": "5000 dUSD",
				"calls": []any{
					map[string]any{"fn": "transfer(address,uint256)", "args": []any{map[string]any{"oneOf": []string{s.Alice.Hex()}},
						map[string]any{"max": "1000 dUSD", "spend": true}}},
					// The pool pulls only what a program's swap moves (counted there).
					map[string]any{"fn": "approve(address,uint256)", "args": []any{map[string]any{"eq": pool}, map[string]any{"max": "100000 dUSD"}}},
				}},
			// The strategy program's trades: swaps on the pool, for program
			// proofs only, paying the account, counted toward the input
			// token's window.
			map[string]any{"address": pool, "label": "dETH/dUSD pool", "calls": []any{map[string]any{
				"fn": "swapExactIn(address,uint256,uint256,address,uint256)", "programOnly": true,
				"args": []any{map[string]any{"oneOf": tokens}, map[string]any{"max": "1000 ether", "spend": map[string]any{"tokenArg": 0}},
					"any", map[string]any{"is": "self"}, "any"}}}},
			map[string]any{"address": s.Addrs.ETH.Hex(), "label": "dETH token", "symbol": "dETH", "decimals": 18, "windowMax": "5 dETH",
				"calls": []any{map[string]any{"fn": "approve(address,uint256)", "args": []any{map[string]any{"eq": pool}, map[string]any{"max": "100 dETH"}}}}},
		},
		"salt": "0x" + hex.EncodeToString(salt[:]),
	}
	if s.Typed {
		// x402 payments in dUSDC to Alice: at most 0.03 a payment, 0.05 a
		// day (the dUSDC window, which transfers would share), valid at most
		// 10 minutes, each nonce once.
		doc["targets"] = append(doc["targets"].([]any), map[string]any{"address": s.Addrs.USDC.Hex(), "label": "dUSDC token",
			"symbol": "dUSDC", "decimals": 6, "windowMax": "0.05 dUSDC"})
		doc["maxValidity"] = 600
		doc["signatures"] = []any{map[string]any{
			"label":       "x402 payments",
			"domain":      map[string]any{"name": contracts.USDCName, "version": contracts.USDCVersion, "chainId": 1337, "verifyingContract": s.Addrs.USDC.Hex()},
			"primaryType": "TransferWithAuthorization",
			"fields": map[string]any{"from": map[string]any{"is": "self"}, "to": map[string]any{"oneOf": []string{s.Alice.Hex()}},
				"value": map[string]any{"max": "0.03 dUSDC", "spend": true}, "validAfter": "any", "validBefore": "any", "nonce": "any"},
		}}
	}
	b, _ := json.MarshalIndent(doc, "", "  ")
	var err error
	if s.Policy, err = policy.Decode(b); err != nil {
		return err
	}
	if err := os.MkdirAll(s.cfg.WorkDir, 0o755); err != nil {
		return err
	}
	s.PolicyFile = filepath.Join(s.cfg.WorkDir, "policy.json")
	return os.WriteFile(s.PolicyFile, b, 0o644)
}

// The demo strategy program's thresholds, in the oracle's 8 decimals: it
// buys dETH below BuyBelow and sells above SellAbove.
var (
	BuyBelow  = big.NewInt(2_900_00000000)
	SellAbove = big.NewInt(3_100_00000000)
)

// writeProgram makes the demo's program (a fresh salt), writes it to the
// work dir and returns it with its template's verifying key.
func (s *Stack) writeProgram() ([]byte, []byte, error) {
	var salt [32]byte
	if _, err := rand.Read(salt[1:]); err != nil {
		return nil, nil, err
	}
	doc := map[string]any{
		"version": 2, "name": "Buy dETH dips below 2,900 dUSD, sell rallies above 3,100", "template": "threshold",
		"oracle": s.Addrs.Oracle.Hex(), "pool": s.Addrs.Pool.Hex(), "base": s.Addrs.ETH.Hex(), "quote": s.Addrs.USD.Hex(),
		"recipient": s.Account.Hex(), "priceScale": "100000000", "slippageBps": 100,
		// The trade must execute within 20 blocks of the block it read
		// (the devnet mines a block per transaction, the market maker's too).
		"deadlineBlocks": 20, "maxInputAge": 3600,
		"threshold": map[string]any{
			"buyBelow": BuyBelow.String(), "sellAbove": SellAbove.String(),
			// buy 100 dUSD + 1 dUSD per dUSD of dip, at most 500 dUSD
			"buyBase": "100 ether", "buySlope": "10000000000", "buyMax": "500 ether",
			// sell 0.05 dETH + 0.0005 dETH per dUSD of rally, at most 0.5 dETH
			"sellBase": "0.05 ether", "sellSlope": "5000000", "sellMax": "0.5 ether",
		},
		"salt": "0x" + hex.EncodeToString(salt[:]),
	}
	b, _ := json.MarshalIndent(doc, "", "  ")
	prog, err := program.Decode(b)
	if err != nil {
		return nil, nil, err
	}
	s.Program, s.ProgramFile = prog, filepath.Join(s.cfg.WorkDir, "program.json")
	if err := os.WriteFile(s.ProgramFile, b, 0o644); err != nil {
		return nil, nil, err
	}
	vkb, err := os.ReadFile(filepath.Join(s.cfg.KeysDir, programcircuit.VerifyingKeyFile(prog.Tmpl())))
	if err != nil {
		return nil, nil, fmt.Errorf("the program's verifying key (leash program setup --template %s): %w", prog.Tmpl().Name, err)
	}
	return b, vkb, nil
}

// Registry is the stack's client of the policy registry.
func (s *Stack) Registry() *registry.Client { return s.reg }

// Eth is the stack's client of the devnet.
func (s *Stack) Eth() *ethclient.Client { return s.eth }

// StartRelay starts the relay child process on the stack's fixed address
// and data directory, and waits until it answers.
func (s *Stack) StartRelay() error {
	cmd := exec.Command(s.cfg.LeashBin, "relay", "--addr", s.relayAddr, "--data", filepath.Join(s.cfg.WorkDir, "relay"))
	if err := cmd.Start(); err != nil {
		return err
	}
	s.relayCmd = cmd
	go cmd.Wait()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", s.relayAddr); err == nil {
			c.Close()
			return nil
		}
	}
	return errors.New("the relay did not start")
}

// KillRelay kills the relay with SIGKILL, as a crash would.
func (s *Stack) KillRelay() error {
	if s.relayCmd == nil || s.relayCmd.Process == nil {
		return errors.New("no relay running")
	}
	err := s.relayCmd.Process.Signal(syscall.SIGKILL)
	s.relayCmd = nil
	return err
}

// Revoke revokes the policy on chain: the kill switch.
func (s *Stack) Revoke(ctx context.Context) error {
	_, err := s.reg.Revoke(ctx, s.key)
	return err
}

// Reinstate publishes the pinned policy again after a revoke: a commit
// clears the revocation (a user who chose the same policy anew).
func (s *Stack) Reinstate(ctx context.Context) error {
	e, err := s.reg.Lookup(ctx, s.Account)
	if err != nil {
		return err
	}
	_, err = s.reg.Publish(ctx, s.key, e.Commitment, e.VKHash)
	return err
}

// Balance returns addr's native balance.
func (s *Stack) Balance(ctx context.Context, addr common.Address) (*big.Int, error) {
	return s.eth.BalanceAt(ctx, addr, nil)
}

// Close stops everything. It waits (up to 10 s) for the agent host and the
// signer host to return, so that nothing writes in WorkDir afterwards.
func (s *Stack) Close() {
	s.cancel()
	s.stopExtension()
	stopped := make(chan struct{})
	go func() { s.running.Wait(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		s.cfg.Logger.Warn("stack: the agent host or the signer host did not stop within 10 s")
	}
	if s.relayCmd != nil && s.relayCmd.Process != nil {
		s.relayCmd.Process.Signal(syscall.SIGTERM)
	}
	if s.eth != nil {
		s.eth.Close()
	}
	if s.reg != nil {
		s.reg.Close()
	}
	if s.Devnet != nil {
		s.Devnet.Close()
	}
}

func short(h string) string {
	if len(h) > 14 {
		return h[:10] + "…" + h[len(h)-4:]
	}
	return h
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
