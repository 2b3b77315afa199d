#!/usr/bin/env bash
# groth16v in WASM under Node and snarkjs agree on our proofs: a real
# policy-circuit proof (fresh setup, examples/tx-ok.json) converted to
# snarkjs's JSON; both accept the valid proof and reject a tampered proof and
# a tampered input. This is what shows our proofs are standard Groth16. (The Go tests of circuits/groth16v
# run in 10-go.sh.)
set -euo pipefail
cd "$(dirname "$0")/../.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
go run ./bench/wasm/fixture -circuit policy -out "$work/fixture"
GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -o "$work/verifybench.wasm" ./bench/wasm/verifybench
node bench/wasm/bench-verify.mjs --check --fixture "$work/fixture" --wasm "$work/verifybench.wasm" \
  --wasm-exec "$(go env GOROOT)/lib/wasm/wasm_exec.js"
