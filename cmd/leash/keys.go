package main

import "context"

// cmdKeys is a placeholder until its piece of work lands.
func cmdKeys(ctx context.Context, args []string) int { return notYet("keys") }
