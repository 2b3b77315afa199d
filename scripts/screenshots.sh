#!/usr/bin/env bash
# make screenshots: runs the browser test (scripts/test.d/50-browser.sh: the
# real extension in headless Chromium against a real relay and dev chain),
# and the dapps suite (52-dapps.sh), then copies the screenshots the docs
# use from artifacts/browser/ and artifacts/browser-dapps/ to
# docs/img/ (Chromium's PNGs are already compact: re-encoding them with Go's
# best zlib level made them larger). Commit the result. The wallet on them
# is a fresh random test wallet. LEASH_SCREENSHOTS_REUSE=1 copies the last
# run's screenshots without running the test again.
# needs: chromium
set -euo pipefail
cd "$(dirname "$0")/.."
[[ ${LEASH_SCREENSHOTS_REUSE:-} == 1 && -d artifacts/browser ]] || bash scripts/test.d/50-browser.sh
[[ ${LEASH_SCREENSHOTS_REUSE:-} == 1 && -d artifacts/browser-dapps ]] || bash scripts/test.d/52-dapps.sh
mkdir -p docs/img
declare -A pick=(
  [browser/02-onboarding-done]=onboarding
  [browser/04-popup-main]=popup-main
  [browser/05-popup-pairing-qr]=popup-pairing
  [browser/06b-popup-budget]=popup-budget
  [browser/07-popup-activity]=popup-activity
  [browser/08-popup-approval]=popup-approval
  [browser/05b-setup-build]=setup-build
  [browser-dapps/d02-typed-data]=dapp-typed-data
  [browser-dapps/d05-token-units]=dapp-token-units
)
for src in "${!pick[@]}"; do
  in=artifacts/$src.png out=docs/img/${pick[$src]}.png
  [[ -f $in ]] || { echo "screenshots: $in is missing (did the browser test change?)" >&2; exit 1; }
  cp "$in" "$out"
  printf '  %-28s %6d bytes\n' "$out" "$(stat -c %s "$out")"
done
