#!/usr/bin/env bash
# Reproducible builds (issue 16): leash.wasm, the extension zip and the
# linux/amd64 CLI are built twice, from two copies of the tree in two
# different directories (different names and depths, no .git), with the
# release's flags (scripts/build-wasm.sh, scripts/build-extension.sh,
# scripts/reprozip, -trimpath -buildvcs=false, SOURCE_DATE_EPOCH), and must
# be equal byte for byte. Prints the SHA-256 of each: the leash.wasm line is
# what the extension's Setup page shows for a build of this tree.
#
# Go's build cache ignores the directory under -trimpath, so a second build
# would only copy the first one's cached objects: the second leash.wasm is
# built with an empty GOCACHE (~30 s on 2 cores), from scratch. The CLI
# (minutes from scratch) comes from the cache in both; every output is
# also searched for the build directories' and this tree's paths.
# needs: git unzip tar
set -euo pipefail
cd "$(dirname "$0")/../.."
[[ -d node_modules/qrcode ]] || { echo "reproducible: node_modules is missing (make deps)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 1700000000)}
dirs=("$tmp/a/leash" "$tmp/bb/ccc/another-name")
cache=("$(go env GOCACHE)" "$tmp/gocache")
for i in 0 1; do
  d=${dirs[$i]}
  scripts/copy-tree.sh "$d"
  (
    cd "$d"
    GOCACHE=${cache[$i]} scripts/build-wasm.sh out >/dev/null
    LEASH_WASM_DIR=out LEASH_EXT_OUT=out/extension scripts/build-extension.sh >/dev/null
    GOFLAGS=-mod=readonly go run ./scripts/reprozip -dir out/extension -out out/leash-extension.zip
    CGO_ENABLED=0 GOOS=linux GOARCH=amd64 GOFLAGS=-mod=readonly go build -trimpath -buildvcs=false \
      -ldflags='-s -w -buildid=' -o out/leash-linux-amd64 ./cmd/leash
  )
done
fail=0
for f in leash.wasm leash-extension.zip leash-linux-amd64; do
  a=${dirs[0]}/out/$f b=${dirs[1]}/out/$f
  if cmp -s "$a" "$b"; then
    printf 'reproducible  %-22s %s  %9d bytes\n' "$f" "$(sha256sum "$a" | cut -c1-64)" "$(stat -c %s "$a")"
  else
    printf 'DIFFERS       %-22s %s ≠ %s\n' "$f" "$(sha256sum "$a" | cut -c1-16)" "$(sha256sum "$b" | cut -c1-16)"
    cmp "$a" "$b" | head -1 || true
    fail=1
  fi
done
# The zip holds exactly the files of the unpacked extension, with their bytes.
(cd "$tmp" && mkdir unz && cd unz && unzip -q "${dirs[0]}/out/leash-extension.zip" && diff -r . "${dirs[0]}/out/extension") ||
  { echo "reproducible: the zip is not the unpacked extension" >&2; fail=1; }
for p in "$tmp" "$PWD"; do
  if grep -rlF "$p" "${dirs[0]}/out" "${dirs[1]}/out" >/dev/null 2>&1; then
    echo "reproducible: a build output names a build directory ($p):" >&2
    grep -rlF "$p" "${dirs[0]}/out" "${dirs[1]}/out" >&2
    fail=1
  fi
done
[[ $fail == 0 ]] || { echo "reproducible: builds differ" >&2; exit 1; }
echo "reproducible: ok (SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)"
