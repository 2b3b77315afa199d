package main

import "context"

// cmdProve is a placeholder until its piece of work lands.
func cmdProve(ctx context.Context, args []string) int { return notYet("prove") }
