package main

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"os"

	"github.com/ethereum/go-ethereum/common"

	"github.com/leash-wallet/leash/chain/registry"
	"github.com/leash-wallet/leash/wire"
)

// cmdPolicyPublish: `leash policy publish --rpc URL --registry ADDR --vk FILE
// (--mnemonic-file FILE|- [--index N] | --keystore FILE) POLICY` commits (C, vkHash) on chain,
// signed with the user's key; `--revoke` revokes instead (the kill switch).
func cmdPolicyPublish(ctx context.Context, args []string) int {
	fs := newFlags("policy publish")
	rpc := fs.String("rpc", "http://127.0.0.1:8545", "chain JSON-RPC URL")
	reg := fs.String("registry", "", "PolicyRegistry address")
	vkPath := fs.String("vk", "", "verifying key (policy.vk)")
	src := keyFlags(fs)
	revoke := fs.Bool("revoke", false, "revoke the account's commitment instead of publishing")
	if err := fs.Parse(args); err != nil || (!*revoke && fs.NArg() != 1) || *reg == "" || !keyChoice(fs, src) || (!*revoke && *vkPath == "") {
		fmt.Fprintln(os.Stderr, "usage: leash policy publish --registry ADDR --vk FILE (--mnemonic-file FILE|- [--index N] | --keystore FILE) [--rpc URL] POLICY\n"+
			"       leash policy publish --revoke --registry ADDR (--mnemonic-file FILE|- [--index N] | --keystore FILE) [--rpc URL]")
		return exitUsage
	}
	if !common.IsHexAddress(*reg) {
		return fail(wire.Errorf(wire.Malformed, "--registry: not an address"))
	}
	userKey, err := src.Open()
	if err != nil {
		return fail(err)
	}
	defer userKey.Close()
	var out map[string]any
	err = userKey.With(func(key *ecdsa.PrivateKey) error {
		if *revoke {
			h, err := registry.Revoke(ctx, *rpc, common.HexToAddress(*reg), key)
			out = map[string]any{"revoked": true, "tx": h}
			return err
		}
		pol, err := loadPolicy(fs.Arg(0))
		if err != nil {
			return err
		}
		vk, err := loadVK(*vkPath)
		if err != nil {
			return err
		}
		h, err := registry.Publish(ctx, *rpc, common.HexToAddress(*reg), key, pol.Commitment(), vk.Hash())
		out = map[string]any{"commitment": pol.Commitment(), "vkHash": vk.Hash(), "tx": h}
		return err
	})
	if err != nil {
		return fail(err)
	}
	printJSON(os.Stdout, out)
	return exitOK
}
