package main

import "context"

// Placeholders for subcommands that other pieces of work fill in. Each lives
// in its own file once built; delete the line here when you add the file.

func cmdRelay(ctx context.Context, args []string) int     { return notYet("relay") }
func cmdDevnet(ctx context.Context, args []string) int    { return notYet("devnet") }
func cmdAgentHost(ctx context.Context, args []string) int { return notYet("agent-host") }

// Foundation commands, filled in by circuits/, prover/ and verify work.
func cmdPolicy(ctx context.Context, args []string) int   { return notYet("policy") }
func cmdSetup(ctx context.Context, args []string) int    { return notYet("setup") }
func cmdCircuit(ctx context.Context, args []string) int  { return notYet("circuit") }
func cmdProve(ctx context.Context, args []string) int    { return notYet("prove") }
func cmdVerify(ctx context.Context, args []string) int   { return notYet("verify") }
func cmdSign(ctx context.Context, args []string) int     { return notYet("sign") }
func cmdProposal(ctx context.Context, args []string) int { return notYet("proposal") }
func cmdKeys(ctx context.Context, args []string) int     { return notYet("keys") }
