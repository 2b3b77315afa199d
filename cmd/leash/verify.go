package main

import "context"

// cmdVerify is a placeholder until its piece of work lands.
func cmdVerify(ctx context.Context, args []string) int { return notYet("verify") }
