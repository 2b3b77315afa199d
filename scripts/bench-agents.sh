#!/usr/bin/env bash
# make bench-agents: MCP transfer_native → mined and get_wallet_details on
# the sandbox, against the daemon's HTTP API as the baseline (medians).
set -euo pipefail
cd "$(dirname "$0")/.."
keys=$(scripts/demo-keys.sh)
exec node tests/agents/bench.mjs "$keys"
