import { call, errorText, h, logo, renderInto, t } from './common.js';

const app = document.getElementById('app');
let step = location.hash === '#policy' ? 'policy' : 'start';
let mnemonic = null; // only while the user writes it down and confirms it
let address = null;
let quiz = [];
let error = '';

function go(s) {
  step = s;
  error = '';
  render();
}

async function act(fn) {
  error = '';
  try {
    await fn();
  } catch (e) {
    error = errorText(e);
  }
  render();
}

function render() {
  const body = { start, create, show, confirm, import: importScreen, done, policy: policyScreen }[step]();
  renderInto(app, h('div', {}, h('div', { class: 'row', style: 'margin-bottom:18px' }, logo(), h('h1', {}, t('Leash'))),
    h('div', { class: 'card stack', 'data-step': step }, body, h('div', { class: 'error', id: 'error', role: 'alert' }, error))));
}

function start() {
  return [
    h('h2', {}, t('Your agent\'s wallet, on a leash')),
    h('p', {}, t('Leash holds your key here, in your browser. Your AI agent proposes transactions from its server with a zero-knowledge proof that they fit the policy you set. Leash signs only what the proof binds.')),
    h('div', { class: 'row' },
      h('button', { class: 'primary', id: 'create', onclick: () => go('create') }, t('Create a new wallet')),
      h('button', { id: 'import', onclick: () => go('import') }, t('I have a recovery phrase'))),
  ];
}

function passwordFields() {
  const pw = h('input', { type: 'password', id: 'pw', autocomplete: 'new-password' });
  const pw2 = h('input', { type: 'password', id: 'pw2', autocomplete: 'new-password' });
  const check = () => {
    if (pw.value.length < 8) throw Object.assign(new Error(t('use at least 8 characters')), { code: 'password' });
    if (pw.value !== pw2.value) throw Object.assign(new Error(t('the two passwords differ')), { code: 'password' });
    return pw.value;
  };
  return { fields: [h('label', {}, t('Password (at least 8 characters)')), pw, h('label', {}, t('Password again')), pw2], check };
}

function create() {
  const p = passwordFields();
  return [
    h('h2', {}, t('Set a password')),
    h('p', { class: 'muted' }, t('It encrypts your recovery phrase on this computer. Leash cannot recover it for you.')),
    ...p.fields,
    h('button', { class: 'primary', id: 'create-go', onclick: () => act(async () => {
      const r = await call('createVault', { password: p.check(), words: 12 });
      mnemonic = r.mnemonic;
      address = r.address;
      step = 'show';
    }) }, t('Create wallet')),
  ];
}

function show() {
  const words = mnemonic.split(' ');
  const ok = h('input', { type: 'checkbox', id: 'wrote', style: 'width:auto' });
  return [
    h('h2', {}, t('Write down your recovery phrase')),
    h('p', {}, t('These 12 words are the only way to restore this wallet. Write them on paper, in order. Anyone who sees them controls your funds.')),
    h('div', { class: 'words', id: 'mnemonic' }, words.map((w) => h('span', {}, w))),
    h('label', { class: 'row' }, ok, h('span', {}, t('I wrote the words down'))),
    h('button', { class: 'primary', id: 'show-next', onclick: () => {
      if (!ok.checked) { error = t('tick the box once the words are on paper'); render(); return; }
      const idx = [...Array(words.length).keys()].sort(() => Math.random() - 0.5).slice(0, 3).sort((a, b) => a - b);
      quiz = idx;
      go('confirm');
    } }, t('Continue')),
  ];
}

function confirm() {
  const words = mnemonic.split(' ');
  const inputs = quiz.map((i) => h('input', { 'data-word': String(i + 1), autocomplete: 'off', spellcheck: 'false' }));
  return [
    h('h2', {}, t('Confirm your phrase')),
    h('p', { class: 'muted' }, t('Type the words at these positions.')),
    quiz.map((i, k) => [h('label', {}, t('Word #$1', i + 1)), inputs[k]]),
    h('div', { class: 'row', style: 'margin-top:10px' },
      h('button', { class: 'primary', id: 'confirm-go', onclick: () => {
        const bad = quiz.filter((i, k) => inputs[k].value.trim().toLowerCase() !== words[i]);
        if (bad.length) { error = t('word #$1 does not match', bad[0] + 1); render(); return; }
        mnemonic = null; // no longer needed in this page
        go('done');
      } }, t('Confirm')),
      h('button', { onclick: () => go('show') }, t('Show the words again'))),
  ];
}

function importScreen() {
  const m = h('textarea', { id: 'phrase', rows: 3, spellcheck: 'false', autocomplete: 'off', placeholder: t('twelve or twenty-four words') });
  const p = passwordFields();
  return [
    h('h2', {}, t('Import a recovery phrase')),
    h('label', {}, t('Recovery phrase')), m,
    ...p.fields,
    h('button', { class: 'primary', id: 'import-go', onclick: () => act(async () => {
      const r = await call('importVault', { mnemonic: m.value.trim().toLowerCase().split(/\s+/).join(' '), password: p.check() });
      m.value = '';
      address = r.address;
      step = 'done';
    }) }, t('Import')),
  ];
}

function done() {
  return [
    h('h2', {}, t('Your wallet is ready')),
    h('p', {}, t('Your address:')),
    h('p', { class: 'mono', id: 'address', style: 'font-size:15px' }, address),
    h('h3', {}, t('Next')),
    h('ol', {},
      h('li', {}, t('Write or import the policy your agent must follow, and run $1 on this computer for its keys.', 'leash setup')),
      h('li', {}, t('Open the Leash popup → Setup: pin the policy and its verifying key.')),
      h('li', {}, t('Pair your agent host once with the pairing URI or QR code shown there (it expires after 15 minutes and works once); confirm only when both show the same six-digit pairing code.'))),
    h('button', { onclick: () => go('policy') }, t('Write a policy in a form')),
  ];
}

// ---- policy form: writes a policy document the user saves, commits and
// pins (the agent host needs the same file, salt included, to prove).
function policyScreen() {
  const f = (id, label, value, attrs = {}) => {
    const el = h('input', { id, value, ...attrs });
    return { el, row: [h('label', {}, label), el] };
  };
  const name = f('p-name', t('Name'), t('My agent'));
  const chain = f('p-chain', t('Chain id'), '1337');
  const perTx = f('p-pertx', t('At most per transaction'), '0.1 ether');
  const win = f('p-window', t('At most per window'), '1 ether');
  const winSec = f('p-window-sec', t('Window length (seconds)'), '86400');
  const fee = f('p-fee', t('Fee cap per transaction'), '0.01 ether');
  const winFees = f('p-window-fees', t('Fees at most per window'), '0.1 ether');
  const winTxs = f('p-window-txs', t('Transactions at most per window'), '100');
  const days = f('p-days', t('Valid for (days)'), '365');
  const targets = h('textarea', { id: 'p-targets', rows: 4, placeholder: t('0x… label (one address per line: may receive ETH)') });
  const out = h('div', {});
  let account = address;
  const build = () => {
    const now = Math.floor(Date.now() / 1000);
    const salt = '0x' + [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const ts = targets.value.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
      const [address, ...rest] = l.split(/\s+/);
      return { address, label: rest.join(' ') || undefined, calls: [{ fn: 'transfer-value' }] };
    });
    // Policy format 2: the account it is for ("self") is the wallet's.
    return JSON.stringify({
      version: 2, name: name.el.value, chainId: Number(chain.el.value), account,
      notBefore: new Date((now - 60) * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
      notAfter: new Date((now + Number(days.el.value) * 86400) * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
      maxValuePerTx: perTx.el.value, maxFeePerTx: fee.el.value,
      window: { seconds: Number(winSec.el.value), maxValue: win.el.value, maxFees: winFees.el.value, maxTxs: Number(winTxs.el.value) },
      targets: ts, salt,
    }, null, 2);
  };
  return [
    h('h2', {}, t('Write a policy')),
    h('p', { class: 'muted' }, t('Amounts take units ("0.1 ether", "50 gwei") or wei. For token rules, edit the saved file (see docs/policy.md).')),
    name.row, chain.row, perTx.row, win.row, winSec.row, fee.row, winFees.row, winTxs.row, days.row,
    h('label', {}, t('Destinations')), targets,
    h('div', { class: 'row', style: 'margin-top:10px' },
      h('button', { class: 'primary', id: 'p-check', onclick: () => act(async () => {
        account = (await call('view')).status.address;
        const doc = build();
        const info = await call('describePolicy', { policy: doc });
        const blob = new Blob([doc], { type: 'application/json' });
        out.replaceChildren(
          h('div', { class: 'banner green' }, h('pre', { class: 'desc' }, info.description)),
          info.warnings.length ? h('div', { class: 'banner amber' }, info.warnings.join(' ')) : null,
          h('p', {}, h('a', { href: URL.createObjectURL(blob), download: 'policy.json', id: 'p-download' }, t('Save policy.json')),
            ' ', t('— then run $1, give the agent host policy.json and keys/policy.pk, and pin policy.json with keys/policy.vk in the popup.', 'leash setup --out keys')));
      }) }, t('Check and save'))),
    out,
  ];
}

document.title = t('Set up Leash');
(async () => {
  try {
    const v = await call('view');
    if (v.status.vault !== 'none' && step === 'start') {
      address = v.status.address;
      step = 'done';
    }
  } catch (e) {
    error = errorText(e);
  }
  render();
})();
