package devnet

import (
	"context"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/params"
)

// BenchmarkStart measures Start (ns/op) up to a served RPC: node, genesis,
// one sealed block, indexer ready. Close is not timed.
func BenchmarkStart(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		d, err := Start(ctx, Config{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := d.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkStartDeploy measures Start with Deploy: the standard contracts
// deployed and tokens minted to the ten accounts (28 transactions).
func BenchmarkStartDeploy(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		d, err := Start(ctx, Config{Deploy: true})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := d.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkSendToReceipt measures, over HTTP on the shared devnet, the time
// from eth_sendRawTransaction of a plain transfer to its receipt being
// served (polled back to back, so no poll interval is added).
func BenchmarkSendToReceipt(b *testing.B) {
	ctx, c := testCtx(b), dial(b, shared)
	from := shared.Accounts()[6]
	to := common.HexToAddress("0x000000000000000000000000000000000000cafe")
	for b.Loop() {
		b.StopTimer()
		tx, err := signValue(ctx, c, from, to, big.NewInt(1), big.NewInt(params.GWei))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := c.SendTransaction(ctx, tx); err != nil {
			b.Fatal(err)
		}
		for {
			_, err := c.TransactionReceipt(ctx, tx.Hash())
			if err == nil {
				break
			}
			if !errors.Is(err, ethereum.NotFound) {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkRPCBaseline is one eth_blockNumber round trip over HTTP to the
// same devnet: the floor under BenchmarkSendToReceipt.
func BenchmarkRPCBaseline(b *testing.B) {
	ctx, c := testCtx(b), dial(b, shared)
	for b.Loop() {
		if _, err := c.BlockNumber(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
