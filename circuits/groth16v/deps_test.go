package groth16v

import (
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// TestWASMLinksNoGnark guards the WebAssembly cold start: the signer core
// (wasm/cmd/leashwasm), this package and circuits/verify must not depend on
// any github.com/consensys/gnark package (gnark-crypto is fine). gnark's
// groth16 package brings its constraint system, frontend, solver and the
// pprof profile code, about half a second of package initialisation.
func TestWASMLinksNoGnark(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("needs the go command; runs natively")
	}
	goBin := "go" // the go command on PATH, as for every other test step
	for _, pkg := range []string{".", "../verify", "../../wasm/cmd/leashwasm"} {
		cmd := exec.Command(goBin, "list", "-deps", pkg)
		cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, "github.com/consensys/gnark/") || dep == "github.com/consensys/gnark" ||
				strings.HasPrefix(dep, "github.com/google/pprof") {
				t.Errorf("%s (GOOS=js) depends on %s", pkg, dep)
			}
		}
	}
}
