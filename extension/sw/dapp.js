// The dapp face: EIP-1193 requests from the content script's port. The
// origin is the browser's (port.sender.origin), never the page's claim.
// Everything that acts for the user waits for an approval in the popup.
import { ready } from './core.js';
import * as relay from './relay.js';
import { rpc, toHex } from './rpc.js';
import * as rt from './runtime.js';
import * as st from './state.js';

const ports = new Set();
const waiting = new Map(); // approval id → {port, reqId}
const sentWaiters = new Map(); // relay tag → resolve

const ERR = {
  userRejected: { code: 4001, message: 'User rejected the request.' },
  unauthorized: { code: 4100, message: 'The requested account and/or method has not been authorized by the user.' },
  unsupported: { code: 4200, message: 'The Provider does not support the requested method.' },
  disconnected: { code: 4900, message: 'Leash is not paired with an agent host.' },
  invalid: { code: -32602, message: 'Invalid method parameters.' },
  internal: { code: -32603, message: 'Internal error.' },
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
    for (const [id, w] of waiting) {
      if (w.port === port) {
        waiting.delete(id);
        st.takeApproval(id).catch(() => {});
      }
    }
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
  const origins = await st.get(st.K.origins, {});
  if (!origins[origin]) return [];
  const status = await approver.status();
  return status.address && status.vault === 'unlocked' ? [status.address] : [];
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
      return ask(port, reqId, { id: 'connect:' + origin + ':' + Date.now(), kind: 'connect', origin });
    }
    case 'eth_sendTransaction': {
      if (!(await accountsFor(origin)).length) throw rpcErr(ERR.unauthorized);
      const tx = await prepareTx(Array.isArray(params) ? params[0] : undefined, s.chainId);
      return ask(port, reqId, { id: 'tx:' + crypto.randomUUID(), kind: 'tx', origin, txPreview: tx });
    }
    case 'personal_sign': {
      const acc = await accountsFor(origin);
      if (!acc.length) throw rpcErr(ERR.unauthorized);
      if (!Array.isArray(params) || typeof params[0] !== 'string' || params[0].length > 131072) throw rpcErr(ERR.invalid);
      if (typeof params[1] === 'string' && params[1].toLowerCase() !== acc[0].toLowerCase()) throw rpcErr(ERR.unauthorized);
      return ask(port, reqId, { id: 'sign:' + crypto.randomUUID(), kind: 'sign', origin, message: params[0] });
    }
    case 'leash_requestAgentAction': {
      if (!(await accountsFor(origin)).length) throw rpcErr(ERR.unauthorized);
      const req = Array.isArray(params) ? params[0] : params;
      if (!req || typeof req !== 'object' || JSON.stringify(req).length > 16384) throw rpcErr(ERR.invalid);
      const { ext } = await ready();
      let info;
      try { info = await ext.link.info(); } catch {}
      if (!info || !info.paired) throw rpcErr(ERR.disconnected);
      return ask(port, reqId, { id: 'task:' + crypto.randomUUID(), kind: 'task', origin, request: req });
    }
    default:
      throw rpcErr(ERR.unsupported);
  }
}

const HEX = /^0x[0-9a-fA-F]*$/;
const ADDR = /^0x[0-9a-fA-F]{40}$/;

// prepareTx fills an eth_sendTransaction request into a complete EIP-1559
// transaction (nonce, gas and fees from the chain) for display and signing.
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
  const [gas, block, tip] = await Promise.all([
    p.gas ? Promise.resolve(p.gas) : rpc('eth_estimateGas', [call]),
    rpc('eth_getBlockByNumber', ['latest', false]),
    p.maxPriorityFeePerGas ? Promise.resolve(p.maxPriorityFeePerGas) : rpc('eth_maxPriorityFeePerGas', []).catch(() => '0x3b9aca00'),
  ]);
  const base = BigInt(block.baseFeePerGas || '0x0');
  const tipN = BigInt(tip) > 0n ? BigInt(tip) : 1n;
  const maxFee = p.maxFeePerGas ? BigInt(p.maxFeePerGas) : base * 2n + tipN;
  return {
    chainId: toHex(chainId), nonce: '0x0', to: p.to.toLowerCase(), value: toHex(BigInt(value)), data,
    gas: toHex(BigInt(gas)), maxFeePerGas: toHex(maxFee), maxPriorityFeePerGas: toHex(tipN < maxFee ? tipN : maxFee),
  };
}

async function ask(port, reqId, item) {
  await st.addApproval(item);
  waiting.set(item.id, { port, reqId });
  await rt.updateBadge();
  const url = chrome.runtime.getURL('ui/popup.html?approval=' + encodeURIComponent(item.id));
  try {
    await chrome.windows.create({ url, type: 'popup', width: 400, height: 640, focused: true });
  } catch (e) {
    console.warn('leash: no popup window, opening a tab', e.message);
    await chrome.tabs.create({ url }).catch(() => {});
  }
  return PENDING;
}

export function answer(a, result) {
  const w = waiting.get(a.id);
  if (!w) return;
  waiting.delete(a.id);
  try { w.port.postMessage({ id: w.reqId, result }); } catch {}
}

export function rejected(a) {
  const w = waiting.get(a.id);
  if (!w) return;
  waiting.delete(a.id);
  try { w.port.postMessage({ id: w.reqId, error: ERR.userRejected }); } catch {}
}

// approved carries out an approved dapp request and returns its result.
export async function approved(a, password) {
  const { approver, user } = await ready();
  switch (a.kind) {
    case 'connect': {
      await st.update(st.K.origins, {}, (m) => ({ value: { ...m, [a.origin]: { since: Date.now() } }, result: null }));
      const acc = await accountsFor(a.origin);
      emitAccounts();
      return acc;
    }
    case 'tx': {
      if (typeof password !== 'string') throw Object.assign(new Error('enter your password to sign'), { code: 'bad_password' });
      const status = await approver.status();
      const chainNonce = BigInt(await rpc('eth_getTransactionCount', [status.address, 'pending']));
      const nonce = chainNonce > BigInt(status.nonce) ? chainNonce : BigInt(status.nonce);
      const tx = { ...a.txPreview, nonce: toHex(nonce) };
      const signed = await user.signTx(password, JSON.stringify(tx));
      await approver.syncNonce(Number(nonce + 1n)); // the agent can no longer use this nonce
      await st.flush();
      await st.addActivity({ kind: 'tx', id: 'user:' + a.id, decision: 'signed', txHash: signed.txHash, rawTx: signed.rawTx, source: 'user', message: 'sent by you for ' + a.origin });
      await rpc('eth_sendRawTransaction', [signed.rawTx]);
      await st.addActivity({ kind: 'tx', id: 'user:' + a.id, decision: 'broadcast', txHash: signed.txHash });
      rt.watch('user:' + a.id, signed.txHash);
      return signed.txHash;
    }
    case 'sign': {
      if (typeof password !== 'string') throw Object.assign(new Error('enter your password to sign'), { code: 'bad_password' });
      const m = a.message;
      const bytes = HEX.test(m) && m.length % 2 === 0 ? hexToBytes(m) : new TextEncoder().encode(m);
      const sig = await user.personalSign(password, bytes);
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

export function onSent(sent) {
  for (const s of sent) {
    const r = sentWaiters.get(s.tag);
    if (r) {
      sentWaiters.delete(s.tag);
      r(s.status);
    }
  }
}

function hexToBytes(h) {
  const b = new Uint8Array((h.length - 2) / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(h.slice(2 + 2 * i, 4 + 2 * i), 16);
  return b;
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

// Dapp approvals cannot outlive the worker that holds their ports.
export async function dropOrphans() {
  const list = await st.approvals();
  for (const a of list) if (a.kind !== 'proposal' && !waiting.has(a.id)) await st.takeApproval(a.id);
}
