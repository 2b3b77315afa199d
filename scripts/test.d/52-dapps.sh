#!/usr/bin/env bash
# Real dapp libraries against the real extension (tests/browser/dapps.mjs):
# ethers v6, viem and mipd unmodified in a page, in headless Debian
# chromium, on a devnet: reads, signatures, transactions, a deployment,
# typed data, networks, permissions, capabilities, the legacy provider and
# a hostile page; axe-core on every page; the cold-boot and forwarded-read
# benchmark. (50-browser.sh built dist/extension and bin/leash.)
# needs: chromium
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
[ -f dist/extension/manifest.json ] || make --no-print-directory extension
go build -trimpath -o bin/leash ./cmd/leash
node extension/tools/i18n.mjs --check # every t('…') has its message in _locales/en
timeout --kill-after=10 600 node tests/browser/dapps.mjs
