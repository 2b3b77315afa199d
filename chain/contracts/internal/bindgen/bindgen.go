// Package bindgen generates the Go bindings of package contracts from the
// committed ABI and bytecode (build/*.abi, build/*.bin) with go-ethereum's
// abigen (v2). Its test checks the committed bindings, or rewrites them
// with -update (scripts/gen-contracts.sh does). It lives apart from package
// contracts so that regenerating never depends on the old bindings compiling.
package bindgen

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi/abigen"
)

// Package is the Go package name of the generated bindings.
const Package = "contracts"

// FileName names the binding of a contract: PolicyRegistry ->
// policyregistry_abigen.go.
func FileName(contract string) string { return strings.ToLower(contract) + "_abigen.go" }

// Generate returns the binding source of every contract in buildDir, by
// file name.
func Generate(buildDir string) (map[string]string, error) {
	abis, err := filepath.Glob(filepath.Join(buildDir, "*.abi"))
	if err != nil {
		return nil, err
	}
	if len(abis) == 0 {
		return nil, fmt.Errorf("no *.abi in %s", buildDir)
	}
	sort.Strings(abis)
	out := make(map[string]string, len(abis))
	for _, abiPath := range abis {
		name := strings.TrimSuffix(filepath.Base(abiPath), ".abi")
		abiJSON, err := os.ReadFile(abiPath)
		if err != nil {
			return nil, err
		}
		bin, err := os.ReadFile(strings.TrimSuffix(abiPath, ".abi") + ".bin")
		if err != nil {
			return nil, err
		}
		code, err := abigen.BindV2([]string{name}, []string{string(abiJSON)},
			[]string{strings.TrimSpace(string(bin))}, Package, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: abigen: %w", name, err)
		}
		out[FileName(name)] = code
	}
	return out, nil
}
