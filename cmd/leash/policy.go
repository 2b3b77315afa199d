package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"

	"github.com/leash-wallet/leash/wire"
)

// cmdPolicy: `leash policy commit FILE`, `leash policy describe FILE`,
// `leash policy salt`. commit refuses a policy with a lint finding the
// document does not acknowledge (exit 1, every finding with its field and
// risk on stderr); describe prints them as warnings.
func cmdPolicy(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: leash policy commit FILE | describe FILE | salt")
		return exitUsage
	}
	switch args[0] {
	case "commit", "describe":
		if len(args) != 2 {
			fmt.Fprintf(os.Stderr, "usage: leash policy %s FILE\n", args[0])
			return exitUsage
		}
		p, err := loadPolicy(args[1])
		if err != nil {
			return fail(err)
		}
		if args[0] == "describe" {
			for _, w := range p.Warnings() {
				fmt.Fprintln(os.Stderr, "warning:", w)
			}
			fmt.Print(p.Describe())
			return exitOK
		}
		if lint := p.LintErrors(); lint != nil {
			for _, f := range lint {
				fmt.Fprintln(os.Stderr, "refused:", f)
			}
			return refuse(wire.Errorf(wire.Malformed, "policy lint: %d finding(s) not acknowledged: %w", len(lint), lint))
		}
		for _, w := range p.Warnings() {
			fmt.Fprintln(os.Stderr, "warning:", w)
		}
		printJSON(os.Stdout, map[string]any{"commitment": p.Commitment()})
		return exitOK
	case "salt":
		var s wire.Hash32
		if _, err := rand.Read(s[1:]); err != nil {
			return fail(err)
		}
		printJSON(os.Stdout, map[string]any{"salt": s})
		return exitOK
	case "publish":
		return cmdPolicyPublish(ctx, args[1:])
	}
	fmt.Fprintf(os.Stderr, "leash policy: unknown subcommand %q\n", args[0])
	return exitUsage
}
