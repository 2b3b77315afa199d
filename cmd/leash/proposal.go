package main

import "context"

// cmdProposal is a placeholder until its piece of work lands.
func cmdProposal(ctx context.Context, args []string) int { return notYet("proposal") }
