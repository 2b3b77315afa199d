package main

import (
	"context"
	"crypto/ecdsa"
	"flag"
	"fmt"
	"os"

	"github.com/ethereum/go-ethereum/common"

	"github.com/leash-wallet/leash/chain/registry"
	"github.com/leash-wallet/leash/chain/rpcchain"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/internal/userkey"
	"github.com/leash-wallet/leash/wire"
)

// cmdPolicyPublish: `leash policy publish --rpc URL --registry ADDR --vk FILE
// [--typed-vk FILE] (--mnemonic-file FILE|- [--index N] | --keystore FILE)
// POLICY` commits (C, vkHash) on chain, signed with the user's key, and with
// --typed-vk also the typed-data key's hash (signers sign typed data only
// while it is published); `--revoke` revokes the policy instead (the kill
// switch: transactions and signatures). With --typed-only only the
// typed-data key's entry changes: `--typed-only --typed-vk FILE` publishes
// (or replaces) its hash without a policy, and `--revoke --typed-only`
// revokes it (signatures stop, transactions go on).
func cmdPolicyPublish(ctx context.Context, args []string) int {
	fs := newFlags("policy publish")
	rf := addRegistryFlags(fs, "the account's commitment")
	vkPath := fs.String("vk", "", "verifying key (policy.vk)")
	typedPath := fs.String("typed-vk", "", "the typed-data circuit's verifying key (typed.vk): publish its hash too, for policies with signature rules")
	typedOnly := fs.Bool("typed-only", false, "change only the typed-data key's entry: publish --typed-vk's hash (no POLICY, no --vk), or with --revoke revoke it (signatures stop, transactions go on)")
	err := fs.Parse(args)
	var ok bool
	switch {
	case err != nil || !rf.complete(fs):
	case *typedOnly && *rf.revoke:
		ok = fs.NArg() == 0 && *vkPath == "" && *typedPath == ""
	case *typedOnly:
		ok = fs.NArg() == 0 && *vkPath == "" && *typedPath != ""
	case *rf.revoke:
		ok = fs.NArg() == 0 && *vkPath == "" && *typedPath == ""
	default:
		ok = fs.NArg() == 1 && *vkPath != ""
	}
	if !ok {
		fmt.Fprintln(os.Stderr, "usage: leash policy publish --registry ADDR --vk FILE [--typed-vk FILE] (--mnemonic-file FILE|- [--index N] | --keystore FILE) [--rpc URL] POLICY\n"+
			"       leash policy publish --typed-only --typed-vk FILE --registry ADDR (--mnemonic-file FILE|- [--index N] | --keystore FILE) [--rpc URL]\n"+
			"       leash policy publish --revoke [--typed-only] --registry ADDR (--mnemonic-file FILE|- [--index N] | --keystore FILE) [--rpc URL]")
		return exitUsage
	}
	return rf.run(func(key *ecdsa.PrivateKey, reg common.Address) (map[string]any, error) {
		switch {
		case *rf.revoke && *typedOnly:
			h, err := registry.RevokeProgram(ctx, *rf.rpc, reg, key, rpcchain.TypedKeyID)
			return map[string]any{"typedRevoked": true, "tx": h}, err
		case *rf.revoke:
			h, err := registry.Revoke(ctx, *rf.rpc, reg, key)
			return map[string]any{"revoked": true, "tx": h}, err
		case *typedOnly:
			tvk, err := loadWith(*typedPath, "typed-data verifying key", verify.LoadTypedVerifyingKey)
			if err != nil {
				return nil, err
			}
			h, err := registry.PublishProgram(ctx, *rf.rpc, reg, key, rpcchain.TypedKeyID, tvk.Hash())
			return map[string]any{"typedVKHash": tvk.Hash(), "typedTx": h}, err
		}
		pol, err := loadPolicy(fs.Arg(0))
		if err != nil {
			return nil, err
		}
		vk, err := loadVK(*vkPath)
		if err != nil {
			return nil, err
		}
		var typedHash *wire.Hash32
		if *typedPath != "" {
			tvk, err := loadWith(*typedPath, "typed-data verifying key", verify.LoadTypedVerifyingKey)
			if err != nil {
				return nil, err
			}
			h := tvk.Hash()
			typedHash = &h
		}
		h, err := registry.Publish(ctx, *rf.rpc, reg, key, pol.Commitment(), vk.Hash())
		out := map[string]any{"commitment": pol.Commitment(), "vkHash": vk.Hash(), "tx": h}
		if err != nil || typedHash == nil {
			return out, err
		}
		th, err := registry.PublishProgram(ctx, *rf.rpc, reg, key, rpcchain.TypedKeyID, *typedHash)
		out["typedVKHash"], out["typedTx"] = *typedHash, th
		return out, err
	})
}

// registryFlags are the flags of every command that writes to the
// PolicyRegistry with the user's key.
type registryFlags struct {
	rpc, reg *string
	key      *userkey.Source
	revoke   *bool
}

func addRegistryFlags(fs *flag.FlagSet, what string) *registryFlags {
	return &registryFlags{
		rpc:    fs.String("rpc", "http://127.0.0.1:8545", "chain JSON-RPC URL"),
		reg:    fs.String("registry", "", "PolicyRegistry address"),
		key:    keyFlags(fs),
		revoke: fs.Bool("revoke", false, "revoke "+what+" instead of publishing"),
	}
}

// complete reports whether the registry and exactly one key source are
// given (keyChoice says what is wrong with the key flags).
func (rf *registryFlags) complete(fs *flag.FlagSet) bool {
	return *rf.reg != "" && keyChoice(fs, rf.key)
}

// run opens the user's key (a mnemonic or a keystore, zeroed after use), runs f with it
// and the registry address, and prints f's result.
func (rf *registryFlags) run(f func(key *ecdsa.PrivateKey, reg common.Address) (map[string]any, error)) int {
	if !common.IsHexAddress(*rf.reg) {
		return fail(wire.Errorf(wire.Malformed, "--registry: not an address"))
	}
	userKey, err := rf.key.Open()
	if err != nil {
		return fail(err)
	}
	defer userKey.Close()
	var out map[string]any
	err = userKey.With(func(key *ecdsa.PrivateKey) error {
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
