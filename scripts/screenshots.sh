#!/usr/bin/env bash
# make screenshots: runs the browser test (scripts/test.d/50-browser.sh: the
# real extension in headless Chromium against a real relay and dev chain),
# then copies the screenshots the docs use from artifacts/browser/ to
# docs/img/ (Chromium's PNGs are already compact: re-encoding them with Go's
# best zlib level made them larger). Commit the result. The wallet on them
# is a fresh random test wallet. LEASH_SCREENSHOTS_REUSE=1 copies the last
# run's screenshots without running the test again.
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
  cp "$in" "$out"
  printf '  %-28s %6d bytes\n' "$out" "$(stat -c %s "$out")"
done
