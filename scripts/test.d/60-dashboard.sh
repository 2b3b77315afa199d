#!/usr/bin/env bash
# The agent host's dashboard in headless chromium, on the demo's whole system.
# needs: chromium
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
go build -trimpath -o bin/leash ./cmd/leash
keys=.leash-demo/keys
if [ ! -f "$keys/policy.vk" ] || [ ! -f "$keys/policy.pk" ]; then
  bin/leash setup --out "$keys" >/dev/null 2>&1
fi
timeout --kill-after=10 300 node tests/dashboard/dashboard.mjs "$keys"
