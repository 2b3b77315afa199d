#!/usr/bin/env bash
# make demo: the whole system on embedded defaults. The first run makes the
# user-side Groth16 setups into .leash-demo/keys (policy circuit, then the
# threshold program) and reuses them.
#
# With Chromium present, the first tour's signer is the real extension in
# headless Chromium; a second tour then runs the strategy agent with program
# proofs against the native signer core (the extension does not verify
# program proofs yet). Without Chromium, only the second tour runs.
set -euo pipefail
cd "$(dirname "$0")/.."
keys=.leash-demo/keys
if [ ! -f "$keys/policy.vk" ] || [ ! -f "$keys/policy.pk" ]; then
  echo "== first run: the user-side setup (leash setup --out $keys)"
  bin/leash setup --out "$keys" >/dev/null
fi
if [ ! -f "$keys/program-threshold.vk" ] || [ ! -f "$keys/program-threshold.pk" ]; then
  echo "== first run: the threshold program's setup (leash program setup --template threshold --out $keys)"
  bin/leash program setup --template threshold --out "$keys" >/dev/null
fi
if command -v chromium >/dev/null && command -v node >/dev/null; then
  make --no-print-directory extension >/dev/null
  echo "== tour 1: the signer is the Leash extension in headless Chromium"
  timeout 300 bin/leash demo --keys "$keys" --signer extension
  echo
  echo "== tour 2: the strategy agent with program proofs (native signer core)"
fi
exec timeout 300 bin/leash demo --keys "$keys"
