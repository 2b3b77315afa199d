package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/circuits/typedcircuit"
)

// cmdSetup: `leash setup --out DIR`, the user-side Groth16 setup.
func cmdSetup(ctx context.Context, args []string) int {
	fs := newFlags("setup")
	out := fs.String("out", "", "directory for policy.pk and policy.vk (and typed.pk, typed.vk)")
	if !parseFlags(fs, args, "out") {
		return exitUsage
	}
	fmt.Fprintln(os.Stderr, "WARNING: whoever runs the setup could forge proofs. Run it on your own machine,\n"+
		"never on the agent host; give the agent host only policy.pk.")
	start := time.Now()
	keys, err := policycircuit.Setup(func(s string) { fmt.Fprintf(os.Stderr, "[%5.1fs] %s\n", time.Since(start).Seconds(), s) })
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(os.Stderr, "[%5.1fs] writing keys to %s\n", time.Since(start).Seconds(), *out)
	if err := keys.Write(*out); err != nil {
		return fail(err)
	}
	vkPath := filepath.Join(*out, policycircuit.VerifyingKeyFile)
	vk, err := loadVK(vkPath)
	if err != nil {
		return fail(err)
	}
	// The typed-data circuit (signatures: x402 payments, permits).
	typed, err := typedcircuit.Setup(func(s string) {
		fmt.Fprintf(os.Stderr, "[%5.1fs] typed-data circuit: %s\n", time.Since(start).Seconds(), s)
	})
	if err != nil {
		return fail(err)
	}
	if err := typed.Write(*out); err != nil {
		return fail(err)
	}
	fmt.Fprintf(os.Stderr, "[%5.1fs] done\n", time.Since(start).Seconds())
	printJSON(os.Stdout, map[string]any{"provingKey": filepath.Join(*out, policycircuit.ProvingKeyFile),
		"verifyingKey": vkPath, "vkHash": vk.Hash(),
		"typedProvingKey": filepath.Join(*out, typedcircuit.ProvingKeyFile), "typedVerifyingKey": filepath.Join(*out, typedcircuit.VerifyingKeyFile)})
	return exitOK
}
