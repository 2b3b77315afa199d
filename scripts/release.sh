#!/usr/bin/env bash
# make release: the release artefacts in dist/release/, every one of them
# reproducible (scripts/test.d/25-reproducible.sh checks the same recipe):
#   leash-VERSION-{linux,darwin}-{amd64,arm64}   the CLI (CGO off, static)
#   leash.wasm                                    the signer core
#   leash-extension-VERSION.zip                   the MV3 extension (with that leash.wasm)
#   leash-relay-worker-VERSION.zip                the Cloudflare Worker relay: wrangler.jsonc,
#                                                 src/index.mjs and build/ (npx wrangler deploy)
#   SHA256SUMS                                    sha256sum -c SHA256SUMS checks them
# Each CLI carries VERSION, the git revision and leash.wasm's SHA-256
# (leash version). Environment: VERSION (default: git describe, else
# "dev"), SOURCE_DATE_EPOCH (default: the last commit's time).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export GOFLAGS=-mod=readonly
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
REVISION=${REVISION:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 1700000000)}
[[ -d node_modules/qrcode ]] || { echo "release: node_modules is missing (make deps)" >&2; exit 1; }
[[ $VERSION =~ ^[A-Za-z0-9._+-]+$ ]] || { echo "release: VERSION '$VERSION' is not a plain version string" >&2; exit 2; }

out=dist/release
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -rf "$out"
mkdir -p "$out"
step() { printf '== %-44s' "$1"; }

step "leash.wasm"
scripts/build-wasm.sh "$tmp/wasm"
cp "$tmp/wasm/leash.wasm" "$out/leash.wasm"
wasm_sha=$(sha256sum "$out/leash.wasm" | cut -c1-64)
echo "$wasm_sha"

step "leash-extension-$VERSION.zip"
LEASH_WASM_DIR="$tmp/wasm" LEASH_EXT_OUT="$tmp/extension" scripts/build-extension.sh >/dev/null
go run ./scripts/reprozip -dir "$tmp/extension" -out "$out/leash-extension-$VERSION.zip"
echo ok

ldflags="-s -w -buildid= -X main.version=$VERSION -X main.revision=$REVISION -X main.wasmSHA256=$wasm_sha"
for os in linux darwin; do
  for arch in amd64 arm64; do
    step "leash-$VERSION-$os-$arch"
    CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -buildvcs=false -ldflags="$ldflags" \
      -o "$out/leash-$VERSION-$os-$arch" ./cmd/leash
    echo ok
  done
done

# The binary for this machine says what it is.
self="$out/leash-$VERSION-$(go env GOOS)-$(go env GOARCH)"
if [[ -x $self ]]; then
  "$self" version | grep -q "\"sha256\":\"$wasm_sha\"" || { echo "release: $self does not name leash.wasm's hash" >&2; exit 1; }
  "$self" version | grep -q "\"version\":\"$VERSION\"" || { echo "release: $self does not say version $VERSION" >&2; exit 1; }
fi

step "leash-relay-worker-$VERSION.zip"
w=$tmp/worker
mkdir -p "$w/src" "$w/build"
go tool workers-assets-gen -mode=go -o "$w/build"
GOOS=js GOARCH=wasm go build -trimpath -buildvcs=false -ldflags='-s -w -buildid=' -o "$w/build/app.wasm" ./relay/worker/cmd/relayworker
cp relay/worker/src/index.mjs "$w/src/"
grep -v '"\$schema"' relay/worker/wrangler.jsonc >"$w/wrangler.jsonc" # the schema path points into this repo's node_modules
go run ./scripts/reprozip -dir "$w" -out "$out/leash-relay-worker-$VERSION.zip"
# What a user unzips must deploy: wrangler bundles it (offline, no account).
mkdir -p "$tmp/unzipped" "$tmp/wcfg"
(cd "$tmp/unzipped" && unzip -q "$root/$out/leash-relay-worker-$VERSION.zip" &&
  WRANGLER_SEND_METRICS=false WRANGLER_SEND_ERROR_REPORTS=false CLOUDFLARE_CF_FETCH_ENABLED=false \
  XDG_CONFIG_HOME="$tmp/wcfg" WRANGLER_LOG_PATH="$tmp/wcfg" "$root/node_modules/.bin/wrangler" deploy --dry-run --outdir "$tmp/bundle" >"$tmp/wrangler.log" 2>&1) ||
  { cat "$tmp/wrangler.log" >&2; echo "release: wrangler cannot bundle the Worker zip" >&2; exit 1; }
echo "ok (wrangler deploy --dry-run bundles it)"

(cd "$out" && sha256sum -- * | LC_ALL=C sort -k2 >"$tmp/SHA256SUMS" && mv "$tmp/SHA256SUMS" SHA256SUMS && sha256sum -c --quiet SHA256SUMS)
echo
echo "release $VERSION ($REVISION, SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH) in $out:"
(cd "$out" && ls -l --time-style=+ | awk 'NR>1 {printf "  %-40s %10d bytes\n", $NF, $5}')
