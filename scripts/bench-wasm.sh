#!/usr/bin/env bash
# WASM benchmark table (Node 20), called by `make bench-wasm` after it built
# dist/leash.wasm. Prints one table of medians:
#   - groth16v Groth16 verify in Go WASM vs snarkjs groth16.verify
#     (single-threaded, and default) on the same proof, converted to
#     snarkjs's JSON by bench/wasm/snarkjsconv; plus native medians. The proof
#     is a real policy-circuit proof (fresh setup, examples/tx-ok.json);
#     BENCH_CIRCUIT=test uses groth16v's 12-input test circuit instead.
#   - a whole v2 proposal verified in WASM (verify.Verify: every native
#     check, the public inputs from the signer's state, the pairing) against
#     the v1 baseline measured in the same run (bench/policyv1, the frozen v1
#     circuit: v1's public inputs and the pairing), in alternating rounds;
#   - then the rows of wasm/bench.mjs (signer core: cold start, size, sign,
#     memory), when that file exists;
#   - then issue 17's typed-data submit (wasm/wasmtest BenchmarkNodeSignature:
#     bench/wasm/bench-signature.mjs, the stateful core's agent.submit of x402
#     payments and transfers against the stateless verify + sign).
#     SIG_BENCH_N sets the payments (default 48).
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

if [[ "${BENCH_CIRCUIT:-policy}" == policy ]]; then
  echo >&2
  echo "== the v1 baseline fixture (bench/policyv1)" >&2
  go run ./bench/wasm/fixture -circuit policy-v1 -out "$work/fixture-v1"
  rounds=4
  per=$(( (N + rounds - 1) / rounds ))
  for r in $(seq "$rounds"); do
    for v in v1 v2; do
      dir="$work/fixture"; [[ $v == v1 ]] && dir="$work/fixture-v1"
      node "$goroot/lib/wasm/wasm_exec_node.js" "$work/verifybench.wasm" -dir "$dir" -n "$per" -warmup 5 -out "$work/prop-$v-$r.json"
    done
  done
  echo
  node -e '
    const fs = require("fs");
    const [dir, rounds] = [process.argv[1], Number(process.argv[2])];
    const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
    const all = (v, k) => Array.from({ length: rounds }, (_, i) => JSON.parse(fs.readFileSync(`${dir}/prop-${v}-${i + 1}.json`, "utf8")))
      .flatMap((r) => { if (!r.checks.proposal_accepted) throw new Error(v + ": the proposal is refused"); return r.samples_ms[k]; });
    const row = (name, v) => console.log(name.padEnd(52) + " " + (v.toFixed(3) + " ms").padStart(10));
    const v1 = med(all("v1", "proposal_verify")), v2 = med(all("v2", "proposal_verify"));
    console.log(`# a whole proposal verified in WASM (Node ${process.version}), p50 of ${all("v2", "proposal_verify").length} in ${rounds} alternating rounds`);
    row("v1 baseline: public inputs + pairing (12 inputs)", v1);
    row("v2: verify.Verify (checks, 16 inputs, pairing)", v2);
    row("  v1 pairing alone", med(all("v1", "groth16v_verify")));
    row("  v2 pairing alone", med(all("v2", "groth16v_verify")));
    console.log("ratio v2 / v1 (target <= 1.3)".padEnd(52) + " " + ((v2 / v1).toFixed(2) + " ×").padStart(10));
  ' "$work" "$rounds"
fi

if [[ -f wasm/bench.mjs ]]; then
  echo
  node wasm/bench.mjs
fi

echo
LEASH_WASM_TESTS=1 BENCH_N="${SIG_BENCH_N:-48}" go test -run '^$' -bench NodeSignature -benchtime 1x ./wasm/wasmtest |
  grep -v -E '^(goos|goarch|pkg|cpu|PASS|ok|Benchmark)'
