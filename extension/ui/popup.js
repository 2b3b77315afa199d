import { ago, call, errorText, ether, h, logo, renderInto, short, t } from './common.js';
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
  renderInto(app, view ? screen() : h('div', { class: 'wrap empty' }, t('Loading…')));
}

// errorLine: the last error, announced (role=alert) when it appears.
function errorLine() {
  return h('div', { class: 'error', role: 'alert', id: 'error-line' }, lastError || '');
}

function screen() {
  const s = view.status;
  if (s.vault === 'none') return welcome();
  if (s.vault === 'corrupt') return h('div', { class: 'wrap' }, h('div', { class: 'banner red' }, t('The stored vault is damaged: $1', s.vaultError || '')));
  if (s.vault === 'locked') return unlockScreen();
  if (approvalsWindow) return approvalWindow();
  return main();
}

function welcome() {
  return h('div', { class: 'wrap stack', 'data-screen': 'welcome' },
    h('div', { class: 'row' }, logo(), h('h1', {}, t('Leash'))),
    h('p', {}, t('Leash keeps your AI agent\'s wallet on a cryptographic leash: it signs only what a proof shows your policy allows.')),
    h('button', { class: 'primary block', onclick: () => chrome.tabs.create({ url: chrome.runtime.getURL('ui/onboarding.html') }) }, t('Set up Leash')));
}

function unlockScreen() {
  // Once the vault is open the password leaves the page: the field is kept
  // across re-renders (typing survives them), so it is emptied here.
  const go = () => act(async () => {
    await call('unlock', { password: pw.value });
    pw.value = '';
  });
  const pw = keep('unlock-pw', () => {
    const el = h('input', { type: 'password', id: 'password', placeholder: t('Password'), 'aria-label': t('Password'), autofocus: true });
    el.addEventListener('keydown', (e) => { if (e.key === 'Enter') document.getElementById('unlock').click(); });
    return el;
  });
  return h('div', { class: 'wrap stack', 'data-screen': 'locked' },
    h('div', { class: 'row' }, logo(), h('h1', {}, t('Leash is locked'))),
    view.status.account ? h('p', { class: 'mono muted' }, view.status.account.address) : null,
    view.status.pending ? h('div', { class: 'banner amber' }, t('$1 agent proposal(s) wait for you to unlock.', view.status.pending)) : null,
    pw,
    h('button', { class: 'primary block', id: 'unlock', onclick: go, disabled: busy }, busy ? t('Unlocking…') : t('Unlock')),
    errorLine());
}

function header() {
  const s = view.status;
  return h('header', { class: 'top' },
    h('div', { class: 'spread' },
      h('div', { class: 'row' }, logo(),
        h('div', {},
          h('div', { class: 'mono', id: 'address' }, s.account ? s.account.address : ''),
          h('div', { class: 'small muted' }, (view.settings.dappChainId ? t('Agent on chain $1 · sites on chain $2', view.settings.chainId, view.settings.dappChainId) : t('Chain $1', view.settings.chainId))))),
      h('button', { class: 'ghost', id: 'lock', onclick: () => act(() => call('lock')) }, t('Lock'))),
    h('div', { class: 'spread', style: 'margin-top:8px' },
      h('div', { class: 'balance', id: 'balance' }, balance === null ? '—' : ether(balance)),
      agentChip()));
}

function agentChip() {
  const l = view.link;
  if (view.settings.paused) return h('span', { class: 'chip red' }, t('Agent paused'));
  if (!l) return h('span', { class: 'chip grey' }, t('No agent paired'));
  if (l.conflict) return h('span', { class: 'chip red' }, t('Pairing refused'));
  if (l.offer) return h('span', { class: 'chip amber' }, t('Agent waiting to pair'));
  if (!l.paired) return h('span', { class: 'chip grey' }, t('Waiting for agent'));
  return h('span', { class: 'chip' + (view.relay.authed ? '' : ' amber') }, view.relay.authed ? t('Agent connected') : t('Relay offline'));
}

function controls() {
  const st = view.settings;
  const mode = (m, label) => h('button', { class: st.mode === m ? 'on' : '', role: 'radio', 'aria-checked': String(st.mode === m), 'data-mode': m, onclick: () => act(() => call('settings', { mode: m })) }, label);
  return h('div', { class: 'wrap spread', style: 'padding-bottom:4px' },
    h('div', { class: 'seg', role: 'radiogroup', 'aria-label': t('Signing mode'), title: t('Autonomous: proven proposals are signed without a click. Supervised: each one waits for you.') },
      mode('autonomous', t('Autonomous')), mode('supervised', t('Supervised'))),
    st.paused
      ? h('button', { class: 'primary', id: 'killswitch', onclick: () => act(() => call('pause', { paused: false })) }, t('Resume agent'))
      : h('button', { class: 'danger', id: 'killswitch', onclick: () => act(() => call('pause', { paused: true })) }, t('Pause agent')));
}

// banners: what stops the signer, said first.
function banners() {
  const out = [];
  const integ = view.status.integrity;
  if (integ && integ.state === 'tampered') {
    out.push(h('div', { class: 'banner red', id: 'tampered' },
      h('p', {}, t('Stored $1 changed outside Leash ($2). Nothing is signed.', integ.records.join(', '), integ.reason)),
      h('p', { class: 'small' }, t('Resetting deletes them: pin your policy and programs again, check your settings and connected sites.')),
      h('button', { id: 'reset-tampered', onclick: () => act(() => call('resetTampered')) }, t('Reset the changed records'))));
  }
  if (view.lockdown && !view.lockdown.ok) {
    out.push(h('div', { class: 'banner red', id: 'no-lockdown' }, t('This browser cannot keep Leash\'s storage from web pages ($1): the agent stays paused.', view.lockdown.error)));
  }
  return out.length ? h('div', { class: 'wrap stack', style: 'padding-bottom:0' }, out) : null;
}

function main() {
  const n = view.approvals.length;
  const tb = (id, label) => h('button', { class: tab === id ? 'on' : '', role: 'tab', id: 'tab-' + id, 'aria-selected': String(tab === id), 'aria-controls': 'tabpanel', tabindex: tab === id ? '0' : '-1', 'data-tab': id, onclick: () => { tab = id; render(); if (id === 'activity') loadActivity(); }, onkeydown: tabKeys }, label);
  let body;
  if (tab === 'approvals') body = approvalsTab();
  else if (tab === 'activity') body = activityTab();
  else body = setupTab();
  return h('div', { 'data-screen': 'main' },
    header(),
    banners(),
    controls(),
    budgetCard(),
    pairOffer(pairCtx()),
    view.status.nonceHold ? nonceHold() : null,
    h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('Leash') }, tb('approvals', n ? t('Approvals ($1)', n) : t('Approvals')), tb('activity', t('Activity')), tb('setup', t('Setup'))),
    h('div', { class: 'wrap', role: 'tabpanel', id: 'tabpanel', 'aria-labelledby': 'tab-' + tab }, errorLine(), body));
}

// tabKeys: arrow keys move between the tabs (the WAI-ARIA tabs pattern).
function tabKeys(e) {
  const order = ['approvals', 'activity', 'setup'];
  const i = order.indexOf(tab);
  const j = e.key === 'ArrowRight' ? (i + 1) % 3 : e.key === 'ArrowLeft' ? (i + 2) % 3 : e.key === 'Home' ? 0 : e.key === 'End' ? 2 : -1;
  if (j < 0) return;
  e.preventDefault();
  tab = order[j];
  render();
  if (tab === 'activity') loadActivity();
  document.getElementById('tab-' + tab)?.focus();
}

// ---- the budget: the core's window rules, spent and left ----
function budgetCard() {
  const ws = view.status.windows || [];
  if (!ws.length) return null;
  return h('div', { class: 'wrap', style: 'padding-bottom:0' },
    h('section', { class: 'card', 'data-card': 'budget', 'aria-labelledby': 'budget-title' },
      h('h2', { id: 'budget-title' }, view.policy && view.policy.name ? t('Agent budget · $1', view.policy.name) : t('Agent budget')),
      ws.map((w) => {
        const cap = BigInt(w.cap);
        const pct = cap > 0n ? Number((BigInt(w.spent) * 1000n) / cap) / 10 : 0;
        return h('div', { class: 'budget', 'data-window': w.rule },
          h('div', { class: 'spread small' }, h('span', {}, w.label), h('span', { 'data-left': w.left }, t('$1 left', w.leftText))),
          h('div', { class: 'bar', role: 'progressbar', 'aria-label': w.label, 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(Math.min(100, pct)), 'aria-valuetext': t('$1 of $2 spent', w.spentText, w.capText) },
            h('div', { class: 'fill' + (pct >= 90 ? ' red' : pct >= 60 ? ' amber' : ''), style: `width:${Math.min(100, pct)}%` })),
          h('div', { class: 'spread small muted' },
            h('span', { 'data-spent': w.spent }, t('$1 of $2 spent', w.spentText, w.capText)),
            w.freesAt ? h('span', { 'data-frees': String(w.freesAt) }, t('$1 frees $2', w.freesText, until(w.freesAt))) : h('span', {}, t('nothing spent in the window'))));
      })));
}

// until: when a unix time comes, in words.
function until(at) {
  const d = Math.max(0, at - Math.floor(Date.now() / 1000));
  if (d < 60) return t('in under a minute');
  if (d < 3600) return t('in $1 min', Math.ceil(d / 60));
  if (d < 2 * 86400) return t('in $1 h $2 min', Math.floor(d / 3600), Math.floor((d % 3600) / 60));
  return t('on $1', new Date(at * 1000).toLocaleString());
}

// amountText: a token amount in units with its symbol when the token is
// known (t.token: symbol and decimals read from the chain), else base units.
function amountText(amount, token) {
  if (!token) return t('$1 base units', amount);
  const v = BigInt(amount);
  const unit = 10n ** BigInt(token.decimals);
  const frac = (v % unit).toString().padStart(token.decimals, '0').replace(/0+$/, '');
  return (v / unit).toLocaleString('en-US') + (frac ? '.' + frac : '') + ' ' + token.symbol;
}

// nonceHold: the RPC reported a next nonce more than 16 past the one the
// wallet last vouched for. Leash keeps its own until the user says so.
function nonceHold() {
  const held = view.status.nonceHold;
  const chain = BigInt(held.chain).toString();
  return h('div', { class: 'wrap' }, h('div', { class: 'banner amber', 'data-nonce-hold': chain },
    h('p', {}, t('Your RPC says the account\'s next nonce is $1; Leash\'s is $2. Confirm only if this account really sent those transactions (from another wallet). A wrong nonce stalls the agent.', chain, BigInt(held.ledger))),
    h('div', { class: 'row' },
      h('button', { id: 'nonce-confirm', onclick: () => act(() => call('confirmNonce', { nonce: chain })) }, t('Confirm $1', chain)),
      h('button', { id: 'nonce-dismiss', onclick: () => act(() => call('resetNonce')) }, t('Keep $1', BigInt(held.ledger))))));
}

// ---- approvals ----
function approvalsTab() {
  if (!view.approvals.length) {
    return h('div', { class: 'empty', 'data-empty': 'approvals' },
      view.settings.mode === 'autonomous' ? t('Nothing waits for you. Proven proposals are signed automatically.') : t('Nothing waits for you.'));
  }
  return h('div', {}, view.approvals.map(approvalCard));
}

function approvalWindow() {
  const list = view.approvals;
  if (!list.length && seenApprovals && !closing) {
    // Everything was decided: close, unless a request arrived meanwhile.
    closing = setTimeout(async () => {
      closing = null;
      // The worker closes this window, in turn with the requests that
      // open it (a request arriving now gets a window); a tab opened
      // instead of a window closes itself.
      if (await call('closeApprovals').catch(() => false)) window.close();
    }, 400);
  }
  if (list.length) seenApprovals = true;
  return h('div', { 'data-screen': 'approval' },
    header(),
    banners(),
    h('div', { class: 'wrap' },
      errorLine(),
      list.length > 1 ? h('p', { class: 'small muted', id: 'approvals-count' }, t('$1 requests wait for you, oldest first.', list.length)) : null,
      list.length ? list.map(approvalCard) : h('div', { class: 'empty' }, t('Nothing waits for you.'),
        h('div', {}, h('button', { onclick: () => window.close() }, t('Close'))))));
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

function txRows(tx, nonceView) {
  const rows = [];
  const c = tx.call;
  const actions = { value_transfer: t('Send ETH'), erc20_transfer: t('Token transfer'), erc20_approve: t('Token approval'), erc20_increase_allowance: t('Token allowance increase'), approval_for_all: t('Approval for all tokens'), call: t('Contract call'), create: t('Deploy a contract') };
  rows.push([t('Action'), actions[c.action] || c.action]);
  if (!tx.create) rows.push([c.action.startsWith('erc20') || c.action === 'approval_for_all' ? t('Token') : t('To'), addrView(tx.to)]);
  if (c.counterparty) rows.push([c.action === 'erc20_transfer' ? t('Recipient') : c.action === 'approval_for_all' ? t('Operator') : t('Spender'), addrView(c.counterparty)]);
  if (c.amount !== undefined) rows.push([t('Amount'), c.unlimited ? h('span', { class: 'reason', 'data-unlimited': '' }, t('UNLIMITED ($1)', amountText(c.amount, tx.token))) : h('span', { 'data-amount': c.amount }, amountText(c.amount, tx.token))]);
  if (c.function) rows.push([t('Function'), h('span', { class: 'mono' }, c.function)]);
  else if (c.selector) rows.push([t('Function'), h('span', { class: 'mono' }, t('$1 (unknown)', c.selector))]);
  if (c.action === 'call' && c.args) c.args.forEach((a, i) => rows.push([t('Argument $1', i + 1), a.address ? addrView(a.address) : h('span', { class: 'mono' }, a.type + ' ' + a.value)]));
  if (tx.dataBytes) rows.push([t('Calldata'), h('span', { class: 'mono' }, tx.data.length > 140 ? t('$1… ($2 bytes)', tx.data.slice(0, 140), tx.dataBytes) : tx.data)]);
  rows.push([t('Value'), h('span', { 'data-value': tx.value }, tx.valueText)]);
  rows.push([t('Max fee'), h('span', { 'data-maxfee': tx.maxFee }, tx.maxFeeText)]);
  rows.push([t('Chain'), String(tx.chainId)]);
  const n = nonceView || { signed: tx.nonce, ok: true };
  rows.push([t('Nonce'), h('span', { 'data-nonce': String(n.signed), class: n.ok ? '' : 'reason' }, n.ok ? String(n.signed) : t('$1 (the next nonce is $2)', n.signed, n.next))]);
  return h('dl', { class: 'kv' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function proofLine(p) {
  if (p.kind === 'program') return h('p', { class: 'small', 'data-proof': 'program' }, t('Program proof for program $1 at block $2: on approval, Leash re-reads the oracle there and verifies the proof before signing.', short(p.program), p.block));
  return h('p', { class: 'small', 'data-proof': p.ok ? 'ok' : p.code }, p.ok ? h('span', { class: 'ok' }, t('✓ Proof verifies for this exact transaction')) : h('span', { class: 'reason' }, t('✗ Proof: $1 $2', p.code, p.message || '')));
}

// The guard delay: a dapp request's approve button waits a moment after
// the request is first shown (and again whenever this window loses and
// regains the focus), so a window that pops up under the cursor cannot take
// a click meant for something else. The worker enforces it too.
const shownAt = new Map(); // id#rev → when first rendered
window.addEventListener('blur', () => shownAt.clear());
window.addEventListener('focus', () => render());
function guarded(a) {
  const k = a.id + '#' + a.rev;
  if (!shownAt.has(k)) shownAt.set(k, Date.now());
  const left = shownAt.get(k) + (a.guardMs || 0) - Date.now();
  if (left > 0) setTimeout(() => render(), left + 20);
  return left > 0;
}

function approvalCard(a) {
  const decide = (ok, extra = {}) => act(async () => {
    await call(ok ? 'approve' : 'reject', { id: a.id, ...extra });
  });
  const wait = a.kind !== 'proposal' && guarded(a);
  const buttons = (approveLabel, getExtra, canApprove = true) => h('div', { class: 'row', style: 'margin-top:10px' },
    canApprove ? h('button', { class: 'primary', 'data-approve': a.id, disabled: busy || wait, onclick: () => decide(true, getExtra ? getExtra() : {}) }, approveLabel) : null,
    h('button', { 'data-reject': a.id, disabled: busy, onclick: () => decide(false) }, t('Reject')));
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
      h('div', { class: 'spread' }, h('h2', {}, t('Agent proposal')), h('span', { class: 'mono muted' }, p.id)),
      warnings(p.warnings, a.id),
      txRows(p.tx, p.nonce),
      p.rule ? h('p', { class: 'small', 'data-rule': '' }, h('span', { class: 'ok' }, t('Allowed by:')), ' ', p.rule) : null,
      p.ruleArgs && p.ruleArgs.length ? h('ul', { class: 'small', 'data-rule-args': '' },
        p.ruleArgs.map((r) => h('li', { 'data-rule-arg': r.name }, h('span', { class: 'mono' }, `${r.name} (${r.type}) = ${r.value}`), ': ', r.rule))) : null,
      p.spend ? h('p', { class: 'small', 'data-spend': '' }, t('Counts $1', p.spend)) : null,
      p.violation ? h('p', { class: 'reason', 'data-violation': p.violation.code }, p.violation.code + ': ' + p.violation.message) : null,
      proofLine(p.proof),
      buttons(t('Approve and sign'), () => ({ digest: p.digest })));
  }
  const rev = () => ({ rev: a.rev });
  const own = h('p', { class: 'small muted' }, t('This is your own action, outside the agent\'s policy.'));
  if (a.kind === 'connect') {
    return h('div', { class: 'card', 'data-approval': a.id },
      h('h2', {}, t('Connect to $1', a.origin)),
      h('p', {}, t('This site will see your address $1 and can ask you to approve actions. It cannot move funds by itself.', view.status.account ? view.status.account.address : '')),
      buttons(t('Connect'), rev));
  }
  if (a.kind === 'tx' || a.kind === 'sign' || a.kind === 'typed') {
    const refuse = (a.kind === 'sign' && a.message && a.message.refuse) || (a.kind === 'typed' && a.typed && a.typed.refuse);
    const titles = { tx: t('Transaction from $1', a.origin), sign: t('Sign a message for $1', a.origin), typed: t('Sign typed data for $1', a.origin) };
    return h('div', { class: 'card', 'data-approval': a.id },
      h('h2', {}, titles[a.kind]),
      a.error ? h('div', { class: 'reason' }, a.error) : null,
      a.batch ? h('p', { class: 'small', 'data-batch': String(a.batch.index) }, t('Call $1 of $2 of a batch: each call is approved and sent on its own.', a.batch.index, a.batch.count)) : null,
      a.kind === 'tx' && a.tx ? [warnings(a.tx.warnings, a.id), a.network && !a.network.policy ? h('p', { class: 'small', 'data-network': a.network.chainId }, t('On $1 (chain $2), not the agent\'s network.', a.network.name, a.network.chainId)) : null, txRows(a.tx)] : null,
      a.kind === 'sign' && a.message ? messageBody(a.message, a.id) : null,
      a.kind === 'typed' && a.typed ? typedBody(a.typed, a.id) : null,
      refuse ? null : own,
      buttons(a.kind === 'tx' ? (a.tx && a.tx.create ? t('Sign and deploy') : t('Sign and send')) : t('Sign'), rev, !refuse && !a.error));
  }
  if (a.kind === 'switch' || a.kind === 'network') {
    const n = a.network || {};
    return h('div', { class: 'card', 'data-approval': a.id },
      h('h2', {}, a.kind === 'switch' ? t('Switch network for $1', a.origin) : t('Add a network for $1', a.origin)),
      a.error ? h('div', { class: 'reason' }, a.error) : null,
      h('dl', { class: 'kv', 'data-chain': n.chainId },
        h('dt', {}, t('Network')), h('dd', {}, n.name || ''),
        h('dt', {}, t('Chain')), h('dd', {}, String(n.chainId)),
        n.rpcUrl ? [h('dt', {}, t('RPC')), h('dd', { class: 'mono' }, n.rpcUrl)] : null,
        n.symbol ? [h('dt', {}, t('Currency')), h('dd', {}, n.symbol)] : null),
      h('p', { class: 'small muted' }, a.kind === 'network'
        ? t('Leash checked that this RPC answers for chain $1. Sites will use it for your own transactions; your agent stays on its policy\'s network.', n.chainId)
        : t('Sites will use this network for your own transactions; your agent stays on its policy\'s network.')),
      buttons(a.kind === 'switch' ? t('Switch') : t('Add and switch'), rev));
  }
  if (a.kind === 'task') {
    return h('div', { class: 'card', 'data-approval': a.id },
      h('h2', {}, t('Task for your agent from $1', a.origin)),
      h('pre', { class: 'desc mono' }, a.request),
      h('p', { class: 'small muted' }, t('Forwarded to your agent host. Any transaction it proposes is still checked against your policy.')),
      buttons(t('Forward to agent'), rev));
  }
  return h('div', { class: 'card' }, t('Unknown request'));
}

// typedBody: the core's rows of a typed-data document (domain, then the
// message), amounts in token units where the token is known.
function typedBody(td, id) {
  const rows = (list) => h('dl', { class: 'kv' }, list.map((r) => [
    h('dt', {}, r.path), h('dd', { 'data-path': r.path, class: r.type === 'address' || r.type.startsWith('bytes') ? 'mono' : '' },
      r.units ? [h('span', { 'data-units': r.units }, r.units), h('span', { class: 'small muted' }, ' (' + r.value + ')')] : r.value)]));
  return [
    td.refuse ? h('div', { class: 'banner red', 'data-refuse': td.refuse.code }, td.refuse.message) : null,
    warnings(td.warnings, id),
    h('p', {}, h('strong', {}, td.primaryType || t('Typed data (v1)')), td.contract ? [' ', t('for contract'), ' ', addrView(td.contract)] : null),
    td.domain.length ? [h('h3', {}, t('Domain')), rows(td.domain)] : null,
    h('h3', {}, t('Message')), h('div', { 'data-typed': td.primaryType || 'v1' }, rows(td.message)),
  ];
}

function messageBody(m, id) {
  const out = [];
  if (m.refuse) out.push(h('div', { class: 'banner red', 'data-refuse': m.refuse.code }, m.refuse.message));
  out.push(warnings(m.warnings, id));
  if (m.siwe) {
    out.push(h('dl', { class: 'kv', 'data-siwe': m.siwe.domain },
      h('dt', {}, t('Sign in to')), h('dd', {}, (m.siwe.scheme ? m.siwe.scheme + '://' : '') + m.siwe.domain),
      h('dt', {}, t('Account')), h('dd', { class: 'mono' }, m.siwe.address),
      h('dt', {}, t('URI')), h('dd', { class: 'mono' }, m.siwe.uri),
      h('dt', {}, t('Chain')), h('dd', {}, m.siwe.chainId)));
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
  if (!activity) return h('div', { class: 'empty' }, t('Loading…'));
  const rows = activity.rows;
  return h('div', { 'data-list': 'activity' },
    activity.ok === false ? h('div', { class: 'banner red' }, t('The audit log does not verify: $1', activity.error)) : null,
    rows.length ? null : h('div', { class: 'empty' }, t('No activity yet.')),
    rows.map((r) => h('div', { class: 'act', 'data-decision': r.decision, 'data-id': r.id || '' },
      h('div', { class: 'dot ' + r.decision }),
      h('div', {},
        h('div', {}, title(r)),
        r.code ? h('div', { class: 'reason' }, r.code + (r.message ? ': ' + r.message : '')) : (r.message ? h('div', { class: 'small muted' }, r.message) : null),
        r.txHash ? h('div', { class: 'mono muted', title: r.txHash }, t('tx $1', short(r.txHash))) : null),
      h('div', { class: 'small muted' }, ago(r.time)))));
}

// title: the row's headline from the core's display model (the audit
// rows carry the decoded recipient with its label and the value as text).
function title(r) {
  const kinds = { pause: t('Kill switch'), integrity: t('Storage check'), site: t('Site'), sign: t('Signature'), task: t('Task'), user_signature: t('Your signature') };
  const what = r.id && r.kind !== 'user_signature' ? (r.id.startsWith('user:') ? t('Your transaction') : t('Proposal $1', r.id)) : (kinds[r.kind] || t('Event'));
  const verb = { signed: t('signed'), mined: t('mined'), rejected: t('rejected'), pending: t('waiting'), broadcast: t('broadcast'), broadcast_failed: t('broadcast failed'), reverted: t('reverted'), forwarded: t('forwarded'), queued: t('queued'), connected: t('connected'), disconnected: t('disconnected'), info: '' }[r.decision] ?? r.decision;
  return h('span', {}, what + (verb ? ' ' + verb : ''),
    r.to ? [' → ', addrView(r.to)] : null,
    r.valueText && r.valueText !== '0 ETH' ? ' · ' + r.valueText : null,
    r.nonce !== undefined && r.nonce !== null ? ' · ' + t('nonce $1', r.nonce) : null,
    r.block ? ' ' + t('in block $1', r.block) : null);
}

// ---- pairing (extension/ui/pairing.js) ----
function pairCtx() {
  return { view, act, call, keep, render };
}

// ---- setup ----
function setupTab() {
  return h('div', { class: 'stack', 'data-tab-body': 'setup' }, policyCard(), programsCard(), pairingCard(pairCtx()), sitesCard(), networksCard(), networkCard(), buildCard());
}

// networksCard: the agent's network (the policy's chain, pinned) and the
// networks added for sites, which one sites are on, and the isMetaMask
// setting for sites that look only for MetaMask.
function networksCard() {
  const s = view.settings;
  const current = s.dappChainId || s.chainId;
  const all = [{ chainId: s.chainId, name: t('Agent network'), rpcUrl: s.rpcUrl, policy: true }, ...(s.networks || [])];
  const mm = s.presentAsMetaMask !== false;
  return h('div', { class: 'card', 'data-card': 'networks' },
    h('h2', {}, t('Networks for sites')),
    h('ul', { class: 'plain', id: 'network-list' }, all.map((n) => h('li', { 'data-network': String(n.chainId) },
      h('span', {}, n.chainId === current ? t('$1 · chain $2 · sites use it', n.name, n.chainId) : t('$1 · chain $2', n.name, n.chainId)),
      h('span', { class: 'mono small muted', style: 'flex-basis:100%' }, n.rpcUrl),
      n.chainId !== current ? h('button', { class: 'small', 'data-use-network': String(n.chainId), onclick: () => act(() => call('useNetwork', { chainId: n.chainId })) }, t('Use for sites')) : null,
      n.policy ? null : h('button', { class: 'small', 'data-remove-network': String(n.chainId), onclick: () => act(() => call('removeNetwork', { chainId: n.chainId })) }, t('Remove'))))),
    h('p', { class: 'small muted' }, t('Your agent always uses its policy\'s chain and the RPC below, whatever network a site chose.')),
    h('div', { class: 'spread' },
      h('span', { id: 'mm-label' }, t('Present Leash as MetaMask to sites that only look for MetaMask')),
      h('button', { role: 'switch', id: 'present-mm', 'aria-checked': String(mm), 'aria-labelledby': 'mm-label', class: mm ? 'on' : '', onclick: () => act(() => call('settings', { presentAsMetaMask: !mm })) }, mm ? t('On') : t('Off'))));
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
    h('h2', {}, t('This build')),
    h('dl', { class: 'kv' },
      h('dt', {}, t('Version')), h('dd', {}, build.version || '…'),
      h('dt', {}, t('leash.wasm SHA-256')), h('dd', { class: 'mono', id: 'wasm-sha256', style: 'word-break:break-all' }, build.wasmSHA256 || build.error || '…')),
    h('p', { class: 'small muted' }, t('The signer core running now. It should equal leash.wasm in the release\'s SHA256SUMS, or sha256sum dist/leash.wasm after make wasm from the same source.')));
}

// sitesCard: the sites that may see the address and ask for approvals;
// disconnecting one tells its pages accountsChanged([]).
function sitesCard() {
  const sites = view.origins || [];
  return h('div', { class: 'card', 'data-card': 'sites' },
    h('h2', {}, t('Connected sites')),
    sites.length
      ? h('ul', { class: 'plain', id: 'site-list' }, sites.map((o) => h('li', { 'data-site': o.origin },
        h('span', { class: 'mono' }, o.origin), h('span', { class: 'small muted' }, ' ' + t('since $1', new Date(o.since).toLocaleDateString())),
        h('button', { class: 'small', 'data-disconnect': o.origin, onclick: () => act(() => call('disconnectSite', { origin: o.origin })) }, t('Disconnect')))))
      : h('p', { class: 'muted', id: 'no-sites' }, t('No site is connected.')));
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
    if (!doc || !vk) throw Object.assign(new Error(t('choose the program (or its pin) and its template\'s verifying key (program-<template>.vk)')), { code: 'malformed' });
    await call('pinProgram', { program: doc, vk: await fileBase64(vk) });
    docFile.value = '';
    vkFile.value = '';
  });
  return h('div', { class: 'card', 'data-card': 'programs' },
    h('h2', {}, t('Strategy programs')),
    programs.length
      ? h('ul', { class: 'plain', id: 'program-list' }, ...programs.map((p) => h('li', { 'data-program': p.commitment },
        h('span', { class: 'mono' }, short(p.commitment)), ' ' + t('$1 template, oracle', p.template) + ' ', h('span', { class: 'mono', 'data-oracle': p.oracle }, p.oracle), ' ',
        h('button', { class: 'small', 'data-unpin': p.commitment, onclick: () => act(() => call('unpinProgram', { commitment: p.commitment })) }, t('Unpin')))))
      : h('p', { class: 'muted', id: 'no-programs' }, t('No program pinned: program proposals are refused. Policy proposals are not affected.')),
    h('p', { class: 'small' }, t('A program proof shows the trade is what the committed program computes from the oracle. Before signing, Leash re-reads the oracle itself over your JSON-RPC URL.')),
    h('label', {}, t('Program or its pin (leash program pin FILE)')), docFile,
    h('label', {}, t('Verifying key (leash program setup: program-<template>.vk)')), vkFile,
    h('div', { class: 'row', style: 'margin-top:8px' }, h('button', { id: 'pin-program', onclick: pin }, t('Pin program'))));
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
    if (!doc || !vk) throw Object.assign(new Error(t('choose a policy file and the verifying key (policy.vk)')), { code: 'malformed' });
    const typed = typedFile.files[0];
    await call('pinPolicy', { policy: doc, vk: await fileBase64(vk), ...(typed ? { typedVK: await fileBase64(typed) } : {}) });
    polFile.value = '';
    vkFile.value = '';
    typedFile.value = '';
    preview.replaceChildren();
  });
  return h('div', { class: 'card', 'data-card': 'policy' },
    h('h2', {}, t('Policy')),
    p ? h('div', {},
      h('dl', { class: 'kv' },
        h('dt', {}, t('Name')), h('dd', {}, p.name || t('Unnamed')),
        h('dt', {}, t('Commitment')), h('dd', { class: 'mono', id: 'commitment' }, p.commitment),
        h('dt', {}, t('VK hash')), h('dd', { class: 'mono', id: 'vkhash' }, p.vkHash)),
      h('details', {}, h('summary', { class: 'small' }, t('What the agent may do')), h('pre', { class: 'desc', id: 'policy-description' }, p.description)))
      : h('p', { class: 'muted' }, t('No policy pinned: the agent can get nothing signed.')),
    h('h3', {}, p ? t('Replace') : t('Import')),
    h('label', {}, t('Policy file (policy.json)')), polFile,
    h('label', {}, t('Verifying key from leash setup (policy.vk)')), vkFile,
    h('label', {}, t('Typed-data key, for signatures such as x402 payments (typed.vk, optional)')), typedFile,
    preview,
    h('div', { class: 'row', style: 'margin-top:8px' },
      h('button', { class: 'primary', id: 'pin', onclick: pin }, t('Pin policy')),
      h('button', { onclick: () => chrome.tabs.create({ url: chrome.runtime.getURL('ui/onboarding.html#policy') }) }, t('Write one in a form…'))));
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
  const rpc2 = keep('rpc-url2', () => h('input', { id: 'rpc-url2', placeholder: t('optional: another provider'), value: view.settings.rpcUrl2 || '' }));
  const age = keep('max-block-age', () => h('input', { id: 'max-block-age', type: 'number', min: 1, max: 64, value: view.settings.maxBlockAge }));
  const lock = keep('autolock', () => h('input', { id: 'autolock', type: 'number', min: 1, max: 1440, value: view.settings.autoLockMinutes }));
  const registry = keep('registry', () => h('input', { id: 'registry', placeholder: t('0x… (empty: no on-chain check)'), value: view.settings.registry || '' }));
  const fee = keep('fee-warn', () => h('input', { id: 'fee-warn', value: weiToEth(view.settings.feeWarnWei) }));
  const su = view.storage;
  return h('div', { class: 'card', 'data-card': 'network' },
    h('h2', {}, t('Network and safety')),
    h('label', {}, t('JSON-RPC URL (must serve the policy\'s chain)')), rpc,
    h('label', {}, t('Second JSON-RPC URL (every chain read must agree on both)')), rpc2,
    h('label', {}, t('Policy registry (checked before every signature; revoke there to stop the agent)')), registry,
    h('label', {}, t('Program inputs may be this many blocks old')), age,
    h('label', {}, t('Lock after this many minutes without your activity')), lock,
    h('label', {}, t('Warn when a transaction may pay more than this in fees (ETH)')), fee,
    h('button', { style: 'margin-top:8px', onclick: () => act(() => call('settings', { rpcUrl: rpc.value, rpcUrl2: rpc2.value.trim(),
      registry: registry.value.trim(), maxBlockAge: Number(age.value), autoLockMinutes: Number(lock.value), feeWarnWei: ethToWei(fee.value) })) }, t('Save')),
    su ? h('p', { class: 'small muted', id: 'storage-use' }, t('Storage: $1 MiB of $2 MiB used.', (su.bytes / 1048576).toFixed(2), (su.quota / 1048576).toFixed(0))) : null);
}

function weiToEth(w) {
  const v = BigInt(w || '0');
  const unit = 10n ** 18n;
  const frac = (v % unit).toString().padStart(18, '0').replace(/0+$/, '');
  return (v / unit).toString() + (frac ? '.' + frac : '');
}

function ethToWei(s) {
  const m = /^\s*(\d{1,20})(?:\.(\d{1,18}))?\s*$/.exec(s);
  if (!m) throw Object.assign(new Error(t('the fee threshold is an amount of ETH, e.g. 0.01')), { code: 'malformed' });
  return (BigInt(m[1]) * 10n ** 18n + BigInt((m[2] || '').padEnd(18, '0') || '0')).toString();
}

document.title = t('Leash');
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
