#!/usr/bin/env bash
# make demo: the whole system on embedded defaults. The first run makes the
# user-side Groth16 setups into .leash-demo/keys (policy circuit, then the
# threshold program; scripts/demo-keys.sh) and reuses them while the
# circuits' sources stay the same.
#
# With Chromium present, the signer is the real extension in headless
# Chromium (its WASM core verifies the policy proofs and the strategy's
# program proofs, re-reading the oracle over the devnet RPC). Without
# Chromium, the same tour runs against the native signer core.
set -euo pipefail
cd "$(dirname "$0")/.."
keys=$(scripts/demo-keys.sh) # made on the first run, and again after a circuit change
if command -v chromium >/dev/null && command -v node >/dev/null; then
  make --no-print-directory extension >/dev/null
  echo "== the signer is the Leash extension in headless Chromium"
  exec timeout 300 bin/leash demo --keys "$keys" --signer extension
fi
echo "== no Chromium: the signer is the native signer core (the same Go core as the extension's WASM)"
exec timeout 300 bin/leash demo --keys "$keys"
