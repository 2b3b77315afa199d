package signer

import (
	"context"
	"testing"
	"time"

	"github.com/leash-wallet/leash/chain/ethchain"
	"github.com/leash-wallet/leash/circuits/program/programtest"
	"github.com/leash-wallet/leash/wire"
)

// BenchmarkBeforeSign is what the on-chain checks add to a decision,
// against a go-ethereum dev node over its HTTP socket: none (no registry:
// the baseline), the registry through one RPC (eth_chainId and
// commitmentOf, sent together), and through two RPCs (every read to both).
//
//	go run ./scripts/benchtable -count 5 -benchtime 200x -bench BeforeSign ./wasm/signer/
func BenchmarkBeforeSign(b *testing.B) {
	d := newDevChain(b)
	d.publish(b)
	second := ethchain.Transport(d.eth.Client())
	p := &wire.Proposal{ID: "bench", PolicyCommitment: programtest.Policy(b).Commitment()}
	for _, bc := range []struct {
		name string
		opts ChainOptions
	}{
		{"no-registry", ChainOptions{RPC: d.call}},
		{"registry-1rpc", d.options()},
		{"registry-2rpc", ChainOptions{RPC: d.call, SecondRPC: second, Registry: wire.Address(d.addrs.Registry)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := programSigner(b, NewMemStore(), bc.opts)
			s.mu.Lock()
			pn, account := s.pins, s.vault.Address()
			s.mu.Unlock()
			ctx := context.Background()
			b.ResetTimer()
			for range b.N {
				finish, err := s.beforeSign(ctx, p, pn, account)
				if err != nil {
					b.Fatal(err)
				}
				finish(false)
			}
		})
	}
}

// BenchmarkSubmit measures a proposal → signed receipt in the core, with
// and without what issue 13 added on that path: storage authentication
// (every protected write re-MACs the integrity record) and the display
// model (Inspect, what the supervised popup asks for before the user
// approves). Each iteration starts from the same stored state (pins,
// vault, a derived-key session), so every Submit signs p0 at nonce 0;
// opening the core is outside the timer.
//
//	go test -run '^$' -bench Submit -benchtime 30x ./wasm/signer
func BenchmarkSubmit(b *testing.B) {
	p0, _ := proposals(b)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	for _, c := range []struct {
		name    string
		mac     bool
		inspect bool
	}{
		{"plain", false, false},
		{"mac", true, false},
		{"mac+inspect", true, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			cfg := Config{Store: NewMemStore(), Clock: clk.Now, Authenticate: c.mac}
			s := newSignerWith(b, cfg)
			sess, err := s.UnlockSession(ctx, testPassword)
			if err != nil {
				b.Fatal(err)
			}
			snap := cfg.Store.(*MemStore)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				store := NewMemStore()
				for _, k := range snap.Keys() {
					v, _ := snap.Get(ctx, k)
					_ = store.Put(ctx, k, v)
				}
				s, err := New(ctx, Config{Store: store, Clock: clk.Now, Authenticate: c.mac})
				if err != nil {
					b.Fatal(err)
				}
				if err := s.Resume(ctx, sess); err != nil {
					b.Fatal(err)
				}
				// The pins are decoded and the verifier's tables made on
				// first use (or by the worker's idle warm-up): outside the
				// timer, as opening is.
				if err := s.Warm(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if c.inspect {
					if _, err := s.Inspect(ctx, p0); err != nil {
						b.Fatal(err)
					}
				}
				if r := s.Submit(ctx, p0); r.Status != wire.StatusSigned {
					b.Fatalf("receipt %+v", r)
				}
			}
		})
	}
}
