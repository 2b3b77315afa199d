#!/usr/bin/env bash
# make screenshots: runs the browser test (scripts/test.d/50-browser.sh: the
# real extension in headless Chromium against a real relay and dev chain),
# then copies the screenshots the docs use from artifacts/browser/ to
# docs/img/, re-encoded small (scripts/pngshrink, lossless). Commit the
# result. The wallet on them is a fresh random test wallet.
# needs: chromium
set -euo pipefail
cd "$(dirname "$0")/.."
[[ ${LEASH_SCREENSHOTS_REUSE:-} == 1 && -d artifacts/browser ]] || bash scripts/test.d/50-browser.sh
mkdir -p docs/img
declare -A pick=(
  [02-onboarding-done]=onboarding
  [04-popup-main]=popup-main
  [05-popup-pairing-qr]=popup-pairing
  [07-popup-activity]=popup-activity
  [08-popup-approval]=popup-approval
  [05b-setup-build]=setup-build
)
for src in "${!pick[@]}"; do
  in=artifacts/browser/$src.png out=docs/img/${pick[$src]}.png
  [[ -f $in ]] || { echo "screenshots: $in is missing (did the browser test change?)" >&2; exit 1; }
  GOFLAGS=-mod=readonly go run ./scripts/pngshrink "$in" "$out"
  printf '  %-28s %6d bytes (from %d)\n' "$out" "$(stat -c %s "$out")" "$(stat -c %s "$in")"
done
