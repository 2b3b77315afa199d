#!/usr/bin/env bash
# make lint: gofmt, go vet (native and js/wasm), go.mod tidy and staticcheck
# against its baseline (scripts/lint.sh).
# needs: git
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/lint.sh
