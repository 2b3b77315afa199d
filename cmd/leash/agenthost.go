package main

import "context"

// cmdAgentHost is a placeholder until its piece of work lands.
func cmdAgentHost(ctx context.Context, args []string) int { return notYet("agenthost") }
