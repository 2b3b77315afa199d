package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/prover/httpguard"
)

// cmdX402: `leash x402 fetch URL [--method M] [--agent-host URL]`: fetch a
// resource through the running agent host, paying with x402 under the
// leash if it asks (POST /v1/x402/fetch). Prints the result as JSON; like
// every command, exit 3 when a policy rule refuses the payment
// (policy_violation:<rule>, found by the agent host's pre-check before
// proving), 1 when anything else refuses it (the signer, the server), 4
// when the agent host cannot be asked.
func cmdX402(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] != "fetch" {
		fmt.Fprintln(os.Stderr, "usage: leash x402 fetch URL [--method M] [--agent-host URL] [--agent-host-token-file F]")
		return exitUsage
	}
	fs := newFlags("x402 fetch")
	url := fs.String("agent-host", envOr("LEASH_AGENT_HOST", "http://127.0.0.1:8645"), "the agent-host daemon's API (env LEASH_AGENT_HOST)")
	tokenFile := fs.String("agent-host-token-file", "", "the agent host's bearer token file, if it has one (or env LEASH_AGENT_HOST_TOKEN)")
	method := fs.String("method", "GET", "the HTTP method")
	rest := args[1:]
	var target string
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		target, rest = rest[0], rest[1:]
	}
	if !parseFlags(fs, rest) {
		return exitUsage
	}
	if target == "" && fs.NArg() == 1 {
		target = fs.Arg(0)
	}
	if target == "" {
		fmt.Fprintln(os.Stderr, "leash x402 fetch: the URL is required")
		return exitUsage
	}
	c := &daemon.Client{BaseURL: strings.TrimRight(*url, "/"), Token: os.Getenv("LEASH_AGENT_HOST_TOKEN")}
	if *tokenFile != "" {
		tok, err := httpguard.LoadOrCreateToken(*tokenFile)
		if err != nil {
			return fail(err)
		}
		c.Token = tok
	}
	res, err := c.FetchX402(ctx, daemon.X402Request{URL: target, Method: *method})
	if err != nil {
		return fail(err)
	}
	printJSON(os.Stdout, res)
	switch {
	case res.Code.IsPolicyViolation():
		return exitViolation
	case res.Code != "":
		return exitRefused
	}
	return exitOK
}
