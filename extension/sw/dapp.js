// The dapp face: EIP-1193 requests from the content script's port. The
// origin is the browser's (port.sender.origin), never the page's claim.
// Everything that acts for the user waits for an approval, and a page
// cannot bury the user in them: one pending connect per origin, a few
// pending requests per origin and in all (later ones get -32002), random
// approval ids, and every request waits in one approvals window.
import { ready } from './core.js';
import * as relay from './relay.js';
import { rpc, toHex } from './rpc.js';
import * as rt from './runtime.js';
import * as st from './state.js';

const ports = new Set();
const sentWaiters = new Map(); // relay tag → resolve

// Dapp approvals live in this worker's memory only: they cannot outlive
// the port they answer.
const pending = new Map(); // id → {id, kind, origin, created, rev, port, reqId, ...}
export const MAX_PER_ORIGIN = 8;
export const MAX_PENDING = 32;

const ERR = {
  userRejected: { code: 4001, message: 'User rejected the request.' },
  unauthorized: { code: 4100, message: 'The requested account and/or method has not been authorized by the user.' },
  unsupported: { code: 4200, message: 'The Provider does not support the requested method.' },
  disconnected: { code: 4900, message: 'Leash is not paired with an agent host.' },
  invalid: { code: -32602, message: 'Invalid method parameters.' },
  internal: { code: -32603, message: 'Internal error.' },
  connectPending: { code: -32002, message: 'A connection request from this site is already waiting for the user.' },
  busy: { code: -32002, message: 'Too many requests from this site are waiting for the user; try again later.' },
};

const MAX_REQUEST = 256 * 1024;
const METHOD = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export function onConnect(port) {
  if (port.name !== 'leash-dapp') return;
  const s = port.sender || {};
  let origin;
  try {
    origin = new URL(s.origin || s.url).origin;
  } catch {
    port.disconnect();
    return;
  }
  if (!s.tab || !/^https?:$/.test(new URL(origin).protocol) || s.id !== chrome.runtime.id) {
    port.disconnect();
    return;
  }
  port.leashOrigin = origin;
  ports.add(port);
  port.onMessage.addListener((msg) => onRequest(port, msg));
  port.onDisconnect.addListener(() => {
    ports.delete(port);
    for (const [id, a] of pending) if (a.port === port) pending.delete(id);
    rt.updateBadge();
  });
}

function wellFormed(msg) {
  if (!msg || typeof msg !== 'object' || Array.isArray(msg)) return false;
  const idOk = (Number.isSafeInteger(msg.id) && msg.id >= 0) || (typeof msg.id === 'string' && msg.id.length <= 64);
  if (!idOk || typeof msg.method !== 'string' || !METHOD.test(msg.method)) return false;
  if (msg.params !== undefined && typeof msg.params !== 'object') return false;
  try {
    return JSON.stringify(msg).length <= MAX_REQUEST;
  } catch {
    return false;
  }
}

async function onRequest(port, msg) {
  if (!wellFormed(msg)) return; // the content script already filters; drop silently
  const reply = (r) => {
    try { port.postMessage({ id: msg.id, ...r }); } catch {}
  };
  try {
    const result = await dispatch(port, msg.method, msg.params, msg.id);
    if (result !== PENDING) reply({ result });
  } catch (e) {
    reply({ error: e.eip1193 || { code: ERR.internal.code, message: e.message || ERR.internal.message } });
  }
}

const PENDING = Symbol('pending');

function rpcErr(e) {
  const x = new Error(e.message);
  x.eip1193 = e;
  return x;
}

async function accountsFor(origin) {
  const { approver } = await ready();
  const origins = await st.origins();
  if (!origins[origin]) return [];
  const status = await approver.status();
  return status.account && status.vault === 'unlocked' ? [status.account.address] : [];
}

async function dispatch(port, method, params, reqId) {
  const origin = port.leashOrigin;
  const s = await st.settings();
  switch (method) {
    case 'eth_chainId':
      return toHex(s.chainId);
    case 'net_version':
      return String(s.chainId);
    case 'eth_accounts':
      return accountsFor(origin);
    case 'eth_requestAccounts': {
      const acc = await accountsFor(origin);
      if (acc.length) return acc;
      for (const a of pending.values()) if (a.kind === 'connect' && a.origin === origin) throw rpcErr(ERR.connectPending);
      return ask(port, reqId, { kind: 'connect', origin });
    }
    case 'eth_sendTransaction': {
      if (!(await accountsFor(origin)).length) throw rpcErr(ERR.unauthorized);
      return reserving(origin, async () => {
        const tx = await prepareTx(Array.isArray(params) ? params[0] : undefined, s.chainId);
        return ask(port, reqId, { kind: 'tx', origin, txPreview: tx }, true);
      });
    }
    case 'personal_sign': {
      const acc = await accountsFor(origin);
      if (!acc.length) throw rpcErr(ERR.unauthorized);
      if (!Array.isArray(params) || typeof params[0] !== 'string' || params[0].length > 131074) throw rpcErr(ERR.invalid);
      if (typeof params[1] === 'string' && params[1].toLowerCase() !== acc[0].toLowerCase()) throw rpcErr(ERR.unauthorized);
      return ask(port, reqId, { kind: 'sign', origin, message: params[0] });
    }
    case 'leash_requestAgentAction': {
      if (!(await accountsFor(origin)).length) throw rpcErr(ERR.unauthorized);
      const req = Array.isArray(params) ? params[0] : params;
      if (!req || typeof req !== 'object' || JSON.stringify(req).length > 16384) throw rpcErr(ERR.invalid);
      const { ext } = await ready();
      let info;
      try { info = await ext.link.info(); } catch {}
      if (!info || !info.paired) throw rpcErr(ERR.disconnected);
      return ask(port, reqId, { kind: 'task', origin, request: req });
    }
    default:
      throw rpcErr(ERR.unsupported);
  }
}

// admit refuses a request when its origin (or everyone) already has the
// most requests waiting or being prepared (reserved synchronously, so a
// burst of concurrent requests cannot all pass before the first is queued).
const reserved = new Map(); // origin → requests being prepared
function admit(origin) {
  let mine = reserved.get(origin) || 0;
  let all = 0;
  for (const n of reserved.values()) all += n;
  for (const a of pending.values()) {
    all++;
    if (a.origin === origin) mine++;
  }
  if (mine >= MAX_PER_ORIGIN || all >= MAX_PENDING) throw rpcErr(ERR.busy);
}

async function reserving(origin, fn) {
  admit(origin);
  reserved.set(origin, (reserved.get(origin) || 0) + 1);
  try {
    return await fn();
  } finally {
    const n = reserved.get(origin) - 1;
    if (n) reserved.set(origin, n);
    else reserved.delete(origin);
  }
}

const HEX = /^0x[0-9a-fA-F]*$/;
const ADDR = /^0x[0-9a-fA-F]{40}$/;

// nextNonce is the nonce a transaction of the user gets: the chain's
// pending count, or the signer's own next nonce when that is ahead.
async function nextNonce() {
  const { approver } = await ready();
  const status = await approver.status();
  const chain = BigInt(await rpc('eth_getTransactionCount', [status.address, 'pending']));
  const own = BigInt(status.nonce);
  return chain > own ? chain : own;
}

// prepareTx fills an eth_sendTransaction request into a complete EIP-1559
// transaction (nonce, gas and fees from the chain). What the approval
// shows is this transaction, nonce included, and only this is signed.
async function prepareTx(p, chainId) {
  const { approver } = await ready();
  if (!p || typeof p !== 'object') throw rpcErr(ERR.invalid);
  const status = await approver.status();
  if (p.from !== undefined && (typeof p.from !== 'string' || p.from.toLowerCase() !== String(status.address).toLowerCase())) throw rpcErr(ERR.unauthorized);
  if (typeof p.to !== 'string' || !ADDR.test(p.to)) throw rpcErr({ ...ERR.invalid, message: 'Leash sends transactions to an address; contract creation is not supported.' });
  for (const k of ['value', 'data', 'input', 'gas', 'maxFeePerGas', 'maxPriorityFeePerGas']) {
    if (p[k] !== undefined && (typeof p[k] !== 'string' || !HEX.test(p[k]) || p[k].length > 262146)) throw rpcErr(ERR.invalid);
  }
  const data = p.data || p.input || '0x';
  const value = p.value || '0x0';
  const call = { from: status.address, to: p.to, value, data };
  const [gas, block, tip, nonce] = await Promise.all([
    p.gas ? Promise.resolve(p.gas) : rpc('eth_estimateGas', [call]),
    rpc('eth_getBlockByNumber', ['latest', false]),
    p.maxPriorityFeePerGas ? Promise.resolve(p.maxPriorityFeePerGas) : rpc('eth_maxPriorityFeePerGas', []).catch(() => '0x3b9aca00'),
    nextNonce(),
  ]);
  const base = BigInt(block.baseFeePerGas || '0x0');
  const tipN = BigInt(tip) > 0n ? BigInt(tip) : 1n;
  const maxFee = p.maxFeePerGas ? BigInt(p.maxFeePerGas) : base * 2n + tipN;
  return {
    chainId: toHex(chainId), nonce: toHex(nonce), to: p.to.toLowerCase(), value: toHex(BigInt(value)), data,
    gas: toHex(BigInt(gas)), maxFeePerGas: toHex(maxFee), maxPriorityFeePerGas: toHex(tipN < maxFee ? tipN : maxFee),
  };
}

async function ask(port, reqId, item, isReserved = false) {
  if (!isReserved) admit(item.origin);
  const a = { ...item, id: item.kind + ':' + crypto.randomUUID(), created: Date.now(), rev: 1, port, reqId };
  pending.set(a.id, a);
  rt.updateBadge();
  await openWindow();
  return PENDING;
}

// ---- the approvals window: one for every pending request ----
let opening = Promise.resolve();
export const windowStats = { created: 0, focused: 0 };

function openWindow() {
  opening = opening.then(async () => {
    const o = await chrome.storage.session.get(st.K.window);
    const id = o[st.K.window];
    if (id !== undefined) {
      try {
        await chrome.windows.update(id, { focused: true });
        windowStats.focused++;
        return;
      } catch {} // closed meanwhile
    }
    const url = chrome.runtime.getURL('ui/popup.html?window=approvals');
    try {
      const w = await chrome.windows.create({ url, type: 'popup', width: 420, height: 680, focused: true });
      windowStats.created++;
      await chrome.storage.session.set({ [st.K.window]: w.id });
    } catch (e) {
      console.warn('leash: no popup window, opening a tab', e.message);
      await chrome.tabs.create({ url }).catch(() => {});
    }
  }).catch((e) => console.warn('leash: approvals window', e));
  return opening;
}

chrome.windows.onRemoved.addListener((id) => {
  chrome.storage.session.get(st.K.window).then((o) => {
    if (o[st.K.window] === id) return chrome.storage.session.remove(st.K.window);
  }).catch(() => {});
});

// ---- what the approver API sees ----
export function waitingCount() { return pending.size; }

// views returns the display model of every pending dapp request.
export async function views() {
  const { approver, ext } = await ready();
  const status = await approver.status();
  const s = await st.settings();
  const out = [];
  for (const a of pending.values()) {
    const v = { id: a.id, kind: a.kind, origin: a.origin, created: a.created, rev: a.rev };
    try {
      if (a.kind === 'tx') v.tx = await approver.inspectTx(JSON.stringify(a.txPreview));
      else if (a.kind === 'sign') v.message = await ext.inspectMessage(a.message, a.origin, status.address, s.chainId);
      else if (a.kind === 'task') v.request = JSON.stringify(a.request, null, 2);
    } catch (e) {
      v.error = `${e.code || 'error'}: ${e.message}`;
    }
    out.push(v);
  }
  return out;
}

export function get(id) { return pending.get(id); }

function settle(a, msg) {
  pending.delete(a.id);
  try { a.port.postMessage({ id: a.reqId, ...msg }); } catch {}
  rt.updateBadge();
}

export function rejected(a) {
  settle(a, { error: ERR.userRejected });
}

function fail(code, message) {
  throw Object.assign(new Error(message), { code });
}

// approve carries out the request the user approved as shown (rev is the
// revision the screen rendered) and answers the page.
export async function approve(id, rev, password) {
  const a = pending.get(id);
  if (!a) fail('malformed', 'no such request (already decided?)');
  if (rev !== a.rev) fail('changed', 'the request changed since it was shown: review it again');
  const result = await carryOut(a, password); // a wrong password leaves it waiting
  settle(a, { result });
  return true;
}

async function carryOut(a, password) {
  const { approver, user, ext } = await ready();
  switch (a.kind) {
    case 'connect': {
      await st.setOrigins((m) => {
        if (Object.keys(m).length >= st.MAX_ORIGINS) fail('busy', `at most ${st.MAX_ORIGINS} sites can be connected: disconnect one first`);
        return { ...m, [a.origin]: { since: Date.now() } };
      });
      const acc = await accountsFor(a.origin);
      emitAccounts();
      await st.addActivity({ kind: 'site', decision: 'connected', origin: a.origin, message: 'connected ' + a.origin });
      return acc;
    }
    case 'tx': {
      if (typeof password !== 'string') fail('bad_password', 'enter your password to sign');
      // The nonce signed is the nonce shown: when another transaction took
      // it meanwhile, the request is updated and shown again, not signed.
      const nonce = toHex(await nextNonce());
      if (nonce !== a.txPreview.nonce) {
        a.txPreview = { ...a.txPreview, nonce };
        a.rev++;
        fail('changed', `the nonce changed to ${BigInt(nonce)} (another transaction was sent): review the request again`);
      }
      const signed = await user.signTx(password, JSON.stringify(a.txPreview));
      await approver.syncNonce(Number(BigInt(nonce) + 1n)); // the agent can no longer use this nonce
      await st.flush();
      await st.addActivity({ kind: 'tx', id: 'user:' + a.id, decision: 'signed', txHash: signed.txHash, rawTx: signed.rawTx, source: 'user', message: 'sent by you for ' + a.origin });
      await rpc('eth_sendRawTransaction', [signed.rawTx]);
      await st.addActivity({ kind: 'tx', id: 'user:' + a.id, decision: 'broadcast', txHash: signed.txHash });
      rt.watch('user:' + a.id, signed.txHash);
      return signed.txHash;
    }
    case 'sign': {
      if (typeof password !== 'string') fail('bad_password', 'enter your password to sign');
      const status = await approver.status();
      const s = await st.settings();
      const view = await ext.inspectMessage(a.message, a.origin, status.address, s.chainId);
      if (view.refuse) fail(view.refuse.code, view.refuse.message);
      const sig = await user.personalSign(password, a.message);
      await st.addActivity({ kind: 'sign', decision: 'signed', message: 'message signed for ' + a.origin });
      return sig;
    }
    case 'task': {
      const taskId = a.id.slice('task:'.length);
      const body = JSON.stringify({ id: taskId, origin: a.origin, request: a.request });
      const tag = 'task:' + taskId;
      const stored = new Promise((resolve) => {
        sentWaiters.set(tag, resolve);
        setTimeout(() => { sentWaiters.delete(tag); resolve('queued'); }, 5000);
      });
      await relay.run((link) => link.seal('task', tag, tag, body));
      const status = await stored;
      await st.addActivity({ kind: 'task', id: taskId, decision: status === 'stored' ? 'forwarded' : 'queued', message: 'task from ' + a.origin + ' forwarded to the agent' });
      return { taskId, status: status === 'stored' ? 'forwarded' : 'queued' };
    }
  }
  throw new Error('unknown approval');
}

// ---- connected sites ----
export async function disconnect(origin) {
  await st.setOrigins((m) => {
    delete m[origin];
    return m;
  });
  for (const a of [...pending.values()]) if (a.origin === origin) rejected(a);
  for (const p of ports) {
    if (p.leashOrigin === origin) {
      try { p.postMessage({ event: 'accountsChanged', data: [] }); } catch {}
    }
  }
  await st.addActivity({ kind: 'site', decision: 'disconnected', origin, message: 'disconnected ' + origin });
}

export function onSent(sent) {
  for (const s of sent) {
    const r = sentWaiters.get(s.tag);
    if (r) {
      sentWaiters.delete(s.tag);
      r(s.status);
    }
  }
}

export async function emitAccounts() {
  for (const p of ports) {
    try {
      const acc = await accountsFor(p.leashOrigin);
      p.postMessage({ event: 'accountsChanged', data: acc });
    } catch {}
  }
}

export async function emitChain() {
  const s = await st.settings();
  for (const p of ports) {
    try { p.postMessage({ event: 'chainChanged', data: toHex(s.chainId) }); } catch {}
  }
}

rt.setDappWaiting(waitingCount);
