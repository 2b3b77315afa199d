import { ago, call, errorText, ether, h, logo, short } from './common.js';
import { pairingCard, pairOffer } from './pairing.js';

const params = new URLSearchParams(location.search);
// ?window=approvals: the one approvals window every dapp request waits in.
const approvalsWindow = params.get('window') === 'approvals';
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
  if (approvalsWindow) return approvalWindow();
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
    view.status.account ? h('p', { class: 'mono muted' }, view.status.account.address) : null,
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
          h('div', { class: 'mono', id: 'address' }, s.account ? s.account.address : ''),
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
      ? h('button', { class: 'primary', id: 'killswitch', onclick: () => act(() => call('pause', { paused: false })) }, 'Resume agent')
      : h('button', { class: 'danger', id: 'killswitch', onclick: () => act(() => call('pause', { paused: true })) }, 'Pause agent'));
}

// banners: what stops the signer, said first.
function banners() {
  const out = [];
  const integ = view.status.integrity;
  if (integ && integ.state === 'tampered') {
    out.push(h('div', { class: 'banner red', id: 'tampered' },
      h('p', {}, 'Stored ' + integ.records.join(', ') + ' changed outside Leash (' + integ.reason + '). Nothing is signed.'),
      h('p', { class: 'small' }, 'Resetting deletes them: pin your policy and programs again, check your settings and connected sites.'),
      h('button', { id: 'reset-tampered', onclick: () => act(() => call('resetTampered')) }, 'Reset the changed records')));
  }
  if (view.lockdown && !view.lockdown.ok) {
    out.push(h('div', { class: 'banner red', id: 'no-lockdown' }, 'This browser cannot keep Leash\'s storage from web pages (' + view.lockdown.error + '): the agent stays paused.'));
  }
  return out.length ? h('div', { class: 'wrap stack', style: 'padding-bottom:0' }, out) : null;
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
    banners(),
    controls(),
    pairOffer(pairCtx()),
    view.status.nonceHold ? nonceHold() : null,
    h('div', { class: 'tabs' }, t('approvals', n ? `Approvals (${n})` : 'Approvals'), t('activity', 'Activity'), t('setup', 'Setup')),
    h('div', { class: 'wrap' }, lastError ? h('div', { class: 'error' }, lastError) : null, body));
}

// nonceHold: the RPC reported a next nonce more than 16 past the one the
// wallet last vouched for. Leash keeps its own until the user says so.
function nonceHold() {
  const held = view.status.nonceHold;
  const chain = BigInt(held.chain).toString();
  return h('div', { class: 'wrap' }, h('div', { class: 'banner amber', 'data-nonce-hold': chain },
    h('p', {}, `Your RPC says the account's next nonce is ${chain}; Leash's is ${BigInt(held.ledger)}. `,
      'Confirm only if this account really sent those transactions (from another wallet). A wrong nonce stalls the agent.'),
    h('div', { class: 'row' },
      h('button', { id: 'nonce-confirm', onclick: () => act(() => call('confirmNonce', { nonce: chain })) }, 'Confirm ' + chain),
      h('button', { id: 'nonce-dismiss', onclick: () => act(() => call('resetNonce')) }, 'Keep ' + BigInt(held.ledger)))));
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
  const list = view.approvals;
  if (!list.length && seenApprovals && !closing) {
    // Everything was decided: close, unless a request arrived meanwhile.
    closing = setTimeout(async () => {
      closing = null;
      const v = await call('view').catch(() => null);
      if (v && !v.approvals.length) window.close();
    }, 400);
  }
  if (list.length) seenApprovals = true;
  return h('div', { 'data-screen': 'approval' },
    header(),
    banners(),
    h('div', { class: 'wrap' },
      lastError ? h('div', { class: 'error' }, lastError) : null,
      list.length > 1 ? h('p', { class: 'small muted', id: 'approvals-count' }, `${list.length} requests wait for you, oldest first.`) : null,
      list.length ? list.map(approvalCard) : h('div', { class: 'empty' }, 'Nothing waits for you.',
        h('div', {}, h('button', { onclick: () => window.close() }, 'Close')))));
}
let seenApprovals = false;
let closing = null;

// ---- the display model, as the core decoded it ----
function addrView(a) {
  if (!a) return '—';
  return h('span', {}, a.label ? h('span', { class: 'label' }, a.label + ' ') : null, h('span', { class: 'mono', 'data-address': a.address }, a.address));
}

function warnings(ws, id) {
  if (!ws || !ws.length) return null;
  return h('div', { class: 'stack', 'data-warnings': id || '' }, ws.map((w) => h('div', { class: 'banner amber', 'data-warning': w.code }, w.message)));
}

function txRows(t, nonceView) {
  const rows = [];
  const c = t.call;
  const actions = { value_transfer: 'Send ETH', erc20_transfer: 'Token transfer', erc20_approve: 'Token approval', erc20_increase_allowance: 'Token allowance increase', approval_for_all: 'Approval for all tokens', call: 'Contract call' };
  rows.push(['Action', actions[c.action] || c.action]);
  rows.push([c.action.startsWith('erc20') || c.action === 'approval_for_all' ? 'Token' : 'To', addrView(t.to)]);
  if (c.counterparty) rows.push([c.action === 'erc20_transfer' ? 'Recipient' : c.action === 'approval_for_all' ? 'Operator' : 'Spender', addrView(c.counterparty)]);
  if (c.amount !== undefined) rows.push(['Amount', c.unlimited ? h('span', { class: 'reason', 'data-unlimited': '' }, 'UNLIMITED (' + c.amount + ' base units)') : c.amount + ' base units']);
  if (c.function) rows.push(['Function', h('span', { class: 'mono' }, c.function)]);
  else if (c.selector) rows.push(['Function', h('span', { class: 'mono' }, c.selector + ' (unknown)')]);
  if (c.action === 'call' && c.args) c.args.forEach((a, i) => rows.push(['Argument ' + (i + 1), a.address ? addrView(a.address) : h('span', { class: 'mono' }, a.type + ' ' + a.value)]));
  if (t.dataBytes) rows.push(['Calldata', h('span', { class: 'mono' }, t.data.length > 140 ? t.data.slice(0, 140) + '… (' + t.dataBytes + ' bytes)' : t.data)]);
  rows.push(['Value', h('span', { 'data-value': t.value }, t.valueText)]);
  rows.push(['Max fee', h('span', { 'data-maxfee': t.maxFee }, t.maxFeeText)]);
  rows.push(['Chain', String(t.chainId)]);
  const n = nonceView || { signed: t.nonce, ok: true };
  rows.push(['Nonce', h('span', { 'data-nonce': String(n.signed), class: n.ok ? '' : 'reason' }, String(n.signed) + (n.ok ? '' : ' (the next nonce is ' + n.next + ')'))]);
  return h('dl', { class: 'kv' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function proofLine(p) {
  if (p.kind === 'program') return h('p', { class: 'small', 'data-proof': 'program' }, `Program proof for program ${short(p.program)} at block ${p.block}: on approval, Leash re-reads the oracle there and verifies the proof before signing.`);
  return h('p', { class: 'small', 'data-proof': p.ok ? 'ok' : p.code }, p.ok ? h('span', { class: 'ok' }, '✓ Proof verifies for this exact transaction') : h('span', { class: 'reason' }, '✗ Proof: ' + p.code + ' ' + (p.message || '')));
}

function approvalCard(a) {
  const decide = (ok, extra = {}) => act(async () => {
    await call(ok ? 'approve' : 'reject', { id: a.id, ...extra });
  });
  const buttons = (approveLabel, getExtra, canApprove = true) => h('div', { class: 'row', style: 'margin-top:10px' },
    canApprove ? h('button', { class: 'primary', 'data-approve': a.id, disabled: busy, onclick: () => decide(true, getExtra ? getExtra() : {}) }, approveLabel) : null,
    h('button', { 'data-reject': a.id, disabled: busy, onclick: () => decide(false) }, 'Reject'));
  if (a.kind === 'proposal' && a.proposal && a.proposal.signature) {
    const s = a.proposal.signature;
    const wrap = 'word-break:break-all';
    const field = (k, v, rule) => h('div', { class: 'small', style: 'margin:4px 0', 'data-field': k },
      h('div', {}, h('b', {}, k), ' ', h('span', { class: 'mono', style: wrap }, v)),
      rule ? h('div', { class: 'muted' }, rule) : null);
    return h('div', { class: 'card', 'data-approval': a.id, 'data-kind': 'signature', 'data-digest': a.proposal.digest },
      h('div', { class: 'spread' }, h('h2', {}, 'Agent signature: ' + s.primaryType), h('span', { class: 'mono muted' }, a.proposal.id)),
      h('div', { 'data-domain': '' }, ...s.domain.map((d) => field('domain.' + d.path, d.value))),
      h('div', { 'data-fields': '' }, ...s.fields.map((f) => field(f.path, f.value, f.rule))),
      s.spends ? h('p', { class: 'small' }, 'Counts ', h('b', {}, s.spends), ' toward its token window.') : null,
      s.code ? h('p', { class: 'reason' }, s.code + ': ' + (s.message || '')) : null,
      h('p', { class: 'small muted' }, 'Digest ', h('span', { class: 'mono' }, short(s.digest)), '. On approval Leash verifies the proof and signs exactly this.'),
      buttons('Approve and sign', () => ({ digest: a.proposal.digest })));
  }
  if (a.kind === 'proposal') {
    const p = a.proposal;
    return h('div', { class: 'card', 'data-approval': a.id, 'data-digest': p.digest },
      h('div', { class: 'spread' }, h('h2', {}, 'Agent proposal'), h('span', { class: 'mono muted' }, p.id)),
      warnings(p.warnings, a.id),
      txRows(p.tx, p.nonce),
      p.rule ? h('p', { class: 'small', 'data-rule': '' }, h('span', { class: 'ok' }, 'Allowed by: '), p.rule) : null,
      p.ruleArgs && p.ruleArgs.length ? h('ul', { class: 'small', 'data-rule-args': '' },
        p.ruleArgs.map((r) => h('li', { 'data-rule-arg': r.name }, h('span', { class: 'mono' }, `${r.name} (${r.type}) = ${r.value}`), ': ', r.rule))) : null,
      p.spend ? h('p', { class: 'small', 'data-spend': '' }, 'Counts ' + p.spend) : null,
      p.violation ? h('p', { class: 'reason', 'data-violation': p.violation.code }, p.violation.code + ': ' + p.violation.message) : null,
      proofLine(p.proof),
      buttons('Approve and sign', () => ({ digest: p.digest })));
  }
  const rev = () => ({ rev: a.rev });
  if (a.kind === 'connect') {
    return h('div', { class: 'card', 'data-approval': a.id },
      h('h2', {}, 'Connect to ' + a.origin),
      h('p', {}, 'This site will see your address ', h('span', { class: 'mono' }, view.status.account ? view.status.account.address : ''), ' and can ask you to approve actions. It cannot move funds by itself.'),
      buttons('Connect', rev));
  }
  if (a.kind === 'tx' || a.kind === 'sign') {
    const pw = keep('pw:' + a.id, () => h('input', { type: 'password', placeholder: 'Password to sign', 'data-password': a.id }));
    const refuse = a.kind === 'sign' && a.message && a.message.refuse;
    return h('div', { class: 'card', 'data-approval': a.id },
      h('h2', {}, (a.kind === 'tx' ? 'Transaction from ' : 'Sign a message for ') + a.origin),
      a.error ? h('div', { class: 'reason' }, a.error) : null,
      a.kind === 'tx' && a.tx ? [warnings(a.tx.warnings, a.id), txRows(a.tx)] : null,
      a.kind === 'sign' && a.message ? messageBody(a.message, a.id) : null,
      refuse ? null : [h('p', { class: 'small muted' }, 'This is your own action, outside the agent\'s policy. Confirm with your password.'), pw],
      buttons(a.kind === 'tx' ? 'Sign and send' : 'Sign', () => ({ password: pw.value, rev: a.rev }), !refuse));
  }
  if (a.kind === 'task') {
    return h('div', { class: 'card', 'data-approval': a.id },
      h('h2', {}, 'Task for your agent from ' + a.origin),
      h('pre', { class: 'desc mono' }, a.request),
      h('p', { class: 'small muted' }, 'Forwarded to your agent host. Any transaction it proposes is still checked against your policy.'),
      buttons('Forward to agent', rev));
  }
  return h('div', { class: 'card' }, 'Unknown request');
}

function messageBody(m, id) {
  const out = [];
  if (m.refuse) out.push(h('div', { class: 'banner red', 'data-refuse': m.refuse.code }, m.refuse.message));
  out.push(warnings(m.warnings, id));
  if (m.siwe) {
    out.push(h('dl', { class: 'kv', 'data-siwe': m.siwe.domain },
      h('dt', {}, 'Sign in to'), h('dd', {}, (m.siwe.scheme ? m.siwe.scheme + '://' : '') + m.siwe.domain),
      h('dt', {}, 'Account'), h('dd', { class: 'mono' }, m.siwe.address),
      h('dt', {}, 'URI'), h('dd', { class: 'mono' }, m.siwe.uri),
      h('dt', {}, 'Chain'), h('dd', {}, m.siwe.chainId)));
  }
  out.push(h('pre', { class: 'desc mono' }, m.text !== undefined && m.text !== '' ? m.text : m.hex));
  return out;
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

// title: the row's headline from the core's display model (the audit
// rows carry the decoded recipient with its label and the value as text).
function title(r) {
  const kinds = { pause: 'Kill switch', integrity: 'Storage check', site: 'Site', sign: 'Signature', task: 'Task' };
  const what = r.id ? (r.id.startsWith('user:') ? 'Your transaction' : 'Proposal ' + r.id) : (kinds[r.kind] || 'Event');
  const verb = { signed: 'signed', mined: 'mined', rejected: 'rejected', pending: 'waiting', broadcast: 'broadcast', broadcast_failed: 'broadcast failed', reverted: 'reverted', forwarded: 'forwarded', queued: 'queued', connected: 'connected', disconnected: 'disconnected', info: '' }[r.decision] ?? r.decision;
  return h('span', {}, what + (verb ? ' ' + verb : ''),
    r.to ? [' → ', addrView(r.to)] : null,
    r.valueText && r.valueText !== '0 ETH' ? ' · ' + r.valueText : null,
    r.nonce !== undefined && r.nonce !== null ? ' · nonce ' + r.nonce : null,
    r.block ? ' in block ' + r.block : null);
}

// ---- pairing (extension/ui/pairing.js) ----
function pairCtx() {
  return { view, act, call, keep, render };
}

// ---- setup ----
function setupTab() {
  return h('div', { class: 'stack', 'data-tab-body': 'setup' }, policyCard(), programsCard(), pairingCard(pairCtx()), sitesCard(), networkCard(), buildCard());
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

// sitesCard: the sites that may see the address and ask for approvals;
// disconnecting one tells its pages accountsChanged([]).
function sitesCard() {
  const sites = view.origins || [];
  return h('div', { class: 'card', 'data-card': 'sites' },
    h('h2', {}, 'Connected sites'),
    sites.length
      ? h('ul', { class: 'plain', id: 'site-list' }, sites.map((o) => h('li', { 'data-site': o.origin },
        h('span', { class: 'mono' }, o.origin), h('span', { class: 'small muted' }, ' since ' + new Date(o.since).toLocaleDateString()),
        h('button', { class: 'small', 'data-disconnect': o.origin, onclick: () => act(() => call('disconnectSite', { origin: o.origin })) }, 'Disconnect'))))
      : h('p', { class: 'muted', id: 'no-sites' }, 'No site is connected.'));
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
        h('dt', {}, 'Name'), h('dd', {}, p.name || 'Unnamed'),
        h('dt', {}, 'Commitment'), h('dd', { class: 'mono', id: 'commitment' }, p.commitment),
        h('dt', {}, 'VK hash'), h('dd', { class: 'mono', id: 'vkhash' }, p.vkHash)),
      h('details', {}, h('summary', { class: 'small' }, 'What the agent may do'), h('pre', { class: 'desc', id: 'policy-description' }, p.description)))
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
  const rpc2 = keep('rpc-url2', () => h('input', { id: 'rpc-url2', placeholder: 'optional: another provider', value: view.settings.rpcUrl2 || '' }));
  const age = keep('max-block-age', () => h('input', { id: 'max-block-age', type: 'number', min: 1, max: 64, value: view.settings.maxBlockAge }));
  const lock = keep('autolock', () => h('input', { id: 'autolock', type: 'number', min: 1, max: 1440, value: view.settings.autoLockMinutes }));
  const registry = keep('registry', () => h('input', { id: 'registry', placeholder: '0x… (empty: no on-chain check)', value: view.settings.registry || '' }));
  const fee = keep('fee-warn', () => h('input', { id: 'fee-warn', value: weiToEth(view.settings.feeWarnWei) }));
  const su = view.storage;
  return h('div', { class: 'card', 'data-card': 'network' },
    h('h2', {}, 'Network and safety'),
    h('label', {}, 'JSON-RPC URL (must serve the policy\'s chain)'), rpc,
    h('label', {}, 'Second JSON-RPC URL (every chain read must agree on both)'), rpc2,
    h('label', {}, 'Policy registry (checked before every signature; revoke there to stop the agent)'), registry,
    h('label', {}, 'Program inputs may be this many blocks old'), age,
    h('label', {}, 'Lock after this many minutes without your activity'), lock,
    h('label', {}, 'Warn when a transaction may pay more than this in fees (ETH)'), fee,
    h('button', { style: 'margin-top:8px', onclick: () => act(() => call('settings', { rpcUrl: rpc.value, rpcUrl2: rpc2.value.trim(),
      registry: registry.value.trim(), maxBlockAge: Number(age.value), autoLockMinutes: Number(lock.value), feeWarnWei: ethToWei(fee.value) })) }, 'Save'),
    su ? h('p', { class: 'small muted', id: 'storage-use' }, `Storage: ${(su.bytes / 1048576).toFixed(2)} MiB of ${(su.quota / 1048576).toFixed(0)} MiB used.`) : null);
}

function weiToEth(w) {
  const v = BigInt(w || '0');
  const unit = 10n ** 18n;
  const frac = (v % unit).toString().padStart(18, '0').replace(/0+$/, '');
  return (v / unit).toString() + (frac ? '.' + frac : '');
}

function ethToWei(s) {
  const m = /^\s*(\d{1,20})(?:\.(\d{1,18}))?\s*$/.exec(s);
  if (!m) throw Object.assign(new Error('the fee threshold is an amount of ETH, e.g. 0.01'), { code: 'malformed' });
  return (BigInt(m[1]) * 10n ** 18n + BigInt((m[2] || '').padEnd(18, '0') || '0')).toString();
}

refresh(true);
if (tab === 'activity') loadActivity();
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
