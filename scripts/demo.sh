#!/usr/bin/env bash
# make demo: the whole system on embedded defaults. The first run makes a
# user-side Groth16 setup into .leash-demo/keys (about 15 s, and about 20 s
# for the strategy program's threshold circuit) and reuses it.
set -euo pipefail
cd "$(dirname "$0")/.."
keys=.leash-demo/keys
if [ ! -f "$keys/policy.vk" ] || [ ! -f "$keys/policy.pk" ]; then
  echo "== first run: the user-side setup (leash setup --out $keys)"
  bin/leash setup --out "$keys" >/dev/null
fi
if [ ! -f "$keys/program-threshold.vk" ] || [ ! -f "$keys/program-threshold.pk" ]; then
  echo "== first run: the strategy program's setup (leash program setup --template threshold --out $keys)"
  bin/leash program setup --template threshold --out "$keys" >/dev/null 2>&1
fi
exec timeout 300 bin/leash demo --keys "$keys"
