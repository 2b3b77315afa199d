package main

import (
	"context"
	"os"

	"github.com/leash-wallet/leash/wasm/verbs"
)

// cmdSign: `leash sign --mnemonic-file FILE --vk FILE --policy FILE
// --proposal FILE --state FILE [--index N]` verifies the proposal with the
// given signer state, then prints {"rawTx":"0x02…","txHash","from"}. A
// refusal prints verify's {"ok":false,"code","message"} with exit 1.
// node wasm/leash.mjs sign runs the same verbs.Sign.
func cmdSign(ctx context.Context, args []string) int {
	fs := newFlags("sign")
	mnemonic := fs.String("mnemonic-file", "", "file holding the BIP-39 mnemonic")
	index := fs.Uint64("index", 0, "address index N of m/44'/60'/0'/0/N")
	vk := fs.String("vk", "", "verifying key (policy.vk)")
	pol := fs.String("policy", "", "the pinned policy JSON")
	prop := fs.String("proposal", "", "proposal JSON")
	st := fs.String("state", "", "the signer's own state {nonce, time, spent, fees, txs, tokens}")
	if !parseFlags(fs, args, "mnemonic-file", "vk", "policy", "proposal", "state") {
		return exitUsage
	}
	out := verbs.Sign(verbs.ReadFile(*mnemonic), *index, verbs.ReadFile(*vk), verbs.ReadFile(*pol),
		verbs.ReadFile(*prop), verbs.ReadFile(*st))
	os.Stdout.Write(out.Stdout)
	return out.Exit
}
