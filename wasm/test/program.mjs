// Program proofs in the WASM core (leash.open with an rpc function), under
// node --test. wasm/wasmtest.TestNodeProgram provides LEASH_FIXTURES
// (policy.json + policy.vk: the program examples' policy; program.json,
// program-pin.json, program.vk: the threshold example; proposal.json: its
// trade, proven now at the devnet's head) and LEASH_RPC, a go-ethereum dev
// node whose oracle holds the prices the proposal was proven from.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { loadLeash, memoryStorage } from "../leash.mjs";

const dir = process.env.LEASH_FIXTURES;
const fx = (n) => fs.readFileSync(path.join(dir, n));
const RPC = process.env.LEASH_RPC;
const MNEMONIC = "test test test test test test test test test test test junk";
const PASSWORD = "correct horse battery staple";

const { leash } = await loadLeash();

// rpc is what a host passes: fetch to the user's RPC URL. A JSON-RPC error
// object is thrown as is ({code, message}), so reverts reach the core.
let rpcCalls = 0;
async function rpc(method, params) {
  rpcCalls++;
  const r = await fetch(RPC, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: rpcCalls, method, params }),
  });
  const body = await r.json();
  if (body.error) throw body.error;
  return body.result;
}

async function open(options = { rpc }, storage = memoryStorage()) {
  const core = await leash.open(storage, options);
  await core.approver.importVault(MNEMONIC, PASSWORD);
  await core.approver.unlock(PASSWORD);
  await core.approver.pin(fx("policy.json"), new Uint8Array(fx("policy.vk")));
  return core;
}

function proposal(edit) {
  const p = JSON.parse(fx("proposal.json"));
  if (edit) edit(p);
  return JSON.stringify(p);
}

async function rejectsWith(p, code) {
  await assert.rejects(p, (e) => {
    assert.equal(e.code, code, e.message);
    return true;
  });
}

test("a program proposal is signed after the core re-reads the oracle over rpc", async () => {
  const storage = memoryStorage();
  const core = await open({ rpc }, storage);
  const { commitment } = await core.approver.pinProgram(fx("program-pin.json"), new Uint8Array(fx("program.vk")));
  assert.equal(commitment, JSON.parse(fx("program-pin.json")).commitment);
  const before = rpcCalls;
  const r = await core.agent.submit(proposal());
  assert.equal(r.status, "signed", JSON.stringify(r));
  assert.match(r.rawTx, /^0x02/);
  assert.ok(rpcCalls - before >= 3, `the core read the chain (${rpcCalls - before} calls)`);
  const st = await core.approver.status();
  assert.equal(st.programs.length, 1);
  assert.equal(st.programs[0].template, "threshold");
  // The pin is stored: a core reopened on the same storage knows it.
  const again = await leash.open(storage, { rpc });
  assert.equal((await again.approver.status()).programs[0].commitment, commitment);
});

test("the program document pins the same program; unpin stops it", async () => {
  const core = await open();
  const { commitment } = await core.approver.pinProgram(fx("program.json"), new Uint8Array(fx("program.vk")));
  assert.equal(commitment, JSON.parse(fx("program-pin.json")).commitment);
  await core.approver.unpinProgram(commitment);
  const r = await core.agent.submit(proposal());
  assert.equal(r.code, "unknown_policy", JSON.stringify(r));
});

test("refusals: fake price, stale block, unreachable or hostile rpc, no rpc, bad pins", async () => {
  const pin = async (core) => core.approver.pinProgram(fx("program-pin.json"), new Uint8Array(fx("program.vk")));
  const cases = [
    ["fake price", { rpc }, (p) => { p.program.inputs[0] = "0x" + (BigInt(p.program.inputs[0]) + 1n).toString(16); }, "input_mismatch"],
    ["block ahead of the head", { rpc }, (p) => { p.program.block = "0x" + (BigInt(p.program.block) + 1000n).toString(16); }, "stale_input"],
    ["rpc unreachable", { rpc: () => Promise.reject(new Error("ECONNREFUSED")) }, null, "input_unavailable"],
    ["rpc throws", { rpc: () => { throw new Error("boom"); } }, null, "input_unavailable"],
    ["rpc answers garbage", { rpc: async () => ({ not: "hex" }) }, null, "input_unavailable"],
    ["rpc answers undefined", { rpc: async () => undefined }, null, "input_unavailable"],
    ["rpc serves another chain", { rpc: async (m, ps) => (m === "eth_chainId" ? "0x1" : rpc(m, ps)) }, null, "input_unavailable"],
    ["no rpc", {}, null, "input_unavailable"],
  ];
  for (const [name, options, edit, code] of cases) {
    const core = await open(options);
    await pin(core);
    const r = await core.agent.submit(proposal(edit));
    assert.equal(r.status, "rejected", `${name}: ${JSON.stringify(r)}`);
    assert.equal(r.code, code, `${name}: ${r.message}`);
    assert.equal(r.rawTx, undefined, name);
    assert.equal((await core.approver.status()).nonce, "0x0", `${name}: the nonce moved`);
  }
  const core = await open();
  await rejectsWith(core.approver.pinProgram(fx("program-pin.json"), new Uint8Array(fx("policy.vk"))), "malformed");
  await rejectsWith(core.approver.pinProgram("{}", new Uint8Array(fx("program.vk"))), "malformed");
  await rejectsWith(core.approver.unpinProgram("0x12"), "malformed");
  await rejectsWith(leash.open(memoryStorage(), { rpc: "http://localhost" }), "malformed");
  assert.equal((await core.approver.status()).programs.length, 0);
});

test("the API version says program proofs are there", () => {
  assert.ok(leash.version >= 2, `version ${leash.version}`); // since 2 (boundary.test.mjs pins the current one)
});
