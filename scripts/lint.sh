#!/usr/bin/env bash
# make lint (and the first step of make test): gofmt, go vet (native, and
# js/wasm for the packages that only build there), go.mod tidy, make help
# naming every target, and staticcheck (honnef.co/go/tools, pinned by
# go.mod's tool directive).
#
# staticcheck's findings are compared with scripts/staticcheck-baseline.txt
# (one "file: message (CHECK)" per line, no line numbers, so edits elsewhere
# in a file do not matter): a finding that is not in the baseline fails; a
# baseline line no longer found is reported so it can be deleted. The
# baseline holds findings in code other work is rewriting; shrink it, never
# grow it to make lint pass (fix new code instead, or justify a
# //lint:ignore CHECK reason on the line). Findings in generated files
# (abigen's bindings) are not counted.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS=-mod=readonly
fail=0

unformatted=$(git ls-files -z --cached --others --exclude-standard '*.go' |
  while IFS= read -r -d '' f; do [[ -e $f ]] && printf '%s\0' "$f"; done | xargs -0 -r gofmt -l)
if [[ -n $unformatted ]]; then
  echo "lint: not gofmt'ed (run gofmt -w):"; echo "$unformatted" | sed 's/^/  /'; fail=1
fi

go vet ./... || fail=1
# The syscall/js edges build only for js/wasm.
GOOS=js GOARCH=wasm go vet ./wasm ./wasm/cmd/leashwasm ./relay/worker ./relay/worker/cmd/relayworker ./relay/worker/sqlstore || fail=1

if ! go mod tidy -diff >/tmp/lint-tidy.$$ 2>&1; then
  echo "lint: go.mod/go.sum are not tidy (run go mod tidy):"; head -30 /tmp/lint-tidy.$$; fail=1
fi
rm -f /tmp/lint-tidy.$$

# make help lists every target (a "## name: what" line above it).
for t in $(sed -nE 's/^\.PHONY: *//p' Makefile); do
  [[ $t == all || $t == npm ]] && continue
  grep -qE "^## $t: " Makefile || { echo "lint: make target $t has no '## $t: …' line for make help"; fail=1; }
done

found=$(mktemp)
trap 'rm -f "$found"' EXIT
# Exit 1 only means findings; anything else is staticcheck failing to run.
go tool staticcheck -f text ./... >"$found.raw" 2>&1 || [[ $? == 1 ]] || { cat "$found.raw"; rm -f "$found.raw"; echo "lint: staticcheck did not run"; exit 1; }
# Generated files ("// Code generated … DO NOT EDIT.", Go's convention:
# abigen's bindings) are their generator's output, not code to fix here.
generated() { awk '/^package /{exit} /^\/\/ Code generated .* DO NOT EDIT\.$/{g=1; exit} END{exit !g}' "$1" 2>/dev/null; }
sed -E 's/^([^:]+):[0-9]+:[0-9]+: /\1: /' "$found.raw" | LC_ALL=C sort -u |
  while IFS= read -r line; do generated "${line%%: *}" || printf '%s\n' "$line"; done >"$found"
rm -f "$found.raw"
base=scripts/staticcheck-baseline.txt
new=$(LC_ALL=C comm -23 "$found" <(grep -v '^#' "$base" | LC_ALL=C sort -u))
gone=$(LC_ALL=C comm -13 "$found" <(grep -v '^#' "$base" | LC_ALL=C sort -u))
if [[ -n $new ]]; then
  echo "lint: new staticcheck findings (fix them):"; echo "$new" | sed 's/^/  /'; fail=1
fi
if [[ -n $gone ]]; then
  echo "lint: fixed since the baseline (delete these lines from $base):"; echo "$gone" | sed 's/^/  /'
fi
echo "lint: staticcheck $(wc -l <"$found") findings, $(grep -vc '^#' "$base") in the baseline"
[[ $fail == 0 ]] && echo "lint: ok"
exit $fail
