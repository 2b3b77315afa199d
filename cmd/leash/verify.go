package main

import (
	"context"
	"os"

	"github.com/leash-wallet/leash/circuits/verify"
)

// cmdVerify: `leash verify --vk FILE --policy FILE --proposal FILE --state FILE`.
// Exit 0 {"ok":true}; exit 1 {"ok":false,"code","message"}; exit 2 usage.
func cmdVerify(ctx context.Context, args []string) int {
	fs := newFlags("verify")
	vkPath := fs.String("vk", "", "verifying key (policy.vk)")
	policyPath := fs.String("policy", "", "the pinned policy JSON")
	proposalPath := fs.String("proposal", "", "proposal JSON")
	statePath := fs.String("state", "", "the signer's own state {nonce, time, spent, fees, txs, tokens}")
	if !parseFlags(fs, args, "vk", "policy", "proposal", "state") {
		return exitUsage
	}
	in, err := loadVerifyInputs(*vkPath, *policyPath, *proposalPath, *statePath)
	if err != nil {
		return refuse(err)
	}
	if err := verify.Verify(in.proposal, in.policy, in.vk, in.state, verify.Options{}); err != nil {
		return refuse(err)
	}
	printJSON(os.Stdout, map[string]any{"ok": true})
	return exitOK
}
