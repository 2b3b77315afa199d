package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/leash-wallet/leash/chain/devnet"
)

// cmdDevnet runs the embedded dev chain (package chain/devnet) until SIGINT
// or SIGTERM. Once it serves, it prints one JSON line on stdout:
// {rpc, ws, chainId, mnemonic, accounts: [{address, privateKey}], contracts}.
func cmdDevnet(ctx context.Context, args []string) int {
	fs := newFlags("devnet")
	addr := fs.String("addr", "127.0.0.1:8545", "host:port for JSON-RPC over HTTP and WebSocket (port 0 picks a free one)")
	deploy := fs.Bool("deploy", false, "deploy the standard contracts: registry, dUSD, dETH, oracle, pool")
	verbose := fs.Bool("v", false, "log the node's messages to stderr")
	if !parseFlags(fs, args) {
		return exitUsage
	}
	cfg := devnet.Config{Addr: *addr, Deploy: *deploy}
	if *verbose {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if err := devnet.Run(ctx, cfg, func(info devnet.Info) { printJSON(os.Stdout, info) }); err != nil {
		return fail(err)
	}
	return exitOK
}
