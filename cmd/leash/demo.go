package main

import (
	"context"
	"os"

	"github.com/leash-wallet/leash/internal/demo"
)

// cmdDemo: `leash demo --keys DIR [--work DIR]`, the scripted tour `make demo` runs.
func cmdDemo(ctx context.Context, args []string) int {
	fs := newFlags("demo")
	keys := fs.String("keys", "", "directory with policy.pk and policy.vk (from leash setup)")
	work := fs.String("work", "", "scratch directory (default: a temporary one)")
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
	if err := demo.Run(ctx, demo.Config{Out: os.Stdout, LeashBin: self, KeysDir: *keys, WorkDir: *work}); err != nil {
		return fail(err)
	}
	return exitOK
}
