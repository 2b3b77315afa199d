package signer

import (
	"context"
	"encoding/json"
	"math/big"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/wire"
)

const (
	testMnemonic = "test test test test test test test test test test test junk"
	testAddress  = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
	testPassword = "correct horse battery staple"
	t0           = 1795564800 // inside the example policy's validity
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// proposals are proven once per test process: p0 spends tx-ok's value at
// nonce 0 with an empty window, p1 the same at nonce 1 after p0.
var (
	fxOnce sync.Once
	fxP0   []byte
	fxP1   []byte
)

func proposals(t testing.TB) (p0, p1 []byte) {
	t.Helper()
	fxOnce.Do(func() {
		pol := policytest.Policy(t)
		tx := policytest.Tx(t, "tx-ok")
		a := policytest.Proposal(t, pol, tx, &wire.State{Nonce: 0, Time: t0})
		a.ID = "p0"
		tx1 := *tx
		tx1.Nonce = 1
		st1 := &wire.State{Nonce: 1, Time: t0}
		pol.Count(st1, tx) // the window after p0
		b := policytest.Proposal(t, pol, &tx1, st1)
		b.ID = "p1"
		fxP0, _ = json.Marshal(a)
		fxP1, _ = json.Marshal(b)
	})
	if fxP0 == nil {
		t.Fatal("fixture proposals failed")
	}
	return fxP0, fxP1
}

// withID returns a copy of a proposal document with another id (the proof
// does not bind the id, so this is still a valid proposal).
func withID(t testing.TB, raw []byte, id string) []byte {
	return edit(t, raw, func(p *wire.Proposal) { p.ID = id })
}

func edit(t testing.TB, raw []byte, f func(*wire.Proposal)) []byte {
	t.Helper()
	p, err := wire.DecodeProposal(raw)
	if err != nil {
		t.Fatal(err)
	}
	f(p)
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newSigner returns a signer over store with the example policy pinned and
// the public test mnemonic imported (locked).
func newSigner(t testing.TB, store Store, clk *fakeClock) *Signer {
	t.Helper()
	return newSignerWith(t, Config{Store: store, Clock: clk.Now})
}

// newSignerWith is newSigner with a whole Config.
func newSignerWith(t testing.TB, cfg Config) *Signer {
	t.Helper()
	ctx := context.Background()
	s, err := New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s.Status().Vault == "none" {
		if _, err := s.ImportVault(ctx, testMnemonic, testPassword, false); err != nil {
			t.Fatal(err)
		}
	}
	if s.Status().PolicyCommitment == nil {
		_, _, vk := policytest.Keys(t)
		if _, err := s.Pin(ctx, policytest.Example(t, "policy.json"), vk.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// ethersDecode decodes raw transactions with ethers v6 in Node.
func ethersDecode(t testing.TB, raws ...string) []map[string]any {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	args := append([]string{filepath.Join(policytest.Root(), "wasm", "test", "ethers-decode.mjs")}, raws...)
	out, err := exec.Command(node, args...).Output()
	if err != nil {
		t.Fatalf("ethers: %v", err)
	}
	var res []map[string]any
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("ethers output %s: %v", out, err)
	}
	return res
}

func bigHex(q wire.Quantity) string { return "0x" + new(big.Int).Set(&q.Int).Text(16) }
