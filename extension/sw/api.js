// The approver API: vault, unlock, policy pinning, pairing, settings,
// approvals, connected sites. background.js routes a message here only
// when it comes from one of the extension's own pages (popup, onboarding);
// never from a content script, a web page or the relay. What the pages
// show comes from the core's display model.
import { ready, wasmSHA256 } from './core.js';
import { lockdown } from './lockdown.js';
import * as notify from './notify.js';
import * as relay from './relay.js';
import { rpc, rpc2 } from './rpc.js';
import * as rt from './runtime.js';
import * as st from './state.js';
import * as dapp from './dapp.js';
import { saveLink } from './linkstore.js';
import { syncInjection } from './inject.js';
import * as net from './networks.js';
import { withToken } from './tokens.js';

const SESSION = chrome.storage.session;

function fail(code, message) {
  const e = new Error(message);
  e.code = code;
  throw e;
}

// ---- session: an unlocked vault survives a worker restart only through
// chrome.storage.session (memory only, trusted contexts only, cleared when
// the browser closes), as derived keys: the key that opens this vault's
// blob (only while unlocked) and the storage MAC key (kept while locked,
// so settings can still be written and verified). Never the password.
async function saveSession(blob) {
  const { user } = await ready();
  const s = await st.settings();
  const mac = await user.sessionMAC();
  await SESSION.set({ [st.K.session]: { blob, idleMs: s.autoLockMinutes * 60000, last: Date.now() }, [st.K.mac]: mac });
}

export async function resumeSession() {
  const o = await SESSION.get([st.K.session, st.K.mac]);
  const v = o[st.K.session];
  const { approver, user } = await ready();
  if (o[st.K.mac]) await user.resumeSession(o[st.K.mac]).catch(() => {});
  if (!v) return false;
  const status = await approver.status();
  if (status.vault === 'unlocked') return true;
  if (Date.now() - v.last > v.idleMs || status.vault !== 'locked') {
    await SESSION.remove(st.K.session);
    return false;
  }
  try {
    await user.resumeSession(v.blob);
    return true;
  } catch {
    await SESSION.remove(st.K.session);
    return false;
  }
}

// touch: the user did something. Only this keeps the vault unlocked (the
// core's idle timer and the session's); what the agent does never does.
async function touch() {
  const { approver } = await ready();
  await approver.touch();
  const o = await SESSION.get(st.K.session);
  const v = o[st.K.session];
  if (v) await SESSION.set({ [st.K.session]: { ...v, last: Date.now() } });
}

async function afterUnlock(blob) {
  await saveSession(blob);
  await checkIntegrity();
  await st.applyMode();
  await rt.syncNonce(true);
  await rt.retryHeld();
  rt.updateBadge();
  dapp.emitAccounts();
}

// checkIntegrity keeps the agent paused while the core reports tampered
// records (the core refuses to sign anyway).
export async function checkIntegrity() {
  const { approver } = await ready();
  const s = await approver.status();
  st.setTampered(s.integrity && s.integrity.state === 'tampered');
}

// ---- the popup's view of everything ----
async function view() {
  const { approver, ext } = await ready();
  notify.seen();
  const [status, settings, policy, queue, dappViews, origins, usage, ld] = await Promise.all([
    approver.status(), st.settings(), approver.policy(), approver.queue(), dapp.views(), st.origins(), st.usage(), lockdown]);
  let link = null;
  try { link = await ext.link.info(); } catch {}
  const agentNet = net.policyNetwork(settings);
  const approvals = [
    ...dappViews,
    ...(await Promise.all(queue.map(async (v) => ({ id: 'proposal:' + v.id, kind: 'proposal', proposal: { ...v, tx: await withToken(agentNet, v.tx) } })))),
  ];
  return {
    status, settings, link, relay: { ...relay.status }, policy, approvals,
    origins: Object.entries(origins).map(([origin, o]) => ({ origin, since: o.since })),
    storage: usage, lockdown: ld,
  };
}

// ---- activity: the core's hash-chained audit log (decoded by the core)
// plus the extension's own events (transaction lifecycle, sites) ----
async function activity() {
  const { approver } = await ready();
  const audit = await approver.activity(300);
  const extra = await st.get(st.K.activity, []);
  const rows = [];
  for (const e of audit.rows) {
    if (e.kind !== 'proposal' && e.kind !== 'signature' && e.kind !== 'integrity' && e.kind !== 'pause') continue;
    rows.push({ source: 'audit', ...e });
  }
  for (const a of extra) {
    if ((a.kind === 'tx' || a.kind === 'signature') && a.decision === 'signed' && a.source === 'agent') continue; // the audit entry says it
    rows.push({ source: 'ext', time: a.time, id: a.id, decision: a.decision, code: a.code, message: a.message, txHash: a.txHash, block: a.block, kind: a.kind });
  }
  rows.forEach((r, i) => { r.order = i; });
  rows.sort((x, y) => y.time - x.time || (x.source === y.source ? (x.source === 'audit' ? x.order - y.order : y.order - x.order) : x.source === 'ext' ? -1 : 1));
  return { ok: audit.ok, error: audit.error, rows: rows.slice(0, 300), auditHead: audit.head };
}

// Requests that only read: they are not the user's activity (the popup
// polls them every second; a popup left open must not keep the wallet
// unlocked).
const READS = new Set(['view', 'activity', 'balance', 'bench', 'describePolicy', 'storage', 'closeApprovals']);

// ---- handlers ----
export async function handle(msg) {
  if (!READS.has(msg.type)) await touch();
  const { approver, user, ext } = await ready();
  switch (msg.type) {
    case 'view':
      return view();
    case 'activity':
      return activity();
    case 'closeApprovals': // the approvals window found nothing to show
      return dapp.closeIfIdle(async () => (await approver.queue()).length > 0);
    case 'createVault': {
      const r = await approver.createVault(str(msg.password), msg.words === 24 ? 24 : 12, false);
      await afterUnlock(await user.unlockSession(str(msg.password)));
      return r;
    }
    case 'importVault': {
      const r = await approver.importVault(str(msg.mnemonic), str(msg.password), !!msg.replace);
      await afterUnlock(await user.unlockSession(str(msg.password)));
      return r;
    }
    case 'unlock':
      await afterUnlock(await user.unlockSession(str(msg.password)));
      return approver.status();
    case 'lock':
      await approver.lock();
      await SESSION.remove(st.K.session); // the MAC key stays for this browser session
      dapp.emitAccounts();
      return approver.status();
    case 'describePolicy':
      return ext.describePolicy(str(msg.policy));
    case 'pinPolicy': {
      const info = await ext.describePolicy(str(msg.policy));
      const pinned = await approver.pin(str(msg.policy), b64ToBytes(str(msg.vk)));
      if (pinned.commitment !== info.commitment) fail('internal', 'the core computed another commitment');
      // The typed-data circuit's key (typed.vk), for signature proposals.
      if (msg.typedVK) await approver.pinTypedKey(b64ToBytes(str(msg.typedVK)));
      await st.updateSettings({ chainId: info.chainId });
      dapp.emitChain();
      return approver.policy();
    }
    case 'pinProgram':
      // A strategy program: its pin ({commitment, template, oracle}) or the
      // program document, and its template's verifying key. The core keeps
      // only the pin; it re-reads the oracle over the RPC setting.
      return approver.pinProgram(str(msg.program), b64ToBytes(str(msg.vk)));
    case 'unpinProgram':
      await approver.unpinProgram(str(msg.commitment));
      return approver.status();
    case 'pairStart': {
      const s = await st.settings();
      const relayUrl = msg.relayUrl ? checkURL(str(msg.relayUrl), ['ws:', 'wss:']) : s.relayUrl;
      relay.disconnect();
      const r = await ext.link.create(relayUrl, 0);
      await saveLink(r.state);
      await st.updateSettings({ relayUrl });
      await relay.connect();
      return r.info;
    }
    case 'pairConfirm':
      // The user checked the comparison code against the agent host's.
      await relay.run((link) => link.confirm(str(msg.code)));
      return ext.link.info();
    case 'pairReject':
      // Forget the offers; a new pairing URI (the old one stays refused).
      await relay.run((link) => link.reject());
      return ext.link.info();
    case 'settings':
      return settingsChange(msg);
    case 'pause':
      return st.setPaused(msg.paused === true);
    case 'syncNonce': // the core reads the nonce through its own RPC (held beyond the step)
      return approver.syncNonce();
    case 'confirmNonce': { // the user accepts the nonce jump the popup showed
      let n;
      try { n = BigInt(str(msg.nonce)).toString(); } catch { fail('malformed', 'nonce: not a number'); }
      return approver.confirmNonce(n);
    }
    case 'resetNonce': // the user dismisses it: the next nonce stays
      return approver.resetNonce();
    case 'approve':
      return approve(str(msg.id), msg);
    case 'reject':
      return reject(str(msg.id));
    case 'useNetwork': // the network sites are on (the agent's stays the policy's)
      await dapp.switchTo(num(msg.chainId));
      return st.settings();
    case 'removeNetwork': {
      const s = await st.settings();
      const id = num(msg.chainId);
      if (id === s.chainId) fail('malformed', 'the agent\'s network cannot be removed');
      if ((s.dappChainId || s.chainId) === id) await dapp.switchTo(s.chainId);
      return st.updateSettings({ networks: s.networks.filter((n) => n.chainId !== id) });
    }
    case 'disconnectSite':
      await dapp.disconnect(str(msg.origin));
      return st.origins();
    case 'resetTampered': {
      const bad = await approver.resetTampered();
      await checkIntegrity();
      await st.reloadRecords();
      // Settings back to their defaults: the agent stays paused until the
      // user has looked at them and resumes it.
      if (bad.includes('rec/settings') || bad.includes('integrity')) await st.setPaused(true);
      else await st.applyMode();
      return bad;
    }
    case 'balance': {
      const status = await approver.status();
      if (!status.address) return null;
      return rpc('eth_getBalance', [status.address, 'latest']);
    }
    case 'storage':
      return st.usage();
    case 'bench':
      return rt.benchStats();
    case 'build': {
      await ready();
      return { wasmSHA256: await wasmSHA256(), version: chrome.runtime.getManifest().version };
    }
    case 'exportMnemonic':
      return approver.exportMnemonic(str(msg.password));
    default:
      fail('malformed', 'unknown request');
  }
}

async function settingsChange(msg) {
  const patch = {};
  const { approver } = await ready();
  if (typeof msg.rpcUrl === 'string') patch.rpcUrl = await checkRPC(approver, checkURL(msg.rpcUrl, ['http:', 'https:']));
  if (typeof msg.rpcUrl2 === 'string') patch.rpcUrl2 = msg.rpcUrl2 === '' ? '' : await checkRPC(approver, checkURL(msg.rpcUrl2, ['http:', 'https:']));
  if (msg.maxBlockAge !== undefined) {
    if (!Number.isInteger(msg.maxBlockAge) || msg.maxBlockAge < 1 || msg.maxBlockAge > 64) fail('malformed', 'maxBlockAge: a whole number of blocks from 1 to 64');
    patch.maxBlockAge = msg.maxBlockAge;
  }
  if (msg.mode === 'autonomous' || msg.mode === 'supervised') patch.mode = msg.mode;
  if (typeof msg.registry === 'string') {
    if (msg.registry !== '' && !/^0x[0-9a-fA-F]{40}$/.test(msg.registry)) fail('malformed', 'registry: not an address');
    patch.registry = msg.registry.toLowerCase();
  }
  if (Number.isInteger(msg.autoLockMinutes) && msg.autoLockMinutes >= 1 && msg.autoLockMinutes <= 1440) patch.autoLockMinutes = msg.autoLockMinutes;
  if (typeof msg.feeWarnWei === 'string') {
    if (!/^[0-9]{1,40}$/.test(msg.feeWarnWei)) fail('malformed', 'feeWarnWei: a whole number of wei');
    patch.feeWarnWei = msg.feeWarnWei;
  }
  if (typeof msg.presentAsMetaMask === 'boolean') patch.presentAsMetaMask = msg.presentAsMetaMask;
  if (typeof msg.paused === 'boolean') return st.setPaused(msg.paused); // the kill switch has its own path
  if (!Object.keys(patch).length) return st.settings();
  const s = await st.updateSettings(patch);
  if (patch.presentAsMetaMask !== undefined) await syncInjection(); // pages loaded from now on
  if (patch.autoLockMinutes) {
    const o = await SESSION.get(st.K.session);
    if (o[st.K.session]) await SESSION.set({ [st.K.session]: { ...o[st.K.session], idleMs: patch.autoLockMinutes * 60000 } });
  }
  return s;
}

function num(v) {
  if (!Number.isSafeInteger(v) || v <= 0) fail('malformed', 'expected a chain id');
  return v;
}

function str(v) {
  if (typeof v !== 'string') fail('malformed', 'expected a string');
  return v;
}

// checkRPC refuses an endpoint that serves another chain than the pinned
// policy's (wrong_chain) or does not answer eth_chainId (input_unavailable),
// before it is saved. The core checks again before every use.
async function checkRPC(approver, url) {
  await approver.checkRPC((method, params) => rpc(method, params, { url }));
  return url;
}

function checkURL(u, schemes) {
  let p;
  try { p = new URL(u); } catch { fail('malformed', 'not a URL'); }
  if (!schemes.includes(p.protocol)) fail('malformed', `URL scheme must be ${schemes.join(' or ')}`);
  return u;
}

function b64ToBytes(s) {
  const bin = atob(s);
  const b = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) b[i] = bin.charCodeAt(i);
  return b;
}

// approve: the user approved what the screen showed. A proposal is bound by
// the digest of the document the core displayed; a dapp request by the
// revision the screen rendered.
async function approve(id, msg) {
  try {
    if (id.startsWith('proposal:')) {
      await rt.approveProposal(id.slice('proposal:'.length), str(msg.digest));
    } else {
      if (!Number.isSafeInteger(msg.rev)) fail('malformed', 'approve: rev is required');
      await dapp.approve(id, msg.rev);
    }
  } finally {
    rt.updateBadge();
  }
  return true;
}

async function reject(id) {
  if (id.startsWith('proposal:')) {
    await rt.rejectProposal(id.slice('proposal:'.length));
  } else {
    const a = dapp.get(id);
    if (!a) fail('malformed', 'no such approval (already decided?)');
    dapp.rejected(a);
  }
  rt.updateBadge();
  return true;
}
