// Signature proposals (issue 17) in the WASM core, under node --test.
// wasm/wasmtest.TestNodeSignature provides LEASH_FIXTURES: policy.json
// (examples/policy-x402.json), policy.vk, typed.vk and payments.json, 12
// x402 payments of 0.4 dUSDC proven now, each against the window the
// previous ones leave (the dUSDC window holds 5 dUSDC: 12 of them fit),
// and payments[12], payment 0 again under a new id, proven after it.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { verifyTypedData } from "ethers";
import { loadLeash, memoryStorage } from "../leash.mjs";

const dir = process.env.LEASH_FIXTURES;
const fx = (n) => fs.readFileSync(path.join(dir, n));
const MNEMONIC = "test test test test test test test test test test test junk";
const PASSWORD = "correct horse battery staple";
const ACCOUNT = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const payments = JSON.parse(fx("payments.json"));

const { leash } = await loadLeash();

async function open() {
  const core = await leash.open(memoryStorage());
  await core.approver.importVault(MNEMONIC, PASSWORD);
  await core.approver.unlock(PASSWORD);
  await core.approver.pin(fx("policy.json"), new Uint8Array(fx("policy.vk")));
  await core.approver.pinTypedKey(new Uint8Array(fx("typed.vk")));
  return core;
}

const str = (p) => JSON.stringify(p);

function typedFor(td) {
  const types = { ...td.types };
  delete types.EIP712Domain;
  return [td.domain, types, td.message];
}

test("the WASM core signs x402 payments; ethers recovers the account; the window, replays and forgeries are refused", async () => {
  const core = await open();
  const times = [];
  for (let i = 0; i < 12; i++) {
    const t0 = performance.now();
    const r = await core.agent.submit(str(payments[i]));
    times.push(performance.now() - t0);
    assert.equal(r.status, "signed", JSON.stringify(r));
    const [domain, types, message] = typedFor(payments[i].typedData);
    assert.equal(verifyTypedData(domain, types, message, r.signature), ACCOUNT);
    if (i === 0) {
      // A replay under a new id, proven against the new sum: refused by the
      // (domain, nonce) record; the same id again: refused too.
      const replay = await core.agent.submit(str(payments[12]));
      assert.equal(replay.code, "replay", JSON.stringify(replay));
      assert.equal((await core.agent.submit(str(payments[0]))).code, "replay");
    }
  }
  times.sort((a, b) => a - b);
  console.log(`verify+sign in WASM: p50 ${times[6].toFixed(2)} ms, max ${times[11].toFixed(2)} ms over 12 payments`);
  const status = await core.approver.status();
  assert.equal(status.state.tokens[0].spent, "0x" + (12 * 400000).toString(16));

  // A payee outside the policy under a valid proof: policy_violation:arg.
  const bad = structuredClone(payments[0]);
  bad.id = "bad-payee";
  bad.typedData.message.to = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
  assert.equal((await core.agent.submit(str(bad))).code, "policy_violation:arg");
  // A raised amount under another payment's proof: proof_invalid (forged).
  const forged = structuredClone(payments[1]);
  forged.id = "forged";
  forged.typedData.message.value = "450000";
  forged.typedData.message.nonce = "0x" + "77".repeat(32);
  forged.tokenSpent = "0x" + (12 * 400000).toString(16);
  const fr = await core.agent.submit(str(forged));
  assert.ok(["proof_invalid", "policy_violation:token_window"].includes(fr.code), JSON.stringify(fr));
  // Past the window: 12 × 0.4 = 4.8 dUSDC of 5; a 0.4 payment is refused.
  const over = structuredClone(payments[2]);
  over.id = "over";
  over.typedData.message.nonce = "0x" + "78".repeat(32);
  over.tokenSpent = "0x" + (12 * 400000).toString(16);
  assert.equal((await core.agent.submit(str(over))).code, "policy_violation:token_window");
  // Nothing of the refusals was reserved.
  assert.equal((await core.approver.status()).state.tokens[0].spent, "0x" + (12 * 400000).toString(16));
});

test("without the typed-data key the core signs no typed data", async () => {
  const core = await leash.open(memoryStorage());
  await core.approver.importVault(MNEMONIC, PASSWORD);
  await core.approver.unlock(PASSWORD);
  await core.approver.pin(fx("policy.json"), new Uint8Array(fx("policy.vk")));
  const r = await core.agent.submit(str(payments[0]));
  assert.equal(r.code, "unknown_policy");
});
