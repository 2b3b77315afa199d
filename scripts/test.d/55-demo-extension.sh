#!/usr/bin/env bash
# The demo's tour with the real extension (headless Chromium) as the signer:
# payments proven, signed by the extension and mined; a pre-check refusal; a
# forged proposal refused by the extension (proof_invalid); the strategy
# agent's program proofs, verified by the extension after re-reading the
# devnet oracle (trades mined; the same decision again refused program_replay,
# a fake price refused input_mismatch, an
# altered size proof_invalid); an on-chain revoke the extension honours
# (revoked); x402 payments (issue 17): an agent pays the reference x402
# server and facilitator through the agent host, each authorization proven
# and signed by the extension and settled on chain, then a payment over the
# window, a payee outside the policy, a replayed authorization and a forged
# proof refused. Then the same tour against the native signer core (what
# `make demo` runs without Chromium). A tour exits non-zero if any step
# ends otherwise. (50-browser.sh built dist/extension.)
# needs: chromium
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
[ -f dist/extension/manifest.json ] || make --no-print-directory extension
go build -trimpath -o bin/leash ./cmd/leash
keys=$(scripts/demo-keys.sh)
timeout --kill-after=10 300 bin/leash demo --keys "$keys" --signer extension > artifacts-demo-extension.log 2>&1 || { cat artifacts-demo-extension.log; exit 1; }
grep -E "REFUSED|mined:" artifacts-demo-extension.log
rm -f artifacts-demo-extension.log
timeout --kill-after=10 300 bin/leash demo --keys "$keys" > artifacts-demo-native.log 2>&1 || { cat artifacts-demo-native.log; exit 1; }
grep -E "mined:" artifacts-demo-native.log
rm -f artifacts-demo-native.log
