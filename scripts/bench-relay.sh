#!/usr/bin/env bash
# `make bench-relay`: the relay's target scenarios on loopback, printed as
# one table with the bare gorilla/websocket forwarder measured in the same
# run. The relay and the forwarder run as child processes of bin/leash on
# fresh data directories. Pass --quick for a shorter run. Do not run it in
# parallel with other benchmarks: the load generator shares the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x bin/leash ] || go build -trimpath -o bin/leash ./cmd/leash
exec timeout 600 bin/leash relay bench --scenario suite "$@"
