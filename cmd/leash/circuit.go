package main

import "context"

// cmdCircuit is a placeholder until its piece of work lands.
func cmdCircuit(ctx context.Context, args []string) int { return notYet("circuit") }
