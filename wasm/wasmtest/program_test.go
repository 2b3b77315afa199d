package wasmtest

import (
	"context"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/leash-wallet/leash/chain/contracts"
	"github.com/leash-wallet/leash/chain/devnet"
	"github.com/leash-wallet/leash/chain/ethchain"
	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programtest"
	"github.com/leash-wallet/leash/prover/programprover"
	"github.com/leash-wallet/leash/wire"
)

// TestNodeProgram runs wasm/test/program.mjs: the WASM core verifies a
// program proposal by re-reading the oracle through the host's rpc
// function, here Node's fetch to a real go-ethereum dev node. The proposal
// is proven now (the core uses the real clock) against prices written to
// the devnet's oracle.
func TestNodeProgram(t *testing.T) {
	requireWASM(t)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	dev, err := devnet.Start(ctx, devnet.Config{Addr: "127.0.0.1:0", Deploy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	client, err := dev.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	addrs, _ := dev.Contracts()
	owner, err := contracts.NewSender(ctx, client, dev.Accounts()[0].Key)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range programtest.TradePrices("threshold") {
		tx, err := owner.Send(ctx, &addrs.Oracle, nil, contracts.NewPriceOracle().PackSetPrice(p))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := contracts.WaitMined(ctx, client, tx); err != nil {
			t.Fatal(err)
		}
	}

	pol := programtest.Policy(t)
	prog := programtest.Program(t, "threshold")
	keys := programtest.Keys(t, program.Threshold)
	pr, err := programprover.New(pol, prog, keys.PK)
	if err != nil {
		t.Fatal(err)
	}
	block, inputs, err := program.ReadLatest(ctx, ethchain.New(client), prog.Oracle, prog.Tmpl().Inputs)
	if err != nil {
		t.Fatal(err)
	}
	res, err := pr.Prove(programprover.Request{Block: block, Inputs: inputs, State: &wire.State{Time: uint64(time.Now().Unix())},
		Fees: program.Fees{Nonce: 0, Gas: 300_000, MaxFeePerGas: big.NewInt(3e9), MaxPriorityFeePerGas: big.NewInt(1e9)}})
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	_, _, vk := policytest.Keys(t)
	write(t, dir, "policy.vk", vk.Bytes())
	write(t, dir, "policy.json", programtest.Example(t, "policy.json"))
	write(t, dir, "program.json", programtest.Example(t, "threshold.json"))
	write(t, dir, "program-pin.json", mustJSON(t, prog.Pin()))
	write(t, dir, "program.vk", keys.VK.Bytes())
	write(t, dir, "proposal.json", mustJSON(t, res.Proposal))
	cmd := exec.Command("node", "--test", "--test-concurrency=1", filepath.Join(root, "wasm", "test", "program.mjs"))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "LEASH_FIXTURES="+dir, "LEASH_RPC="+dev.URL())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, out)
	}
	t.Logf("%s", lastLines(string(out), 10))
}
