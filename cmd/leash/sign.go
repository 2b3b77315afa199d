package main

import (
	"context"
	"os"

	"github.com/leash-wallet/leash/wasm/verbs"
)

// cmdSign: `leash sign (--mnemonic-file FILE|- [--index N] | --keystore
// FILE) --vk FILE --policy FILE --proposal FILE --state FILE` verifies the
// proposal with the given signer state, then prints
// {"rawTx":"0x02…","txHash","from"}. A refusal prints verify's
// {"ok":false,"code","message"} with exit 1. node wasm/leash.mjs sign runs
// the same verbs.Sign.
func cmdSign(ctx context.Context, args []string) int {
	fs := newFlags("sign")
	key := keyFlags(fs)
	vk := fs.String("vk", "", "verifying key (policy.vk)")
	pol := fs.String("policy", "", "the pinned policy JSON")
	prop := fs.String("proposal", "", "proposal JSON")
	st := fs.String("state", "", "the signer's own state {nonce, time, spent, fees, txs, tokens}")
	if !parseFlags(fs, args, "vk", "policy", "proposal", "state") || !keyChoice(fs, key) {
		return exitUsage
	}
	files := []verbs.File{verbs.ReadFile(*vk), verbs.ReadFile(*pol), verbs.ReadFile(*prop), verbs.ReadFile(*st)}
	var out verbs.Output
	if key.Keystore != "" {
		out = verbs.SignWith(keystoreKey(key), files[0], files[1], files[2], files[3])
	} else {
		out = verbs.Sign(mnemonicFile(key), key.Index, files[0], files[1], files[2], files[3])
	}
	if out.Exit != exitOK {
		hintFiles(*vk)
	}
	os.Stdout.Write(out.Stdout)
	return out.Exit
}
