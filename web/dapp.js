// The demo dapp: EIP-6963 discovery, eth_requestAccounts, and
// leash_requestAgentAction. It uses only the standard provider API.
const $ = (id) => document.getElementById(id);
const wallets = new Map(); // uuid → {info, provider}
let leash = null;

function showError(e) {
  $('error').textContent = e ? `${e.code ?? ''} ${e.message}`.trim() : '';
}

function renderWallets() {
  const ul = $('wallets');
  ul.replaceChildren();
  for (const { info } of wallets.values()) {
    const li = document.createElement('li');
    const img = document.createElement('img');
    img.src = info.icon;
    img.alt = '';
    const name = document.createElement('span');
    name.textContent = `${info.name} (${info.rdns})`;
    li.append(img, name);
    li.dataset.rdns = info.rdns;
    ul.append(li);
  }
  if (!wallets.size) ul.innerHTML = '<li class="muted">No wallet found. Install Leash.</li>';
}

window.addEventListener('eip6963:announceProvider', (ev) => {
  const d = ev.detail;
  if (!d || !d.info || !d.provider || typeof d.info.uuid !== 'string') return;
  wallets.set(d.info.uuid, d);
  if (d.info.rdns === 'dev.leash-wallet' && !leash) {
    leash = d.provider;
    $('connect').disabled = false;
    leash.on('accountsChanged', (a) => setAccount(a));
    leash.on('chainChanged', (c) => { $('chain').textContent = String(parseInt(c, 16)); });
    leash.request({ method: 'eth_chainId' }).then((c) => { $('chain').textContent = String(parseInt(c, 16)); }).catch(showError);
    leash.request({ method: 'eth_accounts' }).then(setAccount).catch(() => {});
  }
  renderWallets();
});
window.dispatchEvent(new Event('eip6963:requestProvider'));
setTimeout(renderWallets, 500);

function setAccount(accounts) {
  const a = accounts && accounts[0];
  $('account').textContent = a || 'not connected';
  $('ask').disabled = !a;
  document.body.dataset.account = a || '';
}

$('connect').addEventListener('click', async () => {
  showError(null);
  try {
    setAccount(await leash.request({ method: 'eth_requestAccounts' }));
  } catch (e) {
    showError(e);
  }
});

$('ask').addEventListener('click', async () => {
  showError(null);
  $('result').textContent = 'Waiting for your approval in Leash…';
  try {
    const r = await leash.request({ method: 'leash_requestAgentAction', params: [{ task: $('task').value }] });
    $('result').textContent = JSON.stringify(r, null, 2);
    document.body.dataset.task = r.status;
  } catch (e) {
    $('result').textContent = '';
    showError(e);
  }
});
