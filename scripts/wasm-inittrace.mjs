#!/usr/bin/env node
// wasm-inittrace.mjs: where the WASM signer core's start-up time goes.
//
//   node scripts/wasm-inittrace.mjs [--wasm dist/leash.wasm] [--n 9] [--top 15]
//
// Runs dist/leash.wasm --n times, each in a fresh Node process, with
// GODEBUG=inittrace=1, and prints the median time from go.run until the
// global `leash` is ready, then the --top package initialisers by median
// wall-clock time (with their median allocations). Wall-clock: on a busy
// machine the figures swell, so compare builds in the same run. In WASM the
// first call of any function also pays V8's lazy compilation, which the
// package that calls it first is charged for. Each sample runs with the V8
// flags wasm/leash.mjs sets (LEASH_WASM_TIERING_BUDGET as there; 0 for V8's
// default tiering).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const wasmPath = path.resolve(arg("wasm", path.join(root, "dist", "leash.wasm")));
const wasmExec = path.resolve(arg("wasm-exec", path.join(root, "dist", "wasm_exec.js")));

if (process.argv.includes("--child")) {
  // One sample: Go's stderr (the trace) is captured, not printed.
  let trace = "";
  const dec = new TextDecoder();
  globalThis.fs = {
    ...fs,
    writeSync(fd, buf) {
      if (fd === 2) trace += dec.decode(buf);
      else process.stdout.write(buf);
      return buf.length;
    },
  };
  await import(pathToFileURL(wasmExec).href);
  const module = await WebAssembly.compile(fs.readFileSync(wasmPath));
  const go = new globalThis.Go();
  go.env = { GODEBUG: "inittrace=1" };
  const instance = await WebAssembly.instantiate(module, go.importObject);
  const ready = new Promise((resolve) => (globalThis.onLeashReady = resolve));
  const t = performance.now();
  go.run(instance);
  await ready;
  const readyMs = performance.now() - t;
  const inits = {};
  for (const line of trace.split("\n")) {
    const m = /^init (\S+) @[\d.]+ ms, ([\d.]+) ms clock, (\d+) bytes, (\d+) allocs/.exec(line);
    if (m) inits[m[1]] = { ms: +m[2], bytes: +m[3], allocs: +m[4] };
  }
  process.stdout.write(JSON.stringify({ readyMs, inits }));
  process.exit(0);
}

const N = Number(arg("n", 9));
const TOP = Number(arg("top", 15));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const { wasmV8Flags } = await import(pathToFileURL(path.join(root, "wasm", "leash.mjs")).href);
const v8Args = wasmV8Flags();
const samples = [];
for (let i = 0; i < N; i++) {
  const r = spawnSync(process.execPath, [...v8Args, fileURLToPath(import.meta.url), "--child", "--wasm", wasmPath, "--wasm-exec", wasmExec], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`sample ${i} failed: ${r.stderr}`);
  samples.push(JSON.parse(r.stdout));
}
const pkgs = new Set(samples.flatMap((s) => Object.keys(s.inits)));
const rows = [...pkgs].map((p) => {
  const of = (k) => median(samples.map((s) => s.inits[p]?.[k] ?? 0));
  return { p, ms: of("ms"), bytes: of("bytes"), allocs: of("allocs") };
});
rows.sort((a, b) => b.ms - a.ms);
const sum = median(samples.map((s) => Object.values(s.inits).reduce((a, x) => a + x.ms, 0)));
console.log(`${path.relative(process.cwd(), wasmPath) || wasmPath}: ${N} fresh processes, Node ${process.version}`);
console.log(`go.run until leash is ready: median ${median(samples.map((s) => s.readyMs)).toFixed(1)} ms ` +
  `(min ${Math.min(...samples.map((s) => s.readyMs)).toFixed(1)}); package inits: median sum ${sum.toFixed(1)} ms`);
console.log("median ms".padStart(10) + "   " + "bytes".padStart(9) + " " + "allocs".padStart(7) + "   package");
for (const r of rows.slice(0, TOP)) {
  console.log(r.ms.toFixed(2).padStart(10) + "   " + String(r.bytes).padStart(9) + " " + String(r.allocs).padStart(7) + "   " + r.p);
}
