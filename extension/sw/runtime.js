// The agent face at run time: proposals from the relay are decided by the
// core (verify-then-sign), receipts go back over the relay, signed
// transactions are broadcast through the configured JSON-RPC endpoint and
// followed until mined. Nothing here can unlock, approve or pin: that is the
// approver API (api.js), reachable only from the extension's own pages.
import { ready } from './core.js';
import * as relay from './relay.js';
import { rpc } from './rpc.js';
import * as st from './state.js';

const BENCH_MAX = 2000;
export const bench = []; // proposal arrival → signed transaction, ms
let procQueue = Promise.resolve();
const watching = new Set();

// ---- relay messages ----
export function onMessages(msgs, arrived) {
  for (const m of msgs) {
    procQueue = procQueue
      .then(() => handleMessage(m, arrived))
      .catch((e) => console.warn('leash: message not handled; it stays unacknowledged', e));
  }
}

async function handleMessage(m, arrived) {
  if (m.kind === 'proposal') {
    await handleProposal(m.body, arrived);
  } else {
    await st.addActivity({ kind: 'relay', decision: 'info', message: `ignored a "${String(m.kind).slice(0, 32)}" message from the agent host` });
  }
  await relay.run((link) => link.handled(m.seq));
}

function proposalId(raw) {
  try {
    const p = JSON.parse(raw);
    return p && typeof p.id === 'string' && p.id.length <= 64 ? p.id : '';
  } catch {
    return '';
  }
}

async function handleProposal(raw, arrived) {
  const id = proposalId(raw);
  if (id) {
    const prev = await st.getReceipt(id);
    if (prev && prev.status !== 'pending') {
      await sendReceipt(stripLocal(prev)); // a redelivery gets the same answer
      if (prev.status === 'signed' && prev.rawTx && !prev.signature) {
        // The worker may have died before the broadcast: send it again
        // (the chain ignores a transaction it already has).
        broadcast(prev).catch((e) => console.warn('broadcast', e));
      }
      return;
    }
  }
  const s = await st.settings();
  if (s.paused) {
    const r = { id, status: 'rejected', code: 'revoked', message: 'the agent is paused by the user (kill switch)' };
    await finish(r, null);
    return;
  }
  if (s.mode === 'supervised') {
    const added = await st.addApproval({ id: 'proposal:' + id, kind: 'proposal', proposal: raw, proposalId: id });
    if (added) {
      await st.putReceipt({ id, status: 'pending', message: 'waiting for the user\'s approval (supervised mode)' });
      await sendReceipt({ id, status: 'pending', message: 'waiting for the user\'s approval (supervised mode)' });
      await st.addActivity({ kind: 'proposal', id, decision: 'pending', message: 'waiting for approval (supervised mode)' });
    }
    await updateBadge();
    return;
  }
  await decide(raw, arrived);
}

function stripLocal(r) {
  const { at, ...rest } = r;
  return rest;
}

// COMMITMENT_OF is the selector of PolicyRegistry.commitmentOf(address).
const COMMITMENT_OF = '0xf662b881';

// registryRefusal checks the on-chain registry, when one is configured: the
// commitment published for our account must be the pinned one, with the
// pinned key, and not revoked (revoking on chain is the kill switch). It
// fails closed: an unreadable registry refuses too. null means go ahead.
export async function registryRefusal() {
  const s = await st.settings();
  if (!s.registry) return null;
  const { approver } = await ready();
  const status = await approver.status();
  if (!status.address || !status.policyCommitment) return null; // the core refuses on its own
  const data = COMMITMENT_OF + status.address.slice(2).toLowerCase().padStart(64, '0');
  let out;
  try {
    out = await rpc('eth_call', [{ to: s.registry, data }, 'latest']);
  } catch (e) {
    return { code: 'unknown_policy', message: `cannot read the on-chain registry (${e.message}); nothing is signed` };
  }
  if (typeof out !== 'string' || !/^0x[0-9a-fA-F]{192}$/.test(out)) {
    return { code: 'unknown_policy', message: 'the registry answered malformed data; nothing is signed' };
  }
  const commitment = '0x' + out.slice(2, 66).toLowerCase();
  const vkHash = '0x' + out.slice(66, 130).toLowerCase();
  const revoked = BigInt('0x' + out.slice(130, 194)) !== 0n;
  if (BigInt(commitment) === 0n) return { code: 'unknown_policy', message: 'no policy commitment is published on chain for this account' };
  if (revoked) return { code: 'revoked', message: `the on-chain policy commitment ${commitment} is revoked` };
  if (commitment !== status.policyCommitment.toLowerCase()) {
    return { code: 'unknown_policy', message: `the on-chain commitment ${commitment} is not the pinned ${status.policyCommitment}` };
  }
  if (status.vkHash && vkHash !== status.vkHash.toLowerCase()) {
    return { code: 'unknown_policy', message: `the on-chain vk hash ${vkHash} is not the pinned ${status.vkHash}` };
  }
  return null;
}

// decide runs verify-then-sign in the core and handles the receipt.
export async function decide(raw, arrived) {
  const refusal = await registryRefusal();
  if (refusal) {
    const id = proposalId(raw);
    await st.addActivity({ kind: 'proposal', id, decision: 'rejected', code: refusal.code, message: refusal.message });
    await finish({ id, status: 'rejected', ...refusal });
    return;
  }
  const { agent } = await ready();
  const t0 = performance.now();
  let r = await agent.submit(raw);
  const t1 = performance.now();
  if (r.status === 'rejected' && r.code === 'nonce_mismatch' && (await syncNonce())) {
    r = await agent.submit(raw); // the chain moved (e.g. a transaction the user sent): check again
  }
  if (r.id && r.status !== 'pending') st.stageReceipt(r);
  await st.flush(); // the decision (and its receipt) is durable before anything of it leaves
  if (r.status === 'signed' && arrived) {
    // Network excluded: from the relay frame's arrival in the worker to the
    // signed transaction, persisted and ready to leave the extension.
    const t2 = performance.now();
    bench.push({ id: r.id, total: t2 - arrived, queued: t0 - arrived, core: t1 - t0, persist: t2 - t1 });
    if (bench.length > BENCH_MAX) bench.shift();
  }
  await finish(r);
}

async function finish(r) {
  await st.flush();
  if (!r.id && r.status === 'rejected') {
    // A proposal without a usable id cannot be answered by id; it is in the audit log.
    notifyRejection(r);
    return;
  }
  await st.putReceipt(r);
  await sendReceipt(r);
  if (r.status === 'signed' && r.signature) {
    // A typed-data signature (issue 17): nothing to broadcast; the agent
    // host sends it (an x402 payment header) and the audit log has it.
    touchSession().catch(() => {});
    await st.addActivity({ kind: 'signature', id: r.id, decision: 'signed', txHash: r.digest, source: 'agent' });
  } else if (r.status === 'signed') {
    touchSession().catch(() => {});
    await st.addActivity({ kind: 'tx', id: r.id, decision: 'signed', txHash: r.txHash, rawTx: r.rawTx, source: 'agent' });
    broadcast(r).catch((e) => console.warn('broadcast', e));
  } else if (r.status === 'rejected') {
    if (r.code === 'revoked' || r.code === 'user_rejected') {
      await st.addActivity({ kind: 'proposal', id: r.id, decision: 'rejected', code: r.code, message: r.message });
    }
    notifyRejection(r);
  }
  await updateBadge();
}

export async function sendReceipt(r) {
  const body = JSON.stringify(r);
  try {
    await relay.run((link) => link.seal('receipt', `receipt:${r.id}:${r.status}`, `receipt:${r.id}`, body));
  } catch (e) {
    console.warn('leash: receipt not sent', e.code, e.message);
  }
}

function notifyRejection(r) {
  chrome.notifications.create('reject-' + (r.id || Date.now()) + '-' + Date.now(), {
    type: 'basic',
    iconUrl: chrome.runtime.getURL('icons/icon-128.png'),
    title: 'Leash refused a transaction',
    message: `${r.code || 'rejected'}: ${r.message || ''}`.slice(0, 250),
    priority: 1,
  });
}

// Signing counts as activity for the session's idle timer.
async function touchSession() {
  const o = await chrome.storage.session.get(st.K.session);
  const v = o[st.K.session];
  if (v && Date.now() - v.last > 5000) await chrome.storage.session.set({ [st.K.session]: { ...v, last: Date.now() } });
}

// ---- relay warnings for the user ----
// pairingConflict: a second agent key answered the pairing URI. Pairing is
// refused (the core refuses every confirm); the user must make a new URI.
export async function pairingConflict(why) {
  await st.addActivity({ kind: 'pairing', decision: 'rejected', code: 'pairing_conflict', message: why });
  chrome.notifications.create('pairing-conflict-' + Date.now(), {
    type: 'basic',
    iconUrl: chrome.runtime.getURL('icons/icon-128.png'),
    title: 'Leash refused a pairing: someone else has the pairing URI',
    message: 'Two different agent keys answered the same pairing URI. Make a new pairing URI and show it only to your own agent host.',
    priority: 2,
    requireInteraction: true,
  });
  await updateBadge();
}

// relayGap: messages from the agent host were lost before the ones just
// received (expired on the relay, or taken by another login).
export async function relayGap(g) {
  const message = `${g.lost + g.gap} message(s) from the agent host never arrived (lost on the relay: ${g.lost}, missing in sequence: ${g.gap})`;
  await st.addActivity({ kind: 'relay', decision: 'info', code: 'relay_gap', message });
  chrome.notifications.create('relay-gap-' + Date.now(), {
    type: 'basic',
    iconUrl: chrome.runtime.getURL('icons/icon-128.png'),
    title: 'Leash: messages from the agent were lost',
    message,
    priority: 1,
  });
}

// ---- chain ----
export async function syncNonce() {
  const { approver } = await ready();
  const status = await approver.status();
  if (!status.address) return false;
  try {
    const n = Number(BigInt(await rpc('eth_getTransactionCount', [status.address, 'pending'])));
    const before = Number(BigInt(status.nonce));
    const r = await approver.syncNonce(n);
    return r.nonce !== before;
  } catch (e) {
    console.warn('leash: nonce sync failed', e.message);
    return false;
  }
}

export async function broadcast(r) {
  try {
    await rpc('eth_sendRawTransaction', [r.rawTx]);
    await st.addActivity({ kind: 'tx', id: r.id, decision: 'broadcast', txHash: r.txHash });
  } catch (e) {
    // "already known" is a success for a rebroadcast
    if (!/known|already/i.test(e.message)) {
      await st.addActivity({ kind: 'tx', id: r.id, decision: 'broadcast_failed', txHash: r.txHash, message: e.message, rawTx: r.rawTx });
      return;
    }
  }
  watch(r.id, r.txHash);
}

export function watch(id, txHash) {
  if (watching.has(txHash)) return;
  watching.add(txHash);
  (async () => {
    const deadline = Date.now() + 120000;
    let delay = 100;
    try {
      while (Date.now() < deadline) {
        const rec = await rpc('eth_getTransactionReceipt', [txHash]).catch(() => null);
        if (rec && rec.blockNumber) {
          const ok = rec.status === '0x1';
          await st.addActivity({ kind: 'tx', id, decision: ok ? 'mined' : 'reverted', txHash, block: Number(BigInt(rec.blockNumber)) });
          if (id && !id.startsWith('user:')) {
            const mined = { id, status: 'mined', txHash };
            if (!ok) mined.message = 'the transaction reverted';
            await sendReceipt(mined);
          }
          return;
        }
        await new Promise((res) => setTimeout(res, delay));
        delay = Math.min(delay * 2, 2000);
      }
    } finally {
      watching.delete(txHash);
    }
  })();
}

// resumeWatches picks up transactions signed before a worker restart that
// were never seen mined: rebroadcast (idempotent) and follow them.
export async function resumeWatches() {
  const acts = await st.get(st.K.activity, []);
  const state = new Map();
  for (const a of acts) {
    if (a.kind !== 'tx' || !a.txHash) continue;
    const cur = state.get(a.txHash) || {};
    state.set(a.txHash, { ...cur, id: a.id || cur.id, rawTx: a.rawTx || cur.rawTx, last: a.decision });
  }
  for (const [txHash, t] of state) {
    if (t.last === 'signed' || t.last === 'broadcast' || t.last === 'broadcast_failed') {
      if (t.rawTx) broadcast({ id: t.id, txHash, rawTx: t.rawTx }).catch(() => {});
      else watch(t.id, txHash);
    }
  }
}

// ---- locked queue ----
export async function retryHeld() {
  const { approver } = await ready();
  let rs = [];
  try {
    rs = await approver.retry();
  } catch {
    return;
  }
  for (const r of rs) await finish(r);
}

// ---- badge ----
export async function updateBadge() {
  let n = (await st.approvals()).length;
  try {
    const { approver } = await ready();
    n += (await approver.status()).pending || 0;
  } catch {}
  await chrome.action.setBadgeBackgroundColor({ color: '#b4542a' });
  await chrome.action.setBadgeText({ text: n ? String(n) : '' });
}

export async function benchStats() {
  const { boot } = await ready();
  return { samples: [...bench], boot };
}
