// Persistent extension state in chrome.storage.local (never any secret in
// the clear: the vault blob inside the core's keys is encrypted by the core,
// and the relay link's state under ext/link is encrypted by linkstore.js
// with a non-extractable WebCrypto key), and the unlocked-session blob in
// chrome.storage.session only.

export const K = {
  settings: 'ext/settings',
  policy: 'ext/policy',
  link: 'ext/link', // encrypted: linkstore.js
  approvals: 'ext/approvals',
  receipts: 'ext/receipts',
  activity: 'ext/activity',
  origins: 'ext/origins',
  session: 'ext/session', // chrome.storage.session only
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
};

const local = chrome.storage.local;

export async function get(key, dflt) {
  const o = await local.get(key);
  return o[key] === undefined ? dflt : o[key];
}

export async function set(key, value) {
  await local.set({ [key]: value });
}

export async function settings() {
  return { ...DEFAULT_SETTINGS, ...(await get(K.settings, {})) };
}

export async function updateSettings(patch) {
  const s = { ...(await settings()), ...patch };
  await set(K.settings, s);
  return s;
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

export const coreStore = {
  async get(key) {
    const k = 'core/' + key;
    if (dirty.has(k)) {
      const v = dirty.get(k);
      return v === REMOVED ? undefined : v;
    }
    const o = await local.get(k);
    return o[k];
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
      if (Object.keys(sets).length) await local.set(sets);
      if (removes.length) await local.remove(removes);
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

// ---- activity (extension-level events beside the core's audit log) ----
const MAX_ACTIVITY = 500;
export function addActivity(entry) {
  const e = { time: Math.floor(Date.now() / 1000), ...entry };
  return update(K.activity, [], (list) => {
    list.push(e);
    if (list.length > MAX_ACTIVITY) list.splice(0, list.length - MAX_ACTIVITY);
    return { value: list, result: e };
  });
}

// ---- receipts sent, by proposal id (a redelivered proposal gets the same answer) ----
const MAX_RECEIPTS = 1000;
export function putReceipt(r) {
  if (r.id) {
    dirty.set('receipt/' + r.id, REMOVED); // the map below holds it from now on
    later();
  }
  return update(K.receipts, {}, (m) => {
    m[r.id] = { ...r, at: Date.now() };
    const ids = Object.keys(m);
    if (ids.length > MAX_RECEIPTS) {
      ids.sort((a, b) => m[a].at - m[b].at).slice(0, ids.length - MAX_RECEIPTS).forEach((id) => delete m[id]);
    }
    return { value: m, result: r };
  });
}
export async function getReceipt(id) {
  const m = await get(K.receipts, {});
  if (Object.prototype.hasOwnProperty.call(m, id)) return m[id];
  const k = 'receipt/' + id; // staged with the core's decision (stageReceipt)
  if (dirty.has(k)) {
    const v = dirty.get(k);
    return v === REMOVED ? undefined : v;
  }
  return (await local.get(k))[k];
}

// stageReceipt puts a decision's receipt into the same batch as the core's
// writes for that decision, so that a worker that dies after the flush still
// finds the receipt (and re-sends it) when the proposal is delivered again,
// instead of answering "replay" for a transaction it signed but never sent.
export function stageReceipt(r) {
  dirty.set('receipt/' + r.id, { ...r, at: Date.now() });
  later();
}

// ---- approvals waiting for the user ----
export function addApproval(item) {
  return update(K.approvals, [], (list) => {
    if (list.some((a) => a.id === item.id)) return { value: list, result: false };
    list.push({ created: Date.now(), ...item });
    return { value: list, result: true };
  });
}
export function takeApproval(id) {
  return update(K.approvals, [], (list) => {
    const i = list.findIndex((a) => a.id === id);
    if (i < 0) return { value: list, result: undefined };
    const [item] = list.splice(i, 1);
    return { value: list, result: item };
  });
}
export function approvals() { return get(K.approvals, []); }
