package contracts

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/abigen"
)

var update = flag.Bool("update", false, "rewrite the Go bindings from build/*.abi and build/*.bin")

// bindingFile names the generated binding of a contract, e.g.
// PolicyRegistry -> policyregistry_abigen.go.
func bindingFile(name string) string { return strings.ToLower(name) + "_abigen.go" }

// TestBindingsUpToDate regenerates every Go binding with go-ethereum's abigen
// (v2) from the committed ABI and bytecode and compares it with the committed
// file. With -update it writes them instead (scripts/gen-contracts.sh does).
// That the ABI and bytecode match the Solidity sources is checked by
// `scripts/gen-contracts.sh --check`, which needs Node and solc.
func TestBindingsUpToDate(t *testing.T) {
	abis, err := filepath.Glob("build/*.abi")
	if err != nil || len(abis) == 0 {
		t.Fatalf("no build/*.abi: %v", err)
	}
	for _, abiPath := range abis {
		name := strings.TrimSuffix(filepath.Base(abiPath), ".abi")
		abiJSON, err := os.ReadFile(abiPath)
		if err != nil {
			t.Fatal(err)
		}
		bin, err := os.ReadFile(strings.TrimSuffix(abiPath, ".abi") + ".bin")
		if err != nil {
			t.Fatal(err)
		}
		code, err := abigen.BindV2([]string{name}, []string{string(abiJSON)},
			[]string{strings.TrimSpace(string(bin))}, "contracts", nil, nil)
		if err != nil {
			t.Fatalf("%s: abigen: %v", name, err)
		}
		if *update {
			if err := os.WriteFile(bindingFile(name), []byte(code), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		have, err := os.ReadFile(bindingFile(name))
		if err != nil {
			t.Fatalf("%s: %v (run scripts/gen-contracts.sh)", name, err)
		}
		if !bytes.Equal(have, []byte(code)) {
			t.Errorf("%s is stale: run scripts/gen-contracts.sh", bindingFile(name))
		}
	}
}
