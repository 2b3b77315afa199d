#!/usr/bin/env bash
# make demo: the whole system on embedded defaults. The first run makes a
# user-side Groth16 setup into .leash-demo/keys (about 15 s) and reuses it.
set -euo pipefail
cd "$(dirname "$0")/.."
keys=.leash-demo/keys
if [ ! -f "$keys/policy.vk" ] || [ ! -f "$keys/policy.pk" ]; then
  echo "== first run: the user-side setup (leash setup --out $keys)"
  bin/leash setup --out "$keys" >/dev/null
fi
exec timeout 300 bin/leash demo --keys "$keys"
