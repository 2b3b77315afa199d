package main

import "context"

// cmdRelay is a placeholder until its piece of work lands.
func cmdRelay(ctx context.Context, args []string) int { return notYet("relay") }
