package main

import (
	"context"
	"fmt"
	"os"

	"github.com/leash-wallet/leash/circuits/policycircuit"
)

// cmdCircuit: `leash circuit info`.
func cmdCircuit(ctx context.Context, args []string) int {
	if len(args) != 1 || args[0] != "info" {
		fmt.Fprintln(os.Stderr, "usage: leash circuit info")
		return exitUsage
	}
	info, err := policycircuit.GetInfo()
	if err != nil {
		return fail(err)
	}
	printJSON(os.Stdout, info)
	return exitOK
}
