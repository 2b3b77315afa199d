package main_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leash-wallet/leash/chain/devnet"
	"github.com/leash-wallet/leash/chain/registry"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programtest"
	"github.com/leash-wallet/leash/wire"
)

// TestProgramPublishCLI: `leash program publish` puts a program and its
// template key's hash in the user's registry entry, by file or by
// --commitment, and --revoke revokes it; with the exit-code contract.
func TestProgramPublishCLI(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dev, err := devnet.Start(ctx, devnet.Config{Deploy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	addrs, _ := dev.Contracts()
	reg, err := registry.Dial(ctx, dev.URL(), addrs.Registry)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	tmp := t.TempDir()
	mnemonic := filepath.Join(tmp, "mnemonic.txt")
	if err := os.WriteFile(mnemonic, []byte("test test test test test test test test test test test junk\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	thr, mlp := programtest.Keys(t, program.Threshold), programtest.Keys(t, program.MLP)
	vk := func(k *programtest.KeySet, name string) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, k.VK.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	thrVK, mlpVK := vk(thr, "program-threshold.vk"), vk(mlp, "program-mlp.vk")
	common := []string{"program", "publish", "--rpc", dev.URL(), "--registry", addrs.Registry.Hex(), "--mnemonic-file", mnemonic}
	run := func(args ...string) (map[string]any, int) {
		out, code := leash(t, append(append([]string(nil), common...), args...)...)
		if code == 2 {
			return nil, code
		}
		return decode(t, out), code
	}
	account := dev.Accounts()[0].Address
	P := programtest.Program(t, "threshold").Commitment()

	out, code := run("--vk", thrVK, pex("threshold.json"))
	if code != 0 || out["program"] != P.Hex() || out["vkHash"] != thr.VK.Hash().Hex() || out["template"] != "threshold" {
		t.Fatalf("publish: %d %v", code, out)
	}
	if e, err := reg.LookupProgram(ctx, account, P); err != nil || e.VKHash != thr.VK.Hash() || e.Revoked {
		t.Fatalf("on chain: %+v, %v", e, err)
	}
	// A key of another template's circuit is refused before anything is sent.
	if out, code := run("--vk", mlpVK, pex("threshold.json")); code != 4 || out["error"].(map[string]any)["code"] != string(wire.Malformed) {
		t.Fatalf("mlp key for a threshold program: %d %v", code, out)
	}
	// By commitment: the template comes from the key.
	P2 := programtest.Program(t, "mlp").Commitment()
	if out, code := run("--vk", mlpVK, "--commitment", P2.Hex()); code != 0 || out["template"] != "mlp" {
		t.Fatalf("publish by commitment: %d %v", code, out)
	}
	if out, code := run("--revoke", "--commitment", P.Hex()); code != 0 || out["revoked"] != true {
		t.Fatalf("revoke: %d %v", code, out)
	}
	if e, err := reg.LookupProgram(ctx, account, P); err != nil || !e.Revoked {
		t.Fatalf("after revoke: %+v, %v", e, err)
	}
	if out, code := run("--revoke", pex("threshold.json")); code != 4 || !strings.Contains(out["error"].(map[string]any)["message"].(string), "nothing to revoke") {
		t.Fatalf("second revoke: %d %v", code, out)
	}
	for name, args := range map[string][]string{
		"no program":              {"--vk", thrVK},
		"both":                    {"--vk", thrVK, "--commitment", P.Hex(), pex("threshold.json")},
		"no vk":                   {pex("threshold.json")},
		"two files":               {"--vk", thrVK, pex("threshold.json"), pex("mlp.json")},
		"no registry":             {"--registry", "", "--vk", thrVK, pex("threshold.json")},
		"no mnemonic":             {"--mnemonic-file", "", "--vk", thrVK, pex("threshold.json")},
		"revoke of nothing named": {"--revoke"},
	} {
		if _, code := run(args...); code != 2 {
			t.Errorf("%s: exit %d, want 2", name, code)
		}
	}
	if out, code := run("--vk", thrVK, "--commitment", "0x12"); code != 4 || out["error"].(map[string]any)["code"] != string(wire.Malformed) {
		t.Fatalf("bad commitment: %d %v", code, out)
	}
}
