// The dapp face: EIP-1193 requests from the content script's port. The
// origin is the browser's (port.sender.origin), never the page's claim.
// Everything that acts for the user waits for an approval, and a page
// cannot bury the user in them: one pending connect per origin, a few
// pending requests per origin and in all (later ones get -32002), random
// approval ids, and every request waits in one approvals window.
import { ready } from './core.js';
import * as net from './networks.js';
import * as relay from './relay.js';
import { rpc, toHex } from './rpc.js';
import * as rt from './runtime.js';
import * as st from './state.js';
import { tokenList, withToken } from './tokens.js';

const ports = new Set();
const sentWaiters = new Map(); // relay tag → resolve

// Dapp approvals live in this worker's memory only: they cannot outlive
// the port they answer.
const pending = new Map(); // id → {id, kind, origin, created, rev, port, reqId, ...}
export const MAX_PER_ORIGIN = 8;
export const MAX_PENDING = 32;

// EIP-1193 / EIP-1474 codes, with their real meanings. 4900: Leash cannot
// reach any chain (the network's RPC does not answer); 4901: not on the
// chain asked for. Leash's own "not paired with an agent host" is -32010
// (JSON-RPC's implementation-defined range), never 4900.
export const ERR = {
  userRejected: { code: 4001, message: 'User rejected the request.' },
  unauthorized: { code: 4100, message: 'The requested account and/or method has not been authorized by the user.' },
  unsupported: { code: 4200, message: 'The Provider does not support the requested method.' },
  disconnected: { code: 4900, message: 'Leash cannot reach the network: its RPC does not answer.' },
  chainDisconnected: { code: 4901, message: 'Leash is not connected to the requested chain.' },
  unknownChain: { code: 4902, message: 'Unrecognized chain ID. Add it with wallet_addEthereumChain first.' },
  notPaired: { code: -32010, message: 'Leash is not paired with an agent host.', data: { reason: 'not_paired' } },
  invalid: { code: -32602, message: 'Invalid method parameters.' },
  internal: { code: -32603, message: 'Internal error.' },
  limit: { code: -32005, message: 'Too many requests from this site at once; try again.' },
  connectPending: { code: -32002, message: 'A connection request from this site is already waiting for the user.' },
  busy: { code: -32002, message: 'Too many requests from this site are waiting for the user; try again later.' },
};

// READS are forwarded as they are to the current network's RPC: they read
// public chain state and need no connection. Anything else that is not
// handled below gets 4200 (eth_sign, filters, subscriptions, raw sends…).
export const READS = new Set([
  'eth_blockNumber', 'eth_getBalance', 'eth_getBlockByNumber', 'eth_getBlockByHash', 'eth_getTransactionByHash',
  'eth_getTransactionReceipt', 'eth_call', 'eth_estimateGas', 'eth_gasPrice', 'eth_maxPriorityFeePerGas',
  'eth_feeHistory', 'eth_getCode', 'eth_getTransactionCount', 'eth_getLogs', 'eth_getStorageAt', 'eth_syncing',
  'web3_clientVersion', 'eth_blobBaseFee', 'eth_getBlockTransactionCountByHash', 'eth_getBlockTransactionCountByNumber',
  'eth_getTransactionByBlockHashAndIndex', 'eth_getTransactionByBlockNumberAndIndex', 'eth_getProof', 'eth_createAccessList',
  'eth_getBlockReceipts', 'eth_protocolVersion', 'net_listening',
]);
// Reads in flight per page (a page cannot queue unbounded RPC work here).
export const MAX_READS_PER_PORT = 16;

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
  port.leashReads = 0;
  port.leashConnected = false; // the page was told 'connect'
  ports.add(port);
  port.onMessage.addListener((msg) => onRequest(port, msg));
  port.onDisconnect.addListener(() => {
    ports.delete(port);
    for (const [id, a] of pending) {
      if (a.port !== port) continue;
      pending.delete(id);
      if (a.onSettle) a.onSettle({ error: ERR.userRejected }); // the batch stops
    }
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
  if (!port.leashConnected) await hello(port).catch(() => {});
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

// grantedTo: the account a connected origin may ask to sign with, locked
// or not (locked, the approval window asks for the unlock first; what a
// page reads, eth_accounts, stays empty while locked).
async function grantedTo(origin) {
  const { approver } = await ready();
  const origins = await st.origins();
  if (!origins[origin]) return [];
  const status = await approver.status();
  return status.account ? [status.account.address] : [];
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
  if (READS.has(method)) return forward(port, method, params);
  switch (method) {
    case 'eth_chainId':
      return toHex((await net.current()).chainId);
    case 'net_version':
      return String((await net.current()).chainId);
    case 'eth_accounts':
      return accountsFor(origin);
    case 'eth_coinbase':
      return (await accountsFor(origin))[0] || null;
    case 'eth_requestAccounts':
      return requestAccounts(port, reqId, origin, 'accounts');
    case 'wallet_requestPermissions': {
      const want = Array.isArray(params) ? params[0] : undefined;
      if (!want || typeof want !== 'object' || Array.isArray(want) || Object.keys(want).join() !== 'eth_accounts') throw rpcErr({ ...ERR.invalid, message: 'Leash grants one permission: eth_accounts.' });
      return requestAccounts(port, reqId, origin, 'permissions');
    }
    case 'wallet_getPermissions':
      return permissionsFor(origin);
    case 'wallet_revokePermissions': {
      const what = Array.isArray(params) ? params[0] : undefined;
      if (!what || typeof what !== 'object' || !('eth_accounts' in what)) throw rpcErr(ERR.invalid);
      if ((await st.origins())[origin]) await disconnect(origin);
      return null;
    }
    case 'wallet_getCapabilities': {
      const acc = await grantedTo(origin);
      if (!acc.length) throw rpcErr(ERR.unauthorized);
      if (!Array.isArray(params) || typeof params[0] !== 'string' || params[0].toLowerCase() !== acc[0].toLowerCase()) throw rpcErr(ERR.unauthorized);
      return capabilities(params[1]);
    }
    case 'wallet_switchEthereumChain': {
      const id = chainParam(params);
      const s = await st.settings();
      if (id === (await net.current()).chainId) return null;
      if (!net.find(s, id)) throw rpcErr(ERR.unknownChain);
      return reserving(origin, () => ask(port, reqId, { kind: 'switch', origin, chainId: id }, true));
    }
    case 'wallet_addEthereumChain':
      return reserving(origin, () => addChain(port, reqId, origin, params));
    case 'eth_sendTransaction': {
      if (!(await grantedTo(origin)).length) throw rpcErr(ERR.unauthorized);
      return reserving(origin, async () => {
        const network = await net.current();
        const tx = await prepareTx(Array.isArray(params) ? params[0] : undefined, network);
        return ask(port, reqId, { kind: 'tx', origin, txPreview: tx, network }, true);
      });
    }
    case 'personal_sign': {
      const acc = await grantedTo(origin);
      if (!acc.length) throw rpcErr(ERR.unauthorized);
      if (!Array.isArray(params) || typeof params[0] !== 'string' || params[0].length > 131074) throw rpcErr(ERR.invalid);
      if (typeof params[1] === 'string' && params[1].toLowerCase() !== acc[0].toLowerCase()) throw rpcErr(ERR.unauthorized);
      return ask(port, reqId, { kind: 'sign', origin, message: params[0], chainId: (await net.current()).chainId });
    }
    case 'eth_signTypedData_v4':
    case 'eth_signTypedData_v3':
    case 'eth_signTypedData': {
      const acc = await grantedTo(origin);
      if (!acc.length) throw rpcErr(ERR.unauthorized);
      const { doc, address } = typedParams(method, params);
      if (address.toLowerCase() !== acc[0].toLowerCase()) throw rpcErr(ERR.unauthorized);
      const kind = { eth_signTypedData_v4: 'typed_data_v4', eth_signTypedData_v3: 'typed_data_v3', eth_signTypedData: 'typed_data_v1' }[method];
      const { ext } = await ready();
      const chainId = (await net.current()).chainId;
      try {
        await ext.inspectTypedData(kind, doc, chainId); // malformed: refused at once, never shown
      } catch (e) {
        throw rpcErr({ ...ERR.invalid, message: `${e.code || 'malformed'}: ${e.message}` });
      }
      return ask(port, reqId, { kind: 'typed', origin, typedKind: kind, doc, chainId });
    }
    case 'wallet_sendCalls': {
      if (!(await grantedTo(origin)).length) throw rpcErr(ERR.unauthorized);
      return sendCalls(port, origin, params);
    }
    case 'wallet_getCallsStatus':
      return callsStatus(origin, params);
    case 'leash_requestAgentAction': {
      if (!(await grantedTo(origin)).length) throw rpcErr(ERR.unauthorized);
      const req = Array.isArray(params) ? params[0] : params;
      if (!req || typeof req !== 'object' || JSON.stringify(req).length > 16384) throw rpcErr(ERR.invalid);
      const { ext } = await ready();
      let info;
      try { info = await ext.link.info(); } catch {}
      if (!info || !info.paired) throw rpcErr(ERR.notPaired);
      return ask(port, reqId, { kind: 'task', origin, request: req });
    }
    default:
      throw rpcErr(ERR.unsupported);
  }
}

// forward sends a read to the current network's RPC and answers with its
// result, or its error as the endpoint gave it (a revert keeps its data).
// An endpoint that does not answer at all is 4900 and a 'disconnect' event;
// the next answer is a 'connect' event again.
async function forward(port, method, params) {
  if (params !== undefined && !Array.isArray(params)) throw rpcErr(ERR.invalid);
  if (port.leashReads >= MAX_READS_PER_PORT) throw rpcErr(ERR.limit);
  port.leashReads++;
  const network = await net.current();
  try {
    const result = await rpc(method, params || [], { url: network.rpcUrl });
    setReachable(network, true);
    return result === undefined ? null : result;
  } catch (e) {
    if (e.transport) {
      setReachable(network, false);
      throw rpcErr(ERR.disconnected);
    }
    setReachable(network, true);
    const err = { code: e.code, message: e.message.replace(/^RPC [a-zA-Z_]+: /, '') };
    if (e.data !== undefined) err.data = e.data;
    throw rpcErr(err);
  } finally {
    port.leashReads--;
  }
}

// Whether the current network's RPC answered last: the pages hear
// 'disconnect' (4900) when it stops and 'connect' when it is back.
let reachable = true;
function setReachable(network, ok) {
  if (ok === reachable) return;
  reachable = ok;
  for (const p of ports) {
    if (ok) connectEvent(p, network);
    else {
      p.leashConnected = false;
      try { p.postMessage({ event: 'disconnect', data: ERR.disconnected }); } catch {}
    }
  }
}

function connectEvent(p, network) {
  p.leashConnected = true;
  try { p.postMessage({ event: 'connect', data: { chainId: toHex(network.chainId) } }); } catch {}
}

// hello: a new page port hears 'connect' with the chain once.
export async function hello(port) {
  if (port.leashConnected || !reachable) return;
  connectEvent(port, await net.current());
}

async function requestAccounts(port, reqId, origin, answer) {
  const acc = await accountsFor(origin);
  if (acc.length) return answer === 'permissions' ? permissionsFor(origin) : acc;
  for (const a of pending.values()) if (a.kind === 'connect' && a.origin === origin) throw rpcErr(ERR.connectPending);
  return ask(port, reqId, { kind: 'connect', origin, answer });
}

// permissionsFor: EIP-2255, the one permission a site can hold.
async function permissionsFor(origin) {
  const o = (await st.origins())[origin];
  const acc = await accountsFor(origin);
  if (!o || !acc.length) return [];
  return [{ invoker: origin, parentCapability: 'eth_accounts', date: o.since, caveats: [{ type: 'restrictReturnedAccounts', value: acc }] }];
}

// ---- EIP-5792 batches: non-atomic, each call its own approval ----
// wallet_sendCalls answers {id} at once; the calls are then prepared and
// shown one after the other, each signed and sent once the user approves
// it; a rejection stops the batch. Batches live in this worker's memory,
// at most MAX_BATCHES, each of at most MAX_CALLS calls.
export const MAX_BATCHES = 16;
export const MAX_CALLS = 10;
const batches = new Map(); // id → {id, origin, network, calls, hashes, done, stopped}

async function sendCalls(port, origin, params) {
  const p = Array.isArray(params) ? params[0] : undefined;
  if (!p || typeof p !== 'object' || !Array.isArray(p.calls) || !p.calls.length) throw rpcErr({ ...ERR.invalid, message: 'wallet_sendCalls: {version, chainId, calls: [...]}' });
  if (p.calls.length > MAX_CALLS) throw rpcErr({ ...ERR.invalid, message: `at most ${MAX_CALLS} calls in a batch` });
  if (p.atomicRequired === true) throw rpcErr({ code: 5760, message: 'Leash does not run calls atomically: send them with atomicRequired false (each call is approved and sent on its own).' });
  const network = await net.current();
  if (typeof p.chainId !== 'string' || !HEX.test(p.chainId) || BigInt(p.chainId) !== BigInt(network.chainId)) throw rpcErr({ code: 5710, message: `the site is on chain ${network.chainId}` });
  const acc = await grantedTo(origin);
  if (p.from !== undefined && (typeof p.from !== 'string' || p.from.toLowerCase() !== acc[0].toLowerCase())) throw rpcErr(ERR.unauthorized);
  for (const c of p.calls) {
    if (!c || typeof c !== 'object' || Array.isArray(c)) throw rpcErr(ERR.invalid);
    if (c.capabilities && Object.values(c.capabilities).some((x) => x && x.optional !== true)) throw rpcErr({ code: 5700, message: 'Leash supports no call capabilities' });
  }
  if (p.capabilities && Object.values(p.capabilities).some((x) => x && x.optional !== true)) throw rpcErr({ code: 5700, message: 'Leash supports no batch capabilities' });
  if ([...batches.values()].filter((x) => x.origin === origin && !x.done).length >= 4) throw rpcErr(ERR.limit);
  if (batches.size >= MAX_BATCHES) {
    const old = [...batches.values()].find((b) => b.done);
    if (!old) throw rpcErr(ERR.limit);
    batches.delete(old.id);
  }
  const id = '0x' + [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const b = { id, origin, network, calls: p.calls.map((c) => ({ to: c.to, value: c.value, data: c.data })), hashes: [], done: false, stopped: false };
  batches.set(id, b);
  runBatch(port, b).catch((e) => { b.stopped = true; b.error = e.message; }).finally(() => { b.done = true; });
  return { id };
}

async function runBatch(port, b) {
  for (let i = 0; i < b.calls.length; i++) {
    const tx = await prepareTx(b.calls[i], b.network);
    const msg = await new Promise((resolve, reject) => {
      ask(port, null, { kind: 'tx', origin: b.origin, txPreview: tx, network: b.network, batch: { index: i + 1, count: b.calls.length }, onSettle: resolve }).catch(reject);
    });
    if (msg.error) {
      b.stopped = true;
      return;
    }
    b.hashes.push(msg.result);
  }
}

async function callsStatus(origin, params) {
  const id = Array.isArray(params) ? params[0] : undefined;
  const b = typeof id === 'string' ? batches.get(id) : undefined;
  if (!b || b.origin !== origin) throw rpcErr({ code: 5730, message: 'Unknown bundle id.' });
  const receipts = [];
  for (const h of b.hashes) {
    const r = await rpc('eth_getTransactionReceipt', [h], { url: b.network.rpcUrl }).catch(() => null);
    if (!r || !r.blockNumber) break;
    receipts.push({ logs: (r.logs || []).map((l) => ({ address: l.address, data: l.data, topics: l.topics })), status: r.status, blockHash: r.blockHash, blockNumber: r.blockNumber, gasUsed: r.gasUsed, transactionHash: r.transactionHash });
  }
  // 100 pending, 200 confirmed, 400 failed off chain (nothing sent), 500
  // reverted on chain (all), 600 partly done (some sent, some not or some
  // reverted).
  let status = 100;
  const allMined = receipts.length === b.hashes.length;
  if (b.stopped && !b.hashes.length) status = 400;
  else if (b.stopped && allMined) status = 600;
  else if (b.done && allMined) {
    const ok = receipts.filter((r) => r.status === '0x1').length;
    status = ok === receipts.length ? 200 : ok === 0 ? 500 : 600;
  }
  return { version: '2.0.0', id: b.id, chainId: toHex(b.network.chainId), atomic: false, status, receipts };
}

// capabilities: EIP-5792, honestly: no atomic batches, no paymaster;
// wallet_sendCalls runs the calls one by one, each approved.
async function capabilities(chains) {
  const s = await st.settings();
  const ids = net.list(s).map((n) => n.chainId);
  let want = ids;
  if (Array.isArray(chains)) want = ids.filter((id) => chains.some((c) => typeof c === 'string' && /^0x[0-9a-fA-F]+$/.test(c) && BigInt(c) === BigInt(id)));
  const out = {};
  for (const id of want) out[toHex(id)] = { atomic: { status: 'unsupported' } };
  return out;
}

function chainParam(params) {
  const p = Array.isArray(params) ? params[0] : undefined;
  if (!p || typeof p !== 'object' || typeof p.chainId !== 'string' || !/^0x[1-9a-fA-F][0-9a-fA-F]{0,15}$/.test(p.chainId)) throw rpcErr({ ...ERR.invalid, message: 'chainId: a 0x-prefixed hex number without leading zeros' });
  const id = Number(BigInt(p.chainId));
  if (!Number.isSafeInteger(id)) throw rpcErr(ERR.invalid);
  return id;
}

// addChain: EIP-3085. The RPC must answer with the chain id asked for
// before the user is asked; a known chain is a switch.
async function addChain(port, reqId, origin, params) {
  const id = chainParam(params);
  const p = params[0];
  const s = await st.settings();
  if (net.find(s, id)) {
    if (id === (await net.current()).chainId) return null;
    return ask(port, reqId, { kind: 'switch', origin, chainId: id }, true);
  }
  const urls = Array.isArray(p.rpcUrls) ? p.rpcUrls.filter((u) => typeof u === 'string') : [];
  const rpcUrl = urls.find((u) => {
    try {
      const x = new URL(u);
      return x.protocol === 'https:' || (x.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(x.hostname));
    } catch { return false; }
  });
  const cur = p.nativeCurrency || {};
  const network = st.cleanNetwork({ chainId: id, name: typeof p.chainName === 'string' ? p.chainName.slice(0, 64) : 'Chain ' + id, rpcUrl, symbol: cur.symbol, decimals: cur.decimals });
  if (!network) throw rpcErr({ ...ERR.invalid, message: 'wallet_addEthereumChain needs chainName, an https rpcUrls entry and nativeCurrency {symbol, decimals}' });
  if (s.networks.length >= st.MAX_NETWORKS) throw rpcErr({ ...ERR.invalid, message: `at most ${st.MAX_NETWORKS} networks; remove one in Leash first` });
  let answered;
  try {
    answered = await net.probeChainId(rpcUrl);
  } catch (e) {
    throw rpcErr({ ...ERR.invalid, message: `the RPC ${rpcUrl} does not answer eth_chainId (${e.message})` });
  }
  if (answered !== id) throw rpcErr({ ...ERR.invalid, message: `the RPC ${rpcUrl} is for chain ${answered}, not ${id}` });
  return ask(port, reqId, { kind: 'network', origin, network }, true);
}

// typedParams: v4 and v3 take [address, typedData]; v1 takes [typedData,
// address]. The document may come as a JSON string or an object.
function typedParams(method, params) {
  if (!Array.isArray(params) || params.length !== 2) throw rpcErr(ERR.invalid);
  let [address, doc] = method === 'eth_signTypedData' ? [params[1], params[0]] : params;
  if (typeof address !== 'string' || !ADDR.test(address)) throw rpcErr({ ...ERR.invalid, message: 'the first parameter is the account' });
  if (typeof doc !== 'string') doc = JSON.stringify(doc);
  if (doc.length > 65536) throw rpcErr({ ...ERR.invalid, message: 'typed data larger than 64 KiB' });
  return { doc, address };
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

// nextNonce is the nonce a transaction of the user gets on network: the
// chain's pending count, or on the agent's network the signer's own next
// nonce when that is ahead.
async function nextNonce(network) {
  const { approver } = await ready();
  const status = await approver.status();
  const chain = BigInt(await rpc('eth_getTransactionCount', [status.address, 'pending'], { url: network.rpcUrl }));
  if (!network.policy) return chain;
  const own = BigInt(status.nonce);
  return chain > own ? chain : own;
}

// prepareTx fills an eth_sendTransaction request into a complete EIP-1559
// transaction on network (nonce, gas and fees from its chain). What the
// approval shows is this transaction, nonce included, and only this is
// signed. Without "to" it is a contract creation (data is the init code).
async function prepareTx(p, network) {
  const { approver } = await ready();
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw rpcErr(ERR.invalid);
  const status = await approver.status();
  if (p.from !== undefined && (typeof p.from !== 'string' || p.from.toLowerCase() !== String(status.address).toLowerCase())) throw rpcErr(ERR.unauthorized);
  if (p.chainId !== undefined && (typeof p.chainId !== 'string' || !HEX.test(p.chainId) || BigInt(p.chainId) !== BigInt(network.chainId))) throw rpcErr(ERR.chainDisconnected);
  const create = p.to === undefined || p.to === null || p.to === '';
  if (!create && (typeof p.to !== 'string' || !ADDR.test(p.to))) throw rpcErr({ ...ERR.invalid, message: 'to: an address, or none for a contract creation' });
  for (const k of ['value', 'data', 'input', 'gas', 'maxFeePerGas', 'maxPriorityFeePerGas', 'gasPrice']) {
    if (p[k] !== undefined && (typeof p[k] !== 'string' || !HEX.test(p[k]) || p[k].length > 262146)) throw rpcErr(ERR.invalid);
  }
  if (p.data !== undefined && p.input !== undefined && p.data.toLowerCase() !== p.input.toLowerCase()) throw rpcErr({ ...ERR.invalid, message: 'data and input differ' });
  const data = p.data || p.input || '0x';
  if (data.length % 2) throw rpcErr({ ...ERR.invalid, message: 'data: whole bytes' });
  if (create && data.length <= 2) throw rpcErr({ ...ERR.invalid, message: 'a contract creation needs its init code in data' });
  const value = p.value || '0x0';
  const call = { from: status.address, value, data };
  if (!create) call.to = p.to;
  const url = network.rpcUrl;
  const [gas, block, tip, nonce] = await Promise.all([
    p.gas ? Promise.resolve(p.gas) : rpc('eth_estimateGas', [call], { url }).catch((e) => { throw rpcErr({ code: e.transport ? 4900 : (e.code ?? -32603), message: e.message, data: e.data }); }),
    rpc('eth_getBlockByNumber', ['latest', false], { url }),
    p.maxPriorityFeePerGas ? Promise.resolve(p.maxPriorityFeePerGas) : rpc('eth_maxPriorityFeePerGas', [], { url }).catch(() => '0x3b9aca00'),
    nextNonce(network),
  ]);
  const base = BigInt(block.baseFeePerGas || '0x0');
  const tipN = BigInt(tip) > 0n ? BigInt(tip) : 1n;
  const maxFee = p.maxFeePerGas ? BigInt(p.maxFeePerGas) : p.gasPrice ? BigInt(p.gasPrice) : base * 2n + tipN;
  const tx = {
    chainId: toHex(network.chainId), nonce: toHex(nonce), value: toHex(BigInt(value)), data,
    gas: toHex(BigInt(gas)), maxFeePerGas: toHex(maxFee), maxPriorityFeePerGas: toHex(tipN < maxFee ? tipN : maxFee),
  };
  if (!create) tx.to = p.to.toLowerCase();
  return tx;
}

async function ask(port, reqId, item, isReserved = false) {
  if (!isReserved) admit(item.origin);
  const now = Date.now();
  const a = { ...item, id: item.kind + ':' + crypto.randomUUID(), created: now, revAt: now, rev: 1, port, reqId };
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

// closeIfIdle closes the approvals window when nothing waits (waiting
// answers whether agent proposals do), in turn with openWindow. The window
// used to close itself after it saw an empty list: a request arriving
// meanwhile focused the closing window and was left with none. Now a
// request either arrives first (nothing closes) or finds no window and
// opens one. Resolves to whether nothing waited.
export function closeIfIdle(waiting) {
  const r = opening.then(async () => {
    if (pending.size || (await waiting())) return false;
    const id = (await chrome.storage.session.get(st.K.window))[st.K.window];
    await chrome.storage.session.remove(st.K.window);
    if (id !== undefined) await chrome.windows.remove(id).catch(() => {});
    return true;
  });
  opening = r.catch(() => {});
  return r;
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
    const v = { id: a.id, kind: a.kind, origin: a.origin, created: a.created, rev: a.rev, guardMs: GUARD_MS };
    try {
      if (a.kind === 'tx') {
        v.tx = await withToken(a.network, await approver.inspectTx(JSON.stringify(a.txPreview)));
        v.network = { chainId: a.network.chainId, name: a.network.name, symbol: a.network.symbol, policy: !!a.network.policy };
        if (a.batch) v.batch = a.batch;
      } else if (a.kind === 'sign') v.message = await ext.inspectMessage(a.message, a.origin, status.address, a.chainId);
      else if (a.kind === 'typed') v.typed = await typedView(ext, a);
      else if (a.kind === 'task') v.request = JSON.stringify(a.request, null, 2);
      else if (a.kind === 'switch') v.network = net.find(s, a.chainId);
      else if (a.kind === 'network') v.network = a.network;
    } catch (e) {
      v.error = `${e.code || 'error'}: ${e.message}`;
    }
    out.push(v);
  }
  return out;
}

// typedView: the core's display model of typed data, with the amounts in
// units of the tokens it names (symbol and decimals read once, cached).
async function typedView(ext, a) {
  const first = await ext.inspectTypedData(a.typedKind, a.doc, a.chainId);
  if (!first.tokens.length) return first;
  const s = await st.settings();
  const network = net.find(s, a.chainId) || net.policyNetwork(s);
  const known = await tokenList(network, first.tokens);
  if (!known.length) return first;
  return ext.inspectTypedData(a.typedKind, a.doc, a.chainId, JSON.stringify(known));
}

export function get(id) { return pending.get(id); }

function settle(a, msg) {
  pending.delete(a.id);
  if (a.onSettle) a.onSettle(msg); // a call of a batch: wallet_sendCalls answered already
  else try { a.port.postMessage({ id: a.reqId, ...msg }); } catch {}
  rt.updateBadge();
}

export function rejected(a) {
  settle(a, { error: ERR.userRejected });
}

function fail(code, message) {
  throw Object.assign(new Error(message), { code });
}

// GUARD_MS: an approval is refused this soon after it was shown (created
// or changed): a window that pops up under the user's cursor cannot take a
// click meant for the page (the approval screen waits as long, counting
// only while it has the focus).
export const GUARD_MS = 600;

// approve carries out the request the user approved as shown (rev is the
// revision the screen rendered) and answers the page. While the vault is
// unlocked this is a click: no password (the core's SignUser).
export async function approve(id, rev) {
  const a = pending.get(id);
  if (!a) fail('malformed', 'no such request (already decided?)');
  if (rev !== a.rev) fail('changed', 'the request changed since it was shown: review it again');
  if (Date.now() - a.revAt < GUARD_MS) fail('too_soon', 'the request was just shown: read it, then approve');
  const result = await carryOut(a); // locked: it stays waiting
  settle(a, { result });
  return true;
}

function bump(a) {
  a.rev++;
  a.revAt = Date.now();
}

async function carryOut(a) {
  const { approver, user } = await ready();
  switch (a.kind) {
    case 'connect': {
      await st.setOrigins((m) => {
        if (Object.keys(m).length >= st.MAX_ORIGINS) fail('busy', `at most ${st.MAX_ORIGINS} sites can be connected: disconnect one first`);
        return { ...m, [a.origin]: { since: Date.now() } };
      });
      const acc = await accountsFor(a.origin);
      emitAccounts();
      await st.addActivity({ kind: 'site', decision: 'connected', origin: a.origin, message: 'connected ' + a.origin });
      return a.answer === 'permissions' ? permissionsFor(a.origin) : acc;
    }
    case 'tx': {
      const network = a.network;
      const cur = await net.current();
      if (cur.chainId !== network.chainId) fail('changed', `the site's network changed to chain ${cur.chainId}: the request was for chain ${network.chainId}`);
      // The nonce signed is the nonce shown: when another transaction took
      // it meanwhile, the request is updated and shown again, not signed.
      const nonce = toHex(await nextNonce(network));
      if (nonce !== a.txPreview.nonce) {
        a.txPreview = { ...a.txPreview, nonce };
        bump(a);
        fail('changed', `the nonce changed to ${BigInt(nonce)} (another transaction was sent): review the request again`);
      }
      const signed = await user.signTx(JSON.stringify(a.txPreview), a.origin, network.chainId);
      if (network.policy) await approver.syncNonce(Number(BigInt(nonce) + 1n)); // the agent can no longer use this nonce
      await st.flush();
      const what = signed.create ? 'contract created by you for ' : 'sent by you for ';
      await st.addActivity({ kind: 'tx', id: 'user:' + a.id, decision: 'signed', txHash: signed.txHash, rawTx: signed.rawTx, source: 'user', chainId: network.chainId, message: what + a.origin });
      await rpc('eth_sendRawTransaction', [signed.rawTx], { url: network.rpcUrl });
      await st.addActivity({ kind: 'tx', id: 'user:' + a.id, decision: 'broadcast', txHash: signed.txHash, chainId: network.chainId });
      rt.watch('user:' + a.id, signed.txHash, network.rpcUrl);
      return signed.txHash;
    }
    case 'sign': {
      const r = await user.signMessage(a.message, a.origin, a.chainId); // the core checks a sign-in message again
      await st.addActivity({ kind: 'sign', decision: 'signed', message: 'message signed for ' + a.origin });
      return r.signature;
    }
    case 'typed': {
      const r = await user.signTypedData(a.typedKind, a.doc, a.origin, a.chainId);
      await st.addActivity({ kind: 'sign', decision: 'signed', message: 'typed data signed for ' + a.origin });
      return r.signature;
    }
    case 'switch':
      await switchTo(a.chainId);
      return null;
    case 'network': {
      const answered = await net.probeChainId(a.network.rpcUrl).catch(() => null);
      if (answered !== a.network.chainId) fail('malformed', `the RPC no longer answers chain ${a.network.chainId}`);
      const s = await st.settings();
      await st.updateSettings({ networks: [...s.networks.filter((n) => n.chainId !== a.network.chainId), a.network] });
      await st.addActivity({ kind: 'site', decision: 'info', origin: a.origin, message: `network ${a.network.name} (chain ${a.network.chainId}) added for ${a.origin}` });
      await switchTo(a.network.chainId);
      return null;
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

// switchTo moves dapps to chainId (the agent stays on the policy's chain).
// Requests waiting for another chain are shown again (they were prepared
// for the old one, and approving them now refuses).
export async function switchTo(chainId) {
  const s = await st.settings();
  if (!net.find(s, chainId)) fail('malformed', 'unknown network');
  await st.updateSettings({ dappChainId: chainId === s.chainId ? 0 : chainId });
  // Requests prepared for the chain the site left are answered 4901: they
  // could not be signed as shown any more.
  for (const a of [...pending.values()]) {
    const on = a.kind === 'tx' ? a.network.chainId : a.kind === 'sign' || a.kind === 'typed' ? a.chainId : chainId;
    if (on !== chainId) settle(a, { error: ERR.chainDisconnected });
  }
  await emitChain();
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
  const n = await net.current();
  for (const p of ports) {
    try { p.postMessage({ event: 'chainChanged', data: toHex(n.chainId) }); } catch {}
  }
}

rt.setDappWaiting(waitingCount);
