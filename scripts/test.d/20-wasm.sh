#!/usr/bin/env bash
# WASM signer core under Node 20 (needs dist/leash.wasm; `make test` builds
# it first): the native/WASM parity table (verify, sign, keys address,
# public inputs), ethers v6 decoding of WASM-signed transactions, and the
# Node tests of the stateful core (wasm/test/*.test.mjs), driven by
# wasm/wasmtest. Also the G2 race tests under the race detector when cgo
# is available.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ ! -f dist/leash.wasm || ! -f dist/wasm_exec.js ]]; then
  echo "dist/leash.wasm is missing: run make wasm" >&2
  exit 1
fi
LEASH_WASM_TESTS=1 go test -count=1 -timeout 10m ./wasm/wasmtest
if CGO_ENABLED=1 go env CGO_ENABLED | grep -q 1 && command -v gcc >/dev/null; then
  CGO_ENABLED=1 go test -count=1 -race -run 'Race|Concurrent' ./wasm/ledger ./wasm/signer
fi
