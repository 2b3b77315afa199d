#!/usr/bin/env bash
# The whole test suite, called by `make test` after deps, build and wasm.
# Each piece of the system adds its own step as scripts/test.d/NN-name.sh;
# they run in order and any failure fails the suite.
#
# A step that needs a tool beyond Go, Node and npm says so in a line
# "# needs: TOOL ..." (a command name; chromium, curl, python3, unzip, git,
# gcc). A missing tool is installed with apt-get when running as root (CI);
# without root or apt the script says what is missing and how to install
# it, runs every step that does not need it, and ends with exit 1 listing
# the steps that did not run (LEASH_TEST_ALLOW_SKIP=1 makes that exit 0).
# With CI=true nothing is ever skipped.
# `scripts/test.sh --check-tools` only reports.
# For scripts/test-sh-test.sh (the test of this runner): LEASH_TEST_D
# replaces scripts/test.d, LEASH_TEST_NO_INSTALL=1 acts as without root.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${LEASH_TEST_D:-scripts/test.d}

# Debian package of each tool.
declare -A pkg=([chromium]=chromium [curl]=curl [python3]=python3 [unzip]=unzip [git]=git [gcc]=gcc [tar]=tar)

needs() { sed -nE 's/^# needs: *//p' "$1" | head -1; }
can_install() { [[ ${LEASH_TEST_NO_INSTALL:-} != 1 && $(id -u) == 0 ]] && command -v apt-get >/dev/null; }

declare -A missing=()
for step in "$steps"/*.sh; do
  for tool in $(needs "$step"); do
    command -v "$tool" >/dev/null || missing[$tool]+=" ${step##*/}"
  done
done

if [[ ${1:-} == --check-tools ]]; then
  for tool in "${!missing[@]}"; do
    if can_install; then
      echo "missing: $tool (needed by${missing[$tool]}); make test installs it: apt-get install -y ${pkg[$tool]:-$tool}"
    else
      echo "missing: $tool (needed by${missing[$tool]}). Install it: sudo apt-get install ${pkg[$tool]:-$tool}  (Debian/Ubuntu; or your system's package of $tool). Without it those steps do not run."
    fi
  done
  exit 0
fi

if ((${#missing[@]})) && can_install; then
  pkgs=()
  for tool in "${!missing[@]}"; do pkgs+=("${pkg[$tool]:-$tool}"); done
  echo "== installing ${pkgs[*]} with apt-get"
  apt-get update -qq && apt-get install -y -qq "${pkgs[@]}" >/dev/null || true
  for tool in "${!missing[@]}"; do command -v "$tool" >/dev/null && unset "missing[$tool]"; done
fi

passed=0 skipped=()
for step in "$steps"/*.sh; do
  name=${step##*/}
  lack=()
  for tool in $(needs "$step"); do command -v "$tool" >/dev/null || lack+=("$tool"); done
  if ((${#lack[@]})); then
    if [[ ${CI:-} == true ]]; then
      echo "== $name needs ${lack[*]}, which is missing and could not be installed" >&2
      echo "steps: $passed passed, 1 failed"
      exit 1
    fi
    lackpkg=()
    for tool in "${lack[@]}"; do lackpkg+=("${pkg[$tool]:-$tool}"); done
    echo "== $name: NOT RUN, missing ${lack[*]} (install: sudo apt-get install ${lackpkg[*]})"
    skipped+=("$name")
    continue
  fi
  echo "== $name"
  if ! bash "$step"; then
    echo "steps: $passed passed, 1 failed, ${#skipped[@]} skipped"
    exit 1
  fi
  passed=$((passed + 1))
done
echo "steps: $passed passed, 0 failed, ${#skipped[@]} skipped"
if ((${#skipped[@]})); then
  echo "== NOT all test steps ran: ${skipped[*]} (missing tools above)"
  [[ ${LEASH_TEST_ALLOW_SKIP:-} == 1 ]] && exit 0
  exit 1
fi
echo "== all test steps passed"
