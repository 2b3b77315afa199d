package main

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"os"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/leash-wallet/leash/internal/userkey"
	"github.com/leash-wallet/leash/wasm/ethkey"
	"github.com/leash-wallet/leash/wasm/verbs"
)

// cmdKeys: the user's key.
//   - `leash keys address (--mnemonic-file FILE|- [--index N] | --keystore FILE)`
//     prints {"address":"0x…","index":N,"path":"m/44'/60'/0'/0/N"} (EIP-55;
//     node wasm/leash.mjs keys address runs the same verbs.KeysAddress), or
//     {"address","keystore"} for a keystore.
//   - `leash keys import (--mnemonic-file FILE|- [--index N] | --keystore FILE) --out FILE [--light]`
//     seals the key into a new keystore file: {"address","keystore"}.
//   - `leash keys export (--keystore FILE | --mnemonic-file FILE|- [--index N])`
//     prints {"address","privateKey"} for another wallet.
func cmdKeys(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: leash keys address | import | export [flags] (leash help keys)")
		return exitUsage
	}
	switch args[0] {
	case "address":
		return cmdKeysAddress(args[1:])
	case "import":
		return cmdKeysImport(args[1:])
	case "export":
		return cmdKeysExport(args[1:])
	}
	fmt.Fprintf(os.Stderr, "leash keys: unknown subcommand %q (address, import, export)\n", args[0])
	return exitUsage
}

func cmdKeysAddress(args []string) int {
	fs := newFlags("keys address")
	src := keyFlags(fs)
	if !parseFlags(fs, args) || !keyChoice(fs, src) {
		return exitUsage
	}
	if src.Keystore == "" {
		out := verbs.KeysAddress(mnemonicFile(src), src.Index)
		os.Stdout.Write(out.Stdout)
		return out.Exit
	}
	k, err := src.Open()
	if err != nil {
		return fail(err)
	}
	defer k.Close()
	printJSON(os.Stdout, map[string]any{"address": ethkey.ChecksumHex(k.Address()), "keystore": src.Keystore})
	return exitOK
}

func cmdKeysImport(args []string) int {
	fs := newFlags("keys import")
	src := keyFlags(fs)
	out := fs.String("out", "", "the new keystore file (never overwritten)")
	light := fs.Bool("light", false, "scrypt n=2^12 p=6 (4 MiB, fast) instead of n=2^18 p=1 (256 MiB, about a second): weaker against password guessing")
	if !parseFlags(fs, args, "out") || !keyChoice(fs, src) {
		return exitUsage
	}
	n, p := userkey.StandardScryptN, userkey.StandardScryptP
	if *light {
		n, p = userkey.LightScryptN, userkey.LightScryptP
	}
	addr, err := userkey.WriteKeystore(*src, *out, n, p)
	if err != nil {
		return fail(err)
	}
	printJSON(os.Stdout, map[string]any{"address": ethkey.ChecksumHex(addr), "keystore": *out})
	return exitOK
}

func cmdKeysExport(args []string) int {
	fs := newFlags("keys export")
	src := keyFlags(fs)
	if !parseFlags(fs, args) || !keyChoice(fs, src) {
		return exitUsage
	}
	k, err := src.Open()
	if err != nil {
		return fail(err)
	}
	defer k.Close()
	var hex string
	if err := k.With(func(p *ecdsa.PrivateKey) error {
		hex = fmt.Sprintf("0x%x", crypto.FromECDSA(p))
		return nil
	}); err != nil {
		return fail(err)
	}
	fmt.Fprintln(os.Stderr, "warning: this is the account's private key in the clear; whoever sees it controls the account")
	printJSON(os.Stdout, map[string]any{"address": ethkey.ChecksumHex(k.Address()), "privateKey": hex})
	return exitOK
}
