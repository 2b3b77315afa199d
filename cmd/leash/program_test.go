package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programtest"
	"github.com/leash-wallet/leash/wire"
)

func pex(name string) string { return filepath.Join("..", "..", "examples", "programs", name) }

// TestProgramCLI is the program commands' contract: output and exit codes
// on good and bad input.
func TestProgramCLI(t *testing.T) {
	out, code := leash(t, "program", "commit", pex("threshold.json"))
	if code != 0 || decode(t, out)["commitment"] != programtest.Program(t, "threshold").Commitment().Hex() {
		t.Fatalf("commit: %d %s", code, out)
	}
	out, code = leash(t, "program", "commit", filepath.Join("..", "..", "circuits", "program", "testdata", "expfail_weight_overflow.json"))
	if code != 4 || !strings.Contains(out, `"malformed"`) || !strings.Contains(out, "int8") {
		t.Fatalf("overflowing weights: %d %s", code, out)
	}
	out, code = leash(t, "program", "pin", pex("mlp.json"))
	if pin, err := program.DecodePin([]byte(out)); code != 0 || err != nil || pin.Template != "mlp" {
		t.Fatalf("pin: %d %s %v", code, out, err)
	}
	if out, code = leash(t, "program", "info"); code != 0 || !strings.Contains(out, `"template":"mlp"`) {
		t.Fatalf("info: %d %s", code, out)
	}
	if _, code = leash(t, "program", "frobnicate"); code != 2 {
		t.Fatalf("unknown subcommand: exit %d", code)
	}
}

func TestProveProgramCLI(t *testing.T) {
	keys := programtest.Keys(t, program.Threshold)
	tmp := t.TempDir()
	proposal := filepath.Join(tmp, "proposal.json")
	args := func(inputs string, extra ...string) []string {
		return append([]string{"prove", "--program", pex("threshold.json"), "--keys", keys.Dir, "--policy", pex("policy.json"),
			"--state", pex("state.json"), "--out", proposal, "--inputs", pex(inputs)}, extra...)
	}
	out, code := leash(t, args("inputs-buy.json")...)
	if code != 0 || decode(t, out)["action"] != "buy" {
		t.Fatalf("prove: %d %s", code, out)
	}
	b, err := os.ReadFile(proposal)
	if err != nil {
		t.Fatal(err)
	}
	p, err := wire.DecodeProposal(b)
	if err != nil || p.Program == nil || p.Program.Block != 5 || p.Program.Commitment != programtest.Program(t, "threshold").Commitment() {
		t.Fatalf("proposal: %v %+v", err, p.Program)
	}
	os.Remove(proposal)
	out, code = leash(t, args("inputs-hold.json")...)
	if code != 0 || decode(t, out)["action"] != "hold" {
		t.Fatalf("hold: %d %s", code, out)
	}
	if _, err := os.Stat(proposal); err == nil {
		t.Fatal("a hold wrote a proposal")
	}
	out, code = leash(t, args("inputs-buy.json", "--max-fee", "100000 gwei")...)
	if code != 3 || !strings.Contains(out, "policy_violation:fee") {
		t.Fatalf("fee over the cap: %d %s", code, out)
	}
	if _, code = leash(t, args("inputs-buy.json", "--rpc", "http://127.0.0.1:1")...); code != 2 {
		t.Fatalf("--rpc and --inputs: exit %d", code)
	}
	// The signer's check with an RPC that cannot be reached: refuse.
	out, _ = leash(t, "program", "pin", pex("threshold.json"))
	pin := filepath.Join(tmp, "pin.json")
	os.WriteFile(pin, []byte(out), 0o644)
	_, _ = leash(t, args("inputs-buy.json")...)
	out, code = leash(t, "program", "verify", "--vk", filepath.Join(keys.Dir, "program-threshold.vk"), "--policy", pex("policy.json"),
		"--pin", pin, "--proposal", proposal, "--state", pex("state.json"), "--rpc", "http://127.0.0.1:1")
	if code != 1 || !strings.Contains(out, `"input_unavailable"`) {
		t.Fatalf("unreachable RPC: %d %s", code, out)
	}
}
