package main

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"os"

	"github.com/ethereum/go-ethereum/common"

	"github.com/leash-wallet/leash/chain/registry"
	"github.com/leash-wallet/leash/circuits/program/programverify"
	"github.com/leash-wallet/leash/wasm/signer"
	"github.com/leash-wallet/leash/wire"
)

const programPublishUsage = "usage: leash program publish --registry ADDR --vk FILE (--mnemonic-file FILE|- [--index N] | --keystore FILE) [--rpc URL] (PROGRAM | --commitment 0x…)\n" +
	"       leash program publish --revoke --registry ADDR (--mnemonic-file FILE|- [--index N] | --keystore FILE) [--rpc URL] (PROGRAM | --commitment 0x…)"

// cmdProgramPublish: `leash program publish` publishes a program's
// commitment P with its template key's hash in the user's registry entry
// (signers refuse to pin a key with another hash, and refuse proposals of
// a program that is not published); `--revoke` revokes it. PROGRAM is the
// program or its pin (`leash program pin`); --commitment names P instead.
func cmdProgramPublish(ctx context.Context, args []string) int {
	fs := newFlags("program publish")
	rf := addRegistryFlags(fs, "the program")
	vkPath := fs.String("vk", "", "the program template's verifying key (program-<template>.vk)")
	commitment := fs.String("commitment", "", "the program commitment P, instead of a PROGRAM file")
	err := fs.Parse(args)
	if err != nil || !rf.complete(fs) || (fs.NArg() == 1) == (*commitment != "") || fs.NArg() > 1 || (!*rf.revoke && *vkPath == "") {
		fmt.Fprintln(os.Stderr, programPublishUsage)
		return exitUsage
	}
	var P wire.Hash32
	template := ""
	if *commitment != "" {
		if P, err = wire.ParseHash32(*commitment); err != nil {
			return fail(err)
		}
	} else {
		doc, err := readFile(fs.Arg(0))
		if err != nil {
			return fail(err)
		}
		pin, err := signer.ParsePin(doc)
		if err != nil {
			return fail(err)
		}
		P, template = pin.Commitment, pin.Template
	}
	return rf.run(func(key *ecdsa.PrivateKey, reg common.Address) (map[string]any, error) {
		if *rf.revoke {
			h, err := registry.RevokeProgram(ctx, *rf.rpc, reg, key, P)
			return map[string]any{"program": P, "revoked": true, "tx": h}, err
		}
		vkBytes, err := readFile(*vkPath)
		if err != nil {
			return nil, err
		}
		vk, err := programverify.LoadAnyVerifyingKey(vkBytes)
		if err != nil {
			return nil, err
		}
		if template != "" && vk.Template().Name != template {
			return nil, wire.Errorf(wire.Malformed, "--vk is a key of the %s template's circuit; the program is a %s program", vk.Template().Name, template)
		}
		h, err := registry.PublishProgram(ctx, *rf.rpc, reg, key, P, vk.Hash())
		return map[string]any{"program": P, "template": vk.Template().Name, "vkHash": vk.Hash(), "tx": h}, err
	})
}
