// Benchmark of issue 17's "verify + sign in WASM ≤ 5 ms": the stateful
// core's whole agent.submit of an x402 payment (typed data: decode, checks,
// public inputs, pairing, the reservation, the storage MAC, the signature,
// the audit entry) against the stateless verify + sign of the same proposal
// (leash.tools.signer: checks, public inputs, pairing, signature; no state),
// in one process, alternating per payment, medians. Two cores, each with
// storage authentication on (as the extension runs it), sign every payment:
//   - "host store": get/set answered at once from memory, as the
//     extension's coreStore (write-behind, flushed before a receipt leaves);
//   - "async store": every call answers with a Promise (wasm/leash.mjs
//     memoryStorage, as the wasm tests use it): one event-loop trip each.
// Storage calls per submit are counted.
//
// Fixtures (LEASH_FIXTURES): policy.json, policy.vk, typed.vk,
// payments.json and states.json, written by wasm/wasmtest's
// BenchmarkNodeSignature, which runs this script.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadLeash } from "../../wasm/leash.mjs";

const dir = process.env.LEASH_FIXTURES;
if (!dir) throw new Error("LEASH_FIXTURES is not set: run BenchmarkNodeSignature (wasm/wasmtest)");
const fx = (n) => fs.readFileSync(path.join(dir, n));
const MNEMONIC = "test test test test test test test test test test test junk";
const PASSWORD = "correct horse battery staple";
const payments = JSON.parse(fx("payments.json"));
const states = JSON.parse(fx("states.json"));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const row = (name, value, target = "") =>
  console.log(name.padEnd(60) + " " + value.padStart(12) + (target ? "   " + target : ""));
const ms = (v) => `${v.toFixed(3)} ms`;

// countingStorage: a memory storage that counts calls; async answers with
// Promises, else with plain values.
function countingStorage(async) {
  const m = new Map();
  const c = { get: 0, set: 0, remove: 0, bytes: 0 };
  const wrap = (v) => (async ? Promise.resolve(v) : v);
  return {
    c,
    get(key) { c.get++; return wrap(m.has(key) ? m.get(key) : null); },
    set(key, value) { c.set++; c.bytes += value.length; m.set(key, String(value)); return wrap(undefined); },
    remove(key) { c.remove++; m.delete(key); return wrap(undefined); },
  };
}

const { leash } = await loadLeash();

// openCore: a core on a counting storage, unlocked, pinned to policy
// (with the typed-data key when typed is set).
async function openCore(async, policy = "policy.json", typed = true) {
  const storage = countingStorage(async);
  const core = await leash.open(storage, { authenticate: process.env.BENCH_AUTH !== "0" });
  await core.approver.importVault(MNEMONIC, PASSWORD);
  await core.approver.unlock(PASSWORD);
  await core.approver.pin(fx(policy), new Uint8Array(fx("policy.vk")));
  if (typed) await core.approver.pinTypedKey(new Uint8Array(fx("typed.vk")));
  return { core, c: storage.c };
}

const host = await openCore(false);
const asyncCore = await openCore(true);
const tool = await leash.tools.signer({
  mnemonic: MNEMONIC, policy: fx("policy.json"), vk: new Uint8Array(fx("policy.vk")), typedVK: new Uint8Array(fx("typed.vk")),
});

const t = { tool: [], toolGo: [], host: [], async: [] };
const memBefore = await leash.tools.memStats();
const calls = { host: [], async: [] };
async function timed(name, fn) {
  const a = performance.now();
  const r = await fn();
  t[name].push(performance.now() - a);
  return r;
}
async function submit(name, c, i) {
  const before = { ...c.c };
  const r = await timed(name, () => c.core.agent.submit(JSON.stringify(payments[i])));
  if (r.status !== "signed") throw new Error(`${name} core, payment ${i}: ${JSON.stringify(r)}`);
  calls[name].push({ get: c.c.get - before.get, set: c.c.set - before.set, remove: c.c.remove - before.remove, bytes: c.c.bytes - before.bytes });
  return r;
}

for (let i = 0; i < payments.length; i++) {
  const prop = JSON.stringify(payments[i]);
  const st = JSON.stringify(states[i]);
  // Alternate which goes first.
  const order = i % 3 === 0 ? ["tool", "host", "async"] : i % 3 === 1 ? ["host", "async", "tool"] : ["async", "tool", "host"];
  const out = {};
  for (const k of order) {
    if (k === "tool") {
      out.tool = await timed("tool", () => tool.verifyAndSign(prop, st));
      if (!out.tool.ok) throw new Error(`tool signer, payment ${i}: ${JSON.stringify(out.tool)}`);
      t.toolGo.push(out.tool.micros / 1000);
    } else {
      out[k] = await submit(k, k === "host" ? host : asyncCore, i);
    }
  }
  // Correctness: the same deterministic signature (RFC 6979) from all three.
  if (out.host.signature !== out.tool.signature || out.async.signature !== out.tool.signature) {
    throw new Error(`payment ${i}: the signatures differ`);
  }
}

const memAfter = await leash.tools.memStats();
// The transaction path, the same way: two more cores pinned to
// examples/policy.json, and the stateless verify + sign of each proposal.
const txs = JSON.parse(fx("txs.json"));
const txStates = JSON.parse(fx("tx-states.json"));
const txHost = await openCore(false, "tx-policy.json", false);
const txAsync = await openCore(true, "tx-policy.json", false);
const txTool = await leash.tools.signer({ mnemonic: MNEMONIC, policy: fx("tx-policy.json"), vk: new Uint8Array(fx("policy.vk")) });
const tt = { tool: [], host: [], async: [] };
for (let i = 0; i < txs.length; i++) {
  const prop = JSON.stringify(txs[i]);
  const order = i % 3 === 0 ? ["tool", "host", "async"] : i % 3 === 1 ? ["host", "async", "tool"] : ["async", "tool", "host"];
  const out = {};
  for (const k of order) {
    const a = performance.now();
    out[k] = k === "tool" ? await txTool.verifyAndSign(prop, JSON.stringify(txStates[i])) : await (k === "host" ? txHost : txAsync).core.agent.submit(prop);
    tt[k].push(performance.now() - a);
  }
  if (!out.tool.ok || out.host.status !== "signed" || out.async.status !== "signed") throw new Error(`transaction ${i}: ${JSON.stringify(out)}`);
  if (out.host.rawTx !== out.tool.rawTx || out.async.rawTx !== out.tool.rawTx) throw new Error(`transaction ${i}: the signed bytes differ`);
}
const txFirst = { host: tt.host[0], async: tt.async[0] };
for (const k of ["tool", "host", "async"]) tt[k] = tt[k].slice(1); // the first builds the key tables

const per = (name, k) => median(calls[name].map((x) => x[k]));
console.log(`typed-data submit in WASM (bench/wasm/bench-signature.mjs): medians of ${payments.length} payments, Node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
row("stateless verify + sign (tools.signer, baseline)", ms(median(t.tool)));
row("  of which inside Go", ms(median(t.toolGo)));
row("stateful agent.submit, host store (as the extension)", ms(median(t.host)), "target <= 5 ms");
row("  overhead over the baseline (p50 of the differences)", ms(median(t.host.map((v, i) => v - t.tool[i]))));
row("  storage calls per submit: get / set / remove", `${per("host", "get")} / ${per("host", "set")} / ${per("host", "remove")}`);
row("  bytes written per submit", `${per("host", "bytes")} B`);
row("stateful agent.submit, async store (a Promise per call)", ms(median(t.async)));
row("  overhead over the baseline (p50 of the differences)", ms(median(t.async.map((v, i) => v - t.tool[i]))));
row("first submit (cold key tables): host / async", `${ms(t.host[0])} / ${ms(t.async[0])}`);
row(`transactions (policy proofs), medians of ${tt.host.length} after the first:`, "");
row("  stateless verify + sign (tools.signer, baseline)", ms(median(tt.tool)));
row("  stateful agent.submit, host store", ms(median(tt.host)));
row("    overhead over the baseline (p50 of the differences)", ms(median(tt.host.map((v, i) => v - tt.tool[i]))));
row("  stateful agent.submit, async store", ms(median(tt.async)));
row("    overhead over the baseline (p50 of the differences)", ms(median(tt.async.map((v, i) => v - tt.tool[i]))));
row("  first submit (cold key tables): host / async", `${ms(txFirst.host)} / ${ms(txFirst.async)}`);
row("Go GCs during the run / heap in use after", `${memAfter.numGC - memBefore.numGC} / ${(memAfter.heapAlloc / 1048576).toFixed(1)} MB`);
process.exit(0);
