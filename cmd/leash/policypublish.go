package main

import (
	"context"
	"crypto/ecdsa"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/leash-wallet/leash/chain/registry"
	"github.com/leash-wallet/leash/wasm/vault"
	"github.com/leash-wallet/leash/wire"
)

// cmdPolicyPublish: `leash policy publish --rpc URL --registry ADDR --vk FILE
// --mnemonic-file FILE [--index N] POLICY` commits (C, vkHash) on chain,
// signed with the user's key; `--revoke` revokes instead (the kill switch).
func cmdPolicyPublish(ctx context.Context, args []string) int {
	fs := newFlags("policy publish")
	rf := addRegistryFlags(fs, "the account's commitment")
	vkPath := fs.String("vk", "", "verifying key (policy.vk)")
	if err := fs.Parse(args); err != nil || (!*rf.revoke && fs.NArg() != 1) || !rf.complete() || (!*rf.revoke && *vkPath == "") {
		fmt.Fprintln(os.Stderr, "usage: leash policy publish --registry ADDR --vk FILE --mnemonic-file FILE [--rpc URL] [--index N] POLICY\n"+
			"       leash policy publish --revoke --registry ADDR --mnemonic-file FILE [--rpc URL] [--index N]")
		return exitUsage
	}
	return rf.run(func(key *ecdsa.PrivateKey, reg common.Address) (map[string]any, error) {
		if *rf.revoke {
			h, err := registry.Revoke(ctx, *rf.rpc, reg, key)
			return map[string]any{"revoked": true, "tx": h}, err
		}
		pol, err := loadPolicy(fs.Arg(0))
		if err != nil {
			return nil, err
		}
		vk, err := loadVK(*vkPath)
		if err != nil {
			return nil, err
		}
		h, err := registry.Publish(ctx, *rf.rpc, reg, key, pol.Commitment(), vk.Hash())
		return map[string]any{"commitment": pol.Commitment(), "vkHash": vk.Hash(), "tx": h}, err
	})
}

// registryFlags are the flags of every command that writes to the
// PolicyRegistry with the user's key.
type registryFlags struct {
	rpc, reg, mnemonic *string
	index              *uint
	revoke             *bool
}

func addRegistryFlags(fs *flag.FlagSet, what string) *registryFlags {
	return &registryFlags{
		rpc:      fs.String("rpc", "http://127.0.0.1:8545", "chain JSON-RPC URL"),
		reg:      fs.String("registry", "", "PolicyRegistry address"),
		mnemonic: fs.String("mnemonic-file", "", "file holding the user's BIP-39 mnemonic"),
		index:    fs.Uint("index", 0, "account index N of m/44'/60'/0'/0/N"),
		revoke:   fs.Bool("revoke", false, "revoke "+what+" instead of publishing"),
	}
}

func (rf *registryFlags) complete() bool { return *rf.reg != "" && *rf.mnemonic != "" }

// run derives the user's key (our BIP-39, zeroed after use), runs f with it
// and the registry address, and prints f's result.
func (rf *registryFlags) run(f func(key *ecdsa.PrivateKey, reg common.Address) (map[string]any, error)) int {
	if !common.IsHexAddress(*rf.reg) {
		return fail(wire.Errorf(wire.Malformed, "--registry: not an address"))
	}
	words, err := readFile(*rf.mnemonic)
	if err != nil {
		return fail(err)
	}
	var out map[string]any
	err = vault.WithMnemonicKey(strings.Join(strings.Fields(string(words)), " "), uint32(*rf.index), func(key *ecdsa.PrivateKey) error {
		var err error
		out, err = f(key, common.HexToAddress(*rf.reg))
		return err
	})
	if err != nil {
		return fail(err)
	}
	printJSON(os.Stdout, out)
	return exitOK
}
