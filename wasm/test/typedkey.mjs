// The typed-data key in the on-chain registry, in the WASM core (leash.open
// with an rpc function), under node --test. wasm/wasmtest.
// TestNodeTypedKeyOnChain provides LEASH_FIXTURES (policy.json +
// policy.vk: examples/policy-x402.json and the policy key, published by the
// signer's account; typed.vk: the typed-data key whose hash it published;
// typed-other.vk: a well-formed key of another setup; payment.json: an x402
// payment proven now with the published setup; payment-other.json: one
// proven with the other setup; registry.json: the registry's address) and
// LEASH_RPC, the go-ethereum dev node holding that registry.
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

let rpcCalls = 0;
async function rpc(method, params) {
  rpcCalls++;
  const res = await fetch(RPC, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: rpcCalls, method, params }),
  });
  const body = await res.json();
  if (body.error) throw body.error;
  return body.result;
}

async function open(typedVK) {
  const core = await leash.open(memoryStorage(), { rpc, registry: REG.address });
  await core.approver.importVault(MNEMONIC, PASSWORD);
  await core.approver.unlock(PASSWORD);
  await core.approver.pin(fx("policy.json"), new Uint8Array(fx("policy.vk")));
  await core.approver.pinTypedKey(new Uint8Array(fx(typedVK)));
  return core;
}

test("a typed-data key of another setup is refused (unknown_policy); the published one signs", async () => {
  const attacked = await open("typed-other.vk");
  const r = await attacked.agent.submit(fx("payment-other.json").toString());
  assert.equal(r.status, "rejected", JSON.stringify(r));
  assert.equal(r.code, "unknown_policy", r.message);
  assert.match(r.message, /typed-data key hash/);
  assert.equal(r.signature, undefined);

  const core = await open("typed.vk");
  // The other setup's proof does not verify under the published key.
  const forged = await core.agent.submit(fx("payment-other.json").toString());
  assert.equal(forged.code, "proof_invalid", JSON.stringify(forged));
  const before = rpcCalls;
  const ok = await core.agent.submit(fx("payment.json").toString());
  assert.equal(ok.status, "signed", JSON.stringify(ok));
  assert.equal(ok.signature.length, 132);
  assert.ok(rpcCalls - before >= 3, `the core read the registry (${rpcCalls - before} calls)`);
});
