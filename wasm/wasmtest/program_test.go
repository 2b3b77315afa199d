package wasmtest

import (
	"context"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/leash-wallet/leash/chain/contracts"
	"github.com/leash-wallet/leash/chain/devnet"
	"github.com/leash-wallet/leash/chain/ethchain"
	"github.com/leash-wallet/leash/chain/registry"
	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programtest"
	"github.com/leash-wallet/leash/prover/programprover"
	"github.com/leash-wallet/leash/wire"
)

// TestNodeProgram runs wasm/test/program.mjs: the WASM core verifies a
// program proposal by re-reading the oracle through the host's rpc
// function, here Node's fetch to a real go-ethereum dev node, and checks
// the registry there before signing. The proposal is proven now (the core
// uses the real clock) against prices written to the devnet's oracle; the
// policy and the program are published in the devnet's registry by the
// signer's account; a second proposal of the same decision (the same block,
// the next nonce) is the replay.
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

	_, _, vk := policytest.Keys(t)
	pol := programtest.Policy(t)
	prog := programtest.Program(t, "threshold")
	keys := programtest.Keys(t, program.Threshold)
	// The user publishes the policy and the program, and the test gets the
	// calldata to revoke and re-publish the program (the Node test sends
	// them, signed by the WASM tool signer).
	reg, err := registry.Dial(ctx, dev.URL(), addrs.Registry)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if _, err := reg.Publish(ctx, dev.Accounts()[0].Key, pol.Commitment(), vk.Hash()); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.PublishProgram(ctx, dev.Accounts()[0].Key, prog.Commitment(), keys.VK.Hash()); err != nil {
		t.Fatal(err)
	}
	pr, err := programprover.New(pol, prog, keys.PK)
	if err != nil {
		t.Fatal(err)
	}
	block, inputs, err := program.ReadLatest(ctx, ethchain.New(client), prog.Oracle, prog.Tmpl().Inputs)
	if err != nil {
		t.Fatal(err)
	}
	// Policy v2: each proof carries the window state the signer will hold,
	// here every decision proven before it counted as signed.
	st := &wire.State{}
	prove := func(nonce uint64) *programprover.Result {
		st.Nonce, st.Time = wire.Uint64(nonce), uint64(time.Now().Unix())
		res, err := pr.Prove(programprover.Request{Block: block, Inputs: inputs, State: st.Clone(),
			Fees: program.Fees{Nonce: nonce, Gas: 300_000, MaxFeePerGas: big.NewInt(3e9), MaxPriorityFeePerGas: big.NewInt(1e9)}})
		if err != nil {
			t.Fatal(err)
		}
		pol.Count(st, &res.Proposal.Tx)
		return res
	}
	res, replay := prove(0), prove(1)
	replay.Proposal.ID = "replay-" + replay.Proposal.ID

	dir := t.TempDir()
	abi := contracts.NewPolicyRegistry()
	write(t, dir, "registry.json", mustJSON(t, map[string]any{
		"address":        addrs.Registry.Hex(),
		"revokeProgram":  hexutil.Bytes(abi.PackRevokeProgram(prog.Commitment())),
		"publishProgram": hexutil.Bytes(abi.PackPublishProgram(prog.Commitment(), keys.VK.Hash())),
	}))
	write(t, dir, "program-other.vk", otherSetupKey(t, keys.VK.Bytes()))
	write(t, dir, "proposal-replay.json", mustJSON(t, replay.Proposal))
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

// otherSetupKey is a well-formed key of another setup of the same circuit.
func otherSetupKey(t *testing.T, vkBytes []byte) []byte {
	t.Helper()
	b, err := programtest.OtherSetupKey(vkBytes)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
