#!/usr/bin/env bash
# Browser end-to-end tests: the real extension (dist/extension) in headless
# Debian chromium through playwright-core, against a real relay
# (`leash relay`), a real go-ethereum dev node (`leash devnet`) and a test
# agent host (tests/browser/agent: prover library + relay Go client).
# Screenshots, logs and the benchmark land in artifacts/browser/.
# needs: chromium
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
# `make test` has just built dist/leash.wasm; standalone runs build it here.
if [[ -f dist/leash.wasm && -f dist/wasm_exec.js && ${LEASH_REBUILD_WASM:-} == "" ]]; then
  scripts/build-extension.sh
else
  make --no-print-directory extension
fi
go build -trimpath -o bin/leash ./cmd/leash
go build -trimpath -o bin/leash-test-agent ./tests/browser/agent
timeout --kill-after=10 1500 node tests/browser/run.mjs
