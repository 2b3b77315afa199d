package main

import "context"

// cmdSign is a placeholder until its piece of work lands.
func cmdSign(ctx context.Context, args []string) int { return notYet("sign") }
