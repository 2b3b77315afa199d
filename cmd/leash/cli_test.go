package main_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leash-wallet/leash/circuits/groth16v"
)

var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "leash-cli")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "leash")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func ex(name string) string { return filepath.Join("..", "..", "examples", name) }

// leash runs the CLI and returns stdout and the exit code.
func leash(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), code
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("not JSON: %q", s)
	}
	return m
}

// TestWalkthrough is the README's setup → commit → prove → verify path, with
// the exit-code contract of every command on good and bad input.
func TestWalkthrough(t *testing.T) {
	tmp := t.TempDir()
	keys := filepath.Join(tmp, "keys")

	out, code := leash(t, "policy", "commit", ex("policy.json"))
	golden, _ := os.ReadFile("../../circuits/policy/testdata/golden_commitment.txt")
	if code != 0 || decode(t, out)["commitment"] != strings.TrimSpace(string(golden)) {
		t.Fatalf("policy commit: %d %s", code, out)
	}
	out, code = leash(t, "circuit", "info")
	info := decode(t, out)
	if code != 0 || info["publicInputs"].(float64) != 16 || info["calldataCapacity"].(float64) < 260 || info["constraints"].(float64) > 45000 {
		t.Fatalf("circuit info: %s", out)
	}
	if out, code = leash(t, "setup", "--out", keys); code != 0 {
		t.Fatalf("setup: %d %s", code, out)
	}
	vk := filepath.Join(keys, "policy.vk")
	proposal := filepath.Join(tmp, "proposal.json")
	if out, code = leash(t, "prove", "--keys", keys, "--policy", ex("policy.json"), "--tx", ex("tx-ok.json"),
		"--state", ex("state.json"), "--out", proposal); code != 0 {
		t.Fatalf("prove: %d %s", code, out)
	}
	// policy.vk is beside policy.pk: the proof carries its residue hint.
	if raw, err := os.ReadFile(proposal); err != nil {
		t.Fatal(err)
	} else if p := decode(t, string(raw)); len(p["proof"].(string)) != 2+2*(groth16v.ProofSize+groth16v.HintSize) {
		t.Fatalf("prove: the proof is %d hex digits, want the hinted %d bytes", len(p["proof"].(string)), groth16v.ProofSize+groth16v.HintSize)
	}
	verifyArgs := []string{"verify", "--vk", vk, "--policy", ex("policy.json"), "--proposal", proposal, "--state", ex("state.json")}
	if out, code = leash(t, verifyArgs...); code != 0 || strings.TrimSpace(out) != `{"ok":true}` {
		t.Fatalf("verify: %d %s", code, out)
	}
	out, code = leash(t, "proposal", "public-inputs", "--policy", ex("policy.json"), "--proposal", proposal, "--state", ex("state.json"))
	var pub []string
	if err := json.Unmarshal([]byte(out), &pub); code != 0 || err != nil || len(pub) != 16 || pub[1] != "1337" {
		t.Fatalf("public-inputs: %d %s", code, out)
	}

	t.Run("every deny example is refused by the pre-check with its rule", func(t *testing.T) {
		files, _ := filepath.Glob(ex("tx-deny-*.json"))
		if len(files) < 10 {
			t.Fatalf("only %d deny examples", len(files))
		}
		for _, f := range files {
			rule := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "tx-deny-"), ".json")
			out, code := leash(t, "prove", "--keys", keys, "--policy", ex("policy.json"), "--tx", f,
				"--state", ex("state.json"), "--out", filepath.Join(tmp, "x.json"))
			e, _ := decode(t, out)["error"].(map[string]any)
			if code != 3 || e["code"] != "policy_violation:"+rule {
				t.Errorf("%s: exit %d, %s", f, code, out)
			}
		}
		// The rules a transaction alone cannot break: the state breaks them.
		states, _ := filepath.Glob(ex("state-deny-*.json"))
		if len(states) < 2 {
			t.Fatalf("only %d state deny examples", len(states))
		}
		for _, f := range states {
			rule := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "state-deny-"), ".json")
			out, code := leash(t, "prove", "--keys", keys, "--policy", ex("policy.json"), "--tx", ex("tx-ok.json"),
				"--state", f, "--out", filepath.Join(tmp, "x.json"))
			if code != 3 || !strings.Contains(out, "policy_violation:"+rule) {
				t.Errorf("%s: exit %d, %s", f, code, out)
			}
		}
	})
	t.Run("sign refuses a policy made for another account", func(t *testing.T) {
		out, code := leash(t, "sign", "--mnemonic-file", ex("mnemonic.txt"), "--index", "1", "--vk", vk, "--policy", ex("policy.json"),
			"--proposal", proposal, "--state", ex("state.json"))
		if code != 1 || decode(t, out)["code"] != "unknown_policy" {
			t.Fatalf("exit %d, %s", code, out)
		}
		if out, code = leash(t, "sign", "--mnemonic-file", ex("mnemonic.txt"), "--vk", vk, "--policy", ex("policy.json"),
			"--proposal", proposal, "--state", ex("state.json")); code != 0 || !strings.Contains(out, "rawTx") {
			t.Fatalf("exit %d, %s", code, out)
		}
	})
	t.Run("without the pre-check the prover itself refuses", func(t *testing.T) {
		out, code := leash(t, "prove", "--keys", keys, "--policy", ex("policy.json"), "--tx", ex("tx-deny-value.json"),
			"--state", ex("state.json"), "--out", filepath.Join(tmp, "x.json"), "--no-precheck")
		if code == 0 || !strings.Contains(out, "unsatisfiable") {
			t.Fatalf("exit %d, %s", code, out)
		}
		if _, err := os.Stat(filepath.Join(tmp, "x.json")); err == nil {
			t.Fatal("a proposal was written")
		}
	})
	t.Run("verify refusals are coded with exit 1", func(t *testing.T) {
		bad := filepath.Join(tmp, "bad.json")
		os.WriteFile(bad, []byte(`{"version":2,`), 0o644)
		foreignVK := filepath.Join(tmp, "foreign.vk")
		os.WriteFile(foreignVK, []byte("not a key"), 0o644)
		for _, c := range []struct {
			args []string
			code string
		}{
			{[]string{"--state", ex("state-deny-time.json")}, "stale_time"},
			{[]string{"--proposal", bad}, "malformed"},
			{[]string{"--vk", foreignVK}, "malformed"},
			{[]string{"--policy", ex("tx-ok.json")}, "malformed"},
		} {
			args := append([]string(nil), verifyArgs...)
			for i := 0; i < len(c.args); i += 2 {
				for j := range args {
					if args[j] == c.args[i] {
						args[j+1] = c.args[i+1]
					}
				}
			}
			out, code := leash(t, args...)
			m := decode(t, out)
			if code != 1 || m["ok"] != false || m["code"] != c.code {
				t.Errorf("%v: exit %d, %s", c.args, code, out)
			}
		}
		if _, code := leash(t, "verify", "--vk", vk); code != 2 {
			t.Errorf("missing flags: exit %d, want 2", code)
		}
	})
}

// TestPolicyLint: commit refuses a policy with an unacknowledged finding
// (exit 1, the field and the risk named), and accepts it acknowledged.
func TestPolicyLint(t *testing.T) {
	tmp := t.TempDir()
	raw, err := os.ReadFile(ex("policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The router recipient ruled "any": the attack of issue 12.
	risky := strings.Replace(string(raw), `{ "is": "self" },
            "any"
          ]
        }
      ]
    },
    {
      "address": "0xDc64`, `"any",
            "any"
          ]
        }
      ]
    },
    {
      "address": "0xDc64`, 1)
	if risky == string(raw) {
		t.Fatal("the edit did not apply")
	}
	f := filepath.Join(tmp, "risky.json")
	os.WriteFile(f, []byte(risky), 0o644)
	cmd := exec.Command(bin, "policy", "commit", f)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || decode(t, stdout.String())["code"] != "malformed" ||
		!strings.Contains(stderr.String(), "calls[0].args[3]: an address argument ruled only \"any\"") {
		t.Fatalf("risky policy: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	acked := strings.Replace(risky, `"fn": "swapExactTokensForTokens(uint256,uint256,address[],address,uint256)",`,
		`"fn": "swapExactTokensForTokens(uint256,uint256,address[],address,uint256)", "acknowledge": ["any-address:args[3]"],`, 1)
	os.WriteFile(f, []byte(acked), 0o644)
	if out, code := leash(t, "policy", "commit", f); code != 0 || decode(t, out)["commitment"] == nil {
		t.Fatalf("acknowledged: %d %s", code, out)
	}
	if out, code := leash(t, "policy", "describe", ex("policy.json")); code != 0 || !strings.Contains(out, "must be self") {
		t.Fatalf("describe: %d %s", code, out)
	}
}
