#!/usr/bin/env bash
# Copies the source tree as git sees it (tracked files and new files not
# ignored, with their uncommitted changes; no .git, no build output) to DIR,
# and links node_modules. Used to build in another directory.
# Usage: scripts/copy-tree.sh DIR
set -euo pipefail
cd "$(dirname "$0")/.."
dest=$1
mkdir -p "$dest"
git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [[ -e $f && $f != node_modules ]] && printf '%s\0' "$f"; done |
  tar --null -T - -cf - | tar -xf - -C "$dest"
[[ -d node_modules ]] && ln -sfn "$(cd node_modules && pwd -P)" "$dest/node_modules"
exit 0
