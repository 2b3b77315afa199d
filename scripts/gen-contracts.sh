#!/usr/bin/env bash
# Regenerates the chain artifacts from contracts/*.sol:
#   chain/contracts/build/<Name>.abi and .bin   (solc from npm, settings pinned in contracts/compile.mjs)
#   chain/contracts/<name>_abigen.go            (go-ethereum abigen v2, chain/contracts/internal/bindgen)
# With --check it changes nothing and fails if any committed artifact is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
case "$mode" in ""|--check) ;; *) echo "usage: $0 [--check]" >&2; exit 2 ;; esac
[[ -d node_modules/solc ]] || { echo "node_modules/solc missing: run 'make deps'" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node contracts/compile.mjs "$tmp/build"

if [[ $mode == --check ]]; then
  if ! diff -r chain/contracts/build "$tmp/build" >"$tmp/diff"; then
    head -20 "$tmp/diff" >&2
    echo "chain/contracts/build is stale: run scripts/gen-contracts.sh" >&2
    exit 1
  fi
  go test -count=1 -run "^TestBindingsUpToDate$" ./chain/contracts/internal/bindgen
  echo "contracts: artifacts and bindings match the sources"
else
  rm -f chain/contracts/build/*.abi chain/contracts/build/*.bin
  cp "$tmp"/build/* chain/contracts/build/
  go test -count=1 -run "^TestBindingsUpToDate$" ./chain/contracts/internal/bindgen -args -update
  echo "contracts: regenerated chain/contracts/build and the Go bindings"
fi
