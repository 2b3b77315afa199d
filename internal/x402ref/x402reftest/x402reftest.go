// Package x402reftest is the tests' one way to run the x402 reference
// server (internal/x402ref) on a devnet: it finds the repository and its
// Node dependencies, starts the server with the devnet's dUSDC and
// facilitator account, and stops it when the test ends. For tests only.
//
// Without node or node_modules/@x402 the tests skip, unless
// LEASH_X402_INTEROP=1 (make test sets it) makes that a failure, so they
// cannot be skipped silently.
package x402reftest

import (
	"context"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"

	"github.com/leash-wallet/leash/chain/devnet"
	"github.com/leash-wallet/leash/internal/x402ref"
)

// Root is the repository root, with node and the reference packages
// checked (skip or fail, as above).
func Root(tb testing.TB) string {
	tb.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
	_, nodeErr := exec.LookPath("node")
	_, modErr := os.Stat(filepath.Join(root, "node_modules", "@x402", "express", "package.json"))
	if nodeErr != nil || modErr != nil {
		if os.Getenv("LEASH_X402_INTEROP") == "1" {
			tb.Fatalf("x402 interop needs node and node_modules/@x402 (make deps): %v %v", nodeErr, modErr)
		}
		tb.Skip("node or node_modules/@x402 missing (make deps); LEASH_X402_INTEROP=1 makes this a failure")
	}
	return root
}

// Start runs the reference server on dn (x402ref.StartOnDevnet, Root
// filled in) until the test ends; it fails the test if the server does
// not start, or does not stop cleanly on SIGTERM.
func Start(tb testing.TB, dn *devnet.Devnet, cfg x402ref.Config) *x402ref.Server {
	tb.Helper()
	if cfg.Root == "" {
		cfg.Root = Root(tb)
	}
	srv, err := x402ref.StartOnDevnet(context.Background(), dn, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := srv.Close(); err != nil {
			tb.Error(err)
		}
	})
	return srv
}

// Balance is holder's balance of token.
func Balance(tb testing.TB, c ethereum.ContractCaller, token, holder common.Address) *big.Int {
	tb.Helper()
	b, err := x402ref.Balance(context.Background(), c, token, holder)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
