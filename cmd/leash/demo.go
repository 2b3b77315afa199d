package main

import (
	"context"
	"fmt"
	"os"

	"github.com/leash-wallet/leash/internal/demo"
)

// cmdDemo: `leash demo --keys DIR [--work DIR]`, the scripted tour `make demo` runs.
func cmdDemo(ctx context.Context, args []string) int {
	fs := newFlags("demo")
	keys := fs.String("keys", "", "directory with policy.pk and policy.vk (from leash setup)")
	work := fs.String("work", "", "scratch directory (default: a temporary one)")
	signerKind := fs.String("signer", "native", "native (the signer core in-process) or extension (the real extension in headless Chromium; needs make extension)")
	hold := fs.Bool("hold", false, "after the tour, keep the system (and its dashboard) running until interrupted")
	bench := fs.Int("bench", 0, "instead of the tour, time N payments stage by stage (make bench-e2e)")
	if !parseFlags(fs, args, "keys") {
		return exitUsage
	}
	if *work == "" {
		dir, err := os.MkdirTemp("", "leash-demo")
		if err != nil {
			return fail(err)
		}
		defer os.RemoveAll(dir)
		*work = dir
	}
	self, err := os.Executable()
	if err != nil {
		return fail(err)
	}
	cfg := demo.Config{Out: os.Stdout, LeashBin: self, KeysDir: *keys, WorkDir: *work, Hold: *hold}
	switch *signerKind {
	case "native":
	case "extension":
		cfg.ExtensionSigner = "tests/browser/signer.mjs"
	default:
		return fail(fmt.Errorf("--signer: %q is neither native nor extension", *signerKind))
	}
	run := demo.Run
	if *bench > 0 {
		run = func(ctx context.Context, cfg demo.Config) error { return demo.Bench(ctx, cfg, *bench) }
	}
	if err := run(ctx, cfg); err != nil && ctx.Err() == nil {
		return fail(err)
	}
	return exitOK
}
