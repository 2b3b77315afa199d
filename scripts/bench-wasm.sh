#!/usr/bin/env bash
# WASM benchmark table (Node 20), called by `make bench-wasm` after it built
# dist/leash.wasm. Prints one table of medians:
#   - groth16v Groth16 verify in Go WASM vs snarkjs groth16.verify
#     (single-threaded, and default) on the same proof, converted to
#     snarkjs's JSON by bench/wasm/snarkjsconv; plus native medians. The proof
#     is a real policy-circuit proof (fresh setup, examples/tx-ok.json);
#     BENCH_CIRCUIT=test uses groth16v's 12-input test circuit instead.
#   - then the rows of wasm/bench.mjs (signer core: cold start, size, sign,
#     memory), when that file exists.
# Benchmarks run one after another, never in parallel.
set -euo pipefail
cd "$(dirname "$0")/.."

N="${BENCH_N:-200}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
goroot="$(go env GOROOT)"

echo "== building the verify fixture and the WASM verify bench" >&2
go run ./bench/wasm/fixture -circuit "${BENCH_CIRCUIT:-policy}" -out "$work/fixture"
GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -o "$work/verifybench.wasm" ./bench/wasm/verifybench
go build -trimpath -o "$work/verifybench" ./bench/wasm/verifybench

echo
node bench/wasm/bench-verify.mjs --fixture "$work/fixture" --wasm "$work/verifybench.wasm" \
  --wasm-exec "$goroot/lib/wasm/wasm_exec.js" --n "$N"

# Native medians of the same proof, same run (context for the WASM rows).
"$work/verifybench" -dir "$work/fixture" -n "$N" -out "$work/native.json"
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).p50_ms;
  const row = (name, v) => console.log(name.padEnd(52) + " " + (v.toFixed(3) + " ms").padStart(10));
  row("groth16v verify, native", r.groth16v_verify);
  row("gnark groth16 Verify, native (2 goroutines)", r.gnark_verify);
  console.log("ratio groth16v / gnark, native".padEnd(52) + " " + ((r.groth16v_verify / r.gnark_verify).toFixed(2) + " ×").padStart(10));
' "$work/native.json"

if [[ -f wasm/bench.mjs ]]; then
  echo
  node wasm/bench.mjs
fi
