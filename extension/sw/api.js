// The approver API: vault, unlock, policy pinning, pairing, settings and
// approvals. background.js routes a message here only when it comes from one
// of the extension's own pages (popup, onboarding); never from a content
// script, a web page or the relay.
import { ready } from './core.js';
import * as relay from './relay.js';
import { rpc } from './rpc.js';
import * as rt from './runtime.js';
import * as st from './state.js';
import * as dapp from './dapp.js';
import { saveLink } from './linkstore.js';

const SESSION = chrome.storage.session;

function fail(code, message) {
  const e = new Error(message);
  e.code = code;
  throw e;
}

// ---- session: an unlocked vault survives a worker restart only through
// chrome.storage.session (memory only, cleared when the browser closes).
async function saveSession(password) {
  const { user } = await ready();
  const s = await st.settings();
  const blob = await user.sealSession(password, 0);
  await SESSION.set({ [st.K.session]: { blob, idleMs: s.autoLockMinutes * 60000, last: Date.now() } });
}

export async function resumeSession() {
  const o = await SESSION.get(st.K.session);
  const v = o[st.K.session];
  if (!v) return false;
  const { approver, user } = await ready();
  const status = await approver.status();
  if (status.vault === 'unlocked') return true;
  if (Date.now() - v.last > v.idleMs || status.vault !== 'locked') {
    await SESSION.remove(st.K.session);
    return false;
  }
  try {
    await user.resumeSession(v.blob);
    await SESSION.set({ [st.K.session]: { ...v, last: Date.now() } });
    return true;
  } catch {
    await SESSION.remove(st.K.session);
    return false;
  }
}

async function afterUnlock() {
  await rt.syncNonce();
  await rt.retryHeld();
  await rt.updateBadge();
  dapp.emitAccounts();
}

// ---- the popup's view of everything ----
async function view() {
  const { approver, ext } = await ready();
  const [status, settings, policy, approvals] = await Promise.all([
    approver.status(), st.settings(), st.get(st.K.policy, null), st.approvals()]);
  let link = null;
  try { link = await ext.link.info(); } catch {}
  const items = [];
  for (const a of approvals) items.push(await explainApproval(a, status, policy));
  return {
    status, settings, link, relay: { ...relay.status },
    policy: policy && { info: policy.info, vkHash: policy.vkHash, importedAt: policy.importedAt },
    approvals: items,
  };
}

async function explainApproval(a, status, policy) {
  const { ext, leash } = await ready();
  const out = { id: a.id, kind: a.kind, origin: a.origin, created: a.created };
  try {
    if (a.kind === 'proposal') {
      const p = JSON.parse(a.proposal);
      out.proposalId = p.id;
      const now = Math.floor(Date.now() / 1000);
      // The core's own window state (policy v2: value, fees, count, tokens).
      const state = JSON.stringify({ ...status.state, time: now });
      if (p.typedData) {
        // A signature proposal (issue 17): the domain, the type, each field
        // with its rule, amounts in token units, from the document the core
        // signs; the core verifies the proof when the user approves.
        out.signature = await ext.explainSignature(JSON.stringify(p.typedData), policy ? policy.doc : null, state, now);
        return out;
      }
      out.explained = await ext.explain(JSON.stringify(p.tx), policy ? policy.doc : null, state, now);
      // Proof status: the core's stateless verifier on the same inputs the
      // signer will compute (its own nonce, spend and clock).
      if (p.program) {
        // A program proof: the core re-reads the oracle over the RPC setting
        // when the user approves; it is not checked ahead of that here.
        out.proof = { program: true, block: p.program.block, commitment: p.program.commitment };
      } else if (policy) {
        const enc = new TextEncoder();
        const res = await leash.tools.verify({
          vk: { path: 'policy.vk', data: b64ToBytes(policy.vk) }, policy: { path: 'policy.json', data: enc.encode(policy.doc) },
          proposal: { path: 'proposal.json', data: enc.encode(a.proposal) }, state: { path: 'state.json', data: enc.encode(state) } });
        const v = JSON.parse(res.stdout || '{}');
        out.proof = v.ok ? { ok: true } : { ok: false, code: v.code, message: v.message };
      }
    } else if (a.kind === 'tx') {
      out.explained = await ext.explain(JSON.stringify(a.txPreview), null, '0', Math.floor(Date.now() / 1000));
      out.tx = a.txPreview;
    } else if (a.kind === 'sign') {
      out.message = a.message;
    } else if (a.kind === 'task') {
      out.request = a.request;
    }
  } catch (e) {
    out.error = `${e.code || 'error'}: ${e.message}`;
  }
  return out;
}

function b64ToBytes(s) {
  const bin = atob(s);
  const b = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) b[i] = bin.charCodeAt(i);
  return b;
}

// ---- activity: the core's hash-chained audit log plus extension events ----
async function activity() {
  const { approver } = await ready();
  const audit = await approver.audit();
  const extra = await st.get(st.K.activity, []);
  const rows = [];
  for (const e of audit.entries) {
    if (e.kind !== 'proposal' && e.kind !== 'signature') continue; // signature: typed data (issue 17)
    rows.push({ source: 'audit', time: e.time, seq: e.seq, id: e.id, decision: e.decision, code: e.code, message: e.message, txHash: e.txHash, to: e.to, value: e.value, nonce: e.nonce });
  }
  for (const a of extra) {
    if ((a.kind === 'tx' || a.kind === 'signature') && a.decision === 'signed' && a.source === 'agent') continue; // the audit entry says it
    rows.push({ source: 'ext', time: a.time, id: a.id, decision: a.decision, code: a.code, message: a.message, txHash: a.txHash, block: a.block, kind: a.kind });
  }
  rows.forEach((r, i) => { r.order = i; });
  rows.sort((x, y) => y.time - x.time || (x.source === y.source ? y.order - x.order : x.source === 'ext' ? -1 : 1));
  return { ok: audit.ok, error: audit.error, rows: rows.slice(0, 300), auditHead: audit.entries.length };
}

// ---- handlers ----
export async function handle(msg) {
  const { approver, user, ext } = await ready();
  switch (msg.type) {
    case 'view':
      return view();
    case 'activity':
      return activity();
    case 'createVault': {
      const r = await approver.createVault(str(msg.password), msg.words === 24 ? 24 : 12, false);
      await approver.unlock(str(msg.password));
      await saveSession(msg.password);
      await afterUnlock();
      return r;
    }
    case 'importVault': {
      const r = await approver.importVault(str(msg.mnemonic), str(msg.password), !!msg.replace);
      await approver.unlock(str(msg.password));
      await saveSession(msg.password);
      await afterUnlock();
      return r;
    }
    case 'unlock':
      await approver.unlock(str(msg.password));
      await saveSession(msg.password);
      await afterUnlock();
      return approver.status();
    case 'lock':
      await approver.lock();
      await SESSION.remove(st.K.session);
      dapp.emitAccounts();
      return approver.status();
    case 'describePolicy':
      return ext.describePolicy(str(msg.policy));
    case 'pinPolicy': {
      const info = await ext.describePolicy(str(msg.policy));
      const vkBytes = b64ToBytes(str(msg.vk));
      const vk = await ext.describeVK(vkBytes);
      const pinned = await approver.pin(str(msg.policy), vkBytes);
      if (pinned.commitment !== info.commitment) fail('internal', 'the core computed another commitment');
      // The typed-data circuit's key (typed.vk), for signature proposals.
      if (msg.typedVK) await approver.pinTypedKey(b64ToBytes(str(msg.typedVK)));
      await st.set(st.K.policy, { doc: msg.policy, vk: msg.vk, info, vkHash: vk.hash, importedAt: Date.now() });
      await st.updateSettings({ chainId: info.chainId });
      dapp.emitChain();
      return { info, vkHash: vk.hash };
    }
    case 'pinProgram': {
      // A strategy program: its pin ({commitment, template, oracle}) or the
      // program document, and its template's verifying key. The core keeps
      // only the pin; it re-reads the oracle over the RPC setting.
      const pinned = await approver.pinProgram(str(msg.program), b64ToBytes(str(msg.vk)));
      return pinned;
    }
    case 'unpinProgram':
      await approver.unpinProgram(str(msg.commitment));
      return approver.status();
    case 'pairStart': {
      const s = await st.settings();
      const relayUrl = msg.relayUrl ? str(msg.relayUrl) : s.relayUrl;
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
    case 'settings': {
      const patch = {};
      if (typeof msg.rpcUrl === 'string') patch.rpcUrl = checkURL(msg.rpcUrl, ['http:', 'https:']);
      if (msg.mode === 'autonomous' || msg.mode === 'supervised') patch.mode = msg.mode;
      if (typeof msg.paused === 'boolean') patch.paused = msg.paused;
      if (typeof msg.registry === 'string') {
        if (msg.registry !== '' && !/^0x[0-9a-fA-F]{40}$/.test(msg.registry)) fail('malformed', 'registry: not an address');
        patch.registry = msg.registry.toLowerCase();
      }
      if (Number.isInteger(msg.autoLockMinutes) && msg.autoLockMinutes >= 1 && msg.autoLockMinutes <= 1440) patch.autoLockMinutes = msg.autoLockMinutes;
      const s = await st.updateSettings(patch);
      if (typeof msg.paused === 'boolean') {
        await st.addActivity({ kind: 'killswitch', decision: 'info', message: msg.paused ? 'agent paused (kill switch)' : 'agent resumed' });
      }
      return s;
    }
    case 'approve':
      return approve(str(msg.id), msg.password);
    case 'reject':
      return reject(str(msg.id));
    case 'balance': {
      const status = await approver.status();
      if (!status.address) return null;
      return rpc('eth_getBalance', [status.address, 'latest']);
    }
    case 'bench':
      return rt.benchStats();
    case 'build': {
      const { wasmSHA256 } = await ready();
      return { wasmSHA256: await wasmSHA256, version: chrome.runtime.getManifest().version };
    }
    case 'exportMnemonic':
      return user && approver.exportMnemonic(str(msg.password));
    default:
      fail('malformed', 'unknown request');
  }
}

function str(v) {
  if (typeof v !== 'string') fail('malformed', 'expected a string');
  return v;
}

function checkURL(u, schemes) {
  let p;
  try { p = new URL(u); } catch { fail('malformed', 'not a URL'); }
  if (!schemes.includes(p.protocol)) fail('malformed', `URL scheme must be ${schemes.join(' or ')}`);
  return u;
}

async function approve(id, password) {
  const a = (await st.approvals()).find((x) => x.id === id);
  if (!a) fail('malformed', 'no such approval (already decided?)');
  try {
    if (a.kind === 'proposal') {
      if (!(await st.takeApproval(id))) fail('malformed', 'already decided');
      await rt.decide(a.proposal, null);
    } else {
      // A wrong password leaves the request waiting.
      const result = await dapp.approved(a, password);
      await st.takeApproval(id);
      dapp.answer(a, result);
    }
  } finally {
    await rt.updateBadge();
  }
  return true;
}

async function reject(id) {
  const a = await st.takeApproval(id);
  if (!a) fail('malformed', 'no such approval (already decided?)');
  if (a.kind === 'proposal') {
    const r = { id: a.proposalId, status: 'rejected', code: 'user_rejected', message: 'rejected by the user' };
    await st.putReceipt(r);
    await rt.sendReceipt(r);
    await st.addActivity({ kind: 'proposal', id: a.proposalId, decision: 'rejected', code: r.code, message: r.message });
  } else {
    dapp.rejected(a);
  }
  await rt.updateBadge();
  return true;
}
