#!/usr/bin/env bash
# Go: every package's tests (native). go vet runs in 05-lint.sh.
set -euo pipefail
go test -count=1 -timeout 20m ./...
