package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/leash-wallet/leash/prover/agenthost"
)

// cmdAgentHost: `leash agent-host --keys DIR --policy FILE [--pair URI] [--rpc URL --account ADDR] [--addr] [--data DIR]`.
// --pair is needed the first time only; the pairing state is then saved,
// encrypted, under --data.
func cmdAgentHost(ctx context.Context, args []string) int {
	fs := newFlags("agent-host")
	var cfg agenthost.Config
	fs.StringVar(&cfg.Addr, "addr", agenthost.DefaultAddr, "HTTP API address (keep it on loopback)")
	fs.StringVar(&cfg.KeysDir, "keys", "", "directory holding policy.pk")
	fs.StringVar(&cfg.PolicyFile, "policy", "", "the policy JSON the signer pinned")
	fs.StringVar(&cfg.RPC, "rpc", "", "chain JSON-RPC URL, to fill nonces and fees and follow mining")
	fs.StringVar(&cfg.Account, "account", "", "the signer's account address (with --rpc)")
	fs.StringVar(&cfg.PairingURI, "pair", "", "pairing URI shown by the signer (leash:pair?…): the first start only")
	pairFile := fs.String("pair-file", "", "file holding the pairing URI (instead of --pair)")
	fs.BoolVar(&cfg.Repair, "repair", false, "pair again with a new --pair URI, replacing the saved pairing")
	fs.StringVar(&cfg.DataDir, "data", ".leash-agent", "directory for the encrypted pairing state and the Idempotency-Keys")
	fs.StringVar(&cfg.StateKey, "state-key", "", "key file of the pairing state (default DATA/state.key; LEASH_AGENT_PASSPHRASE instead uses a passphrase)")
	fs.IntVar(&cfg.Workers, "workers", 0, "concurrent proofs (default: one per core)")
	fs.Func("program", "a committed program the agent may run (repeatable; needs --rpc and its template's key in --keys)", func(v string) error {
		cfg.ProgramFiles = append(cfg.ProgramFiles, v)
		return nil
	})
	tokenFile := fs.String("token-file", "", "require `Authorization: Bearer` with the token in this file (created if missing)")
	origins := fs.String("allow-origin", "", "comma-separated web origins allowed to call the API (default: none)")
	hosts := fs.String("allow-host", "", "comma-separated Host names accepted besides loopback (default: none)")
	if !parseFlags(fs, args, "keys", "policy") {
		return exitUsage
	}
	if err := guardFlags(&cfg.Guard, *tokenFile, *origins, *hosts); err != nil {
		return fail(err)
	}
	if *pairFile != "" {
		b, err := readFile(*pairFile)
		if err != nil {
			return fail(err)
		}
		cfg.PairingURI = strings.TrimSpace(string(b))
	}
	cfg.Passphrase = os.Getenv("LEASH_AGENT_PASSPHRASE")
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	cfg.OnCode = func(code string) {
		fmt.Fprintf(os.Stderr, "\n  Pairing code: %s\n  Confirm in the signer only if it shows the same code.\n\n", code)
	}
	if err := agenthost.Run(ctx, cfg); err != nil && ctx.Err() == nil {
		return fail(err)
	}
	return exitOK
}
