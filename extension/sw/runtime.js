// The agent face at run time: proposals from the relay go to the core as
// they came (the core alone decodes them: verify-then-sign, or the
// supervised queue, or a refusal), receipts go back over the relay, signed
// transactions are broadcast through the configured JSON-RPC endpoint and
// followed until mined. Nothing here can unlock, approve or pin: that is the
// approver API (api.js), reachable only from the extension's own pages.
import { ready } from './core.js';
import * as notify from './notify.js';
import * as relay from './relay.js';
import { rpc } from './rpc.js';
import { t } from './i18n.js';
import * as st from './state.js';

const BENCH_MAX = 2000;
export const bench = []; // proposal arrival → signed transaction, ms
const watching = new Set();

// ---- relay messages ----
// Messages are handled in order, in batches of what has arrived (at most
// MAX_BATCH): every decision of a batch is made by the core, then made
// durable in one storage write, then its receipts and the relay acks leave
// in one link step (one write of the link state). A flood costs a few
// writes per batch instead of three per proposal; one proposal alone is a
// batch of one.
const MAX_BATCH = 64;
const inbox = [];
let draining = false;

export function onMessages(msgs, arrived) {
  for (const m of msgs) inbox.push({ m, arrived });
  if (!draining) drain();
}

async function drain() {
  draining = true;
  try {
    while (inbox.length) {
      const batch = inbox.splice(0, MAX_BATCH);
      await handleBatch(batch).catch((e) => console.warn('leash: messages not handled; they stay unacknowledged', e));
    }
  } finally {
    draining = false;
  }
}

async function handleBatch(batch) {
  const answers = [];
  for (const { m, arrived } of batch) {
    if (m.kind !== 'proposal') continue; // anything else from the agent host is ignored (and acknowledged)
    const a = await handleProposal(m.body, arrived);
    if (a) answers.push(a);
  }
  await st.flush(); // every decision of the batch is durable before anything of it leaves
  for (const a of answers) if (a.receipt.status === 'signed' && !a.resent) await st.putReceipt(a.receipt);
  await relay.run(async (link) => {
    const steps = [];
    for (const a of answers) {
      if (!a.receipt.id) continue;
      try {
        steps.push(await link.seal('receipt', `receipt:${a.receipt.id}:${a.receipt.status}`, `receipt:${a.receipt.id}`, JSON.stringify(a.receipt)));
      } catch (e) {
        console.warn('leash: receipt not sent', e.code, e.message);
      }
    }
    for (const { m } of batch) steps.push(await link.handled(m.seq));
    return mergeSteps(steps);
  });
  for (const a of answers) await after(a.receipt, a.resent);
  updateBadge();
}

// mergeSteps folds link steps made one after the other into one: their
// frames in order, and the last persisted state (each includes the ones
// before).
function mergeSteps(steps) {
  const out = { send: [], dirty: false };
  for (const s of steps) {
    out.send.push(...(s.send || []));
    if (s.state !== undefined) out.state = s.state;
    out.dirty = out.dirty || s.dirty;
    for (const k of ['dropped', 'sent', 'messages']) if (s[k] && s[k].length) out[k] = [...(out[k] || []), ...s[k]];
    for (const k of ['lost', 'gap']) if (s[k]) out[k] = (out[k] || 0) + s[k];
    for (const k of ['authed', 'reconnect']) if (s[k]) out[k] = true;
    for (const k of ['offer', 'conflict']) if (s[k]) out[k] = s[k];
  }
  return out;
}

// handleProposal decides one proposal and returns its answer: the receipt,
// and whether it is one sent before (a redelivery).
// The core itself checks the on-chain registry (the registry setting) before
// every signature, over the RPC setting, failing closed.
async function handleProposal(raw, arrived) {
  const { agent } = await ready();
  const t0 = performance.now();
  let r = await agent.submit(raw);
  const t1 = performance.now();
  if (r.status === 'rejected' && r.code === 'nonce_mismatch' && (await syncNonce())) {
    r = await agent.submit(raw); // the chain moved (e.g. a transaction the user sent): check again
  }
  if (r.status === 'rejected' && r.code === 'replay' && r.id) {
    // A redelivery of a proposal signed before (the worker may have died
    // before the receipt or the broadcast left): the same answer again.
    const prev = await st.getReceipt(r.id);
    if (prev && prev.status === 'signed') {
      // A redelivery gets the same answer: a transaction (rebroadcast), or a
      // typed-data signature (issue 17: its digest and signature).
      const r = prev.signature ? { id: prev.id, status: 'signed', digest: prev.digest, signature: prev.signature }
        : { id: prev.id, status: 'signed', txHash: prev.txHash, rawTx: prev.rawTx };
      return { receipt: r, resent: true };
    }
  }
  st.stageReceipt(r);
  if (r.status === 'signed' && arrived) {
    await st.flush();
    // Network excluded: from the relay frame's arrival in the worker to the
    // signed transaction, persisted and ready to leave the extension.
    const t2 = performance.now();
    bench.push({ id: r.id, total: t2 - arrived, queued: t0 - arrived, core: t1 - t0, persist: t2 - t1 });
    if (bench.length > BENCH_MAX) bench.shift();
  }
  return { receipt: r };
}

// finish sends one receipt (a decision made outside a relay batch: the
// user's approval, a retry after unlock) and does what follows from it.
export async function finish(r) {
  await st.flush();
  if (r.id) {
    if (r.status === 'signed') await st.putReceipt(r);
    await sendReceipt(r);
  }
  await after(r);
  updateBadge(); // not awaited: coalesced
}

// after does what follows a receipt once it left: the activity entry and
// the broadcast of a signed transaction, the notification of a refusal.
async function after(r, resent = false) {
  if (r.status === 'signed' && r.signature) {
    // A typed-data signature (issue 17): nothing to broadcast; the agent
    // host sends it (an x402 payment header); the audit log has it.
    if (!resent) await st.addActivity({ kind: 'signature', id: r.id, decision: 'signed', txHash: r.digest, source: 'agent' });
  } else if (r.status === 'signed') {
    if (!resent) await st.addActivity({ kind: 'tx', id: r.id, decision: 'signed', txHash: r.txHash, rawTx: r.rawTx, source: 'agent' });
    broadcast(r).catch((e) => console.warn('broadcast', e));
  } else if (r.status === 'rejected' && r.code !== 'user_rejected') {
    notify.refusal(r.code);
  }
}

export async function sendReceipt(r) {
  const body = JSON.stringify(r);
  try {
    await relay.run((link) => link.seal('receipt', `receipt:${r.id}:${r.status}`, `receipt:${r.id}`, body));
  } catch (e) {
    console.warn('leash: receipt not sent', e.code, e.message);
  }
}

// ---- supervised approvals (the queue is the core's) ----
export async function approveProposal(id, digest) {
  const { approver } = await ready();
  const r = await approver.approve(id, digest);
  st.stageReceipt(r);
  await finish(r);
}

export async function rejectProposal(id) {
  const { approver } = await ready();
  const r = await approver.reject(id);
  await finish(r);
}

// ---- relay warnings for the user ----
// pairingConflict: a second agent key answered the pairing URI. Pairing is
// refused (the core refuses every confirm); the user must make a new URI.
export async function pairingConflict(why) {
  await st.addActivity({ kind: 'pairing', decision: 'rejected', code: 'pairing_conflict', message: why });
  chrome.notifications.create('leash-pairing-conflict', { // one, updated in place
    type: 'basic',
    iconUrl: chrome.runtime.getURL('icons/icon-128.png'),
    title: t('Leash refused a pairing: someone else has the pairing URI'),
    message: t('Two different agent keys answered the same pairing URI. Make a new pairing URI and show it only to your own agent host.'),
    priority: 2,
    requireInteraction: true,
  });
  await updateBadge();
}

// relayGap: messages from the agent host were lost before the ones just
// received (expired on the relay, or taken by another login).
export async function relayGap(g) {
  const message = t('$1 message(s) from the agent host never arrived (lost on the relay: $2, missing in sequence: $3)', g.lost + g.gap, g.lost, g.gap);
  await st.addActivity({ kind: 'relay', decision: 'info', code: 'relay_gap', message });
  chrome.notifications.create('leash-relay-gap', { // one, updated in place
    type: 'basic',
    iconUrl: chrome.runtime.getURL('icons/icon-128.png'),
    title: t('Leash: messages from the agent were lost'),
    message,
    priority: 1,
  });
}

// ---- chain ----
// syncNonce asks the core to read the account's nonce through its own RPC
// (both RPCs, when a second one is set). The core moves it by at most 16 on
// the RPC's word; a larger jump waits for the user (status().nonceHold, the
// popup's banner). It reports whether the nonce moved.
// A flood of proposals at wrong nonces cannot turn into a flood of RPC
// requests: a token bucket allows bursts of 5 and 2 per second after that
// (force — unlock, start — always asks).
const syncBucket = { tokens: 5, at: Date.now() };
export async function syncNonce(force = false) {
  const now = Date.now();
  syncBucket.tokens = Math.min(5, syncBucket.tokens + ((now - syncBucket.at) / 1000) * 2);
  syncBucket.at = now;
  if (!force) {
    if (syncBucket.tokens < 1) return false;
    syncBucket.tokens--;
  }
  const { approver } = await ready();
  const status = await approver.status();
  if (!status.address) return false;
  try {
    const before = Number(BigInt(status.nonce));
    const r = await approver.syncNonce();
    if (r.held !== undefined) await updateBadge();
    return r.nonce !== before;
  } catch (e) {
    console.warn('leash: nonce sync failed', e.code, e.message);
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

// watch follows txHash until mined, on the agent's network or at url (a
// user's transaction on another network).
export function watch(id, txHash, url) {
  if (watching.has(txHash)) return;
  watching.add(txHash);
  (async () => {
    const deadline = Date.now() + 120000;
    let delay = 100;
    try {
      while (Date.now() < deadline) {
        const rec = await rpc('eth_getTransactionReceipt', [txHash], { url }).catch(() => null);
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
    state.set(a.txHash, { ...cur, id: a.id || cur.id, rawTx: a.rawTx || cur.rawTx, last: a.decision, chainId: a.chainId || cur.chainId });
  }
  const s = await st.settings();
  for (const [txHash, t] of state) {
    if (t.chainId && t.chainId !== s.chainId) {
      // The user's own transaction on another network: follow it there.
      const n = s.networks.find((x) => x.chainId === t.chainId);
      if (n && t.last !== 'broadcast_failed') watch(t.id, txHash, n.rpcUrl);
      continue;
    }
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
  for (const r of rs) {
    st.stageReceipt(r);
    await finish(r);
  }
}

// ---- badge ----
let dappWaiting = () => 0;
export function setDappWaiting(fn) { dappWaiting = fn; }

// updateBadge refreshes the badge (and the "waiting" notification), at
// most every 200 ms however many proposals arrive.
let badgeTimer = null;
let badgeDone = null;
export function updateBadge() {
  if (!badgeTimer) {
    badgeDone = new Promise((resolve) => {
      badgeTimer = setTimeout(() => {
        badgeTimer = null;
        refreshBadge().catch(() => {}).finally(resolve);
      }, 200);
    });
  }
  return badgeDone;
}

async function refreshBadge() {
  let n = dappWaiting();
  let queued = 0;
  try {
    const { approver } = await ready();
    const s = await approver.status();
    queued = s.queued || 0;
    n += queued + (s.pending || 0) + (s.nonceHold ? 1 : 0);
  } catch {}
  notify.awaiting(queued);
  await chrome.action.setBadgeBackgroundColor({ color: '#b4542a' });
  await chrome.action.setBadgeText({ text: n ? String(Math.min(n, 999)) : '' });
}

export async function benchStats() {
  const { boot } = await ready();
  return { samples: [...bench], boot };
}
