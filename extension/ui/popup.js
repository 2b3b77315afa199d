import { ago, call, errorText, ether, h, logo, short } from './common.js';
import { pairingCard, pairOffer } from './pairing.js';

const params = new URLSearchParams(location.search);
const onlyApproval = params.get('approval');
const app = document.getElementById('app');
let tab = params.get('tab') || 'approvals';
let view = null;
let balance = null;
let busy = false;
let lastError = '';

// keep returns the same element across renders, so that typing, focus and
// chosen files survive the periodic refresh.
const kept = new Map();
function keep(key, make) {
  if (!kept.has(key)) kept.set(key, make());
  return kept.get(key);
}

let lastJSON = '';
async function refresh(force) {
  try {
    const v = await call('view');
    const j = JSON.stringify({ ...v, status: { ...v.status, time: 0 } }); // the clock alone is no change
    if (!force && j === lastJSON) return;
    lastJSON = j;
    view = v;
    if (view.status.vault === 'unlocked') {
      call('balance').then((b) => { balance = b; render(); }).catch(() => {});
    }
  } catch (e) {
    lastError = errorText(e);
  }
  render();
}

async function act(fn) {
  if (busy) return;
  busy = true;
  lastError = '';
  render();
  try {
    await fn();
  } catch (e) {
    lastError = errorText(e);
  } finally {
    busy = false;
  }
  await refresh(true);
}

function render() {
  app.replaceChildren(view ? screen() : h('div', { class: 'wrap empty' }, 'Loading…'));
}

function screen() {
  const s = view.status;
  if (s.vault === 'none') return welcome();
  if (s.vault === 'corrupt') return h('div', { class: 'wrap' }, h('div', { class: 'banner red' }, 'The stored vault is damaged: ' + (s.vaultError || '')));
  if (s.vault === 'locked') return unlockScreen();
  if (onlyApproval) return approvalWindow();
  return main();
}

function welcome() {
  return h('div', { class: 'wrap stack', 'data-screen': 'welcome' },
    h('div', { class: 'row' }, logo(), h('h1', {}, 'Leash')),
    h('p', {}, 'Leash keeps your AI agent\'s wallet on a cryptographic leash: it signs only what a proof shows your policy allows.'),
    h('button', { class: 'primary block', onclick: () => chrome.tabs.create({ url: chrome.runtime.getURL('ui/onboarding.html') }) }, 'Set up Leash'));
}

function unlockScreen() {
  const go = () => act(() => call('unlock', { password: pw.value }));
  const pw = keep('unlock-pw', () => {
    const el = h('input', { type: 'password', id: 'password', placeholder: 'Password', autofocus: true });
    el.addEventListener('keydown', (e) => { if (e.key === 'Enter') document.getElementById('unlock').click(); });
    return el;
  });
  return h('div', { class: 'wrap stack', 'data-screen': 'locked' },
    h('div', { class: 'row' }, logo(), h('h1', {}, 'Leash is locked')),
    h('p', { class: 'muted' }, short(view.status.address)),
    view.status.pending ? h('div', { class: 'banner amber' }, `${view.status.pending} agent proposal(s) wait for you to unlock.`) : null,
    pw,
    h('button', { class: 'primary block', id: 'unlock', onclick: go, disabled: busy }, busy ? 'Unlocking…' : 'Unlock'),
    h('div', { class: 'error' }, lastError));
}

function header() {
  const s = view.status;
  return h('header', { class: 'top' },
    h('div', { class: 'spread' },
      h('div', { class: 'row' }, logo(),
        h('div', {},
          h('div', { class: 'mono', title: s.address, id: 'address' }, short(s.address)),
          h('div', { class: 'small muted' }, 'Chain ' + view.settings.chainId))),
      h('button', { class: 'ghost', id: 'lock', onclick: () => act(() => call('lock')) }, 'Lock')),
    h('div', { class: 'spread', style: 'margin-top:8px' },
      h('div', { class: 'balance', id: 'balance' }, balance === null ? '—' : ether(balance)),
      agentChip()));
}

function agentChip() {
  const l = view.link;
  if (view.settings.paused) return h('span', { class: 'chip red' }, 'Agent paused');
  if (!l) return h('span', { class: 'chip grey' }, 'No agent paired');
  if (l.conflict) return h('span', { class: 'chip red' }, 'Pairing refused');
  if (l.offer) return h('span', { class: 'chip amber' }, 'Agent waiting to pair');
  if (!l.paired) return h('span', { class: 'chip grey' }, 'Waiting for agent');
  return h('span', { class: 'chip' + (view.relay.authed ? '' : ' amber') }, view.relay.authed ? 'Agent connected' : 'Relay offline');
}

function controls() {
  const st = view.settings;
  const mode = (m, label) => h('button', { class: st.mode === m ? 'on' : '', 'data-mode': m, onclick: () => act(() => call('settings', { mode: m })) }, label);
  return h('div', { class: 'wrap spread', style: 'padding-bottom:4px' },
    h('div', { class: 'seg', title: 'Autonomous: proven proposals are signed without a click. Supervised: each one waits for you.' },
      mode('autonomous', 'Autonomous'), mode('supervised', 'Supervised')),
    st.paused
      ? h('button', { class: 'primary', id: 'killswitch', onclick: () => act(() => call('settings', { paused: false })) }, 'Resume agent')
      : h('button', { class: 'danger', id: 'killswitch', onclick: () => act(() => call('settings', { paused: true })) }, 'Pause agent'));
}

function main() {
  const n = view.approvals.length;
  const t = (id, label) => h('button', { class: tab === id ? 'on' : '', 'data-tab': id, onclick: () => { tab = id; render(); if (id === 'activity') loadActivity(); } }, label);
  let body;
  if (tab === 'approvals') body = approvalsTab();
  else if (tab === 'activity') body = activityTab();
  else body = setupTab();
  return h('div', { 'data-screen': 'main' },
    header(),
    controls(),
    pairOffer(pairCtx()),
    h('div', { class: 'tabs' }, t('approvals', n ? `Approvals (${n})` : 'Approvals'), t('activity', 'Activity'), t('setup', 'Setup')),
    h('div', { class: 'wrap' }, lastError ? h('div', { class: 'error' }, lastError) : null, body));
}

// ---- approvals ----
function approvalsTab() {
  if (!view.approvals.length) {
    return h('div', { class: 'empty', 'data-empty': 'approvals' },
      view.settings.mode === 'autonomous' ? 'Nothing waits for you. Proven proposals are signed automatically.' : 'Nothing waits for you.');
  }
  return h('div', {}, view.approvals.map(approvalCard));
}

function approvalWindow() {
  const a = view.approvals.find((x) => x.id === onlyApproval);
  return h('div', { 'data-screen': 'approval' },
    header(),
    h('div', { class: 'wrap' },
      lastError ? h('div', { class: 'error' }, lastError) : null,
      a ? approvalCard(a, true) : h('div', { class: 'empty' }, 'This request was already decided.',
        h('div', {}, h('button', { onclick: () => window.close() }, 'Close')))));
}

function explainedRows(e) {
  if (!e) return null;
  const rows = [];
  if (e.action === 'erc20_transfer' || e.action === 'erc20_approve') {
    rows.push(['Action', e.action === 'erc20_transfer' ? 'Token transfer' : 'Token approval']);
    rows.push(['Token', (e.toLabel ? e.toLabel + ' ' : '') + short(e.to)]);
    rows.push([e.action === 'erc20_transfer' ? 'Recipient' : 'Spender', (e.recipientLabel ? e.recipientLabel + ' ' : '') + short(e.recipient)]);
    rows.push(['Amount', e.amount + ' base units']);
  } else if (e.action === 'value_transfer') {
    rows.push(['Action', 'Send ETH']);
    rows.push(['To', (e.toLabel ? e.toLabel + ' ' : '') + short(e.to)]);
  } else {
    rows.push(['Action', 'Contract call']);
    rows.push(['To', (e.toLabel ? e.toLabel + ' ' : '') + short(e.to)]);
    rows.push(['Function', e.function || e.selector || '—']);
    rows.push(['Calldata', h('span', { class: 'mono' }, e.data.length > 140 ? e.data.slice(0, 140) + '…' : e.data)]);
  }
  rows.push(['Value', e.valueText]);
  rows.push(['Max fee', e.maxFeeText]);
  rows.push(['Nonce', String(e.nonce)]);
  return h('dl', { class: 'kv' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function approvalCard(a, standalone) {
  const decide = (ok, extra = {}) => act(async () => {
    await call(ok ? 'approve' : 'reject', { id: a.id, ...extra });
    if (standalone) window.close();
  });
  const buttons = (approveLabel, getExtra) => h('div', { class: 'row', style: 'margin-top:10px' },
    h('button', { class: 'primary', 'data-approve': a.id, disabled: busy, onclick: () => decide(true, getExtra ? getExtra() : {}) }, approveLabel),
    h('button', { 'data-reject': a.id, disabled: busy, onclick: () => decide(false) }, 'Reject'));
  if (a.kind === 'proposal' && a.signature) {
    const s = a.signature;
    const wrap = 'word-break:break-all';
    const field = (k, v, rule) => h('div', { class: 'small', style: 'margin:4px 0', 'data-field': k },
      h('div', {}, h('b', {}, k), ' ', h('span', { class: 'mono', style: wrap }, v)),
      rule ? h('div', { class: 'muted' }, rule) : null);
    return h('div', { class: 'card', 'data-approval': a.id, 'data-kind': 'signature' },
      h('div', { class: 'spread' }, h('h2', {}, 'Agent signature: ' + s.primaryType), h('span', { class: 'mono muted' }, a.proposalId)),
      h('div', { 'data-domain': '' }, ...s.domain.map((d) => field('domain.' + d.path, d.value))),
      h('div', { 'data-fields': '' }, ...s.fields.map((f) => field(f.path, f.value, f.rule))),
      s.spends ? h('p', { class: 'small' }, 'Counts ', h('b', {}, s.spends), ' toward its token window.') : null,
      s.code ? h('p', { class: 'reason' }, s.code + ': ' + (s.message || '')) : null,
      h('p', { class: 'small muted' }, 'Digest ', h('span', { class: 'mono' }, short(s.digest)), '. On approval Leash verifies the proof and signs exactly this.'),
      buttons('Approve and sign'));
  }
  if (a.kind === 'proposal') {
    const e = a.explained;
    return h('div', { class: 'card', 'data-approval': a.id },
      h('div', { class: 'spread' }, h('h2', {}, 'Agent proposal'), h('span', { class: 'mono muted' }, a.proposalId)),
      a.error ? h('div', { class: 'reason' }, a.error) : null,
      explainedRows(e),
      e && e.rule ? h('p', { class: 'small' }, h('span', { class: 'ok' }, 'Allowed by: '), e.rule) : null,
      e && e.violation ? h('p', { class: 'reason' }, e.violation + ': ' + e.reason) : null,
      a.proof && a.proof.program ? h('p', { class: 'small' }, `Program proof for program ${short(a.proof.commitment)} at block ${Number(a.proof.block)}: on approval, Leash re-reads the oracle there and verifies the proof before signing.`) : null,
      a.proof && !a.proof.program ? h('p', { class: 'small' }, a.proof.ok ? h('span', { class: 'ok' }, '✓ Proof verifies for this exact transaction') : h('span', { class: 'reason' }, '✗ Proof: ' + a.proof.code + ' ' + (a.proof.message || ''))) : null,
      buttons('Approve and sign'));
  }
  if (a.kind === 'connect') {
    return h('div', { class: 'card', 'data-approval': a.id },
      h('h2', {}, 'Connect to ' + a.origin),
      h('p', {}, 'This site will see your address ', h('span', { class: 'mono' }, short(view.status.address)), ' and can ask you to approve actions. It cannot move funds by itself.'),
      buttons('Connect'));
  }
  if (a.kind === 'tx' || a.kind === 'sign') {
    const pw = keep('pw:' + a.id, () => h('input', { type: 'password', placeholder: 'Password to sign', 'data-password': a.id }));
    return h('div', { class: 'card', 'data-approval': a.id },
      h('h2', {}, (a.kind === 'tx' ? 'Transaction from ' : 'Sign a message for ') + a.origin),
      a.kind === 'tx' ? explainedRows(a.explained) : h('pre', { class: 'desc mono' }, readableMessage(a.message)),
      h('p', { class: 'small muted' }, 'This is your own action, outside the agent\'s policy. Confirm with your password.'),
      pw,
      buttons(a.kind === 'tx' ? 'Sign and send' : 'Sign', () => ({ password: pw.value })));
  }
  if (a.kind === 'task') {
    return h('div', { class: 'card', 'data-approval': a.id },
      h('h2', {}, 'Task for your agent from ' + a.origin),
      h('pre', { class: 'desc mono' }, JSON.stringify(a.request, null, 2)),
      h('p', { class: 'small muted' }, 'Forwarded to your agent host. Any transaction it proposes is still checked against your policy.'),
      buttons('Forward to agent'));
  }
  return h('div', { class: 'card' }, 'Unknown request');
}

function readableMessage(m) {
  if (/^0x([0-9a-fA-F]{2})*$/.test(m)) {
    try {
      const bytes = new Uint8Array(m.slice(2).match(/../g)?.map((x) => parseInt(x, 16)) || []);
      const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      if (/^[\P{C}\n\t]*$/u.test(text)) return text;
    } catch {}
  }
  return m;
}

// ---- activity ----
let activity = null;
async function loadActivity() {
  try {
    activity = await call('activity');
  } catch (e) {
    activity = { rows: [], error: errorText(e) };
  }
  render();
}

function activityTab() {
  if (!activity) return h('div', { class: 'empty' }, 'Loading…');
  const rows = activity.rows;
  return h('div', { 'data-list': 'activity' },
    activity.ok === false ? h('div', { class: 'banner red' }, 'The audit log does not verify: ' + activity.error) : null,
    rows.length ? null : h('div', { class: 'empty' }, 'No activity yet.'),
    rows.map((r) => h('div', { class: 'act', 'data-decision': r.decision, 'data-id': r.id || '' },
      h('div', { class: 'dot ' + r.decision }),
      h('div', {},
        h('div', {}, title(r)),
        r.code ? h('div', { class: 'reason' }, r.code + (r.message ? ': ' + r.message : '')) : (r.message ? h('div', { class: 'small muted' }, r.message) : null),
        r.txHash ? h('div', { class: 'mono muted', title: r.txHash }, 'tx ' + short(r.txHash)) : null),
      h('div', { class: 'small muted' }, ago(r.time)))));
}

function title(r) {
  const what = r.id ? (r.id.startsWith('user:') ? 'Your transaction' : 'Proposal ' + r.id) : (r.kind === 'killswitch' ? 'Kill switch' : 'Event');
  const verb = { signed: 'signed', mined: 'mined', rejected: 'rejected', pending: 'waiting', broadcast: 'broadcast', broadcast_failed: 'broadcast failed', reverted: 'reverted', forwarded: 'forwarded', queued: 'queued', info: '' }[r.decision] ?? r.decision;
  const to = r.to ? ' → ' + short(r.to) : '';
  const val = r.value && BigInt(r.value) > 0n ? ' · ' + ether(r.value) : '';
  return what + (verb ? ' ' + verb : '') + to + val + (r.block ? ' in block ' + r.block : '');
}

// ---- pairing (extension/ui/pairing.js) ----
function pairCtx() {
  return { view, act, call, keep, render };
}

// ---- setup ----
function setupTab() {
  return h('div', { class: 'stack', 'data-tab-body': 'setup' }, policyCard(), programsCard(), pairingCard(pairCtx()), networkCard(), buildCard());
}

// buildCard: the SHA-256 of the leash.wasm this extension runs, computed by
// the worker from the bytes it instantiated; compare it with a release's
// SHA256SUMS or your own `make wasm` (docs/extension.md).
let build = null;
function buildCard() {
  if (!build) {
    build = { pending: true };
    call('build').then((b) => { build = b; render(); }).catch((e) => { build = { error: errorText(e) }; render(); });
  }
  return h('div', { class: 'card', 'data-card': 'build' },
    h('h2', {}, 'This build'),
    h('dl', { class: 'kv' },
      h('dt', {}, 'Version'), h('dd', {}, build.version || '…'),
      h('dt', {}, 'leash.wasm SHA-256'), h('dd', { class: 'mono', id: 'wasm-sha256', style: 'word-break:break-all' }, build.wasmSHA256 || build.error || '…')),
    h('p', { class: 'small muted' }, 'The signer core running now. It should equal leash.wasm in the release\'s SHA256SUMS, or sha256sum dist/leash.wasm after make wasm from the same source.'));
}

async function fileBase64(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

// programsCard: the strategy programs whose program proofs the core
// accepts. For each proposal of a program, the core re-reads the program's
// oracle inputs over the JSON-RPC URL below, at the block the proposal names.
function programsCard() {
  const programs = view.status.programs || [];
  const docFile = keep('program-file', () => h('input', { type: 'file', accept: '.json,application/json', id: 'program-file' }));
  const vkFile = keep('program-vk-file', () => h('input', { type: 'file', id: 'program-vk-file' }));
  const pin = () => act(async () => {
    const doc = await docFile.files[0]?.text();
    const vk = vkFile.files[0];
    if (!doc || !vk) throw Object.assign(new Error('choose the program (or its pin) and its template\'s verifying key (program-<template>.vk)'), { code: 'malformed' });
    await call('pinProgram', { program: doc, vk: await fileBase64(vk) });
    docFile.value = '';
    vkFile.value = '';
  });
  return h('div', { class: 'card', 'data-card': 'programs' },
    h('h2', {}, 'Strategy programs'),
    programs.length
      ? h('ul', { class: 'plain', id: 'program-list' }, ...programs.map((p) => h('li', { 'data-program': p.commitment },
        h('span', { class: 'mono' }, short(p.commitment)), ` ${p.template} template, oracle `, h('span', { class: 'mono' }, short(p.oracle)), ' ',
        h('button', { class: 'small', 'data-unpin': p.commitment, onclick: () => act(() => call('unpinProgram', { commitment: p.commitment })) }, 'Unpin'))))
      : h('p', { class: 'muted', id: 'no-programs' }, 'No program pinned: program proposals are refused. Policy proposals are not affected.'),
    h('p', { class: 'small' }, 'A program proof shows the trade is what the committed program computes from the oracle. Before signing, Leash re-reads the oracle itself over your JSON-RPC URL.'),
    h('label', {}, 'Program or its pin (leash program pin FILE)'), docFile,
    h('label', {}, 'Verifying key (leash program setup: program-<template>.vk)'), vkFile,
    h('div', { class: 'row', style: 'margin-top:8px' }, h('button', { id: 'pin-program', onclick: pin }, 'Pin program')));
}

function policyCard() {
  const p = view.policy;
  const vkFile = keep('vk-file', () => h('input', { type: 'file', id: 'vk-file' }));
  const typedFile = keep('typed-vk-file', () => h('input', { type: 'file', id: 'typed-vk-file' }));
  const preview = keep('policy-preview', () => h('div', {}));
  const polFile = keep('policy-file', () => {
    const el = h('input', { type: 'file', accept: '.json,application/json', id: 'policy-file' });
    el.addEventListener('change', () => describeChosen(el, preview));
    return el;
  });
  const pin = () => act(async () => {
    const vk = vkFile.files[0];
    const doc = await polFile.files[0]?.text();
    if (!doc || !vk) throw Object.assign(new Error('choose a policy file and the verifying key (policy.vk)'), { code: 'malformed' });
    const typed = typedFile.files[0];
    await call('pinPolicy', { policy: doc, vk: await fileBase64(vk), ...(typed ? { typedVK: await fileBase64(typed) } : {}) });
    polFile.value = '';
    vkFile.value = '';
    typedFile.value = '';
    preview.replaceChildren();
  });
  return h('div', { class: 'card', 'data-card': 'policy' },
    h('h2', {}, 'Policy'),
    p ? h('div', {},
      h('dl', { class: 'kv' },
        h('dt', {}, 'Name'), h('dd', {}, p.info.name || 'Unnamed'),
        h('dt', {}, 'Commitment'), h('dd', { class: 'mono', id: 'commitment' }, p.info.commitment),
        h('dt', {}, 'VK hash'), h('dd', { class: 'mono', id: 'vkhash' }, p.vkHash)),
      h('details', {}, h('summary', { class: 'small' }, 'What the agent may do'), h('pre', { class: 'desc', id: 'policy-description' }, p.info.description)))
      : h('p', { class: 'muted' }, 'No policy pinned: the agent can get nothing signed.'),
    h('h3', {}, p ? 'Replace' : 'Import'),
    h('label', {}, 'Policy file (policy.json)'), polFile,
    h('label', {}, 'Verifying key from leash setup (policy.vk)'), vkFile,
    h('label', {}, 'Typed-data key, for signatures such as x402 payments (typed.vk, optional)'), typedFile,
    preview,
    h('div', { class: 'row', style: 'margin-top:8px' },
      h('button', { class: 'primary', id: 'pin', onclick: pin }, 'Pin policy'),
      h('button', { onclick: () => chrome.tabs.create({ url: chrome.runtime.getURL('ui/onboarding.html#policy') }) }, 'Write one in a form…')));
}

async function describeChosen(input, preview) {
  const doc = await input.files[0]?.text();
  if (!doc) return;
  try {
    const info = await call('describePolicy', { policy: doc });
    preview.replaceChildren(h('div', { class: 'banner green', id: 'policy-preview' }, h('pre', { class: 'desc' }, info.description)),
      info.warnings.length ? h('div', { class: 'banner amber' }, info.warnings.join(' ')) : null);
  } catch (e) {
    preview.replaceChildren(h('div', { class: 'banner red' }, errorText(e)));
  }
}

function networkCard() {
  const rpc = keep('rpc-url', () => h('input', { id: 'rpc-url', value: view.settings.rpcUrl }));
  const lock = keep('autolock', () => h('input', { id: 'autolock', type: 'number', min: 1, max: 1440, value: view.settings.autoLockMinutes }));
  const registry = keep('registry', () => h('input', { id: 'registry', placeholder: '0x… (empty: no on-chain check)', value: view.settings.registry || '' }));
  return h('div', { class: 'card', 'data-card': 'network' },
    h('h2', {}, 'Network and safety'),
    h('label', {}, 'JSON-RPC URL'), rpc,
    h('label', {}, 'Policy registry (checked before every signature; revoke there to stop the agent)'), registry,
    h('label', {}, 'Lock after this many idle minutes'), lock,
    h('button', { style: 'margin-top:8px', onclick: () => act(() => call('settings', { rpcUrl: rpc.value, registry: registry.value.trim(), autoLockMinutes: Number(lock.value) })) }, 'Save'));
}

refresh(true);
setInterval(() => { if (!busy) refresh(); }, 1000);
chrome.storage.onChanged.addListener(() => {
  if (!busy) refresh();
  if (tab === 'activity') loadActivityQuiet();
});

let activityTimer = null;
function loadActivityQuiet() {
  clearTimeout(activityTimer);
  activityTimer = setTimeout(loadActivity, 150);
}
