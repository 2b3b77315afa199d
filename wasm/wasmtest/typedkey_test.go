package wasmtest

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	groth16 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/leash-wallet/leash/chain/devnet"
	"github.com/leash-wallet/leash/chain/registry"
	"github.com/leash-wallet/leash/circuits/policytest"
	tt "github.com/leash-wallet/leash/circuits/typedcircuit/typedtest"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/wire"
)

// TestNodeTypedKeyOnChain runs wasm/test/typedkey.mjs: the WASM core,
// reading a go-ethereum dev node's registry through the host's rpc
// function, signs an x402 payment only while its pinned typed-data key is
// the one the user published (rpcchain.TypedKeyID). The attack: the core
// pinned a well-formed typed key of another setup, and the host proves
// with that setup: unknown_policy, nothing signed. Payments are proven now
// (the core uses the real clock).
func TestNodeTypedKeyOnChain(t *testing.T) {
	requireWASM(t)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	dev, err := devnet.Start(ctx, devnet.Config{Addr: "127.0.0.1:0", Deploy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	addrs, _ := dev.Contracts()
	_, _, vk := policytest.Keys(t)
	own, other := tt.Keys(t), tt.OtherKeys(t)
	pol := tt.Policy(t)
	ownKey, err := verify.LoadTypedVerifyingKey(own.VKBytes)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := registry.Dial(ctx, dev.URL(), addrs.Registry)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if _, err := reg.Publish(ctx, dev.Accounts()[0].Key, pol.Commitment(), vk.Hash()); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.PublishTypedKey(ctx, dev.Accounts()[0].Key, ownKey.Hash()); err != nil {
		t.Fatal(err)
	}
	now := uint64(time.Now().Unix())
	prove := func(pk *groth16.ProvingKey, id string, n int) []byte {
		doc := tt.Authorization(func(d map[string]any) {
			m := d["message"].(map[string]any)
			m["nonce"] = fmt.Sprintf("0x%064x", 7000+n)
			m["validBefore"] = fmt.Sprint(now + 300)
		})
		st := &wire.State{Time: now}
		st.SetTokenSpent(tt.DUSDC, big.NewInt(0))
		p, err := prover.NewSigProver(pol, pk).Prove(prover.SigRequest{ID: id, TypedData: doc, State: st})
		if err != nil {
			t.Fatal(err)
		}
		return mustJSON(t, p)
	}
	dir := t.TempDir()
	write(t, dir, "policy.json", policytest.Example(t, "policy-x402.json"))
	write(t, dir, "policy.vk", vk.Bytes())
	write(t, dir, "typed.vk", own.VKBytes)
	write(t, dir, "typed-other.vk", other.VKBytes)
	write(t, dir, "payment.json", prove(own.PK, "own", 1))
	write(t, dir, "payment-other.json", prove(other.PK, "other-setup", 2))
	write(t, dir, "registry.json", mustJSON(t, map[string]any{"address": addrs.Registry.Hex()}))
	cmd := exec.Command("node", "--test", "--test-concurrency=1", filepath.Join(root, "wasm", "test", "typedkey.mjs"))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "LEASH_FIXTURES="+dir, "LEASH_RPC="+dev.URL())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, out)
	}
	t.Logf("%s", lastLines(string(out), 8))
}
