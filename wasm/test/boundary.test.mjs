// The trust boundary of issue 13 through the WASM core (leash.open /
// leashExt.open under node --test): exact decoding of hostile documents,
// the display model, the bounded supervised queue, the kill switch, the
// storage MAC and derived-key sessions, audit rotation. Fixtures as in
// core.test.mjs (LEASH_FIXTURES from wasm/wasmtest.TestNodeCore).
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { loadLeash, memoryStorage } from "../leash.mjs";

const dir = process.env.LEASH_FIXTURES;
const fx = (n) => fs.readFileSync(path.join(dir, n));
const MNEMONIC = "test test test test test test test test test test test junk";
const PASSWORD = "correct horse battery staple";

const { leash } = await loadLeash();
const ext = globalThis.leashExt;

async function pinned(opts = {}, store = memoryStorage()) {
  const core = await ext.open(store, opts);
  await core.approver.importVault(MNEMONIC, PASSWORD);
  const session = await core.user.unlockSession(PASSWORD);
  await core.approver.pin(fx("policy.json"), new Uint8Array(fx("policy.vk")));
  return { core, store, session };
}

const p0 = fx("p0.json").toString();
const small = (doc) => {
  const tx = JSON.parse(doc).tx;
  return JSON.stringify({ ...tx, value: "0x5af3107a4000" }); // 0.0001 ETH
};

// The attack of issue 13 through the WASM core, and its neighbours: one
// document that two parsers read differently. The popup parsed "tx" in
// JavaScript (0.0001 ETH) while the core matched "TX" (0.1 ETH). Every
// class is refused as malformed by submit and by inspect: nothing to show,
// nothing queued, nothing signed.
test("two meanings of one document are refused: tx/TX, ſpent, Kelvin sign, duplicates", async () => {
  const { core } = await pinned();
  await core.approver.setMode({ supervised: false, paused: false });
  const hostile = {
    "tx and TX": p0.replace('"tx":', `"tx":${small(p0)},"TX":`),
    "TX only": p0.replace('"tx":', '"TX":'),
    "ſpent": p0.replace('"spent"', '"ſpent"'),
    "escaped ſ": p0.replace('"spent"', '"\\u017fpent"'),
    "Kelvin sign": p0.replace('"proof"', '"program":{"commitment":"0x01","bloc\\u212a":"0x1","inputs":[]},"proof"'),
    "duplicate tx": p0.replace('"tx":', `"tx":${small(p0)},"tx":`),
    "duplicate value": p0.replace('"value":', '"value":"0x1","value":'),
    "nested Value": p0.replace('"value":', '"Value":"0x1","value":'),
    "lone surrogate": p0.replace('"id":"p0"', '"id":"p\\ud800"'),
  };
  for (const [name, doc] of Object.entries(hostile)) {
    assert.notEqual(doc, p0, name);
    const r = await core.agent.submit(doc);
    assert.equal(r.status, "rejected", name);
    assert.equal(r.code, "malformed", `${name}: ${r.message}`);
    await assert.rejects(core.approver.inspect(doc), (e) => e.code === "malformed", name);
    assert.equal(await ext.proposalId(doc), "", name);
  }
  await core.approver.setMode({ supervised: true, paused: false });
  for (const doc of Object.values(hostile)) assert.equal((await core.agent.submit(doc)).code, "malformed");
  assert.equal((await core.approver.queue()).length, 0);
  assert.equal((await core.approver.status()).nonce, "0x0");
  assert.equal(await ext.proposalId(p0), "p0");
});

test("the display model: checksummed addresses with labels, rule, nonce signed, proof status", async () => {
  const { core } = await pinned();
  const v = await core.approver.inspect(p0);
  assert.equal(v.id, "p0");
  assert.equal(v.tx.to.address, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
  assert.equal(v.tx.to.label, "Alice (savings account)");
  assert.equal(v.tx.valueText, "0.1 ETH");
  assert.match(v.rule, /Alice \(savings account\) may receive value transfers/);
  assert.deepEqual(v.nonce, { signed: 0, next: 0, ok: true });
  assert.equal(v.proof.ok, true);
  assert.match(v.digest, /^0x[0-9a-f]{64}$/);
  const st = await core.approver.status();
  assert.equal(st.account.address, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  const tv = await core.approver.inspectTx(JSON.stringify({ ...JSON.parse(p0).tx, gas: "0xf4240", maxFeePerGas: "0x174876e800" }));
  assert.deepEqual(tv.warnings.map((w) => w.code), ["fee_high"]);
});

test("supervised: at most 64 wait, then busy; approval is bound to the shown digest", async () => {
  const { core } = await pinned();
  await core.approver.setMode({ supervised: true, paused: false });
  const doc = JSON.parse(p0);
  const codes = [];
  for (let i = 0; i < 80; i++) codes.push((await core.agent.submit(JSON.stringify({ ...doc, id: `q-${i}` }))).code || "pending");
  assert.equal(codes.filter((c) => c === "pending").length, 64);
  assert.equal(codes.filter((c) => c === "busy").length, 16);
  const q = await core.approver.queue();
  assert.equal(q.length, 64);
  await assert.rejects(core.approver.approve("q-0", "0x" + "00".repeat(32)), (e) => e.code === "malformed");
  const r = await core.approver.approve("q-0", q[0].digest);
  assert.equal(r.status, "signed", JSON.stringify(r));
  const rj = await core.approver.reject("q-1");
  assert.equal(rj.code, "user_rejected");
  assert.equal((await core.approver.status()).queued, 62);
});

test("kill switch: in memory at once", async () => {
  const { core } = await pinned();
  await core.approver.setMode({ paused: true, supervised: false });
  const r = await core.agent.submit(p0);
  assert.equal(r.code, "revoked");
  assert.equal((await core.approver.status()).mode.paused, true);
});

test("storage MAC: a swapped record stops the core with malformed; sessions hold derived keys only", async () => {
  const { core, store, session } = await pinned({ authenticate: true });
  assert.ok(!session.includes(PASSWORD));
  const s = JSON.parse(session);
  assert.match(s.key, /^0x[0-9a-f]{64}$/);
  assert.match(s.mac, /^0x[0-9a-f]{64}$/);
  await core.approver.putRecord("settings", JSON.stringify({ mode: "supervised" }));
  assert.equal((await core.approver.status()).integrity.state, "ok");
  // Someone with write access to the storage turns supervision off.
  await store.set("rec/settings", JSON.stringify({ mode: "autonomous" }));
  const again = await ext.open(store, { authenticate: true });
  assert.equal((await again.approver.status()).integrity.state, "unverified");
  await again.user.resumeSession(session); // the worker restarted, unlocked
  const st = await again.approver.status();
  assert.equal(st.vault, "unlocked");
  assert.equal(st.integrity.state, "tampered");
  assert.deepEqual(st.integrity.records, ["rec/settings"]);
  assert.equal((await again.approver.records()).settings, null);
  const r = await again.agent.submit(p0);
  assert.equal(r.code, "malformed");
  assert.equal(r.status, "rejected");
  await assert.rejects(again.approver.putRecord("settings", "{}"), (e) => e.code === "malformed");
  assert.deepEqual(await again.approver.resetTampered(), ["rec/settings"]);
  assert.equal((await again.agent.submit(p0)).status, "signed");
  // Without the key (never unlocked in this core), protected writes wait.
  const cold = await ext.open(store, { authenticate: true });
  await assert.rejects(cold.approver.putRecord("settings", "{}"), (e) => e.code === "locked");
  await assert.rejects(ext.open(store, { authenticate: true }).then((c) => c.user.resumeSession('{"key":"0x00"}')), (e) => e.code === "malformed");
});

test("the audit log rotates within its bound and still verifies", async () => {
  const store = memoryStorage();
  const core = await leash.open(store, { auditKeep: 40 });
  for (let i = 0; i < 300; i++) await core.agent.submit(`{"n":${i}}`);
  const n = store.keys().filter((k) => /^audit\/\d+$/.test(k)).length;
  assert.ok(n <= 50 && n >= 40, `${n} entries stored`);
  const log = await core.approver.audit();
  assert.ok(log.ok, log.error);
  const a = await core.approver.activity(5);
  assert.equal(a.rows.length, 5);
  assert.equal(a.head.next, 300);
  assert.ok(a.head.base > 0);
});

test("the API version says the trust boundary (4) and policy v2 (5) are there", () => {
  assert.equal(leash.version, 5);
});
