#!/usr/bin/env bash
# The whole test suite. Called by `make test` after deps, build and wasm.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== go vet"
go vet ./...
echo "== go test"
go test -count=1 -timeout 15m ./...
