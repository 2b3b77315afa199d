#!/usr/bin/env bash
# The whole test suite, called by `make test` after deps and build.
# Each piece of the system adds its own step as scripts/test.d/NN-name.sh;
# they run in order and any failure fails the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
for step in scripts/test.d/*.sh; do
  echo "== ${step#scripts/test.d/}"
  bash "$step"
done
echo "== all test steps passed"
