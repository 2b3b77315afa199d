// WASM Groth16 verify benchmark (Node 20).
//
// Runs the groth16v verify bench (bench/wasm/verifybench built for
// GOOS=js GOARCH=wasm) in this Node process and snarkjs groth16.verify on
// the same proof converted to snarkjs's JSON, single-threaded, and prints
// medians and the ratio. The two are timed in alternating rounds (a block
// of groth16v, then a block of snarkjs, --rounds times) so that both see the
// same machine load; the medians are over all rounds' samples. snarkjs with
// its default worker threads is timed once more, for reference. Before
// timing, it asserts that both accept the valid proof and reject a tampered
// proof and a tampered public input.
//
// Usage: node bench/wasm/bench-verify.mjs --fixture DIR --wasm FILE
//          --wasm-exec $(go env GOROOT)/lib/wasm/wasm_exec.js [--n 200]
//          [--warmup 20] [--rounds 5] [--check] [--json OUT]
// --check only asserts the verdicts (a few iterations, for `make test`).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import * as snarkjs from "snarkjs";
import { buildBn128 } from "ffjavascript";

const args = parseArgs(process.argv.slice(2));
const fixture = must(args, "fixture");
const wasmFile = must(args, "wasm");
const wasmExec = must(args, "wasm-exec");
const check = "check" in args;
const n = check ? 3 : Number(args.n ?? 200);
const warmup = check ? 1 : Number(args.warmup ?? 20);
const rounds = check ? 1 : Number(args.rounds ?? 5);
const perRound = Math.max(1, Math.ceil(n / rounds));

function parseArgs(a) {
  const out = {};
  for (let i = 0; i < a.length; i++) {
    if (!a[i].startsWith("--")) throw new Error(`unexpected argument ${a[i]}`);
    const k = a[i].slice(2);
    if (i + 1 < a.length && !a[i + 1].startsWith("--")) out[k] = a[++i];
    else out[k] = true;
  }
  return out;
}
function must(o, k) {
  if (!o[k]) {
    console.error(`bench-verify: --${k} is required`);
    process.exit(2);
  }
  return o[k];
}
function fail(msg) {
  console.error(`bench-verify: FAIL: ${msg}`);
  process.exit(1);
}
const readJSON = (f) => JSON.parse(fs.readFileSync(path.join(fixture, f), "utf8"));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

// --- groth16v in Go WASM --------------------------------------------------
async function runGoWasm(iters, warm) {
  // What wasm_exec_node.js does, in-process: the Go program reads the
  // fixture through the real fs.
  globalThis.fs = fs;
  globalThis.path = path;
  await import(pathToFileURL(path.resolve(wasmExec)).href);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "verifybench-")), "result.json");
  const go = new globalThis.Go();
  go.argv = ["verifybench", "-dir", fixture, "-out", out, "-n", String(iters), "-warmup", String(warm)];
  go.env = { TMPDIR: os.tmpdir() };
  let exitCode = 0;
  go.exit = (code) => { exitCode = code; };
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmFile), go.importObject);
  await go.run(instance);
  // A Go runtime timer (the scavenger's, say) may still be scheduled when
  // the program exits; wasm_exec.js would fire it into the exited program
  // later, while this process goes on timing snarkjs. Cancel them.
  for (const id of go._scheduledTimeouts?.values() ?? []) clearTimeout(id);
  go._scheduledTimeouts?.clear();
  if (exitCode !== 0) fail(`verifybench exited with ${exitCode}`);
  const res = JSON.parse(fs.readFileSync(out, "utf8"));
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  for (const [k, ok] of Object.entries(res.checks)) if (!ok) fail(`wasm check ${k}`);
  return res;
}

// --- snarkjs ----------------------------------------------------------------
async function timeSnarkjs(vk, pub, proof, iters, warm) {
  for (let i = 0; i < warm; i++) {
    if (!(await snarkjs.groth16.verify(vk, pub, proof))) fail("snarkjs rejected the valid proof during warm-up");
  }
  const t = [];
  for (let i = 0; i < iters; i++) {
    const t0 = performance.now();
    const ok = await snarkjs.groth16.verify(vk, pub, proof);
    t.push(performance.now() - t0);
    if (!ok) fail("snarkjs rejected the valid proof");
  }
  return t;
}

// snarkjs 0.7.6's groth16.verify takes no thread option: it asks
// ffjavascript for the shared bn128 curve, which is multi-threaded unless a
// curve is already cached in globalThis.curve_bn128. Caching a curve built
// with singleThread = true keeps it on this thread.
let singleCurve = null;
async function useSingleThread() {
  singleCurve ??= await buildBn128(true);
  globalThis.curve_bn128 = singleCurve;
}

function snarkjsInputs() {
  const pub = readJSON("public.json");
  const badPub = [...pub];
  badPub[0] = (BigInt(badPub[0]) + 1n).toString();
  return {
    vk: readJSON("verification_key.json"),
    proof: readJSON("proof.json"),
    tampered: readJSON("proof_tampered.json"),
    pub,
    badPub,
  };
}

async function snarkjsChecks({ vk, proof, tampered, pub, badPub }) {
  await useSingleThread();
  const checks = {
    snarkjs_accepts_valid: await snarkjs.groth16.verify(vk, pub, proof),
    snarkjs_rejects_tampered_proof: !(await snarkjs.groth16.verify(vk, pub, tampered)),
    snarkjs_rejects_tampered_input: !(await snarkjs.groth16.verify(vk, badPub, proof)),
  };
  for (const [k, ok] of Object.entries(checks)) if (!ok) fail(k);
  if (globalThis.curve_bn128 !== singleCurve) fail("snarkjs did not use the single-threaded curve");
  return checks;
}

const sjIn = snarkjsInputs();
const sjChecks = await snarkjsChecks(sjIn);
const ours = [], gnark = [], decode = [], single = [];
let goRes;
for (let r = 0; r < rounds; r++) {
  goRes = await runGoWasm(perRound, r === 0 ? warmup : Math.min(warmup, 5));
  ours.push(...goRes.samples_ms.groth16v_verify);
  gnark.push(...goRes.samples_ms.gnark_verify);
  decode.push(...goRes.samples_ms.groth16v_decode);
  await useSingleThread();
  single.push(...(await timeSnarkjs(sjIn.vk, sjIn.pub, sjIn.proof, perRound, r === 0 ? warmup : Math.min(warmup, 5))));
}
let p50Default = null;
if (!check) {
  globalThis.curve_bn128 = null; // let snarkjs build its default (worker) curve
  p50Default = median(await timeSnarkjs(sjIn.vk, sjIn.pub, sjIn.proof, perRound, warmup));
  await globalThis.curve_bn128?.terminate();
}
const sj = { checks: sjChecks, p50Single: median(single), p50Default };
const meta = readJSON("meta.json");

const p50Ours = median(ours);
const ratio = p50Ours / sj.p50Single;
const rows = [
  ["groth16v verify, WASM (decode + checks + pairing)", p50Ours, "ms", "≤ 5.5"],
  ["gnark groth16 Verify, WASM (baseline)", median(gnark), "ms", ""],
  ["groth16v proof decode (incl. G2 subgroup), WASM", median(decode), "ms", ""],
  ["groth16v key load + precompute, WASM", goRes.p50_ms.groth16v_load, "ms", ""],
  ["snarkjs groth16.verify, single-threaded", sj.p50Single, "ms", ""],
  ...(sj.p50Default != null ? [["snarkjs groth16.verify, default threads", sj.p50Default, "ms", ""]] : []),
  ["ratio groth16v / snarkjs single-threaded", ratio, "×", "≤ 0.5"],
];
if (check) {
  console.log(`bench-verify --check: groth16v (WASM) and snarkjs agree on ${meta.circuit}: valid accepted, tampered proof and input rejected`);
} else {
  console.log(`# WASM Groth16 verify, Node ${process.version}, ${meta.circuit}; p50 of ${perRound * rounds} in ${rounds} alternating rounds, after warm-up`);
  for (const [name, v, unit, target] of rows) {
    const val = unit === "×" ? v.toFixed(2) + " ×" : v.toFixed(2) + " ms";
    let verdict = "";
    if (target) verdict = (unit === "×" ? v <= 0.5 : v <= 5.5) ? `PASS (${target})` : `FAIL (${target})`;
    console.log(`${name.padEnd(52)} ${val.padStart(10)}  ${verdict}`);
  }
}
if (args.json) {
  fs.writeFileSync(args.json, JSON.stringify({ samples: { ours, gnark, decode, single }, snarkjs: sj, ratio }, null, 1));
}
process.exit(0);
