package signer

import (
	"context"
	"testing"

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
