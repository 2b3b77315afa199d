#!/usr/bin/env bash
# groth16v in WASM under Node and snarkjs agree on our proofs: a real
# policy-circuit proof (fresh setup, examples/tx-ok.json) converted to
# snarkjs's JSON; both accept the valid proof and reject a tampered proof and
# a tampered input. This is what shows our proofs are standard Groth16. (The Go tests of circuits/groth16v
# run natively in 10-go.sh.)
#
# Then the same Go tests of circuits/groth16v/... compiled to WebAssembly and
# run under Node (go_js_wasm_exec): in WASM the verifier uses its own field
# arithmetic (internal/bn), so this is where the browser's code path runs
# (both pairing backends are checked in both builds). About 30 s. The
# same for circuits/policy/...: in WASM its Poseidon2 permutations run over
# internal/fr29 (poseidon29.go), tested there against gnark-crypto's
# (about 10 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
PATH="$PATH:$(go env GOROOT)/lib/wasm" GOOS=js GOARCH=wasm go test -count=1 ./circuits/groth16v/... ./circuits/policy/...
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
go run ./bench/wasm/fixture -circuit policy -out "$work/fixture"
GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -o "$work/verifybench.wasm" ./bench/wasm/verifybench
node bench/wasm/bench-verify.mjs --check --fixture "$work/fixture" --wasm "$work/verifybench.wasm" \
  --wasm-exec "$(go env GOROOT)/lib/wasm/wasm_exec.js"
