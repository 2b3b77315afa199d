#!/usr/bin/env bash
# make bench-e2e: proposal → mined, stage by stage, on the whole local system.
set -euo pipefail
cd "$(dirname "$0")/.."
keys=$(scripts/demo-keys.sh)
echo "machine load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
exec timeout 600 bin/leash demo --keys "$keys" --bench "${N:-20}"
