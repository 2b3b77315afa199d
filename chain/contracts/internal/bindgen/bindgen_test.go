package bindgen

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the bindings in chain/contracts")

const contractsDir = "../.."

// TestBindingsUpToDate regenerates every binding from the committed ABI
// and bytecode and compares it with the committed file; with -update it
// writes them. That build/ matches the Solidity sources is checked by
// `scripts/gen-contracts.sh --check` (it needs Node and solc).
func TestBindingsUpToDate(t *testing.T) {
	files, err := Generate(filepath.Join(contractsDir, "build"))
	if err != nil {
		t.Fatal(err)
	}
	existing, _ := filepath.Glob(filepath.Join(contractsDir, "*_abigen.go"))
	for _, path := range existing {
		if _, ok := files[filepath.Base(path)]; !ok {
			if *update {
				os.Remove(path)
				continue
			}
			t.Errorf("%s has no contract in build/: run scripts/gen-contracts.sh", path)
		}
	}
	for name, code := range files {
		path := filepath.Join(contractsDir, name)
		if *update {
			if err := os.WriteFile(path, []byte(code), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		have, err := os.ReadFile(path)
		if err != nil || string(have) != code {
			t.Errorf("%s is stale or missing: run scripts/gen-contracts.sh", path)
		}
	}
	if !strings.HasSuffix(FileName("PolicyRegistry"), "_abigen.go") {
		t.Fatal("file name")
	}
}
