package signer

import (
	"context"
	"encoding/json"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/leash-wallet/leash/chain/contracts"
	"github.com/leash-wallet/leash/chain/devnet"
	"github.com/leash-wallet/leash/chain/ethchain"
	"github.com/leash-wallet/leash/chain/registry"
	"github.com/leash-wallet/leash/chain/rpcchain"
	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programtest"
	"github.com/leash-wallet/leash/prover/programprover"
	"github.com/leash-wallet/leash/wire"
)

// devChain is a real go-ethereum dev node with the standard contracts, as
// the signer sees it through its RPC. The signer's account (the test
// mnemonic's first) is the devnet's account 0: the deployer, the oracle's
// owner, and the registry entry the signer checks.
type devChain struct {
	dev   *devnet.Devnet
	eth   *ethclient.Client
	addrs contracts.Addresses
	reg   *registry.Client
	call  rpcchain.Call       // the signer's RPC: ethchain's transport over the node's HTTP socket
	made  map[uint64]*wire.Tx // the last decision proven at each nonce
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// newDevChain starts a devnet for one test (its registry entries are the
// test's own).
func newDevChain(t testing.TB) *devChain {
	t.Helper()
	ctx := testCtx(t)
	dev, err := devnet.Start(ctx, devnet.Config{Deploy: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dev.Close() })
	d := &devChain{dev: dev}
	d.addrs, _ = dev.Contracts()
	if d.eth, err = dev.Dial(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.eth.Close)
	if d.reg, err = registry.Dial(ctx, dev.URL(), d.addrs.Registry); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.reg.Close)
	d.call = ethchain.Transport(d.eth.Client())
	return d
}

// options are the chain options of a signer reading this devnet, with its
// registry.
func (d *devChain) options() ChainOptions {
	return ChainOptions{RPC: d.call, Registry: wire.Address(d.addrs.Registry)}
}

// setPrice writes one oracle round (one block) and returns the block.
func (d *devChain) setPrice(t testing.TB, p *big.Int) uint64 {
	t.Helper()
	ctx := testCtx(t)
	owner, err := contracts.NewSender(ctx, d.eth, d.dev.Accounts()[0].Key) // its nonce now: the registry client sends too
	if err != nil {
		t.Fatal(err)
	}
	tx, err := owner.Send(ctx, &d.addrs.Oracle, nil, contracts.NewPriceOracle().PackSetPrice(p))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := contracts.WaitMined(ctx, d.eth, tx)
	if err != nil {
		t.Fatal(err)
	}
	return rs[0].BlockNumber.Uint64()
}

// prove reads the oracle at the head as an agent host does and proves the
// example program name's decision at nonce, at the signer's clock.
func (d *devChain) prove(t testing.TB, name string, nonce uint64) *wire.Proposal {
	t.Helper()
	return d.proveAt(t, name, nonce, 0)
}

// proveAt is prove with the inputs read at block (0: the head).
func (d *devChain) proveAt(t testing.TB, name string, nonce, block uint64) *wire.Proposal {
	t.Helper()
	prog := programtest.Program(t, name)
	pr, err := programprover.New(programtest.Policy(t), prog, programtest.Keys(t, prog.Tmpl()).PK)
	if err != nil {
		t.Fatal(err)
	}
	chain := rpcchain.New(d.call)
	if block == 0 {
		if block, err = chain.BlockNumber(testCtx(t)); err != nil {
			t.Fatal(err)
		}
	}
	inputs, err := program.ReadInputs(testCtx(t), chain, prog.Oracle, block, prog.Tmpl().Inputs)
	if err != nil {
		t.Fatal(err)
	}
	// Policy v2: the window state the signer will hold at nonce, taking
	// every decision proven below it as signed.
	pol := programtest.Policy(t)
	st := &wire.State{Nonce: wire.Uint64(nonce), Time: programtest.Now}
	for k := uint64(0); k < nonce; k++ {
		if tx := d.made[k]; tx != nil {
			pol.Count(st, tx)
		}
	}
	res, err := pr.Prove(programprover.Request{Block: block, Inputs: inputs, State: st,
		Fees: program.Fees{Nonce: nonce, Gas: 200_000, MaxFeePerGas: big.NewInt(2e9), MaxPriorityFeePerGas: big.NewInt(1e9)}})
	if err != nil {
		t.Fatal(err)
	}
	if d.made == nil {
		d.made = map[uint64]*wire.Tx{}
	}
	tx := res.Proposal.Tx
	d.made[nonce] = &tx
	res.Proposal.ID = "prog-" + name + "-" + big.NewInt(int64(block)).String() + "-" + big.NewInt(int64(nonce)).String()
	return res.Proposal
}

// publish commits the program examples' policy (with the policy circuit's
// key) and publishes the example programs with their keys, from account 0.
func (d *devChain) publish(t testing.TB, programs ...string) {
	t.Helper()
	ctx := testCtx(t)
	_, _, vk := policytest.Keys(t)
	if _, err := d.reg.Publish(ctx, d.dev.Accounts()[0].Key, programtest.Policy(t).Commitment(), vk.Hash()); err != nil {
		t.Fatal(err)
	}
	for _, name := range programs {
		prog := programtest.Program(t, name)
		if _, err := d.reg.PublishProgram(ctx, d.dev.Accounts()[0].Key, prog.Commitment(), programtest.Keys(t, prog.Tmpl()).VK.Hash()); err != nil {
			t.Fatal(err)
		}
	}
}

// programSigner is a signer unlocked with the program examples' policy
// pinned, its clock at the scenarios' Now, reading the chain with opts;
// the named example programs are pinned (they must be published).
func programSigner(t testing.TB, store Store, opts ChainOptions, programs ...string) *Signer {
	t.Helper()
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(programtest.Now, 0)}
	s, err := New(ctx, Config{Store: store, Clock: clk.Now, ChainOptions: opts})
	if err != nil {
		t.Fatal(err)
	}
	if s.Status().Vault == "none" {
		if _, err := s.ImportVault(ctx, testMnemonic, testPassword, false); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}
	_, _, vk := policytest.Keys(t)
	if _, err := s.Pin(ctx, programtest.Example(t, "policy.json"), vk.Bytes()); err != nil {
		t.Fatal(err)
	}
	for _, name := range programs {
		if _, err := s.PinProgram(ctx, programtest.Example(t, name+".json"), programtest.Keys(t, programtest.Program(t, name).Tmpl()).VK.Bytes()); err != nil {
			t.Fatalf("pin %s: %v", name, err)
		}
	}
	return s
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// lying wraps an RPC: answer, when it returns ok, replaces the real
// answer to a request (a hostile or broken endpoint); it may call real.
type lying struct {
	real   rpcchain.Call
	mu     sync.Mutex
	answer func(method string, params []any) (json.RawMessage, error, bool)
	calls  int
}

func (l *lying) call(ctx context.Context, method string, params []any) (json.RawMessage, error) {
	l.mu.Lock()
	l.calls++
	f := l.answer
	l.mu.Unlock()
	if f != nil {
		if raw, err, ok := f(method, params); ok {
			return raw, err
		}
	}
	return l.real(ctx, method, params)
}

func (l *lying) set(f func(method string, params []any) (json.RawMessage, error, bool)) {
	l.mu.Lock()
	l.answer = f
	l.mu.Unlock()
}
