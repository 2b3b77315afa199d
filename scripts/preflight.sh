#!/usr/bin/env bash
# What `make test` needs, checked before it starts: prints each missing
# tool, which steps need it and how to install it. Go 1.26, Node 20 and npm
# are needed by everything (missing: exit 1). The others are needed by some
# steps only (their scripts say so in a "# needs:" line); scripts/test.sh
# installs them with apt-get when it runs as root, and otherwise runs every
# step that does not need them and reports the rest as not run.
set -uo pipefail
cd "$(dirname "$0")/.."
missing=0

go_ok=$(go env GOVERSION 2>/dev/null | grep -E '^go1\.(2[6-9]|[3-9][0-9])' || true)
node_ok=$(node --version 2>/dev/null | grep -E '^v(2[0-9]|[3-9][0-9])\.' || true)
if [[ -z $go_ok ]]; then
  echo "missing: Go 1.26 or newer (found: $(go version 2>/dev/null || echo none)). Install it from your distribution or the Go project's release, then put it on PATH."
  missing=1
fi
if [[ -z $node_ok ]] || ! command -v npm >/dev/null; then
  echo "missing: Node 20 and npm (found: $(node --version 2>/dev/null || echo none)). Debian/Ubuntu: sudo apt-get install nodejs npm (Node 20 or newer)."
  missing=1
fi
[[ $missing == 0 ]] || exit 1

# Tools some steps need: scripts/test.sh decides per step.
while IFS= read -r line; do
  echo "$line"
done < <(scripts/test.sh --check-tools)
exit 0
