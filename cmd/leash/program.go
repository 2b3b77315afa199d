package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/leash-wallet/leash/chain/ethchain"
	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programcircuit"
	"github.com/leash-wallet/leash/circuits/program/programverify"
	"github.com/leash-wallet/leash/prover/programprover"
	"github.com/leash-wallet/leash/wire"
)

const programUsage = "usage: leash program commit FILE | pin FILE | info | setup --template NAME --out DIR | verify ... | publish ..."

// cmdProgram: `leash program commit FILE` prints {"commitment":"0x…"};
// `pin FILE` prints what a signer pins {commitment, template, oracle};
// `info` prints each template's circuit size; `setup` is the user-side
// Groth16 setup of one template; `verify` is the signer's check; `publish`
// publishes (or revokes) the program in the on-chain registry.
func cmdProgram(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, programUsage)
		return exitUsage
	}
	switch args[0] {
	case "commit", "pin":
		if len(args) != 2 {
			fmt.Fprintf(os.Stderr, "usage: leash program %s FILE\n", args[0])
			return exitUsage
		}
		p, err := loadProgram(args[1])
		if err != nil {
			return fail(err)
		}
		if args[0] == "pin" {
			printJSON(os.Stdout, p.Pin())
		} else {
			printJSON(os.Stdout, map[string]any{"commitment": p.Commitment()})
		}
		return exitOK
	case "info":
		var infos []programcircuit.Info
		for _, t := range program.Templates {
			info, err := programcircuit.GetInfo(t)
			if err != nil {
				return fail(err)
			}
			infos = append(infos, info)
		}
		printJSON(os.Stdout, map[string]any{"templates": infos})
		return exitOK
	case "setup":
		return cmdProgramSetup(args[1:])
	case "verify":
		return cmdProgramVerify(ctx, args[1:])
	case "publish":
		return cmdProgramPublish(ctx, args[1:])
	}
	fmt.Fprintf(os.Stderr, "leash program: unknown subcommand %q\n%s\n", args[0], programUsage)
	return exitUsage
}

func loadProgram(path string) (*program.Program, error) {
	return loadWith(path, "program", program.Decode)
}

func cmdProgramSetup(args []string) int {
	fs := newFlags("program setup")
	name := fs.String("template", "", "template: threshold or mlp")
	out := fs.String("out", "", "keys directory (program-<template>.pk/.vk)")
	if !parseFlags(fs, args, "template", "out") {
		return exitUsage
	}
	t, ok := program.TemplateByName(*name)
	if !ok {
		fmt.Fprintf(os.Stderr, "leash program setup: unknown template %q\n", *name)
		return exitUsage
	}
	fmt.Fprintln(os.Stderr, "warning: whoever runs the setup can forge proofs; run it on your own machine, never on the agent host")
	keys, err := programcircuit.Setup(t, func(s string) { fmt.Fprintln(os.Stderr, s) })
	if err != nil {
		return fail(err)
	}
	if err := keys.Write(*out); err != nil {
		return fail(err)
	}
	printJSON(os.Stdout, map[string]any{"template": t.Name, "dir": *out})
	return exitOK
}

// cmdProgramVerify: `leash program verify --vk FILE --policy FILE --pin FILE
// --proposal FILE --state FILE --rpc URL [--max-block-age N]`, with the
// exit codes of `leash verify`.
func cmdProgramVerify(ctx context.Context, args []string) int {
	fs := newFlags("program verify")
	vkPath := fs.String("vk", "", "the template's verifying key (program-<template>.vk)")
	policyPath := fs.String("policy", "", "the pinned policy JSON")
	pinPath := fs.String("pin", "", "the pinned program {commitment, template, oracle} (leash program pin)")
	proposalPath := fs.String("proposal", "", "proposal JSON")
	statePath := fs.String("state", "", "the signer's own state {nonce, time, spent, fees, txs, tokens}")
	rpc := fs.String("rpc", "", "the signer's own JSON-RPC URL, to re-read the inputs")
	age := fs.Uint64("max-block-age", programverify.DefaultMaxBlockAge, "how many blocks the inputs may be behind the head")
	if !parseFlags(fs, args, "vk", "policy", "pin", "proposal", "state", "rpc") {
		return exitUsage
	}
	in, err := loadVerifyInputs("", *policyPath, *proposalPath, *statePath)
	if err != nil {
		return refuse(err)
	}
	pin, err := loadWith(*pinPath, "program pin", program.DecodePin)
	if err != nil {
		return refuse(err)
	}
	t, _ := program.TemplateByName(pin.Template)
	vk, err := loadWith(*vkPath, "verifying key", func(b []byte) (*programverify.VerifyingKey, error) {
		return programverify.LoadVerifyingKey(b, t)
	})
	if err != nil {
		return refuse(err)
	}
	chain, err := ethchain.Dial(ctx, *rpc)
	if err != nil {
		return refuse(wire.Errorf(program.InputUnavailable, "rpc %s: %v", *rpc, err))
	}
	defer chain.Close()
	opt := programverify.Options{MaxBlockAge: *age}
	if err := programverify.Verify(ctx, in.proposal, in.policy, pin, vk, in.state, chain, opt); err != nil {
		return refuse(err)
	}
	printJSON(os.Stdout, map[string]any{"ok": true})
	return exitOK
}

// isProgramProve reports whether `leash prove` was given --program.
func isProgramProve(args []string) bool {
	for _, a := range args {
		if a == "--" {
			break
		}
		if name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "="); strings.HasPrefix(a, "-") && name == "program" {
			return true
		}
	}
	return false
}

// cmdProveProgram: `leash prove --program FILE --keys DIR --policy FILE
// --state FILE --out FILE (--rpc URL [--block N] | --inputs FILE)`. Exit 0
// writes the proposal, or writes nothing and prints {"action":"hold"} when
// the program holds; exit 3 for a policy violation (no proof attempted).
func cmdProveProgram(ctx context.Context, args []string) int {
	fs := newFlags("prove --program")
	progPath := fs.String("program", "", "the committed program JSON")
	keys := fs.String("keys", "", "directory holding program-<template>.pk")
	policyPath := fs.String("policy", "", "policy JSON")
	statePath := fs.String("state", "", "signer state JSON {nonce, time, spent, fees, txs, tokens}")
	out := fs.String("out", "", "where to write the proposal JSON")
	rpc := fs.String("rpc", "", "JSON-RPC URL to read the oracle from")
	blockFlag := fs.Int64("block", -1, "block to read the inputs at (default: the head)")
	inputsPath := fs.String("inputs", "", "instead of --rpc: a file {\"block\":\"0x…\",\"inputs\":[\"0x…\",…]}")
	gas := fs.Uint64("gas", 200_000, "gas limit")
	maxFee := fs.String("max-fee", "2 gwei", "maxFeePerGas (\"2 gwei\", wei, or 0x hex)")
	tip := fs.String("tip", "1 gwei", "maxPriorityFeePerGas")
	id := fs.String("id", "", "proposal id (default: random)")
	if !parseFlags(fs, args, "program", "keys", "policy", "state", "out") {
		return exitUsage
	}
	if (*rpc == "") == (*inputsPath == "") {
		fmt.Fprintln(os.Stderr, "leash prove --program: give exactly one of --rpc and --inputs")
		return exitUsage
	}
	pol, err := loadPolicy(*policyPath)
	if err != nil {
		return fail(err)
	}
	prog, err := loadProgram(*progPath)
	if err != nil {
		return fail(err)
	}
	st, err := loadState(*statePath)
	if err != nil {
		return fail(err)
	}
	fee, err1 := policy.ParseAmount(*maxFee)
	tipV, err2 := policy.ParseAmount(*tip)
	if err1 != nil || err2 != nil || fee.BitLen() > 128 || tipV.BitLen() > 128 {
		fmt.Fprintln(os.Stderr, "leash prove --program: --max-fee and --tip are amounts such as \"2 gwei\"")
		return exitUsage
	}
	block, inputs, err := readProgramInputs(ctx, prog, *rpc, *blockFlag, *inputsPath)
	if err != nil {
		return fail(err)
	}
	req := programprover.Request{ID: *id, Block: block, Inputs: inputs, State: st,
		Fees: program.Fees{Nonce: uint64(st.Nonce), Gas: *gas, MaxFeePerGas: fee, MaxPriorityFeePerGas: tipV}}
	d, err := prog.Decide(inputs)
	if err != nil {
		return fail(err)
	}
	if d.Action == program.Hold {
		printJSON(os.Stdout, map[string]any{"action": d.Action, "block": block})
		return exitOK
	}
	if tx, err := prog.BuildTx(d, block, program.Fees{ChainID: pol.ChainID, Nonce: req.Fees.Nonce, Gas: *gas, MaxFeePerGas: fee, MaxPriorityFeePerGas: tipV}); err != nil {
		return fail(err)
	} else if err := pol.CheckProgram(tx, st); err != nil {
		return fail(err) // refuse before loading the proving key
	}
	pk, err := programcircuit.ReadProvingKey(*keys, prog.Tmpl())
	if err != nil {
		return fail(fmt.Errorf("load proving key: %w", err))
	}
	pr, err := programprover.New(pol, prog, pk)
	if err != nil {
		return fail(err)
	}
	if vk, err := policycircuit.ReadHintKeyFile(filepath.Join(*keys, programcircuit.VerifyingKeyFile(prog.Tmpl()))); err != nil {
		return fail(err)
	} else if vk != nil { // the residue hint (groth16v): a faster check for the signer
		if pr, err = pr.WithHints(vk); err != nil {
			return fail(err)
		}
	}
	start := time.Now()
	res, err := pr.Prove(req)
	if err != nil {
		return fail(err)
	}
	b, _ := json.MarshalIndent(res.Proposal, "", "  ")
	if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
		return fail(err)
	}
	printJSON(os.Stdout, map[string]any{"id": res.Proposal.ID, "out": *out, "proveMs": time.Since(start).Milliseconds(),
		"action": d.Action, "amountIn": d.AmountIn.String(), "minOut": d.MinOut.String(), "block": block})
	return exitOK
}

func readProgramInputs(ctx context.Context, prog *program.Program, rpc string, block int64, path string) (uint64, []*big.Int, error) {
	n := prog.Tmpl().Inputs
	if path != "" {
		f, err := loadWith(path, "inputs", program.DecodeInputsFile)
		if err != nil {
			return 0, nil, err
		}
		return uint64(f.Block), f.Values(), nil
	}
	chain, err := ethchain.Dial(ctx, rpc)
	if err != nil {
		return 0, nil, wire.Errorf(program.InputUnavailable, "rpc %s: %v", rpc, err)
	}
	defer chain.Close()
	if block < 0 {
		return program.ReadLatest(ctx, chain, prog.Oracle, n)
	}
	inputs, err := program.ReadInputs(ctx, chain, prog.Oracle, uint64(block), n)
	return uint64(block), inputs, err
}
