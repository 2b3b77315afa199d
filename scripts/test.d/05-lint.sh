#!/usr/bin/env bash
# make lint: gofmt, go vet (native and js/wasm), go.mod tidy and staticcheck
# against its baseline (scripts/lint.sh); then the test of the test runner
# itself without root (scripts/test-sh-test.sh, under a second).
# needs: git
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/lint.sh
scripts/test-sh-test.sh
