package main

import (
	"context"
	"fmt"
	"os"

	"github.com/leash-wallet/leash/circuits/verify"
)

// cmdProposal: `leash proposal public-inputs --policy FILE --proposal FILE --state FILE`
// prints the public-input vector the verifier computes, as decimal strings
// in circuit order.
func cmdProposal(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] != "public-inputs" {
		fmt.Fprintln(os.Stderr, "usage: leash proposal public-inputs --policy FILE --proposal FILE --state FILE")
		return exitUsage
	}
	fs := newFlags("proposal public-inputs")
	policyPath := fs.String("policy", "", "the pinned policy JSON")
	proposalPath := fs.String("proposal", "", "proposal JSON")
	statePath := fs.String("state", "", "the signer's own state {nonce, time, spent, fees, txs, tokens}")
	if !parseFlags(fs, args[1:], "policy", "proposal", "state") {
		return exitUsage
	}
	in, err := loadVerifyInputs("", *policyPath, *proposalPath, *statePath)
	if err != nil {
		return refuse(err)
	}
	pub, err := verify.PublicInputs(in.proposal, in.policy, in.state)
	if err != nil {
		return refuse(err)
	}
	out := make([]string, len(pub))
	for i, x := range pub {
		out[i] = x.String()
	}
	printJSON(os.Stdout, out)
	return exitOK
}
