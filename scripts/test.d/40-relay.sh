#!/usr/bin/env bash
# Relay CLI smoke test: `leash relay` starts, answers /healthz and /metrics,
# carries a short load from `leash relay bench` with nothing lost or
# duplicated, and drains gracefully on SIGTERM. (The relay's conformance,
# bad-input and SIGKILL chaos tests are Go tests, run by 10-go.sh.)
# needs: curl python3
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=bin/leash
[ -x "$bin" ] || go build -trimpath -o "$bin" ./cmd/leash
work="$(mktemp -d)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" relay --addr "127.0.0.1:$port" --data "$work/data" 2>"$work/relay.log" &
pid=$!
trap 'kill -9 $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.05
done
curl -fsS "http://127.0.0.1:$port/healthz" | grep -q '"ok":true'
out=$("$bin" relay bench --url "ws://127.0.0.1:$port/v1/ws" --channels 20 --rate 400 --duration 1s)
echo "$out"
echo "$out" | grep -q ' lost 0 ' || { echo "relay smoke: messages lost"; exit 1; }
echo "$out" | grep -q 'duplicates 0$' || { echo "relay smoke: duplicates"; exit 1; }
curl -fsS "http://127.0.0.1:$port/metrics" | grep -q '^leash_relay_stored_total [1-9]'
kill -TERM $pid
wait $pid
grep -q 'relay stopped' "$work/relay.log"
echo "relay smoke: ok"
