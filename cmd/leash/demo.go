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
	hold := fs.Bool("hold", false, "a sandbox: after the tour, publish the policy again, print the sandbox block (agent host, RPC, account, policy, MCP config) and keep running until interrupted")
	tour := fs.Bool("tour", true, "with --hold: run the scripted tour first (--tour=false: the sandbox is ready at once)")
	agentAddr := fs.String("agent-addr", "", "the agent host's address (default with --hold: 127.0.0.1:8645 if free)")
	info := fs.String("info", "", "with --hold: also write the sandbox block (JSON) to this file")
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
	cfg := demo.Config{Out: os.Stdout, LeashBin: self, KeysDir: *keys, WorkDir: *work, Hold: *hold, NoTour: *hold && !*tour,
		AgentAddr: *agentAddr, InfoFile: *info}
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
