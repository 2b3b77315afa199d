package main

import "context"

// cmdSetup is a placeholder until its piece of work lands.
func cmdSetup(ctx context.Context, args []string) int { return notYet("setup") }
