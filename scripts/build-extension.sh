#!/usr/bin/env bash
# Builds dist/extension/, the unpacked MV3 extension: the sources in
# extension/, the WASM core (dist/leash.wasm + dist/wasm_exec.js from
# `make wasm`), npm's qrcode bundled for the browser, and the icons.
# Load it in Chrome: chrome://extensions → Developer mode → Load unpacked.
# Every step is deterministic (make release zips the result with
# scripts/reprozip; scripts/test.d/25-reproducible.sh checks it).
# Environment: LEASH_WASM_DIR (default dist) holds leash.wasm and
# wasm_exec.js; LEASH_EXT_OUT (default dist/extension) is the output.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${LEASH_EXT_OUT:-dist/extension}
wasmdir=${LEASH_WASM_DIR:-dist}
for f in "$wasmdir/leash.wasm" "$wasmdir/wasm_exec.js"; do
  [[ -f $f ]] || { echo "build-extension: $f is missing; run make wasm" >&2; exit 1; }
done
rm -rf "$out"
mkdir -p "$out/lib" "$out/icons"
cp extension/manifest.json "$out/"
cp -r extension/sw extension/ui extension/page extension/_locales "$out/"
cp "$wasmdir/leash.wasm" "$out/leash.wasm"
cp "$wasmdir/wasm_exec.js" "$out/sw/wasm_exec.js"
node extension/tools/bundle-cjs.mjs node_modules/qrcode/lib/browser.js QRCode "$out/lib/qrcode.js" >/dev/null
node extension/tools/icons.mjs "$out/icons"
# The manifest must parse and name only files that exist.
node -e '
const fs = require("fs"), path = require("path");
const dir = process.argv[1];
const m = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
const files = [m.background.service_worker, m.action.default_popup, ...Object.values(m.icons),
  ...m.content_scripts.flatMap((c) => c.js)];
for (const f of files) if (!fs.existsSync(path.join(dir, f))) { console.error("manifest names a missing file: " + f); process.exit(1); }
' "$out"
size=$(du -sk "$out" | cut -f1)
echo "extension: $out (${size} KiB; leash.wasm $(gzip -c "$wasmdir/leash.wasm" | wc -c | awk '{printf "%.2f MB gzipped", $1/1e6}'), sha256 $(sha256sum "$out/leash.wasm" | cut -c1-64))"
