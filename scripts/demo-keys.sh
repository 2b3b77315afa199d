#!/usr/bin/env bash
# Makes sure a keys directory (default .leash-demo/keys) holds user-side
# Groth16 setups of the circuits this source builds: the policy circuit
# (leash setup) and the threshold program (leash program setup). Keys made
# by an older source (another circuit: e.g. 12 public inputs where the
# verifier wants 16) are thrown away and made again: a stamp file records
# a hash of the circuits' sources the keys were made from. Needs bin/leash.
# Usage: scripts/demo-keys.sh [KEYS_DIR]      (prints the directory)
set -euo pipefail
cd "$(dirname "$0")/.."
keys=${1:-.leash-demo/keys}
stamp=$(find circuits wire -name '*.go' ! -name '*_test.go' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)
if [ "$(cat "$keys/.source" 2>/dev/null)" != "$stamp" ] && compgen -G "$keys/*.[pv]k" >/dev/null; then
  echo "== $keys was made from other (or unknown) circuit sources: making the setups again" >&2
  rm -f "$keys"/*.pk "$keys"/*.vk "$keys/.source"
fi
mkdir -p "$keys"
if [ ! -f "$keys/policy.vk" ] || [ ! -f "$keys/policy.pk" ]; then
  echo "== the user-side setup (leash setup --out $keys; about a minute)" >&2
  bin/leash setup --out "$keys" >/dev/null
fi
if [ ! -f "$keys/program-threshold.vk" ] || [ ! -f "$keys/program-threshold.pk" ]; then
  echo "== the threshold program's setup (leash program setup --template threshold --out $keys)" >&2
  bin/leash program setup --template threshold --out "$keys" >/dev/null
fi
echo "$stamp" > "$keys/.source"
echo "$keys"
