package main

import "context"

// cmdDevnet is a placeholder until its piece of work lands.
func cmdDevnet(ctx context.Context, args []string) int { return notYet("devnet") }
