package main

import "context"

// cmdPolicy is a placeholder until its piece of work lands.
func cmdPolicy(ctx context.Context, args []string) int { return notYet("policy") }
