// The stateful signer core in WebAssembly (leash.open), under node --test.
// Fixtures (LEASH_FIXTURES) come from wasm/wasmtest.TestNodeCore: policy.json,
// policy.vk, p0.json (tx-ok at nonce 0, empty window, proven at the
// current time) and p1.json (the same transaction under another id), and the
// issue 12 attacks (wasmtest.attackFixtures): swap-self/swap-attacker,
// pool, burn-0 … burn-5, usdc-0 … usdc-2, count-0 … count-20.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadLeash, memoryStorage, fileStorage } from "../leash.mjs";

const dir = process.env.LEASH_FIXTURES;
const fx = (n) => fs.readFileSync(path.join(dir, n));
const MNEMONIC = "test test test test test test test test test test test junk";
const ADDRESS = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
const PASSWORD = "correct horse battery staple";

const { leash } = await loadLeash();

async function rejectsWith(p, code) {
  await assert.rejects(p, (e) => {
    assert.equal(e.code, code, e.message);
    return true;
  });
}

test("public mnemonic gives the well-known address in the WASM core", async () => {
  const { approver } = await leash.open(memoryStorage());
  const { address } = await approver.importVault(MNEMONIC, PASSWORD);
  assert.equal(address, ADDRESS);
  const st = await approver.status();
  assert.equal(st.vault, "locked");
  assert.equal(st.address, ADDRESS);
});

test("vault: create, no silent overwrite, bad_password, export needs the password", async () => {
  const store = memoryStorage();
  const { approver } = await leash.open(store);
  const { mnemonic, address } = await approver.createVault(PASSWORD, 24);
  assert.equal(mnemonic.split(" ").length, 24);
  const blob = await store.get("vault");
  assert.ok(!blob.includes(mnemonic.split(" ")[0] + " " + mnemonic.split(" ")[1]), "plaintext in storage");
  await rejectsWith(approver.importVault(MNEMONIC, PASSWORD), "malformed");
  assert.equal(await store.get("vault"), blob, "a refused import changed the vault");
  await rejectsWith(approver.unlock("wrong password"), "bad_password");
  await approver.unlock(PASSWORD);
  assert.equal((await approver.status()).vault, "unlocked");
  await rejectsWith(approver.exportMnemonic("wrong password"), "bad_password");
  assert.equal(await approver.exportMnemonic(PASSWORD), mnemonic);
  await approver.lock();
  assert.equal((await approver.status()).vault, "locked");
  assert.equal((await approver.status()).address, address);
});

test("corrupted stored vault: coded status, untouched", async () => {
  const store = memoryStorage();
  await (await leash.open(store)).approver.importVault(MNEMONIC, PASSWORD);
  const good = await store.get("vault");
  await store.set("vault", good.slice(0, 40));
  const { approver } = await leash.open(store);
  const st = await approver.status();
  assert.equal(st.vault, "corrupt");
  await rejectsWith(approver.unlock(PASSWORD), "malformed");
  assert.equal(await store.get("vault"), good.slice(0, 40));
});

test("locked: kept, survives a restart, signed after unlock; replay refused; audit verifies", async () => {
  const dirStore = fs.mkdtempSync(path.join(os.tmpdir(), "leash-core-"));
  let core = await leash.open(fileStorage(dirStore));
  await core.approver.importVault(MNEMONIC, PASSWORD);
  const { commitment } = await core.approver.pin(fx("policy.json"), new Uint8Array(fx("policy.vk")));
  assert.match(commitment, /^0x[0-9a-f]{64}$/);

  const held = await core.agent.submit(fx("p0.json"));
  assert.equal(held.status, "pending");
  assert.equal(held.code, "locked");
  await rejectsWith(core.approver.retry(), "locked");

  core = await leash.open(fileStorage(dirStore)); // the worker restarted
  assert.equal((await core.approver.pending()).length, 1);
  await core.approver.unlock(PASSWORD);
  const [r] = await core.approver.retry();
  assert.equal(r.status, "signed", JSON.stringify(r));
  assert.match(r.rawTx, /^0x02/);

  const again = await core.agent.submit(fx("p0.json"));
  assert.equal(again.code, "replay");
  const other = await core.agent.submit(fx("p1.json"));
  assert.equal(other.code, "nonce_mismatch");
  assert.equal(other.nonce, "0x1");

  const st = await core.approver.status();
  assert.equal(st.nonce, "0x1");
  assert.equal(st.pending, 0);
  const log = await core.approver.audit();
  assert.ok(log.ok, log.error);
  const decisions = log.entries.filter((e) => e.kind === "proposal").map((e) => e.decision);
  assert.deepEqual(decisions, ["pending", "signed", "rejected", "rejected"]);

  // Rewriting history in storage is detected.
  const last = log.entries.at(-1);
  await fileStorage(dirStore).set(`audit/${last.seq}`, JSON.stringify({ ...last, decision: "signed", code: undefined }));
  const tampered = await (await leash.open(fileStorage(dirStore))).approver.audit();
  assert.equal(tampered.ok, false);
  assert.equal(tampered.code, "malformed");
  fs.rmSync(dirStore, { recursive: true, force: true });
});

test("concurrent submits of copies: exactly one signed", async () => {
  const core = await leash.open(memoryStorage());
  await core.approver.importVault(MNEMONIC, PASSWORD);
  await core.approver.pin(fx("policy.json"), new Uint8Array(fx("policy.vk")));
  await core.approver.unlock(PASSWORD);
  const base = JSON.parse(fx("p0.json"));
  const rs = await Promise.all(
    Array.from({ length: 8 }, (_, i) => core.agent.submit(JSON.stringify({ ...base, id: `race-${i}` }))),
  );
  assert.equal(rs.filter((r) => r.status === "signed").length, 1, JSON.stringify(rs));
  for (const r of rs.filter((r) => r.status !== "signed")) assert.ok(["nonce_mismatch", "stale_state"].includes(r.code), r.code);
});

test("hostile input never throws from submit", async () => {
  const core = await leash.open(memoryStorage());
  for (const bad of ["", "{", "[]", "null", '{"version":1}', "x".repeat(600 << 10)]) {
    const r = await core.agent.submit(bad);
    assert.equal(r.status, "rejected");
    assert.equal(r.code, "malformed");
  }
  await rejectsWith(core.agent.submit(42), "malformed");
  await rejectsWith(leash.open(null), "malformed");
});

test("issue 12 attacks are refused by the WASM core, nothing signed or reserved", async () => {
  const open = async () => {
    const core = await leash.open(memoryStorage());
    await core.approver.importVault(MNEMONIC, PASSWORD);
    await core.approver.pin(fx("policy.json"), new Uint8Array(fx("policy.vk")));
    await core.approver.unlock(PASSWORD);
    return core;
  };
  // The router recipient: a valid proof of the swap to self, sent with the
  // attacker as the swap's recipient.
  let core = await open();
  let r = await core.agent.submit(fx("swap-attacker.json"));
  assert.equal(r.code, "policy_violation:arg", JSON.stringify(r));
  assert.match(r.message, /args\[3\]/);
  // A policy proof aimed at the pool's program-only swap.
  r = await core.agent.submit(fx("pool.json"));
  assert.equal(r.code, "program_only", JSON.stringify(r));
  let st = await core.approver.status();
  assert.equal(st.nonce, "0x0");
  assert.equal(st.limits.txs.count, 0);
  // The honest swap is signed and counts toward the USDC window.
  r = await core.agent.submit(fx("swap-self.json"));
  assert.equal(r.status, "signed", JSON.stringify(r));
  st = await core.approver.status();
  const usdc = st.limits.tokens.find((t) => t.symbol === "USDC");
  assert.equal(BigInt(usdc.spent), 100000000n);
  assert.ok(usdc.freesAt > 0);

  // Fee burning: five no-ops each paying the whole fee cap fill the fee
  // window; the sixth (proven against an older window) is stale, and with
  // the signer's hint copied in it breaks the fee window.
  core = await open();
  for (let i = 0; i < 5; i++) {
    r = await core.agent.submit(fx(`burn-${i}.json`));
    assert.equal(r.status, "signed", `burn ${i}: ${JSON.stringify(r)}`);
  }
  st = await core.approver.status();
  assert.equal(BigInt(st.limits.fees.spent), BigInt(st.limits.fees.cap));
  assert.equal(st.limits.txs.count, 5);
  r = await core.agent.submit(fx("burn-5.json"));
  assert.equal(r.code, "stale_state", JSON.stringify(r));
  assert.equal(BigInt(r.state.fees), BigInt(st.limits.fees.cap));
  const copied = JSON.parse(fx("burn-5.json"));
  copied.id = "burn-5-copied";
  copied.state = r.state;
  r = await core.agent.submit(JSON.stringify(copied));
  assert.equal(r.code, "policy_violation:fee_window", JSON.stringify(r));
  assert.equal((await core.approver.status()).nonce, "0x5");
});

// submitSequence submits <name>-0 … <name>-(n-1) (each signed), then
// <name>-n, proven against the window without the spend before it: stale,
// and with the signer's own state copied in, refused by the rule.
async function sequenceRefused(core, name, n, code) {
  for (let i = 0; i < n; i++) {
    const r = await core.agent.submit(fx(`${name}-${i}.json`));
    assert.equal(r.status, "signed", `${name} ${i}: ${JSON.stringify(r)}`);
  }
  let r = await core.agent.submit(fx(`${name}-${n}.json`));
  assert.equal(r.code, "stale_state", JSON.stringify(r));
  const copied = JSON.parse(fx(`${name}-${n}.json`));
  copied.id = `${name}-${n}-copied`;
  copied.state = r.state;
  r = await core.agent.submit(JSON.stringify(copied));
  assert.equal(r.code, code, JSON.stringify(r));
  return r;
}

test("issue 12: repeated token transfers past the token window, and transactions past the count, are refused by the WASM core", async () => {
  const open = async () => {
    const core = await leash.open(memoryStorage());
    await core.approver.importVault(MNEMONIC, PASSWORD);
    await core.approver.pin(fx("policy.json"), new Uint8Array(fx("policy.vk")));
    await core.approver.unlock(PASSWORD);
    return core;
  };
  // 1,000 USDC transfers (each within the per-transfer max): the window holds 2,500.
  let core = await open();
  await sequenceRefused(core, "usdc", 2, "policy_violation:token_window");
  let st = await core.approver.status();
  const usdc = st.limits.tokens.find((t) => t.symbol === "USDC");
  assert.equal(BigInt(usdc.spent), 2000000000n);
  assert.ok(usdc.freesAt > 0);
  assert.equal(st.nonce, "0x2");
  assert.equal(st.limits.txs.count, 2);

  // 1-wei payments: window.maxTxs is 20.
  core = await open();
  await sequenceRefused(core, "count", 20, "policy_violation:tx_count");
  st = await core.approver.status();
  assert.equal(st.limits.txs.count, 20);
  assert.equal(st.limits.txs.cap, 20);
  assert.equal(st.nonce, "0x14");
});
