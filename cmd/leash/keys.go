package main

import (
	"context"
	"fmt"
	"os"

	"github.com/leash-wallet/leash/wasm/verbs"
)

// cmdKeys: `leash keys address --mnemonic-file FILE [--index N]` prints
// {"address":"0x…","index":N,"path":"m/44'/60'/0'/0/N"} (EIP-55 checksum).
// node wasm/leash.mjs keys address runs the same verbs.KeysAddress.
func cmdKeys(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] != "address" {
		fmt.Fprintln(os.Stderr, "usage: leash keys address --mnemonic-file FILE [--index N]")
		return exitUsage
	}
	fs := newFlags("keys address")
	mnemonic := fs.String("mnemonic-file", "", "file holding the BIP-39 mnemonic")
	index := fs.Uint64("index", 0, "address index N of m/44'/60'/0'/0/N")
	if !parseFlags(fs, args[1:], "mnemonic-file") {
		return exitUsage
	}
	out := verbs.KeysAddress(verbs.ReadFile(*mnemonic), *index)
	os.Stdout.Write(out.Stdout)
	return out.Exit
}
