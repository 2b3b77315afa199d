#!/usr/bin/env bash
# leash.wasm (the signer core) and Go's wasm_exec.js, built reproducibly:
# the same sources and Go version give the same bytes in any directory and
# with or without a .git (-trimpath, -buildvcs=false, no build id).
# `make wasm` writes dist/; `make release` and the reproducibility test
# (scripts/test.d/25-reproducible.sh) call it with another directory.
# Usage: scripts/build-wasm.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
mkdir -p "$out"
GOOS=js GOARCH=wasm GOFLAGS=-mod=readonly go build -trimpath -buildvcs=false -ldflags='-s -w -buildid=' \
  -o "$out/leash.wasm" ./wasm/cmd/leashwasm
cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" "$out/wasm_exec.js"
