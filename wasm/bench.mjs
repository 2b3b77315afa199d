// Benchmark of the signer core in WebAssembly (dist/leash.wasm), Node 20.
// Prints one table of medians, run by scripts/bench-wasm.sh (make bench-wasm):
//
//   cold start (compile + instantiate + ready), each sample a fresh process
//   dist/leash.wasm size, raw and gzipped (level 9)
//   sign p50 (EIP-1559, in WASM, through the Promise API), with ethers v6
//     signing the same transaction in the same run as the baseline
//   verify+sign p50 of a real policy-circuit proposal (stateless tool signer)
//   WASM memory before and after 2,000 verify+sign cycles
//   program proposal (MLP template, 8 oracle inputs): re-read + verify +
//     sign p50, with the rpc answered in-process (no network round trip),
//     against the issue 8 target of 50 ms
//
// Fixtures: a user-side setup and a proof of examples/tx-ok.json at
// examples/state.json, made here with the native CLI (`leash setup`,
// `leash prove`). Options: --n N (timed iterations, default 300),
// --cycles N (memory cycles, default 2000), --cold N (cold-start samples,
// default 9), --fixtures DIR (reuse policy.vk and proposal.json from DIR).
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { Wallet, Transaction } from "ethers";
import { loadLeash } from "./leash.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const N = Number(arg("n", 300));
const CYCLES = Number(arg("cycles", 2000));
const COLD = Number(arg("cold", 9));
const wasmPath = path.join(root, "dist", "leash.wasm");
const ex = (f) => path.join(root, "examples", f);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const row = (name, value, target = "") =>
  console.log(name.padEnd(52) + " " + value.padStart(12) + (target ? "   " + target : ""));
const ms = (v) => `${v.toFixed(3)} ms`;
const mb = (v) => `${(v / 1048576).toFixed(2)} MB`;

// ---- fixtures --------------------------------------------------------------
function fixtures() {
  const given = arg("fixtures");
  if (given) return given;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "leash-bench-"));
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  console.error("== fixtures: native leash setup + prove (examples/tx-ok.json)");
  const cli = path.join(dir, "leash");
  execFileSync("go", ["build", "-o", cli, "./cmd/leash"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  execFileSync(cli, ["setup", "--out", dir], { cwd: root, stdio: ["ignore", "ignore", "ignore"] });
  execFileSync(cli, ["prove", "--keys", dir, "--policy", ex("policy.json"), "--tx", ex("tx-ok.json"),
    "--state", ex("state.json"), "--out", path.join(dir, "proposal.json")], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  programFixtures(dir, cli);
  return dir;
}

// MLP prices as programtest.Prices(8, 300): the last 3% above the mean, so
// the model trades.
function mlpPrices() {
  let p = 3000_00000000n;
  const out = [];
  for (let i = 0; i < 8; i++) {
    p = i === 7 ? p + (p * 300n) / 10000n : p + BigInt((i % 3) - 1) * 2_00000000n;
    out.push(p);
  }
  return out;
}

// programFixtures: the MLP template's setup and a proof of
// examples/programs/mlp.json's trade at block 100 from mlpPrices().
function programFixtures(dir, cli) {
  console.error("== fixtures: native leash program setup --template mlp + prove --program");
  const hex = (v) => "0x" + v.toString(16);
  fs.writeFileSync(path.join(dir, "program-inputs.json"), JSON.stringify({ block: "0x64", inputs: mlpPrices().map(hex) }));
  execFileSync(cli, ["program", "setup", "--template", "mlp", "--out", dir], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  execFileSync(cli, ["prove", "--program", ex("programs/mlp.json"), "--keys", dir, "--policy", ex("programs/policy.json"),
    "--state", ex("programs/state.json"), "--inputs", path.join(dir, "program-inputs.json"), "--gas", "300000",
    "--out", path.join(dir, "program-proposal.json")], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
}

// programRPC answers the core's chain reads from the fixture's inputs, in
// process: chain 1337, head = the proof's block (time 2), oracle rounds
// 1..8 (updated at 1).
function programRPC(inputs, block) {
  const word = (v) => BigInt.asUintN(256, BigInt(v)).toString(16).padStart(64, "0");
  const round = (id) => "0x" + word(id) + word(inputs[id - 1]) + word(1) + word(1) + word(id);
  return async (method, params) => {
    switch (method) {
      case "eth_chainId": return "0x539";
      case "eth_blockNumber": return "0x" + block.toString(16);
      // The block's time: the oracle's latest answer (updatedAt 1) is 1 s
      // old, within the program's maxInputAge.
      case "eth_getBlockByNumber":
        if (params[0] !== "0x" + block.toString(16)) throw new Error("unexpected block " + params[0]);
        return { number: params[0], timestamp: "0x2" };
      case "eth_call": {
        const data = params[0].data;
        if (data === "0xfeaf968c") return round(inputs.length);
        if (data.startsWith("0x9a6fc8f5")) return round(Number(BigInt("0x" + data.slice(10))));
        throw { code: 3, message: "execution reverted" };
      }
    }
    throw new Error("unexpected " + method);
  };
}

// ---- cold start: a fresh process per sample ----------------------------------
function coldStart() {
  const probe = `
    import { loadLeash } from ${JSON.stringify(path.join(here, "leash.mjs"))};
    const { timings } = await loadLeash();
    process.stdout.write(JSON.stringify(timings));
    process.exit(0);`;
  const samples = [];
  for (let i = 0; i < COLD; i++) {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", probe], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`cold start probe failed: ${r.stderr}`);
    samples.push(JSON.parse(r.stdout));
  }
  return {
    compile: median(samples.map((s) => s.compileMs)),
    instantiate: median(samples.map((s) => s.instantiateMs)),
    ready: median(samples.map((s) => s.readyMs)),
    total: median(samples.map((s) => s.totalMs)),
  };
}

async function timeIt(n, fn) {
  const t = [];
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    await fn(i);
    t.push(performance.now() - a);
  }
  return median(t);
}

const dir = fixtures();
const raw = fs.readFileSync(wasmPath);
const gz = zlib.gzipSync(raw, { level: 9 }).length;
const cold = coldStart();

const { leash, memory } = await loadLeash();
const mnemonic = fs.readFileSync(ex("mnemonic.txt"), "utf8").trim();
const policy = fs.readFileSync(ex("policy.json"));
const vk = new Uint8Array(fs.readFileSync(path.join(dir, "policy.vk")));
const proposal = fs.readFileSync(path.join(dir, "proposal.json"), "utf8");
const state = fs.readFileSync(ex("state.json"), "utf8");
const txJSON = JSON.stringify(JSON.parse(proposal).tx);
const signer = await leash.tools.signer({ mnemonic, policy, vk });

// Correctness first: the benchmark refuses to time a wrong answer.
const first = await signer.verifyAndSign(proposal, state);
if (!first.ok) throw new Error(`verify+sign refused: ${first.code} ${first.message}`);
const signed = await signer.sign(txJSON);
const decoded = Transaction.from(signed.rawTx);
if (decoded.from.toLowerCase() !== signer.address || decoded.type !== 2) throw new Error("signature check failed");
const tampered = JSON.parse(proposal);
tampered.tx.value = "0x1";
const bad = await signer.verifyAndSign(JSON.stringify(tampered), state);
if (bad.ok || bad.code !== "proof_invalid") throw new Error(`a tampered proposal was not refused: ${JSON.stringify(bad)}`);

// sign
for (let i = 0; i < 50; i++) await signer.sign(txJSON);
const signP50 = await timeIt(N, () => signer.sign(txJSON));

// baseline: ethers v6 signs the same transaction in the same process
const wallet = Wallet.fromPhrase(mnemonic);
const tx = JSON.parse(txJSON);
const ethersTx = {
  type: 2, chainId: BigInt(tx.chainId), nonce: Number(BigInt(tx.nonce)), to: tx.to, value: BigInt(tx.value),
  data: tx.data, gasLimit: BigInt(tx.gas), maxFeePerGas: BigInt(tx.maxFeePerGas),
  maxPriorityFeePerGas: BigInt(tx.maxPriorityFeePerGas), accessList: [],
};
if ((await wallet.signTransaction(ethersTx)) !== signed.rawTx) throw new Error("ethers and leash signed different bytes");
for (let i = 0; i < 50; i++) await wallet.signTransaction(ethersTx);
const ethersP50 = await timeIt(N, () => wallet.signTransaction(ethersTx));

// verify+sign
for (let i = 0; i < 20; i++) await signer.verifyAndSign(proposal, state);
const goMicros = [];
const vsP50 = await timeIt(N, async () => {
  const r = await signer.verifyAndSign(proposal, state);
  goMicros.push(r.micros);
});

// program proposal: re-read (in-process rpc) + verify + sign
let progP50 = null, progGo = null;
if (fs.existsSync(path.join(dir, "program-proposal.json"))) {
  const pprop = fs.readFileSync(path.join(dir, "program-proposal.json"), "utf8");
  const pin = JSON.parse(pprop).program;
  const inputs = JSON.parse(fs.readFileSync(path.join(dir, "program-inputs.json"), "utf8")).inputs;
  const pstate = fs.readFileSync(ex("programs/state.json"), "utf8");
  const psigner = await leash.tools.signer({
    mnemonic, policy: fs.readFileSync(ex("programs/policy.json")), vk,
    program: fs.readFileSync(ex("programs/mlp.json")), programVK: new Uint8Array(fs.readFileSync(path.join(dir, "program-mlp.vk"))),
    rpc: programRPC(inputs, Number(BigInt(pin.block))),
  });
  const ok = await psigner.verifyAndSign(pprop, pstate);
  if (!ok.ok) throw new Error(`program verify+sign refused: ${ok.code} ${ok.message}`);
  const faked = JSON.parse(pprop);
  faked.program.inputs[7] = "0x" + (BigInt(faked.program.inputs[7]) + 1n).toString(16);
  const fr = await psigner.verifyAndSign(JSON.stringify(faked), pstate);
  if (fr.ok || fr.code !== "input_mismatch") throw new Error(`a fake price was not refused: ${JSON.stringify(fr)}`);
  for (let i = 0; i < 10; i++) await psigner.verifyAndSign(pprop, pstate);
  const micros = [];
  progP50 = await timeIt(Math.min(N, 100), async () => micros.push((await psigner.verifyAndSign(pprop, pstate)).micros));
  progGo = median(micros) / 1000;
  await psigner.close();
}

// memory over 2,000 verify+sign cycles (after the warm-up above)
const before = memory.buffer.byteLength;
const heapBefore = (await leash.tools.memStats()).heapAlloc;
for (let i = 0; i < CYCLES; i++) {
  const r = await signer.verifyAndSign(proposal, state);
  if (!r.ok) throw new Error(`cycle ${i}: ${r.code}`);
}
const after = memory.buffer.byteLength;
const heapAfter = (await leash.tools.memStats()).heapAlloc;

console.log(`signer core (wasm/bench.mjs): medians, Node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
row("cold start: compile + instantiate + ready", ms(cold.total), "target <= 60 ms");
row("  compile", ms(cold.compile));
row("  instantiate", ms(cold.instantiate));
row("  Go init until leash is ready", ms(cold.ready));
row("dist/leash.wasm size", mb(raw.length));
row("dist/leash.wasm gzipped (level 9)", mb(gz), "target <= 3.0 MB");
row("sign p50 (EIP-1559, WASM, via Promise)", ms(signP50), "target <= 1 ms");
row("  baseline: ethers v6 signTransaction p50", ms(ethersP50));
row("verify+sign p50 (policy proof, WASM, via Promise)", ms(vsP50));
row("  of which inside Go (p50)", ms(median(goMicros) / 1000));
if (progP50 !== null) {
  row("program proposal (MLP): re-read + verify + sign p50", ms(progP50), "target <= 50 ms (rpc in-process)");
  row("  of which inside Go (p50)", ms(progGo));
}
row(`WASM memory before ${CYCLES} verify+sign`, mb(before));
row(`WASM memory after ${CYCLES} verify+sign`, mb(after), after === before ? "no growth" : `GREW by ${mb(after - before)}`);
row("  Go heap in use before / after", `${mb(heapBefore)} / ${mb(heapAfter)}`);
await signer.close();
process.exit(0);
