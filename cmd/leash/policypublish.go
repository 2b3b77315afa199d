package main

import "context"

// cmdPolicyPublish is a placeholder until the registry work lands.
func cmdPolicyPublish(ctx context.Context, args []string) int { return notYet("policy publish") }
