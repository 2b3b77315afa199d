#!/usr/bin/env bash
# The Worker relay's benchmark table: bundle size (≤ 3 MB gzipped), a→b
# latency p50 (≤ 2 ms) and messages/s through one Durable Object (≥ 1,000)
# under `wrangler dev` (offline), with the native relay measured in the same
# run as the baseline, then the paper estimate at 1M paired agents.
# Usage: scripts/bench-relay-worker.sh [-runs N] [-duration 3s] [-rate 200]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/wrangler ] || { echo "bench-relay-worker: node_modules/.bin/wrangler missing (make deps)"; exit 1; }
make -s relay-worker
go run ./relay/worker/cmd/relayworker-bench -root "$PWD" "$@"
