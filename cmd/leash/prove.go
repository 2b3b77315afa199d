package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/prover"
)

// cmdProve: `leash prove --keys DIR --policy FILE --tx FILE --state FILE --out FILE`.
func cmdProve(ctx context.Context, args []string) int {
	if isProgramProve(args) { // program proofs: see program.go
		return cmdProveProgram(ctx, args)
	}
	fs := newFlags("prove")
	keys := fs.String("keys", "", "directory holding policy.pk")
	policyPath := fs.String("policy", "", "policy JSON")
	txPath := fs.String("tx", "", "transaction JSON (eth_sendTransaction form)")
	statePath := fs.String("state", "", "signer state JSON {nonce, time, spent, fees, txs, tokens}")
	out := fs.String("out", "", "where to write the proposal JSON")
	id := fs.String("id", "", "proposal id (default: random)")
	noPrecheck := fs.Bool("no-precheck", false, "skip the native pre-check (audits: the prover itself must then refuse)")
	if !parseFlags(fs, args, "keys", "policy", "tx", "state", "out") {
		return exitUsage
	}
	pol, err := loadPolicy(*policyPath)
	if err != nil {
		return fail(err)
	}
	tx, err := loadTx(*txPath)
	if err != nil {
		return fail(err)
	}
	st, err := loadState(*statePath)
	if err != nil {
		return fail(err)
	}
	req := prover.Request{ID: *id, Tx: tx, State: st, NoPrecheck: *noPrecheck}
	if !*noPrecheck {
		// Refuse before loading the (large) proving key.
		if err := pol.Check(tx, st); err != nil {
			return fail(err)
		}
	}
	pk, err := policycircuit.ReadProvingKey(*keys)
	if err != nil {
		return fail(fmt.Errorf("load proving key: %w", err))
	}
	pr, err := prover.New(pol, pk)
	if err != nil {
		return fail(err)
	}
	if vk, err := policycircuit.ReadHintKeyFile(filepath.Join(*keys, policycircuit.VerifyingKeyFile)); err != nil {
		return fail(err)
	} else if vk != nil { // the residue hint (groth16v): a faster check for the signer
		if pr, err = pr.WithHints(vk); err != nil {
			return fail(err)
		}
	}
	start := time.Now()
	proposal, err := pr.Prove(req)
	if err != nil {
		return fail(err)
	}
	elapsed := time.Since(start)
	b, _ := json.MarshalIndent(proposal, "", "  ")
	if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
		return fail(err)
	}
	printJSON(os.Stdout, map[string]any{"id": proposal.ID, "out": *out, "proveMs": elapsed.Milliseconds()})
	return exitOK
}
