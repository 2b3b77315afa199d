// The extension's state. What decides what gets signed lives in the core
// and is authenticated there (pins, programs, ledger, and the two host
// records below: settings and connected sites, under a MAC keyed from the
// vault). chrome.storage.local otherwise holds the core's other documents
// (the encrypted vault blob, the audit log, the queues), the relay link
// (under ext/link, encrypted by linkstore.js with a non-extractable
// WebCrypto key), the receipts of signed proposals and the extension's own
// activity, each bounded (docs/extension.md lists the budget).
// chrome.storage.session holds the session's derived keys and the kill
// switch, never a password.
import { ready } from './core.js';
import { lockdown } from './lockdown.js';
import { rpc2 } from './rpc.js';

export const K = {
  link: 'ext/link', // encrypted: linkstore.js
  receipts: 'ext/receipt-ids', // ids of the stored signed receipts, oldest first
  activity: 'ext/activity',
  pause: 'ext/pause', // local: unauthenticated "paused" marker (pausing is always safe)
  session: 'ext/session', // session only: {blob, idleMs, last} while unlocked
  mac: 'ext/mac', // session only: the storage MAC key, kept while locked
  sessionPause: 'ext/pause', // session only: the kill switch for this browser session
  window: 'ext/window', // session only: the approvals window id
};

export const DEFAULT_SETTINGS = {
  rpcUrl: 'http://127.0.0.1:8545',
  relayUrl: 'ws://127.0.0.1:8787/v1/ws',
  chainId: 1337,
  mode: 'autonomous', // or 'supervised'
  paused: false,      // the kill switch
  registry: '',       // PolicyRegistry address the core checks before each signature ('' = no on-chain check, no programs)
  rpcUrl2: '',        // a second JSON-RPC URL: every chain read must agree on both ('' = none)
  maxBlockAge: 2,     // how many blocks a program proposal's inputs may be behind the head
  autoLockMinutes: 15,
  feeWarnWei: '10000000000000000', // approvals warn above this fee (0.01 ETH)
  // Networks the user added for dapps (wallet_addEthereumChain or the
  // popup), each with its RPC. The agent's network is always the policy's
  // chain (chainId, rpcUrl above) and is not in this list.
  networks: [],
  dappChainId: 0, // the chain dapps are on (0: the policy's chain)
  presentAsMetaMask: true, // window.ethereum.isMetaMask for dapps that gate on it
};

export const MAX_NETWORKS = 32;

// cleanNetwork keeps a network entry only when every field is well formed.
export function cleanNetwork(n) {
  if (!n || typeof n !== 'object') return null;
  const ok = Number.isSafeInteger(n.chainId) && n.chainId > 0 &&
    typeof n.rpcUrl === 'string' && /^https?:\/\//.test(n.rpcUrl) && n.rpcUrl.length <= 2048 &&
    typeof n.name === 'string' && n.name.length <= 64 &&
    typeof n.symbol === 'string' && /^[A-Za-z0-9.$-]{1,12}$/.test(n.symbol) &&
    Number.isInteger(n.decimals) && n.decimals >= 0 && n.decimals <= 36;
  return ok ? { chainId: n.chainId, name: n.name, rpcUrl: n.rpcUrl, symbol: n.symbol, decimals: n.decimals } : null;
}

const local = chrome.storage.local;
const SESSION = chrome.storage.session;

export async function get(key, dflt) {
  const o = await local.get(key);
  return o[key] === undefined ? dflt : o[key];
}

export async function set(key, value) {
  await local.set({ [key]: value });
}

// ---- authenticated host records (settings, connected sites) ----
// Read from the core once per worker life (it loaded and, once the vault
// was unlocked, verified them), written through the core (which MACs
// them). A record that failed the integrity check reads as absent.
let records = null;
let loading = null;
let memPaused = false; // the kill switch in this worker's memory

function parseObject(s) {
  if (typeof s !== 'string') return {};
  try {
    const o = JSON.parse(s);
    return o && typeof o === 'object' && !Array.isArray(o) ? o : {};
  } catch {
    return {};
  }
}

// cleanSettings keeps only known fields of the right type and range.
function cleanSettings(o) {
  const s = { ...DEFAULT_SETTINGS };
  const str = (k, ok) => { if (typeof o[k] === 'string' && ok(o[k])) s[k] = o[k]; };
  str('rpcUrl', (u) => /^https?:\/\//.test(u) && u.length <= 2048);
  str('relayUrl', (u) => /^wss?:\/\//.test(u) && u.length <= 2048);
  str('mode', (m) => m === 'autonomous' || m === 'supervised');
  str('registry', (r) => r === '' || /^0x[0-9a-f]{40}$/.test(r));
  str('rpcUrl2', (u) => u === '' || (/^https?:\/\//.test(u) && u.length <= 2048));
  if (Number.isInteger(o.maxBlockAge) && o.maxBlockAge >= 1 && o.maxBlockAge <= 64) s.maxBlockAge = o.maxBlockAge;
  str('feeWarnWei', (f) => /^[0-9]{1,40}$/.test(f));
  if (Number.isSafeInteger(o.chainId) && o.chainId > 0) s.chainId = o.chainId;
  if (typeof o.paused === 'boolean') s.paused = o.paused;
  if (Number.isInteger(o.autoLockMinutes) && o.autoLockMinutes >= 1 && o.autoLockMinutes <= 1440) s.autoLockMinutes = o.autoLockMinutes;
  if (Array.isArray(o.networks)) {
    const seen = new Set();
    s.networks = o.networks.map(cleanNetwork).filter((n) => n && n.chainId !== s.chainId && !seen.has(n.chainId) && seen.add(n.chainId)).slice(0, MAX_NETWORKS);
  }
  if (Number.isSafeInteger(o.dappChainId) && (o.dappChainId === 0 || o.dappChainId === s.chainId || s.networks.some((n) => n.chainId === o.dappChainId))) s.dappChainId = o.dappChainId === s.chainId ? 0 : o.dappChainId;
  if (typeof o.presentAsMetaMask === 'boolean') s.presentAsMetaMask = o.presentAsMetaMask;
  return s;
}

export const MAX_ORIGINS = 256;
function cleanOrigins(o) {
  const out = {};
  for (const [k, v] of Object.entries(o).slice(0, MAX_ORIGINS)) {
    if (/^https?:\/\/[^/\s]{1,253}$/.test(k) && v && Number.isSafeInteger(v.since)) out[k] = { since: v.since };
  }
  return out;
}

// reloadRecords reads the records from the core again (after a reset).
export function reloadRecords() {
  records = null;
  return loadRecords();
}

export function loadRecords() {
  if (records) return Promise.resolve(records);
  if (!loading) {
    loading = (async () => {
      const { approver } = await ready();
      const r = await approver.records();
      const [sp, lp] = await Promise.all([SESSION.get(K.sessionPause), local.get(K.pause)]);
      if (sp[K.sessionPause] || lp[K.pause]) memPaused = true;
      records = { settings: cleanSettings(parseObject(r.settings)), origins: cleanOrigins(parseObject(r.origins)) };
      return records;
    })().finally(() => { loading = null; });
  }
  return loading;
}

// settings: the stored settings, with the kill switch as any of its
// copies says (memory, session, the local marker, the record), and paused
// whenever storage could not be restricted or the records were tampered.
export async function settings() {
  const r = await loadRecords();
  const s = { ...r.settings };
  const ld = await lockdown;
  s.paused = s.paused || memPaused || !ld.ok || tampered;
  return s;
}

let tampered = false;
export function setTampered(t) { tampered = !!t; }

async function putRecord(name, value) {
  const { approver } = await ready();
  await approver.putRecord(name, JSON.stringify(value));
}

// updateSettings writes the stored settings (authenticated: it needs the
// vault to have been unlocked in this browser session) and applies the
// mode to the core.
export async function updateSettings(patch) {
  const r = await loadRecords();
  const next = cleanSettings({ ...r.settings, ...patch });
  await putRecord('settings', next);
  r.settings = next;
  await applyMode();
  return settings();
}

// applyMode hands the core what it enforces itself: the kill switch,
// supervised mode, the fee warning threshold and the idle time, and its
// chain options (the registry it checks before every signature, the second
// RPC every read must agree with, the block age of program inputs). It runs
// at start before the relay connects, so no proposal meets a core without
// them.
export async function applyMode() {
  const { approver } = await ready();
  const s = await settings();
  await approver.configure({ registry: s.registry || '', maxBlockAge: s.maxBlockAge, rpc2: s.rpcUrl2 ? rpc2 : null });
  await approver.setMode({ paused: s.paused, supervised: s.mode === 'supervised', feeWarnWei: s.feeWarnWei, idleTimeoutMs: s.autoLockMinutes * 60000 });
}

// setPaused is the kill switch. Pausing takes effect in memory first (this
// worker and the core), then in chrome.storage.session (survives a worker
// restart; its own quota), then in a local marker and the authenticated
// record, each best effort: a full store or a locked vault cannot block
// it. Resuming needs the record written (an unlocked vault in this
// session); until it is, the agent stays paused.
export async function setPaused(paused) {
  if (paused) {
    memPaused = true;
    const { approver } = await ready();
    const s = await settings();
    await approver.setMode({ paused: true, supervised: s.mode === 'supervised' }).catch(() => {});
    await SESSION.set({ [K.sessionPause]: true }).catch((e) => console.warn('leash: pause not in session storage', e.message));
    await local.set({ [K.pause]: true }).catch((e) => console.warn('leash: pause marker not stored', e.message));
    await updateSettings({ paused: true }).catch((e) => console.warn('leash: pause not in the settings record', e.code, e.message));
    return settings();
  }
  await updateSettings({ paused: false }); // throws: still paused
  memPaused = false;
  await SESSION.remove(K.sessionPause);
  await local.remove(K.pause);
  await applyMode();
  return settings();
}

export async function origins() {
  return { ...(await loadRecords()).origins };
}

export async function setOrigins(fn) {
  const r = await loadRecords();
  const next = cleanOrigins(fn({ ...r.origins }));
  await putRecord('origins', next);
  r.origins = next;
  return next;
}

// The core's storage: string values under "core/", with write-behind and a
// barrier. The core's writes land in memory at once (reads see them) and
// go to chrome.storage.local in one batch (one atomic set) at flush().
// Everything that lets a decision leave the extension — a receipt to the
// relay, a broadcast, a relay ack, an answer to the popup — awaits flush()
// first, so "persisted before the signature leaves" holds for the
// extension as a whole: if the worker dies before a flush, nothing of that
// decision left, and the unacknowledged proposal is delivered again.
const REMOVED = Symbol('removed');
const dirty = new Map();
let flushing = null;
let flushTimer = null;

// preloaded: the records the core reads when it opens, fetched in one
// chrome.storage read before it opens (preloadCore) instead of one round
// trip each; dropped once the core is open (later reads go to storage).
let preloaded = null;
let preloadMisses = 0;

// CORE_OPEN_KEYS are the keys signer.New reads (wasm/signer: vault, pins,
// programs, ledger, program-blocks, nonce-anchor, pending, audit/head, the
// host records, integrity, queue; wasm/ext's TestPreloadCoversOpen checks
// the list against New). A key missing here is read the ordinary way, a
// round trip through the event loop during the cold boot (the benchmark
// reports them: storageReads).
const CORE_OPEN_KEYS = ['vault', 'pins', 'programs', 'ledger', 'program-blocks', 'nonce-anchor', 'pending', 'audit/head', 'rec/settings', 'rec/origins', 'integrity', 'queue'];

export async function preloadCore() {
  const keys = CORE_OPEN_KEYS.map((k) => 'core/' + k);
  const o = await local.get(keys);
  preloaded = new Map(keys.map((k) => [k, o[k]]));
  preloadMisses = 0;
}

// dropPreload forgets the preloaded records and returns how many reads
// missed them (went to chrome.storage) meanwhile.
export function dropPreload() {
  preloaded = null;
  return preloadMisses;
}

export const coreStore = {
  // get answers from memory at once (pending writes, the preloaded
  // records), else with a Promise of chrome.storage's value.
  get(key) {
    const k = 'core/' + key;
    if (dirty.has(k)) {
      const v = dirty.get(k);
      return v === REMOVED ? undefined : v;
    }
    if (preloaded && preloaded.has(k)) return preloaded.get(k);
    if (preloaded) preloadMisses++;
    return local.get(k).then((o) => o[k]);
  },
  set(key, value) {
    dirty.set('core/' + key, value);
    later();
  },
  remove(key) {
    dirty.set('core/' + key, REMOVED);
    later();
  },
};

function later() {
  if (!flushTimer) flushTimer = setTimeout(() => { flushTimer = null; flush().catch((e) => console.error('leash: storage flush failed', e)); }, 25);
}

// flush writes every pending core write; it resolves once they are stored.
export async function flush() {
  while (flushing) await flushing.catch(() => {});
  if (!dirty.size) return;
  const batch = new Map(dirty);
  dirty.clear();
  const sets = {};
  const removes = [];
  for (const [k, v] of batch) {
    if (v === REMOVED) removes.push(k);
    else sets[k] = v;
  }
  flushing = (async () => {
    try {
      if (removes.length) await local.remove(removes);
      if (Object.keys(sets).length) await local.set(sets);
    } catch (e) {
      for (const [k, v] of batch) if (!dirty.has(k)) dirty.set(k, v); // keep for the next try
      throw e;
    }
  })();
  try {
    await flushing;
  } finally {
    flushing = null;
  }
}

// Serialize read-modify-write updates of one key.
const chains = new Map();
export function update(key, dflt, fn) {
  const prev = chains.get(key) || Promise.resolve();
  const next = prev.then(async () => {
    const cur = await get(key, dflt);
    const out = await fn(cur);
    await set(key, out.value);
    return out.result;
  });
  chains.set(key, next.catch(() => {}));
  return next;
}

// clip bounds a string kept in storage.
export const clip = (s, n = 200) => (typeof s === 'string' ? (s.length > n ? s.slice(0, n) + '…' : s) : undefined);

// ---- activity (extension-level events beside the core's audit log) ----
// Transaction lifecycle (broadcast, mined), the user's own transactions and
// signatures. Nothing here comes from the agent but ids and hashes.
export const MAX_ACTIVITY = 500;
export function addActivity(entry) {
  const e = { time: Math.floor(Date.now() / 1000), ...entry };
  for (const k of ['message', 'id', 'origin']) if (e[k] !== undefined) e[k] = clip(String(e[k]));
  return update(K.activity, [], (list) => {
    list.push(e);
    if (list.length > MAX_ACTIVITY) list.splice(0, list.length - MAX_ACTIVITY);
    return { value: list, result: e };
  });
}

// ---- receipts of signed proposals, by id (a redelivered proposal gets the
// same signed receipt). One key per receipt plus a bounded index of ids;
// refusals are not kept (a redelivery is simply decided again).
export const MAX_RECEIPTS = 1000;
const receiptKey = (id) => 'receipt/' + id;

export function putReceipt(r) {
  if (!r.id || r.status !== 'signed') return Promise.resolve(r);
  const k = receiptKey(r.id);
  dirty.set(k, { id: r.id, status: r.status, txHash: r.txHash, rawTx: r.rawTx, at: Date.now() });
  later();
  return update(K.receipts, [], (ids) => {
    if (!ids.includes(r.id)) ids.push(r.id);
    while (ids.length > MAX_RECEIPTS) {
      dirty.set(receiptKey(ids.shift()), REMOVED);
      later();
    }
    return { value: ids, result: r };
  });
}

export async function getReceipt(id) {
  const k = receiptKey(id);
  if (dirty.has(k)) {
    const v = dirty.get(k);
    return v === REMOVED ? undefined : v;
  }
  return (await local.get(k))[k];
}

// stageReceipt puts a signed receipt into the same batch as the core's
// writes for that decision, so that a worker that dies after the flush
// still finds it (and re-sends it) when the proposal is delivered again.
export function stageReceipt(r) {
  if (r.id && r.status === 'signed') {
    dirty.set(receiptKey(r.id), { id: r.id, status: r.status, txHash: r.txHash, rawTx: r.rawTx, at: Date.now() });
    later();
  }
}

// ---- storage use ----
export const QUOTA = chrome.storage.local.QUOTA_BYTES || 10485760;
export async function usage() {
  const bytes = await local.getBytesInUse(null);
  return { bytes, quota: QUOTA };
}
