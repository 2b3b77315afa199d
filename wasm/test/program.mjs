// Program proofs in the WASM core (leash.open with an rpc function), under
// node --test. wasm/wasmtest.TestNodeProgram provides LEASH_FIXTURES
// (policy.json + policy.vk: the program examples' policy; program.json,
// program-pin.json, program.vk: the threshold example; program-other.vk: a
// well-formed key of another setup; proposal.json: its trade, proven now at
// the devnet's head with nonce 0; proposal-replay.json: the same decision
// with nonce 1; registry.json: the registry's address and the calldata to
// revoke and re-publish the program) and LEASH_RPC, a go-ethereum dev node
// whose oracle holds the prices the proposal was proven from, and whose
// registry has the policy and the program published by the signer's
// account.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { loadLeash, memoryStorage } from "../leash.mjs";

const dir = process.env.LEASH_FIXTURES;
const fx = (n) => fs.readFileSync(path.join(dir, n));
const RPC = process.env.LEASH_RPC;
const REG = JSON.parse(fx("registry.json"));
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

// lying returns an rpc that answers method with answer (a function of the
// params, or a value) and forwards everything else.
const lying = (method, answer) => async (m, ps) => (m === method ? (typeof answer === "function" ? answer(ps) : answer) : rpc(m, ps));

const chain = (more = {}) => ({ rpc, registry: REG.address, ...more });

async function open(options = chain(), storage = memoryStorage()) {
  const core = await leash.open(storage, options);
  await core.approver.importVault(MNEMONIC, PASSWORD);
  await core.approver.unlock(PASSWORD);
  await core.approver.pin(fx("policy.json"), new Uint8Array(fx("policy.vk")));
  return core;
}

const pinProgram = (core, doc = "program-pin.json", vk = "program.vk") =>
  core.approver.pinProgram(fx(doc), new Uint8Array(fx(vk)));

function proposal(edit, file = "proposal.json") {
  const p = JSON.parse(fx(file));
  if (edit) edit(p);
  return JSON.stringify(p);
}

async function rejectsWith(p, code) {
  await assert.rejects(p, (e) => {
    assert.equal(e.code, code, e.message);
    return true;
  });
}

// send signs one transaction of the user's account to the registry (the
// WASM tool signer, no proof) and waits until it is mined.
async function sendToRegistry(data) {
  const s = await leash.tools.signer({ mnemonic: MNEMONIC, policy: fx("policy.json"), vk: new Uint8Array(fx("policy.vk")) });
  try {
    const nonce = await rpc("eth_getTransactionCount", [s.address, "pending"]);
    const tx = { chainId: "0x539", nonce, to: REG.address, value: "0x0", data, gas: "0x30d40", maxFeePerGas: "0x77359400", maxPriorityFeePerGas: "0x3b9aca00" };
    const { rawTx, txHash } = await s.sign(JSON.stringify(tx));
    await rpc("eth_sendRawTransaction", [rawTx]);
    for (let i = 0; i < 200; i++) {
      const rec = await rpc("eth_getTransactionReceipt", [txHash]);
      if (rec) {
        assert.equal(rec.status, "0x1", "registry transaction reverted");
        return;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("registry transaction not mined");
  } finally {
    await s.close();
  }
}

test("a program proposal is signed after the core re-reads the oracle and checks the registry over rpc", async () => {
  const storage = memoryStorage();
  const core = await open(chain(), storage);
  const { commitment } = await pinProgram(core);
  assert.equal(commitment, JSON.parse(fx("program-pin.json")).commitment);
  const before = rpcCalls;
  const r = await core.agent.submit(proposal());
  assert.equal(r.status, "signed", JSON.stringify(r));
  assert.match(r.rawTx, /^0x02/);
  assert.ok(rpcCalls - before >= 6, `the core read the chain (${rpcCalls - before} calls)`);
  const st = await core.approver.status();
  assert.equal(st.programs.length, 1);
  assert.equal(st.programs[0].template, "threshold");
  assert.equal(st.programs[0].lastBlock, Number(BigInt(JSON.parse(fx("proposal.json")).program.block)));
  assert.deepEqual(st.chain, { rpc: true, secondRpc: false, registry: REG.address.toLowerCase(), maxBlockAge: 2 });
  // The pin and the last block are stored: a core reopened on the same
  // storage knows them, and refuses the decision again (program_replay).
  const again = await leash.open(storage, chain());
  assert.equal((await again.approver.status()).programs[0].commitment, commitment);
  await again.approver.unlock(PASSWORD);
  const replayed = await again.agent.submit(proposal(null, "proposal-replay.json"));
  assert.equal(replayed.code, "program_replay", JSON.stringify(replayed));
});

test("a replayed program decision (same block, next nonce) is refused program_replay", async () => {
  const core = await open();
  await pinProgram(core);
  assert.equal((await core.agent.submit(proposal())).status, "signed");
  const r = await core.agent.submit(proposal(null, "proposal-replay.json"));
  assert.equal(r.status, "rejected");
  assert.equal(r.code, "program_replay", r.message);
  assert.equal(r.rawTx, undefined);
  assert.equal((await core.approver.status()).nonce, "0x1", "the replay took no nonce");
});

test("pinning checks the registry: a key of another setup, an unpublished program, no registry", async () => {
  const core = await open();
  await rejectsWith(pinProgram(core, "program-pin.json", "program-other.vk"), "unknown_policy");
  const other = JSON.parse(fx("program-pin.json"));
  other.commitment = "0x" + (BigInt(other.commitment) ^ 1n).toString(16).padStart(64, "0");
  await rejectsWith(core.approver.pinProgram(JSON.stringify(other), new Uint8Array(fx("program.vk"))), "unknown_policy");
  await core.approver.configure({ registry: "" });
  await rejectsWith(pinProgram(core), "unknown_policy");
  assert.equal((await core.approver.status()).programs.length, 0);
  await core.approver.configure({ registry: REG.address });
  await pinProgram(core);
  // The program document pins the same program; unpin stops it.
  const { commitment } = await pinProgram(core, "program.json");
  assert.equal(commitment, JSON.parse(fx("program-pin.json")).commitment);
  await core.approver.unpinProgram(commitment);
  assert.equal((await core.agent.submit(proposal())).code, "unknown_policy");
});

test("refusals: fake price, stale block, unreachable or hostile rpc, no rpc, bad pins", async () => {
  const cases = [
    ["fake price", {}, (p) => { p.program.inputs[0] = "0x" + (BigInt(p.program.inputs[0]) + 1n).toString(16); }, "input_mismatch"],
    ["block ahead of the head", {}, (p) => { p.program.block = "0x" + (BigInt(p.program.block) + 1000n).toString(16); }, "stale_input"],
    ["rpc unreachable", { rpc: () => Promise.reject(new Error("ECONNREFUSED")) }, null, "input_unavailable"],
    ["rpc throws", { rpc: () => { throw new Error("boom"); } }, null, "input_unavailable"],
    ["rpc answers garbage", { rpc: async () => ({ not: "hex" }) }, null, "input_unavailable"],
    ["rpc answers undefined", { rpc: async () => undefined }, null, "input_unavailable"],
    ["rpc serves another chain", { rpc: lying("eth_chainId", "0x1") }, null, "wrong_chain"],
    ["no rpc", { rpc: null }, null, "input_unavailable"],
    ["no registry", { registry: "" }, null, "unknown_policy"],
  ];
  for (const [name, options, edit, code] of cases) {
    const core = await open();
    await pinProgram(core);
    await core.approver.configure(options);
    const r = await core.agent.submit(proposal(edit));
    assert.equal(r.status, "rejected", `${name}: ${JSON.stringify(r)}`);
    assert.equal(r.code, code, `${name}: ${r.message}`);
    assert.equal(r.rawTx, undefined, name);
    const st = await core.approver.status();
    assert.equal(st.nonce, "0x0", `${name}: the nonce moved`);
    assert.equal(st.programs[0].lastBlock, undefined, `${name}: the decision was used up`);
  }
  const core = await open();
  await rejectsWith(core.approver.pinProgram(fx("program-pin.json"), new Uint8Array(fx("policy.vk"))), "malformed");
  await rejectsWith(core.approver.pinProgram("{}", new Uint8Array(fx("program.vk"))), "malformed");
  await rejectsWith(core.approver.unpinProgram("0x12"), "malformed");
  await rejectsWith(leash.open(memoryStorage(), { rpc: "http://localhost" }), "malformed");
  await rejectsWith(leash.open(memoryStorage(), { registry: "0x12" }), "malformed");
  await rejectsWith(core.approver.configure({ rpc2: 7 }), "malformed");
  assert.equal((await core.approver.status()).programs.length, 0);
});

test("a policy proof aimed at the pinned program's pool is refused program_only (issue 12)", async () => {
  const core = await open();
  await pinProgram(core);
  // The program's own proof, sent without its program claim: a policy-only
  // proposal for the pool's programOnly swap. Refused before any proof check.
  const r = await core.agent.submit(proposal((p) => { delete p.program; p.id = "policy-at-pool"; }));
  assert.equal(r.code, "program_only", JSON.stringify(r));
  assert.equal(r.rawTx, undefined);
  assert.equal((await core.approver.status()).nonce, "0x0");
});

test("the RPC's chain id is checked when it is entered and before use", async () => {
  const core = await open();
  assert.deepEqual(await core.approver.checkRPC(rpc), { chainId: 1337 });
  await rejectsWith(core.approver.checkRPC(lying("eth_chainId", "0x1")), "wrong_chain");
  await rejectsWith(core.approver.checkRPC(() => Promise.reject(new Error("ECONNREFUSED"))), "input_unavailable");
  await core.approver.configure({ rpc: lying("eth_chainId", "0x1") });
  await rejectsWith(core.approver.syncNonce(), "wrong_chain");
});

test("a second RPC: every read must agree, or nothing is signed", async () => {
  const core = await open(chain({ rpc2: rpc }));
  await pinProgram(core);
  assert.equal((await core.approver.status()).chain.secondRpc, true);
  // The second endpoint serves another oracle answer at B.
  const fake = "0x" + [9n, 2950_00000000n, 1n, 1n, 9n].map((w) => w.toString(16).padStart(64, "0")).join("");
  await core.approver.configure({ rpc2: lying("eth_call", (ps) => (ps[1] === "latest" ? rpc("eth_call", ps) : fake)) });
  const r = await core.agent.submit(proposal());
  assert.equal(r.code, "input_unavailable", JSON.stringify(r));
  assert.match(r.message, /disagree/);
  // It says the policy and the program are revoked: the registry reads disagree.
  const revoked = async (ps) => { const out = await rpc("eth_call", ps); return ps[1] === "latest" ? out.slice(0, -1) + "1" : out; };
  await core.approver.configure({ rpc2: lying("eth_call", revoked) });
  assert.equal((await core.agent.submit(proposal())).code, "input_unavailable");
  // Both honest: signed.
  await core.approver.configure({ rpc2: rpc });
  assert.equal((await core.agent.submit(proposal())).status, "signed");
  await core.approver.configure({ rpc2: null });
  assert.equal((await core.approver.status()).chain.secondRpc, false);
});

test("the nonce: one lying eth_getTransactionCount does not move the ledger past the step", async () => {
  const core = await open();
  const count = Number(BigInt(await rpc("eth_getTransactionCount", [(await core.approver.status()).address, "pending"])));
  assert.ok(count > 16, `the devnet's account 0 sent ${count} transactions`);
  // A fresh ledger for an account that sent more than 16: held for the user.
  let r = await core.approver.syncNonce();
  assert.deepEqual(r, { nonce: 0, held: count });
  assert.equal(BigInt((await core.approver.status()).nonceHold.chain), BigInt(count));
  await rejectsWith(core.approver.confirmNonce(count + 1), "malformed");
  assert.deepEqual(await core.approver.confirmNonce(count), { nonce: count });
  // A lying RPC: 2^40.
  await core.approver.configure({ rpc: lying("eth_getTransactionCount", "0x10000000000") });
  r = await core.approver.syncNonce();
  assert.deepEqual(r, { nonce: count, held: 2 ** 40 });
  assert.deepEqual(await core.approver.resetNonce(), { nonce: count });
  assert.equal((await core.approver.status()).nonceHold, undefined);
  // Within the step it moves; syncs cannot walk it further.
  assert.deepEqual(await core.approver.syncNonce(count + 16), { nonce: count + 16 });
  assert.deepEqual(await core.approver.syncNonce(count + 17), { nonce: count + 16, held: count + 17 });
  // With an honest second RPC the lie is not even a hold: the reads disagree.
  await core.approver.resetNonce();
  await core.approver.configure({ rpc2: rpc });
  await rejectsWith(core.approver.syncNonce(), "input_unavailable");
  assert.equal((await core.approver.status()).nonceHold, undefined);
});

test("a program revoked on chain refuses at once; re-published, the same decision is signed", async () => {
  const core = await open(chain({ maxBlockAge: 16 }));
  await pinProgram(core);
  await sendToRegistry(REG.revokeProgram);
  const r = await core.agent.submit(proposal());
  assert.equal(r.code, "revoked", JSON.stringify(r));
  assert.match(r.message, /revoked/);
  await rejectsWith(pinProgram(core), "revoked");
  await sendToRegistry(REG.publishProgram);
  const ok = await core.agent.submit(proposal());
  assert.equal(ok.status, "signed", JSON.stringify(ok));
});

test("the API version says the core checks the registry and distrusts its RPC", () => {
  assert.ok(leash.version >= 3, `version ${leash.version}`); // since 3 (boundary.test.mjs pins the current one)
});
