#!/usr/bin/env bash
# The relay on Cloudflare Workers: build the Worker (make relay-worker), check
# its bundle fits the free plan (3 MB gzipped), then run the relay's
# conformance suite against both backends, the native node and the Worker
# under `wrangler dev` (offline, on a free loopback port, state in a temp
# dir), and print the per-case results side by side. The SQLite store's own
# tests (core's Store conformance suite among them) run compiled to wasm
# inside a Durable Object.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x node_modules/.bin/wrangler ] || { echo "relay-worker: node_modules/.bin/wrangler missing (make deps)"; exit 1; }
make -s relay-worker
gz=$(gzip -9c relay/worker/build/app.wasm | wc -c)
echo "relay-worker: app.wasm $(stat -c %s relay/worker/build/app.wasm) bytes, $gz gzipped"
[ "$gz" -le 3000000 ] || { echo "relay-worker: wasm over 3 MB gzipped"; exit 1; }
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
status=0
LEASH_RELAY_WORKER=1 timeout 300 go test -count=1 -v -run '^(TestNative|TestWorker|TestSQLStoreInDurableObject)$' ./relay/conformance >"$out" 2>&1 || status=$?
grep -E '^\s*--- (PASS|FAIL|SKIP): Test(Native|Worker)' "$out" | awk '
  { st=$2; name=$3; sub(/:$/, "", st); split(name, p, "/"); be=p[1]; sub(/^Test/, "", be)
    c=name; sub(/^[^\/]*\/?/, "", c); if (c == "") c="(all)"
    if (!(c in seen)) { seen[c]=1; order[++n]=c }; r[c, be]=st }
  END { printf "%-44s %-8s %-8s\n", "case", "native", "worker"
        for (i=1; i<=n; i++) { a=r[order[i],"Native"]; b=r[order[i],"Worker"]
          printf "%-44s %-8s %-8s\n", order[i], (a == "" ? "n/a" : a), (b == "" ? "n/a" : b) } }'
if [ $status -ne 0 ]; then
  grep -vE '^\s*(=== RUN|--- PASS)' "$out" | tail -60
  echo "relay-worker: conformance failed"
  exit $status
fi
grep -q -- '--- PASS: TestWorker ' "$out" || { echo "relay-worker: the Worker backend did not run"; exit 1; }
grep -q -- '--- PASS: TestSQLStoreInDurableObject ' "$out" || { echo "relay-worker: the store tests did not run"; exit 1; }
n=$(sed -n '/inside the Durable Object/,$p' "$out" | grep -cE '^\s+--- PASS: Test' || true)
echo "SQLite store tests inside a Durable Object: $n passed"
echo "relay-worker: ok"
