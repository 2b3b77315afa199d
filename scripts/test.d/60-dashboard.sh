#!/usr/bin/env bash
# The agent host's dashboard in headless chromium, on the demo's whole system.
# needs: chromium
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
go build -trimpath -o bin/leash ./cmd/leash
keys=$(scripts/demo-keys.sh)
timeout --kill-after=10 300 node tests/dashboard/dashboard.mjs "$keys"
