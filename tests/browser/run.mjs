// End-to-end tests of the Leash extension in headless Chromium (Debian's
// chromium through playwright-core; never a downloaded browser), against a
// real relay (`leash relay`), a real go-ethereum dev node and a real agent
// host (tests/browser/agent: the prover library and the relay's Go client).
//
// Usage: node tests/browser/run.mjs   (scripts/test.d/50-browser.sh builds
// everything first). Environment: LEASH_BIN (default bin/leash), AGENT_BIN,
// DEVNET_CMD (JSON array; default [LEASH_BIN, "devnet"]), KEYS_DIR, BENCH_N,
// FLOOD_N (hostile proposals of the flood test, default 10,000).
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ethers } from 'ethers';
import { assert, fillPassword, freePort, launchExtension, log, makeTest, start as startProc, until } from './lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXT = path.join(ROOT, 'dist/extension');
const ART = path.join(ROOT, 'artifacts/browser');
const LEASH = process.env.LEASH_BIN || path.join(ROOT, 'bin/leash');
const AGENT = process.env.AGENT_BIN || path.join(ROOT, 'bin/leash-test-agent');
const BENCH_N = Number(process.env.BENCH_N || 20);
// The flood test: hostile proposals from the agent host (FLOOD_N), and the
// bound chrome.storage.local must stay under throughout (docs/extension.md
// lists the budget it comes from).
const FLOOD_N = Number(process.env.FLOOD_N || 10000);
const STORAGE_BOUND = 6 * 1048576;
const PASSWORD = 'correct horse battery staple';
fs.rmSync(ART, { recursive: true, force: true });
fs.mkdirSync(ART, { recursive: true });

const procs = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leash-browser-'));
let context = null;
const { test, results, failures } = makeTest({ art: ART, context: () => context, abort: true });

// run runs a command to completion and resolves to its stdout.
function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(cmd)} ${args.slice(0, 2).join(' ')}: exit ${code}: ${err || out}`))));
  });
}

const start = (cmd, args, name) => startProc(cmd, args, name, ART, procs);

// programKeys resolves to a directory holding the threshold program's
// setup made from this source (scripts/demo-keys.sh, the demo's keys: an
// older circuit's key, left in a cache, is made again rather than refused
// by the registry as "the key of no template's circuit").
let programKeysDir;
const programKeys = () => (programKeysDir ||= run(path.join(ROOT, 'scripts/demo-keys.sh'), []).then((out) => path.resolve(ROOT, out.trim())));

function cleanup() {
  for (const p of procs) if (p.exited === undefined) p.kill('SIGTERM');
}
process.on('exit', cleanup);

// ---------------------------------------------------------------- setup
log('starting devnet, relay and agent');
let devnetCmd = process.env.DEVNET_CMD ? JSON.parse(process.env.DEVNET_CMD) : [LEASH, 'devnet', '--addr', '127.0.0.1:0', '--deploy'];
const devnet = start(devnetCmd[0], devnetCmd.slice(1), 'devnet');
const devInfo = await devnet.next((e) => e.rpc, 20000);
const RPC = devInfo.rpc;

// A JSON-RPC proxy in front of the dev node that can lie: lie.method's
// answer is replaced by lie.result (the "RPC is not trusted" tests).
const lie = { method: null, result: null };
const proxyPort = await freePort();
const LYING_RPC = `http://127.0.0.1:${proxyPort}`;
const proxy = http.createServer(async (req, res) => {
  let body = '';
  for await (const c of req) body += c;
  let out;
  try {
    const q = JSON.parse(body);
    out = q.method === lie.method
      ? JSON.stringify({ jsonrpc: '2.0', id: q.id, result: lie.result })
      : await (await fetch(RPC, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).text();
  } catch (e) {
    res.writeHead(502);
    res.end(String(e));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
  res.end(out);
}).listen(proxyPort, '127.0.0.1');

const relayPort = await freePort();
const relay = start(LEASH, ['relay', '--addr', `127.0.0.1:${relayPort}`, '--data', path.join(tmp, 'relay')], 'relay');
const RELAY = `ws://127.0.0.1:${relayPort}/v1/ws`;
await until('relay /healthz', () => fetch(`http://127.0.0.1:${relayPort}/healthz`).then((r) => r.ok), 15000);

const agent = start(AGENT, ['--rpc', RPC, '--keys', process.env.KEYS_DIR || path.join(ROOT, '.cache/browser-keys')], 'agent');
const send = (cmd) => agent.stdin.write(JSON.stringify(cmd) + '\n');
const ready = await agent.next((e) => e.event === 'ready' || e.event === 'error', 180000);
assert(ready.event === 'ready', 'agent ready: ' + JSON.stringify(ready));
log('agent ready; vk hash', ready.vkHash);

const webPort = await freePort();
const webRoot = path.join(ROOT, 'web');
const web = http.createServer((req, res) => {
  const p = path.normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '') || 'index.html';
  const file = path.join(webRoot, p);
  if (!file.startsWith(webRoot) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) { res.writeHead(404); res.end(); return; }
  const type = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }[path.extname(file)] || 'application/octet-stream';
  res.writeHead(200, { 'content-type': type });
  fs.createReadStream(file).pipe(res);
}).listen(webPort, '127.0.0.1');
// A second origin for the page-flood test (same files, another port).
const webPort2 = await freePort();
const web2 = http.createServer((req, res) => web.emit('request', req, res)).listen(webPort2, '127.0.0.1');

const launched = await launchExtension(EXT, path.join(tmp, 'profile'), ART, 'ui/popup.html?tab=approvals');
context = launched.context;
let sw = launched.sw;
const { extId, extURL, api } = launched;
log('extension', extId);

// An extension page used to talk to the approver API and to read storage.
const popup = launched.apiPage;
const shot = (page, name) => page.screenshot({ path: path.join(ART, name + '.png'), fullPage: true });

let mnemonic = null;
let address = null;
const ETH = 10n ** 18n;

function receipt(id, status, timeoutMs = 20000) {
  return agent.next((e) => e.event === 'receipt' && e.kind === 'receipt' && e.body && e.body.id === id && (!status || e.body.status === status), timeoutMs);
}

async function rpcCall(method, params) {
  const r = await fetch(RPC, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const j = await r.json();
  if (j.error) throw new Error(j.error.message);
  return j.result;
}

// ---------------------------------------------------------------- tests
try {
  await test('onboarding: create a wallet, confirm words, see the address', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 760, height: 760 });
    await page.goto(extURL('ui/onboarding.html'));
    await page.click('#create');
    await page.fill('#pw', PASSWORD);
    await page.fill('#pw2', PASSWORD);
    await page.click('#create-go');
    await page.waitForSelector('#mnemonic');
    const words = await page.$$eval('#mnemonic span', (els) => els.map((e) => e.textContent));
    assert(words.length === 12, '12 words');
    mnemonic = words.join(' ');
    await shot(page, '01-onboarding-mnemonic');
    await page.check('#wrote');
    await page.click('#show-next');
    for (const input of await page.$$('[data-word]')) {
      const n = Number(await input.getAttribute('data-word'));
      await input.fill(words[n - 1]);
    }
    await page.click('#confirm-go');
    address = (await page.textContent('#address')).trim();
    assert(/^0x[0-9a-fA-F]{40}$/.test(address), 'address shown: ' + address);
    assert(ethers.HDNodeWallet.fromPhrase(mnemonic).address.toLowerCase() === address.toLowerCase(), 'address is BIP-44 index 0 of the mnemonic');
    await shot(page, '02-onboarding-done');
    await page.close();
    // A v2 policy commits the account ("self"): the agent writes it now.
    const mark = agent.lines.length;
    send({ cmd: 'policy', account: address });
    const pol = await agent.next((e) => e.event === 'policy' || e.event === 'error', 20000, mark);
    assert(pol.event === 'policy', 'policy: ' + JSON.stringify(pol));
    ready.policy = pol.policy;
    ready.commitment = pol.commitment;
  });

  await test('settings: chain RPC and relay through the approver API', async () => {
    await api('settings', { rpcUrl: RPC });
    const s = await api('settings', {});
    assert(s.rpcUrl === RPC, 'rpc saved');
    send({ cmd: 'fund', to: address, value: '0x' + (100n * ETH).toString(16) });
    await agent.next((e) => e.event === 'funded' || e.event === 'error', 20000);
  });

  await test('lock, then unlock in the popup', async () => {
    await popup.reload();
    await popup.waitForSelector('[data-screen=main]');
    await popup.click('#lock');
    await popup.waitForSelector('[data-screen=locked]');
    await shot(popup, '03-popup-locked');
    await popup.fill('#password', 'wrong password');
    await popup.click('#unlock');
    await until('bad password message', async () => /not right/.test(await popup.textContent('.error')));
    await fillPassword(popup, PASSWORD);
    await popup.click('#unlock');
    await popup.waitForSelector('[data-screen=main]');
    await until('balance shown', async () => /ETH/.test(await popup.textContent('#balance')));
    await shot(popup, '04-popup-main');
    // The password does not stay in the popup's page once it unlocked:
    // locked again, the field is empty (it kept the password before).
    await popup.click('#lock');
    await popup.waitForSelector('[data-screen=locked]');
    const left = await popup.inputValue('#password');
    assert(left === '', 'the password field kept ' + left.length + ' characters after the unlock');
    await fillPassword(popup, PASSWORD);
    await popup.click('#unlock');
    await popup.waitForSelector('[data-screen=main]');
  });

  await test('policy: import the file and vk, commitment computed in WASM, vk hash shown', async () => {
    await popup.click('[data-tab=setup]');
    await popup.setInputFiles('#policy-file', { name: 'policy.json', mimeType: 'application/json', buffer: Buffer.from(ready.policy) });
    await until('plain-language preview', async () => /Chain 1337 only/.test(await popup.textContent('[data-card=policy]')));
    await popup.setInputFiles('#vk-file', { name: 'policy.vk', mimeType: 'application/octet-stream', buffer: Buffer.from(ready.vk, 'base64') });
    await popup.setInputFiles('#typed-vk-file', { name: 'typed.vk', mimeType: 'application/octet-stream', buffer: Buffer.from(ready.typedVK, 'base64') });
    await popup.click('#pin');
    await popup.waitForSelector('#commitment');
    const c = (await popup.textContent('#commitment')).trim();
    const vkh = (await popup.textContent('#vkhash')).trim();
    assert(c === ready.commitment, `commitment ${c} = agent's ${ready.commitment}`);
    assert(vkh === ready.vkHash, `vk hash ${vkh} = ${ready.vkHash}`);
  });

  await test('setup: shows the SHA-256 of the leash.wasm it runs, equal to the built file', async () => {
    await popup.click('[data-tab=setup]');
    const want = crypto.createHash('sha256').update(fs.readFileSync(path.join(EXT, 'leash.wasm'))).digest('hex');
    await until('wasm hash shown', async () => /^[0-9a-f]{64}$/.test((await popup.textContent('#wasm-sha256')).trim()));
    const got = (await popup.textContent('#wasm-sha256')).trim();
    assert(got === want, `Setup shows leash.wasm ${got}, the extension's file is ${want}`);
    await popup.locator('[data-card=build]').screenshot({ path: path.join(ART, '05b-setup-build.png') });
  });

  await test('programs: pin a strategy program in the popup (published on chain first), listed; a wrong key refused; unpin', async () => {
    const vkPath = path.join(await programKeys(), 'program-threshold.vk');
    const pin = JSON.parse(await run(LEASH, ['program', 'pin', path.join(ROOT, 'examples/programs/threshold.json')]));
    const vk = fs.readFileSync(vkPath);
    // A program is pinned only once the wallet's account published it in
    // the registry with its key's hash.
    const reg = devInfo.contracts.registry;
    const m = path.join(tmp, 'wallet-mnemonic.txt');
    fs.writeFileSync(m, mnemonic + '\n', { mode: 0o600 });
    await run(LEASH, ['program', 'publish', '--rpc', RPC, '--registry', reg, '--mnemonic-file', m, '--vk', vkPath, path.join(ROOT, 'examples/programs/threshold.json')]);
    fs.rmSync(m);
    await api('settings', { registry: reg });
    await popup.click('[data-tab=setup]');
    await popup.waitForSelector('#no-programs');
    // The policy's key is not a program key: a coded error, nothing pinned.
    await popup.setInputFiles('#program-file', { name: 'threshold.json', mimeType: 'application/json', buffer: fs.readFileSync(path.join(ROOT, 'examples/programs/threshold.json')) });
    await popup.setInputFiles('#program-vk-file', { name: 'policy.vk', mimeType: 'application/octet-stream', buffer: Buffer.from(ready.vk, 'base64') });
    await popup.click('#pin-program');
    await until('wrong key refused', async () => /malformed|verifying key/i.test(await popup.textContent('body')));
    assert((await api('view')).status.programs.length === 0, 'a refused pin was kept');
    await popup.setInputFiles('#program-file', { name: 'pin.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(pin)) });
    await popup.setInputFiles('#program-vk-file', { name: 'program-threshold.vk', mimeType: 'application/octet-stream', buffer: vk });
    await popup.click('#pin-program');
    await popup.waitForSelector(`[data-program="${pin.commitment}"]`);
    const st = (await api('view')).status;
    assert(st.programs.length === 1 && st.programs[0].template === 'threshold' && st.programs[0].oracle.toLowerCase() === pin.oracle.toLowerCase(), 'pinned: ' + JSON.stringify(st.programs));
    // The card shows the whole oracle address (a shortened one would let a
    // look-alike with the same first and last characters pass unseen).
    const shown = await popup.textContent(`[data-program="${pin.commitment}"] [data-oracle]`);
    assert(shown.toLowerCase() === pin.oracle.toLowerCase(), 'the programs card shows the oracle as ' + shown);
    await shot(popup, '05a-popup-programs');
    await popup.click(`[data-unpin="${pin.commitment}"]`);
    await popup.waitForSelector('#no-programs');
    await api('settings', { registry: '' }); // the policy is not published yet: the next tests sign without the on-chain check
  });

  await test('pairing: a second agent key answering the same URI refuses the pairing loudly', async () => {
    await popup.click('[data-tab=setup]');
    await popup.fill('#relay-url', RELAY);
    await popup.click('#pair-new');
    await popup.waitForSelector('#pair-qr svg');
    const uri = (await popup.inputValue('#pair-uri')).trim();
    assert(uri.startsWith('leash:pair?v=2&relay=') && /&exp=\d+$/.test(uri), 'pairing URI: ' + uri);
    let mark = agent.lines.length;
    send({ cmd: 'pair', uri });
    const first = await agent.next((e) => e.event === 'code', 15000, mark);
    await popup.waitForSelector('#pair-code', { timeout: 15000 });
    assert((await popup.textContent('#pair-code')).trim() === first.code, 'the popup shows the first agent\'s code');
    // Someone else who saw the URI answers it too.
    mark = agent.lines.length;
    send({ cmd: 'pair', uri });
    await agent.next((e) => e.event === 'hello', 10000, mark);
    await popup.waitForSelector('#pair-conflict', { timeout: 15000 });
    const text = await popup.textContent('#pair-conflict');
    assert(/Pairing refused/.test(text) && /Two different agent keys/.test(text), 'loud warning: ' + text);
    assert((await popup.$('#pair-confirm')) === null, 'no confirm button after a conflict');
    const link = (await api('view')).link;
    assert(link.offers.length === 2 && !link.offer && !link.paired, 'both offers kept, none offered: ' + JSON.stringify(link));
    let refused = '';
    try { await api('pairConfirm', { code: first.code }); } catch (e) { refused = e.message; }
    assert(/pairing_conflict/.test(refused), 'the core refuses the confirm: ' + refused);
    await until('a notification warns the user', async () => (await sw.evaluate(() => chrome.notifications.getAll()))['leash-pairing-conflict'], 5000);
    await shot(popup, '05b-popup-pair-conflict');
    await popup.click('#pair-renew');
    await until('a new pairing URI', async () => (await popup.inputValue('#pair-uri').catch(() => '')).trim() !== uri && !(await api('view')).link.conflict);
  });

  await test('pairing with the test agent over the real relay (URI, QR, comparison code confirmed)', async () => {
    await popup.waitForSelector('#pair-qr svg');
    const uri = (await popup.inputValue('#pair-uri')).trim();
    await shot(popup, '05-popup-pairing-qr');
    const mark = agent.lines.length;
    send({ cmd: 'pair', uri });
    const hello = await agent.next((e) => e.event === 'hello', 10000, mark);
    const code = await agent.next((e) => e.event === 'code', 15000, mark);
    await popup.waitForSelector('#pair-confirm', { timeout: 15000 });
    const shown = (await popup.textContent('#pair-code')).trim();
    assert(shown === code.code && /^\d{3} \d{3}$/.test(shown), `comparison code ${shown} = agent's ${code.code}`);
    const fp = (await popup.textContent('#fingerprint')).trim();
    assert(fp === hello.fingerprint, `fingerprint ${fp} = ${hello.fingerprint}`);
    await shot(popup, '06-popup-pair-offer');
    await popup.click('#pair-confirm');
    await agent.next((e) => e.event === 'paired', 15000, mark);
    await until('paired in the popup', async () => (await api('view')).link.paired);
    const link = (await api('view')).link;
    assert(link.code === code.code && !link.uri, 'paired: the URI is gone, the code stays: ' + JSON.stringify(link));
    // The link's secrets are not in chrome.storage.local in the clear.
    const plain = await sw.evaluate(async () => (await (await globalThis.leashDebug.ready()).ext.link.state()));
    const st = JSON.parse(plain);
    const stored = await popup.evaluate(async () => JSON.stringify(await chrome.storage.local.get(null)));
    for (const secret of [st.static, st.session.ownAuth, st.session.root, st.session.sendChain.chain, st.session.recvChain.chain]) {
      assert(typeof secret === 'string' && secret.length === 43 && !stored.includes(secret), 'a link secret is in chrome.storage.local in the clear');
    }
    assert(!/"session"|"static"/.test(stored), 'the stored link is not encrypted');
  });

  const propose = async (id, valueWei, extra = {}) => {
    const mark = agent.lines.length;
    send({ cmd: 'propose', id, from: address, value: '0x' + valueWei.toString(16), ...extra });
    const sent = await agent.next((e) => (e.event === 'sent' && e.id === id) || (e.event === 'error' && e.cmd === 'propose'), 30000, mark);
    assert(sent.event === 'sent', 'proposal sent: ' + JSON.stringify(sent));
    return sent;
  };

  await test('an in-policy proposal is signed automatically and mined on the dev node', async () => {
    const before = BigInt(await rpcCall('eth_getBalance', ['0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 'latest']));
    const v = ETH / 10n;
    await propose('p-ok-1', v);
    const signed = await receipt('p-ok-1', 'signed');
    const mined = await receipt('p-ok-1', 'mined', 30000);
    assert(mined.body.txHash === signed.body.txHash, 'mined the signed hash');
    const rec = await rpcCall('eth_getTransactionReceipt', [signed.body.txHash]);
    assert(rec && rec.status === '0x1', 'receipt status 1');
    const tx = ethers.Transaction.from(signed.body.rawTx);
    assert(tx.from.toLowerCase() === address.toLowerCase() && tx.type === 2 && tx.chainId === 1337n, 'raw tx decodes with ethers');
    const after = BigInt(await rpcCall('eth_getBalance', ['0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 'latest']));
    assert(after - before === v, 'Alice received 0.1 ETH');
  });

  await test('the popup\'s budget card after agent spending: spent, left and when capacity frees up, from the core', async () => {
    const w = (await api('view')).status.windows;
    // Policy v2: value, fees, count, then each token window; p-ok-1 (0.1 ETH) is the only spend so far.
    const spent = ETH / 10n;
    assert(w.map((x) => x.rule).join() === 'value,fee_window,tx_count,token_window,token_window', 'the policy\'s window rules: ' + JSON.stringify(w));
    assert(w[2].spent === '1' && w[2].cap === '1000' && BigInt(w[1].spent) > 0n, 'one transaction and its fee counted: ' + JSON.stringify(w.slice(1, 3)));
    assert(BigInt(w[0].spent) === spent && BigInt(w[0].left) === BigInt(w[0].cap) - spent, `spent ${w[0].spent}, left ${w[0].left} after ${spent}`);
    assert(w[0].freesAt > Date.now() / 1000, 'capacity frees up later: ' + w[0].freesAt);
    await popup.goto(extURL('ui/popup.html?tab=approvals'));
    const card = '[data-card=budget] [data-window=value]';
    await popup.waitForSelector(card);
    const text = await popup.textContent(card);
    assert(text.includes(w[0].spentText + ' of ' + w[0].capText + ' spent') && text.includes(w[0].leftText + ' left') && /frees in \d+ h/.test(text), 'the card: ' + text);
    assert(await popup.getAttribute(`${card} [role=progressbar]`, 'aria-valuenow') !== '0', 'the bar shows the spend');
    assert(/1 transaction of 1000 transactions spent/.test(await popup.textContent('[data-card=budget] [data-window=tx_count]')), 'the count row');
    await shot(popup, '06b-popup-budget');
  });

  // ---- helpers for the trust-boundary tests ----
  const proposeRaw = async (id, body) => {
    const mark = agent.lines.length;
    send({ cmd: 'raw', id, body });
    const sent = await agent.next((e) => (e.event === 'sent' && e.id === id) || (e.event === 'error' && e.cmd === 'raw'), 30000, mark);
    assert(sent.event === 'sent', 'raw proposal sent: ' + JSON.stringify(sent));
  };
  const sentProposal = (id) => agent.lines.find((e) => e.event === 'sent' && e.id === id).proposal;
  const chainNonce = async () => Number(BigInt(await rpcCall('eth_getTransactionCount', [address, 'pending'])));
  const status = async () => (await api('view')).status;
  // ledgerNonce: the core's next nonce; it moves exactly when something is signed.
  const ledgerNonce = async () => Number(BigInt((await status()).nonce));
  // approvalsWindow: the one window dapp requests wait in, once it shows sel.
  const approvalsWindow = (sel) => until('the approvals window showing ' + sel, async () => {
    for (const pg of context.pages()) {
      if (pg.isClosed() || !pg.url().includes('window=approvals')) continue;
      if (await pg.$(sel).catch(() => null)) return pg;
    }
    return null;
  }, 20000);
  const approvalPages = () => context.pages().filter((pg) => !pg.isClosed() && pg.url().includes('window=approvals'));
  const dappPage = async (port = webPort) => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 800, height: 700 });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForSelector('li[data-rdns="dev.leash-wallet"]');
    return page;
  };
  const request = (page, method, params) => page.evaluate(([m, p]) => window.leashProvider.request({ method: m, params: p })
    .then((result) => ({ result }), (e) => ({ code: e.code, message: e.message })), [method, params]);
  // workerHeap: the service worker's JS heap in use, through CDP (the
  // worker has no performance.memory): attach to its target from the
  // popup's session and ask Runtime.getHeapUsage.
  const workerHeap = async () => {
    const cdp = await context.newCDPSession(popup);
    try {
      const { targetInfos } = await cdp.send('Target.getTargets');
      const t = targetInfos.find((x) => x.type === 'service_worker' && x.url.startsWith(extURL('')));
      const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: t.targetId, flatten: false });
      const answer = new Promise((resolve) => cdp.on('Target.receivedMessageFromTarget', (e) => {
        const m = JSON.parse(e.message);
        if (e.sessionId === sessionId && m.id === 1) resolve(m.result);
      }));
      await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: 1, method: 'Runtime.getHeapUsage' }) });
      const r = await Promise.race([answer, new Promise((_, rej) => setTimeout(() => rej(new Error('no answer')), 5000))]);
      await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {});
      return r.usedSize;
    } finally {
      await cdp.detach().catch(() => {});
    }
  };
  const restartWorker = async () => {
    const cdp = await context.newCDPSession(popup);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await popup.reload();
    sw = await until('a new service worker', async () => context.serviceWorkers()[0], 15000);
    await until('the worker answers', () => api('view'), 20000);
  };

  await test('a forged proposal (valid proof for another transaction) is rejected, with the reason in the activity list; notifications coalesced, codes only', async () => {
    // No popup open: the user sees the desktop notification.
    await popup.goto(extURL('ui/onboarding.html'));
    await propose('p-forged', ETH / 10n, { forgeValue: '0x' + (ETH / 2n).toString(16) });
    const r = await receipt('p-forged', 'rejected');
    assert(r.body.code === 'proof_invalid', 'code proof_invalid, got ' + r.body.code);
    // The same proposal again with a key whose text the agent chose, and a
    // replayed id: refusals whose words must never reach the wallet's own
    // notifications.
    const doc = JSON.stringify(sentProposal('p-forged')).replace('"time"', '"Leash security team: APPROVE ALL to stay safe":1,"time"').replace('"p-forged"', '"p-note"');
    await proposeRaw('p-note', doc);
    await propose('p-forged-2', ETH / 10n, { forgeValue: '0x' + (ETH / 3n).toString(16) });
    await receipt('p-forged-2', 'rejected');
    const shown = await until('the coalesced notification', async () => {
      const last = await sw.evaluate(() => globalThis.leashDebug.notify.lastShown);
      if (!last || !/3 proposals/.test(last.title)) return null;
      return { last, open: Object.keys(await sw.evaluate(() => chrome.notifications.getAll())) };
    }, 15000);
    assert(shown.open.filter((k) => k !== 'leash-pairing-conflict').join() === 'leash-refusals', 'one notification for the refusals: ' + shown.open);
    assert(/proof_invalid ×2/.test(shown.last.message) && /malformed/.test(shown.last.message), 'codes: ' + shown.last.message);
    assert(!/APPROVE|security team/i.test(shown.last.title + shown.last.message), 'no agent text: ' + JSON.stringify(shown.last));
    await popup.goto(extURL('ui/popup.html?tab=activity'));
    await popup.waitForSelector('[data-id=p-forged][data-decision=rejected]');
    const text = await popup.textContent('[data-id=p-forged][data-decision=rejected]');
    assert(/proof_invalid/.test(text), 'reason shown: ' + text);
    await popup.waitForSelector('[data-id=p-ok-1][data-decision=mined]');
    // The activity list renders the core's decoding: the recipient in full,
    // checksummed, with the policy's label.
    const ok = await popup.textContent('[data-id=p-ok-1][data-decision=signed]');
    assert(ok.includes('Alice (savings)') && ok.includes('0x70997970C51812dc3A010C7d01b50e0d17dc79C8') && ok.includes('0.1 ETH'), 'activity row from the core: ' + ok);
    await shot(popup, '07-popup-activity');
    await until('the open popup clears the notification', async () => !(await sw.evaluate(() => chrome.notifications.getAll()))['leash-refusals'], 5000);
    await popup.goto(extURL('ui/popup.html?tab=approvals'));
  });

  // Issue 12: a compromised agent host re-aims a valid proof. The swap's
  // recipient must be the account ("self"); the pool's swap is for program
  // proofs only. Both are refused by the extension's WASM core, with the
  // reason in the activity list, and nothing is signed or counted.
  const swapData = (to) => {
    const abi = new ethers.Interface(['function swapExactTokensForTokens(uint256,uint256,address[],address,uint256)']);
    return abi.encodeFunctionData('swapExactTokensForTokens', [10n ** 18n, 0n, ['0x1000000000000000000000000000000000000002', '0x1000000000000000000000000000000000000003'], to, 1900000000n]);
  };
  await test('issue 12: a router swap whose recipient is the attacker is refused (policy_violation:arg)', async () => {
    const before = (await api('view')).status;
    const attacker = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
    await propose('p-router', 0n, { to: '0x1000000000000000000000000000000000000001', data: swapData(address), forgeData: swapData(attacker) });
    const r = await receipt('p-router', 'rejected');
    assert(r.body.code === 'policy_violation:arg' && /args\[3\]/.test(r.body.message), 'refused on the recipient: ' + JSON.stringify(r.body));
    await popup.click('[data-tab=activity]');
    await popup.waitForSelector('[data-id=p-router][data-decision=rejected]');
    assert(/policy_violation:arg/.test(await popup.textContent('[data-id=p-router][data-decision=rejected]')), 'reason shown');
    const after = (await api('view')).status;
    assert(after.nonce === before.nonce && after.limits.txs.count === before.limits.txs.count, 'nothing counted: ' + JSON.stringify(after.limits));
  });

  await test('issue 12: a policy proof aimed at the program-only pool is refused (program_only)', async () => {
    const abi = new ethers.Interface(['function swapExactIn(address,uint256,uint256,address,uint256)']);
    const data = abi.encodeFunctionData('swapExactIn', ['0x1000000000000000000000000000000000000002', 10n ** 18n, 0n, '0x90F79bf6EB2c4f870365E785982E1f101E93b906', 1n << 40n]);
    await propose('p-pool', ETH / 100n, { forgeTo: '0x1000000000000000000000000000000000000004', forgeData: data, forgeValue: '0x0' });
    const r = await receipt('p-pool', 'rejected');
    assert(r.body.code === 'program_only', 'program_only: ' + JSON.stringify(r.body));
  });

  await test('a service-worker restart mid-run (CDP ServiceWorker.stopAllWorkers) loses nothing; the session holds derived keys, not the password', async () => {
    const cdp = await context.newCDPSession(popup);
    await cdp.send('ServiceWorker.enable');
    const v = ETH / 100n;
    const n = await chainNonce();
    // One proposal races the stop; two more arrive while the worker is gone.
    await propose('p-r0', v, { nonce: n });
    await cdp.send('ServiceWorker.stopAllWorkers');
    log('worker stopped');
    await propose('p-r1', v, { nonce: n + 1 });
    await propose('p-r2', v, { nonce: n + 2 });
    await new Promise((r) => setTimeout(r, 500));
    // Wake the worker the way a user does: open the popup.
    await popup.reload();
    sw = await until('a new service worker', async () => context.serviceWorkers()[0], 15000);
    const hashes = [];
    for (const id of ['p-r0', 'p-r1', 'p-r2']) hashes.push((await receipt(id, 'signed', 30000)).body.txHash);
    await receipt('p-r2', 'mined', 30000);
    assert(new Set(hashes).size === 3, 'three distinct transactions');
    const view = await api('view');
    assert(view.status.vault === 'unlocked', 'the unlocked session survived through chrome.storage.session');
    const dup = agent.lines.filter((e) => e.event === 'receipt' && e.body && e.body.id === 'p-r0' && e.body.status === 'rejected');
    assert(dup.length === 0, 'no proposal was refused as a replay after the restart');
    const sess = await popup.evaluate(() => chrome.storage.session.get(null));
    const blob = JSON.stringify(sess);
    assert(!blob.includes(PASSWORD), 'no password in chrome.storage.session');
    const s = JSON.parse(sess['ext/session'].blob);
    assert(/^0x[0-9a-f]{64}$/.test(s.key) && /^0x[0-9a-f]{64}$/.test(s.mac) && Object.keys(s).length === 2, 'derived keys only: ' + Object.keys(s));
  });

  await test('the worker boots its core from Cache Storage once the package was cached under the build\'s hash; a damaged cache and stale builds fall back to the package and are dropped', async () => {
    const want = crypto.createHash('sha256').update(fs.readFileSync(path.join(EXT, 'leash.wasm'))).digest('hex');
    const name = 'leash-core-' + want;
    const cdp = await context.newCDPSession(popup);
    await cdp.send('ServiceWorker.enable');
    const restart = async (what) => {
      await cdp.send('ServiceWorker.stopAllWorkers');
      await new Promise((r) => setTimeout(r, 300));
      return until(what, async () => (await api('bench')).boot, 20000);
    };
    const leashCaches = () => popup.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('leash-core-')));
    // Whichever boot came first, the package was cached after it.
    await until('the module cached', async () => (await leashCaches()).includes(name), 20000);
    let boot = await restart('a boot from the cache');
    assert(boot.from === 'cache', 'booted from ' + boot.from);
    // A damaged entry under this build's name and a stale build's cache.
    await popup.evaluate(async ([name]) => {
      const junk = (n) => new Response(new Uint8Array(n).fill(7), { headers: { 'content-type': 'application/wasm' } });
      await (await caches.open(name)).put('https://leash-core.invalid/leash.wasm', junk(4096));
      await (await caches.open('leash-core-' + '0'.repeat(64))).put('https://leash-core.invalid/leash.wasm', junk(64));
    }, [name]);
    boot = await restart('a boot past the damaged cache');
    assert(boot.from === 'package', 'a damaged cache is not booted: ' + boot.from);
    const view = await api('view');
    assert(view.status.vault === 'unlocked', 'the core runs after the fallback: ' + view.status.vault);
    await until('the cache refilled', async () => (await api('bench')).boot.cache === 'filled', 20000);
    const left = await leashCaches();
    assert(left.length === 1 && left[0] === name, 'only this build\'s cache is left: ' + left);
    const bytes = await popup.evaluate(async ([name]) => {
      const r = await (await caches.open(name)).match('https://leash-core.invalid/leash.wasm');
      const d = await crypto.subtle.digest('SHA-256', await r.arrayBuffer());
      return Array.from(new Uint8Array(d), (x) => x.toString(16).padStart(2, '0')).join('');
    }, [name]);
    assert(bytes === want, 'the cache holds the packaged bytes: ' + bytes);
    boot = await restart('a boot from the refilled cache');
    assert(boot.from === 'cache', 'booted from ' + boot.from);
    await popup.reload();
    await popup.click('[data-tab=setup]');
    await until('wasm hash shown', async () => /^[0-9a-f]{64}$/.test((await popup.textContent('#wasm-sha256')).trim()));
    const shown = (await popup.textContent('#wasm-sha256')).trim();
    assert(shown === want, `Setup shows ${shown} for the cached core, the file is ${want}`);
    await popup.reload();
    sw = await until('the new service worker', async () => context.serviceWorkers()[0], 15000);
    log('boots from the cache:', boot.fetchCompileInstantiateMs.toFixed(1), 'ms fetch + compile');
  });

  await test('supervised mode: the approval renders the core\'s display model (full checksummed address, label, rule, the nonce signed, proof status)', async () => {
    await popup.click('[data-tab=approvals]').catch(() => {});
    await api('settings', { mode: 'supervised' });
    const v = ETH / 20n;
    const n = await chainNonce();
    await propose('p-sup', v);
    await receipt('p-sup', 'pending');
    await popup.reload();
    const card = '[data-approval="proposal:p-sup"]';
    await popup.waitForSelector(card);
    await until('proof status', async () => /Proof verifies/.test(await popup.textContent(card)));
    const text = await popup.textContent(card);
    assert(/Allowed by: Alice/.test(text) && /0.05 ETH/.test(text), 'rule and value: ' + text);
    assert(await popup.$(`${card} [data-address="0x70997970C51812dc3A010C7d01b50e0d17dc79C8"]`), 'the recipient in full, EIP-55: ' + text);
    assert(text.includes('Alice (savings)'), 'with the policy label');
    assert(await popup.getAttribute(`${card} [data-nonce]`, 'data-nonce') === String(n), 'the nonce that will be signed: ' + n);
    await until('the badge counts the pending item', async () => (await sw.evaluate(() => chrome.action.getBadgeText({}))) === '1', 5000);
    await shot(popup, '08-popup-approval');
    await popup.click(`[data-approve="proposal:p-sup"]`);
    const r = await receipt('p-sup', 'signed');
    await receipt('p-sup', 'mined', 30000);
    const tx = ethers.Transaction.from(r.body.rawTx);
    assert(Number(tx.nonce) === n && tx.value === v, `signed nonce ${tx.nonce} value ${tx.value}: what was shown`);
  });

  await test('supervised mode, policy v2: the approval names the call that allows a router swap, each argument with its rule (recipient: self)', async () => {
    await api('settings', { mode: 'supervised' });
    const n = await ledgerNonce();
    await propose('p-sup-swap', 0n, { to: '0x1000000000000000000000000000000000000001', data: swapData(address) });
    await receipt('p-sup-swap', 'pending');
    await popup.reload();
    const card = '[data-approval="proposal:p-sup-swap"]';
    await popup.waitForSelector(card);
    const text = await popup.textContent(card);
    assert(/Allowed by: DEX router may be called with swapExactTokensForTokens\(/.test(text), 'the v2 call: ' + text);
    const args = await popup.$$eval(`${card} [data-rule-arg]`, (els) => els.map((e) => e.textContent));
    assert(args.some((a) => a.toLowerCase().includes(address.toLowerCase()) && /must be self/.test(a)), 'the recipient with its rule: ' + JSON.stringify(args));
    assert(/TKA/.test(await popup.textContent(`${card} [data-spend]`)), 'the token window it counts toward');
    await shot(popup, '08b-popup-approval-v2-rule');
    await api('reject', { id: 'proposal:p-sup-swap' });
    const r = await receipt('p-sup-swap', 'rejected');
    assert(r.body.code === 'user_rejected', 'user_rejected: ' + r.body.code);
    assert(await ledgerNonce() === n, 'nothing signed');
  });

  await test('exact decoding, the original attack: a supervised proposal with "tx" (0.0001 ETH) and "TX" (0.1 ETH) is refused as malformed, never shown, nothing signed', async () => {
    // On the old code the card showed 0.0001 ETH with "✓ Proof verifies
    // for this exact transaction" (JavaScript read "tx") and approving
    // signed 0.1 ETH (Go's case-insensitive decoder took "TX").
    const n = await ledgerNonce();
    await propose('p-tx-base', ETH / 10n); // proven, valid: 0.1 ETH
    await receipt('p-tx-base', 'pending');
    const base = sentProposal('p-tx-base');
    const smallTx = { ...base.tx, value: '0x' + (ETH / 10000n).toString(16) };
    const body = (id) => JSON.stringify({ ...base, id }).replace('"tx":', `"tx":${JSON.stringify(smallTx)},"TX":`);
    const hostile = {
      'p-txTX': body('p-txTX'),
      'p-long-s': JSON.stringify({ ...base, id: 'p-long-s' }).replace('"spent"', '"ſpent"'),
      'p-kelvin': JSON.stringify({ ...base, id: 'p-kelvin' }).replace('"proof"', '"program":{"commitment":"0x01","bloc\\u212a":"0x1","inputs":[]},"proof"'),
      'p-dup': JSON.stringify({ ...base, id: 'p-dup' }).replace('"tx":', `"tx":${JSON.stringify(smallTx)},"tx":`),
    };
    const latest = () => sw.evaluate(async () => {
      const { approver } = await globalThis.leashDebug.ready();
      return (await approver.activity(1)).rows[0];
    });
    for (const [id, doc] of Object.entries(hostile)) {
      const mark = agent.lines.length;
      const head = (await status()).auditHead.next;
      await proposeRaw(id, doc);
      // A malformed document has no id the core can answer by: the audit
      // log records the refusal, and it never reaches the approval screen.
      await until(`${id} decided`, async () => (await status()).auditHead.next > head, 15000);
      const row = await latest();
      assert(row.kind === 'proposal' && row.decision === 'rejected' && row.code === 'malformed', id + ': ' + JSON.stringify(row));
      assert(!agent.lines.slice(mark).some((e) => e.event === 'receipt' && e.body && e.body.id === id && e.body.status !== 'rejected'), id + ' got a non-rejection');
    }
    const v = await api('view');
    const ids = v.approvals.map((a) => a.id);
    assert(ids.length === 1 && ids[0] === 'proposal:p-tx-base', 'only the valid proposal waits: ' + ids);
    assert(!JSON.stringify(v.approvals).includes('0.0001'), 'the 0.0001 ETH reading is shown nowhere');
    await api('reject', { id: 'proposal:p-tx-base' });
    const r = await receipt('p-tx-base', 'rejected');
    assert(r.body.code === 'user_rejected', 'user_rejected: ' + r.body.code);
    assert(await ledgerNonce() === n, 'nothing was signed');
  });

  await test('bounded supervised queue: 64 wait for the user, the rest get busy and are not kept; nothing signed', async () => {
    const n = await ledgerNonce();
    const mark = agent.lines.length;
    send({ cmd: 'copies', prefix: 'c', n: 80, from: address });
    await agent.next((e) => e.event === 'copied' || (e.event === 'error' && e.cmd === 'copies'), 60000, mark);
    const got = await until('80 receipts', () => {
      const rs = agent.lines.slice(mark).filter((e) => e.event === 'receipt' && e.body && /^c-\d+$/.test(e.body.id));
      return rs.length >= 80 ? rs : null;
    }, 60000);
    log('80 copies decided');
    const pending = got.filter((e) => e.body.status === 'pending').length;
    const busy = got.filter((e) => e.body.code === 'busy').length;
    assert(pending === 64 && busy === 16, `pending ${pending}, busy ${busy}`);
    const st = await status();
    assert(st.queued === 64, 'queued ' + st.queued);
    await popup.reload();
    await popup.waitForSelector('[data-approval="proposal:c-0"]');
    assert((await popup.$$('[data-approval^="proposal:c-"]')).length === 64, '64 cards');
    log('64 cards shown');
    await popup.goto(extURL('ui/onboarding.html'));
    for (let i = 0; i < 64; i++) await api('reject', { id: `proposal:c-${i}` });
    log('64 rejected');
    await popup.goto(extURL('ui/popup.html?tab=approvals'));
    assert((await status()).queued === 0, 'all rejected');
    assert(await ledgerNonce() === n, 'nothing signed');
    await api('settings', { mode: 'autonomous' });
  });

  const signTyped = async (id, valueWei, nonce, extra = {}) => {
    const mark = agent.lines.length;
    send({ cmd: 'sign', id, value: valueWei.toString(), nonce, ...extra });
    const sent = await agent.next((e) => (e.event === 'sent' && e.id === id) || (e.event === 'error' && e.cmd === 'sign'), 60000, mark);
    assert(sent.event === 'sent', 'signature proposal sent: ' + JSON.stringify(sent));
    return sent;
  };
  const recovered = (td, sig) => {
    const types = { ...td.types };
    delete types.EIP712Domain;
    return ethers.verifyTypedData(td.domain, types, td.message, sig);
  };

  await test('issue 17: an x402 authorization is signed by the extension after its proof; a payee swapped under the proof is refused', async () => {
    const sent = await signTyped('s-auto', ETH / 2n, 1);
    const r = await receipt('s-auto', 'signed', 30000);
    assert(/^0x[0-9a-f]{130}$/i.test(r.body.signature), 'a 65-byte signature: ' + JSON.stringify(r.body));
    assert(recovered(sent.typedData, r.body.signature).toLowerCase() === address.toLowerCase(), 'ethers recovers the wallet');
    await signTyped('s-forged', ETH / 2n, 2, { forgeTo: '0x90F79bf6EB2c4f870365E785982E1f101E93b906' });
    const f = await receipt('s-forged', 'rejected', 30000);
    assert(f.body.code === 'policy_violation:arg' && !f.body.signature, 'payee outside refused: ' + JSON.stringify(f.body));
    await signTyped('s-replay', ETH / 2n, 1, { spent: (ETH / 2n).toString() });
    const rp = await receipt('s-replay', 'rejected', 30000);
    assert(rp.body.code === 'replay', 'the same nonce again: ' + JSON.stringify(rp.body));
  });

  await test('issue 17: supervised mode shows the typed data (domain, type, each field with its rule, the amount in TKA); approving signs it', async () => {
    await api('settings', { mode: 'supervised' });
    const sent = await signTyped('s-sup', ETH / 4n, 3, { spent: (ETH / 2n).toString() });
    await receipt('s-sup', 'pending');
    await popup.reload();
    await popup.click('[data-tab=approvals]').catch(() => {});
    const sel = '[data-approval="proposal:s-sup"]';
    await popup.waitForSelector(sel);
    const card = await popup.textContent(sel);
    for (const want of ['TransferWithAuthorization', 'domain.verifyingContract', 'domain.name', 'Test USD', '0.25 TKA', 'one of 1 addresses', 'must be self', 'at most 1 TKA', 'used once', 'at most 10 minutes after signing']) {
      assert(card.includes(want), `the approval shows ${want}: ${card}`);
    }
    await shot(popup, '08b-popup-signature-approval');
    await popup.click(`[data-approve="proposal:s-sup"]`);
    const r = await receipt('s-sup', 'signed', 30000);
    assert(recovered(sent.typedData, r.body.signature).toLowerCase() === address.toLowerCase(), 'ethers recovers the wallet');
    await api('settings', { mode: 'autonomous' });
  });

  await test('kill switch: a paused agent gets nothing signed', async () => {
    await popup.reload();
    await popup.click('#killswitch');
    await until('paused', async () => (await api('view')).settings.paused);
    await propose('p-paused', ETH / 100n);
    const r = await receipt('p-paused', 'rejected');
    assert(r.body.code === 'revoked', 'code revoked: ' + r.body.code);
    await shot(popup, '09-popup-paused');
    await popup.click('#killswitch');
    await until('resumed', async () => !(await api('view')).settings.paused);
  });

  await test('kill switch with a full store: the pause takes effect in memory and session storage first; nothing is signed', async () => {
    const n = await ledgerNonce();
    // Fill chrome.storage.local up to its quota (as a flood would have).
    const filled = await popup.evaluate(async () => {
      let i = 0;
      for (const size of [512 * 1024, 16 * 1024, 512]) {
        const chunk = 'x'.repeat(size);
        for (;;) {
          try { await chrome.storage.local.set({ ['junk/' + size + '/' + i]: chunk }); i++; } catch (e) { if (size === 512) return { n: i, error: String(e.message || e) }; break; }
          if (i > 10000) return { n: i, error: 'no quota' };
        }
      }
    });
    assert(/quota/i.test(filled.error), 'the store is full: ' + JSON.stringify(filled));
    log(`store filled with ${filled.n} junk items (${filled.error})`);
    await popup.reload();
    await popup.waitForSelector('#killswitch');
    await popup.click('#killswitch');
    await until('paused with a full store', async () => (await api('view')).settings.paused);
    const sess = await popup.evaluate(() => chrome.storage.session.get('ext/pause'));
    assert(sess['ext/pause'] === true, 'the pause is in session storage');
    assert((await status()).mode.paused, 'the core is paused');
    await propose('p-full', ETH / 100n);
    await new Promise((r) => setTimeout(r, 3000));
    assert(!agent.lines.some((e) => e.event === 'receipt' && e.body && e.body.id === 'p-full' && e.body.status === 'signed'), 'nothing signed while full');
    assert(await ledgerNonce() === n, 'the chain nonce did not move');
    await popup.evaluate(async () => {
      const all = await chrome.storage.local.get(null);
      await chrome.storage.local.remove(Object.keys(all).filter((k) => k.startsWith('junk/')));
    });
    // With room again, a restarted worker is still paused (session
    // storage) and answers the proposal it could not answer durably.
    await restartWorker();
    assert((await api('view')).settings.paused, 'still paused after a worker restart');
    const r = await receipt('p-full', 'rejected', 60000);
    assert(r.body.code === 'revoked', 'refused: ' + JSON.stringify(r.body));
    await api('pause', { paused: false });
    assert(!(await api('view')).settings.paused, 'resumed');
  });

  await test('on-chain registry: the pinned commitment must be published; revoking it on chain stops signing', async () => {
    const reg = devInfo.contracts && devInfo.contracts.registry;
    assert(reg, 'the devnet deployed a registry: ' + JSON.stringify(devInfo.contracts));
    const dir = fs.mkdtempSync(path.join(tmp, 'registry-'));
    const files = { m: path.join(dir, 'mnemonic.txt'), p: path.join(dir, 'policy.json'), vk: path.join(dir, 'policy.vk') };
    fs.writeFileSync(files.m, mnemonic + '\n', { mode: 0o600 });
    fs.writeFileSync(files.p, ready.policy);
    fs.writeFileSync(files.vk, Buffer.from(ready.vk, 'base64'));
    const leash = (...args) => new Promise((resolve, reject) => {
      const p = spawn(LEASH, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.on('data', (d) => { out += d; });
      p.stderr.on('data', (d) => { out += d; });
      p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`leash ${args[0]} ${args[1]}: exit ${code}: ${out}`))));
    });
    await api('settings', { registry: reg });
    await propose('p-unpublished', ETH / 100n);
    const r0 = await receipt('p-unpublished', 'rejected');
    assert(r0.body.code === 'unknown_policy', 'nothing published yet: ' + JSON.stringify(r0.body));
    await leash('policy', 'publish', '--rpc', RPC, '--registry', reg, '--vk', files.vk, '--mnemonic-file', files.m, files.p);
    const v = ETH / 100n;
    await propose('p-published', v);
    await receipt('p-published', 'signed', 20000);
    await leash('policy', 'publish', '--revoke', '--rpc', RPC, '--registry', reg, '--mnemonic-file', files.m);
    await propose('p-revoked', v);
    const r1 = await receipt('p-revoked', 'rejected');
    assert(r1.body.code === 'revoked', 'revoked on chain: ' + JSON.stringify(r1.body));
    await api('settings', { registry: '' });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  await test('a proposal that meets a locked vault waits, and is signed after unlock', async () => {
    await popup.reload();
    await popup.waitForSelector('#lock');
    await popup.click('#lock');
    await popup.waitForSelector('[data-screen=locked]');
    const v = ETH / 100n;
    await propose('p-locked', v);
    const p = await receipt('p-locked', 'pending');
    assert(p.body.code === 'locked', 'pending with code locked: ' + JSON.stringify(p.body));
    await until('locked banner', async () => /wait for you to unlock/.test(await popup.textContent('body')));
    await fillPassword(popup, PASSWORD);
    await popup.click('#unlock');
    await receipt('p-locked', 'signed', 40000); // argon2id unlock + retry; generous on a loaded machine
    await receipt('p-locked', 'mined', 30000);
  });

  await test('the idle auto-lock counts user activity only: a stream of agent proposals does not keep the wallet unlocked', async () => {
    // A 4 s idle time for the test (the setting's minimum is a minute).
    // The user's last activity is taken just before the touch; a proposal
    // sent after it + 4 s (+ 100 ms for the clocks' steps) cannot be signed
    // (the vault checks its idle time when the key is used). Counting by
    // when a receipt arrives instead would blame a proposal signed in time
    // whose receipt came late (the relay hop, the poll).
    const t0 = await sw.evaluate(async () => {
      const { approver } = await globalThis.leashDebug.ready();
      await approver.setMode({ paused: false, supervised: false, idleTimeoutMs: 4000 });
      const t = Date.now();
      await approver.touch(); // the user's last activity: now
      return t;
    });
    const v = ETH / 1000n;
    let signedAfter = 0;
    let last = null;
    for (let i = 0; Date.now() - t0 < 7000; i++) {
      const id = `p-idle-${i}`;
      const sentAt = Date.now();
      await propose(id, v);
      const r = await receipt(id, null, 20000);
      last = r.body;
      if (r.body.status === 'signed') {
        if (sentAt - t0 > 4100) signedAfter++;
        await receipt(id, 'mined', 20000);
      }
      if (r.body.status === 'pending') break;
    }
    assert(last && last.status === 'pending' && last.code === 'locked', 'the vault locked despite agent activity: ' + JSON.stringify(last));
    assert(signedAfter === 0, 'signed after the idle time: ' + signedAfter);
    assert((await status()).vault === 'locked', 'locked');
    await popup.reload();
    await fillPassword(popup, PASSWORD);
    await popup.click('#unlock');
    await receipt(last.id, 'signed', 40000);
    await receipt(last.id, 'mined', 30000);
    await api('settings', { autoLockMinutes: 15 }); // back to the setting
  });

  await test('storage MAC: a settings record changed behind the core\'s back stops it (malformed, nothing signed) until the user resets', async () => {
    await api('settings', { mode: 'supervised' });
    // Someone who can write the extension's storage (another process, a
    // profile edit) turns supervision off.
    const before = await popup.evaluate(() => chrome.storage.local.get('core/rec/settings'));
    const tampered = JSON.stringify({ ...JSON.parse(before['core/rec/settings']), mode: 'autonomous' });
    await popup.evaluate((t) => chrome.storage.local.set({ 'core/rec/settings': t }), tampered);
    await restartWorker();
    const st = await status();
    assert(st.integrity.state === 'tampered' && st.integrity.records.includes('rec/settings'), 'detected: ' + JSON.stringify(st.integrity));
    const n = await ledgerNonce();
    await propose('p-tampered', ETH / 100n);
    const r = await receipt('p-tampered', 'rejected');
    assert(r.body.code === 'revoked' || r.body.code === 'malformed', 'refused: ' + JSON.stringify(r.body));
    await popup.reload();
    await popup.waitForSelector('#tampered');
    await shot(popup, '13-popup-tampered');
    await popup.click('#reset-tampered');
    await until('reset', async () => (await status()).integrity.state === 'ok');
    const s = (await api('view')).settings;
    assert(s.paused && s.mode === 'autonomous', 'defaults, paused until the user resumes: ' + JSON.stringify(s));
    await api('settings', { rpcUrl: RPC });
    await api('pause', { paused: false });
    assert(await ledgerNonce() === n, 'nothing signed');
    await propose('p-after-reset', ETH / 100n);
    await receipt('p-after-reset', 'signed');
  });

  await test('storage lockdown: the content scripts\' world cannot read or write chrome.storage', async () => {
    const page = await dappPage();
    const cdp = await context.newCDPSession(page);
    const contexts = [];
    cdp.on('Runtime.executionContextCreated', (e) => contexts.push(e.context));
    await cdp.send('Runtime.enable');
    const iso = await until('the content script\'s isolated world', async () => contexts.find((c) => c.auxData && c.auxData.type === 'isolated' && /Leash/.test(c.name)));
    const ev = async (expression) => {
      const r = await cdp.send('Runtime.evaluate', { expression, contextId: iso.id, awaitPromise: true, returnByValue: true });
      return r.exceptionDetails ? { error: (r.exceptionDetails.exception && r.exceptionDetails.exception.description) || r.exceptionDetails.text } : { value: r.result.value };
    };
    assert(typeof (await ev('typeof chrome.runtime.connect')).value === 'string', 'this is the extension\'s isolated world');
    for (const expr of ['chrome.storage.local.get(null).then((o) => Object.keys(o).length)',
      'chrome.storage.local.set({"core/pins": "swapped"}).then(() => "written")',
      'chrome.storage.session.get(null).then((o) => Object.keys(o).length)']) {
      const r = await ev(expr);
      assert(r.error && !('value' in r), `${expr} → ${JSON.stringify(r)}`);
    }
    const pins = await popup.evaluate(() => chrome.storage.local.get('core/pins'));
    assert(pins['core/pins'] !== 'swapped', 'the pins are untouched');
    log('content script storage access refused:', (await ev('chrome.storage.local.get(null)')).error.split('\n')[0]);
    await page.close();
  });

  await test('dapp: finds Leash through EIP-6963; one pending connect per origin (-32002), random approval ids; consent; a task for the agent', async () => {
    const page = await dappPage();
    const chain = await page.evaluate(() => window.leashProvider.request({ method: 'eth_chainId' }));
    assert(chain === '0x539', 'eth_chainId ' + chain);
    const before = await page.evaluate(() => window.leashProvider.request({ method: 'eth_accounts' }));
    assert(before.length === 0, 'no accounts before consent');
    const err = await page.evaluate(() => window.leashProvider.request({ method: 'eth_sign', params: [] }).catch((e) => e.code));
    assert(err === 4200, 'unsupported method 4200: ' + err);
    const err2 = await page.evaluate(() => window.leashProvider.request({ method: 'leash_requestAgentAction', params: [{}] }).catch((e) => e.code));
    assert(err2 === 4100, 'unauthorized 4100: ' + err2);
    // Hostile messages to the content script are ignored.
    await page.evaluate(() => {
      window.postMessage({ target: 'leash:to-content', id: 1, method: 'unlock()', params: 'x' }, '*');
      window.postMessage({ target: 'leash:to-content', id: {}, method: 'eth_accounts' }, '*');
      window.postMessage({ type: 'unlock', password: 'x' }, '*');
    });
    const first = request(page, 'eth_requestAccounts');
    const win = await approvalsWindow('[data-approve^="connect:"]');
    const again = await request(page, 'eth_requestAccounts');
    assert(again.code === -32002, 'a second connect while one waits: ' + JSON.stringify(again));
    const ids = (await api('view')).approvals.map((a) => a.id);
    assert(ids.length === 1 && /^connect:[0-9a-f-]{36}$/.test(ids[0]), 'one random approval id: ' + ids);
    await shot(win, '10-popup-connect');
    await win.click('[data-approve^="connect:"]');
    const acc = await first;
    assert(acc.result && acc.result[0].toLowerCase() === address.toLowerCase(), 'connected: ' + JSON.stringify(acc));
    const mark = agent.lines.length;
    const asked = page.evaluate(() => window.leashProvider.request({ method: 'leash_requestAgentAction', params: [{ task: 'buy coffee' }] }));
    const win2 = await approvalsWindow('[data-approve^="task:"]');
    await shot(win2, '11-popup-task');
    await win2.click('[data-approve^="task:"]');
    const done = await asked;
    assert(done.status === 'forwarded', 'task forwarded: ' + JSON.stringify(done));
    const task = await agent.next((e) => e.event === 'receipt' && e.kind === 'task', 15000, mark);
    assert(task.body.origin === `http://127.0.0.1:${webPort}` && /coffee/.test(task.body.request.task), 'task reached the agent: ' + JSON.stringify(task.body));
    await shot(page, '12-dapp');
    await page.close();
  });

  await test('connected sites are listed and can be disconnected (the page hears accountsChanged [])', async () => {
    const page = await dappPage();
    assert((await request(page, 'eth_accounts')).result.length === 1, 'connected');
    await page.evaluate(() => { window.heard = []; window.leashProvider.on('accountsChanged', (a) => window.heard.push(a)); });
    const origin = `http://127.0.0.1:${webPort}`;
    await popup.reload();
    await popup.click('[data-tab=setup]');
    await popup.waitForSelector(`[data-site="${origin}"]`);
    await shot(popup, '14-popup-sites');
    await popup.click(`[data-disconnect="${origin}"]`);
    await popup.waitForSelector('#no-sites');
    await page.waitForFunction(() => window.heard.some((a) => a.length === 0));
    assert((await request(page, 'eth_accounts')).result.length === 0, 'no accounts after disconnecting');
    const again = request(page, 'eth_requestAccounts');
    const win = await approvalsWindow('[data-approve^="connect:"]');
    await win.click('[data-approve^="connect:"]');
    assert((await again).result.length === 1, 'connected again');
    await page.close();
  });

  await test('dapp: personal_sign and eth_sendTransaction approved by hand (a click while unlocked, no password); the nonce shown is the nonce signed', async () => {
    const page = await dappPage();
    const approve = async (sel) => {
      const win = await approvalsWindow(`[data-approve^="${sel}"]`);
      assert(!(await win.$('[data-password]')), 'no password per signature while unlocked');
      await win.click(`[data-approve^="${sel}"]`);
      return win;
    };
    const msgHex = '0x' + Buffer.from('hello leash').toString('hex');
    const sigP = request(page, 'personal_sign', [msgHex, address]);
    await approve('sign:');
    const sig = (await sigP).result;
    assert(ethers.verifyMessage('hello leash', sig).toLowerCase() === address.toLowerCase(), 'personal_sign recovers the address');
    const txP = request(page, 'eth_sendTransaction', [{ from: address, to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', value: '0x38d7ea4c68000' }]);
    const win = await approvalsWindow('[data-approve^="tx:"]');
    const shown = Number(await win.getAttribute('[data-approval^="tx:"] [data-nonce]', 'data-nonce'));
    assert(shown === await chainNonce(), 'the next nonce is shown: ' + shown);
    // The agent takes that nonce first.
    await propose('p-steal-nonce', ETH / 1000n, { nonce: shown });
    await receipt('p-steal-nonce', 'signed');
    await receipt('p-steal-nonce', 'mined', 30000);
    await win.click('[data-approve^="tx:"]');
    await until('the request shown again with the new nonce', async () => Number(await win.getAttribute('[data-approval^="tx:"] [data-nonce]', 'data-nonce')) === shown + 1);
    assert(/nonce changed/.test(await win.textContent('body')), 'the user is told why');
    await win.click('[data-approve^="tx:"]');
    const hash = (await txP).result;
    const rec = await until('user tx mined', () => rpcCall('eth_getTransactionReceipt', [hash]), 20000);
    assert(rec.status === '0x1', 'user tx mined');
    const tx = await rpcCall('eth_getTransactionByHash', [hash]);
    assert(Number(BigInt(tx.nonce)) === shown + 1, `signed with the nonce shown (${shown + 1}), got ${tx.nonce}`);
    await page.close();
  });

  await test('approval honesty: fees above the threshold warned, unlimited ERC-20 approvals flagged, sign-in messages for another site refused', async () => {
    const page = await dappPage();
    // A page-chosen fee far above the threshold (0.01 ETH).
    const feeP = request(page, 'eth_sendTransaction', [{ to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', value: '0x1', gas: '0x5208', maxFeePerGas: '0x' + (10n ** 13n).toString(16), maxPriorityFeePerGas: '0x1' }]);
    let win = await approvalsWindow('[data-approval^="tx:"] [data-warning="fee_high"]');
    await win.click('[data-reject^="tx:"]');
    assert((await feeP).code === 4001, 'rejected');
    // approve(spender, 2^256-1) on a token.
    const data = '0x095ea7b3' + '000000000000000000000000e7f1725e7734ce288f8367e1bb143e90bb3f0512' + 'f'.repeat(64);
    const apP = request(page, 'eth_sendTransaction', [{ to: '0x5FbDB2315678afecb367f032d93F642f64180aa3', data, gas: '0x186a0' }]);
    win = await approvalsWindow('[data-approval^="tx:"] [data-warning="unlimited_approval"]');
    assert(await win.$('[data-approval^="tx:"] [data-unlimited]'), 'the amount reads UNLIMITED');
    await shot(win, '15-popup-unlimited');
    await win.click('[data-reject^="tx:"]');
    assert((await apP).code === 4001, 'rejected');
    // EIP-4361 for another domain: shown as refused, never signable.
    const siwe = (domain) => `${domain} wants you to sign in with your Ethereum account:\n${ethers.getAddress(address)}\n\nSign in.\n\nURI: https://${domain}/\nVersion: 1\nChain ID: 1337\nNonce: 12345678\nIssued At: 2026-12-07T10:00:00Z`;
    const phish = request(page, 'personal_sign', [siwe('bank.example'), address]);
    win = await approvalsWindow('[data-approval^="sign:"] [data-refuse="siwe_domain"]');
    assert(!(await win.$('[data-approve^="sign:"]')), 'no approve button');
    const id = (await api('view')).approvals.find((a) => a.kind === 'sign').id;
    const rev = (await api('view')).approvals.find((a) => a.kind === 'sign').rev;
    await new Promise((r) => setTimeout(r, 700)); // past the guard delay: the refusal is the core's
    const forced = await api('approve', { id, rev }).then(() => 'signed', (e) => e.message);
    assert(/siwe_domain/.test(forced), 'the worker refuses it too: ' + forced);
    await shot(win, '16-popup-siwe');
    await win.click('[data-reject^="sign:"]');
    assert((await phish).code === 4001, 'rejected');
    const own = request(page, 'personal_sign', [siwe(`127.0.0.1:${webPort}`).replace(`https://127.0.0.1:${webPort}/`, `http://127.0.0.1:${webPort}/`), address]);
    win = await approvalsWindow('[data-approval^="sign:"] [data-siwe]');
    await win.click('[data-approve^="sign:"]');
    assert(/^0x[0-9a-f]{130}$/.test((await own).result), 'a sign-in for the asking site is signed');
    await page.close();
  });

  await test('page floods: 1,000 requests from pages; one approvals window, a few pending per origin, -32002 for the rest, nothing signed', async () => {
    const n0 = await ledgerNonce();
    const before = await sw.evaluate(() => ({ ...globalThis.leashDebug.dapp.windowStats }));
    const page = await dappPage();
    const other = await dappPage(webPort2); // not connected
    const t0 = performance.now();
    const [mine, theirs] = await Promise.all([
      page.evaluate(async () => {
        const calls = [];
        for (let i = 0; i < 800; i++) {
          const p = i % 2
            ? { method: 'personal_sign', params: ['0x' + i.toString(16).padStart(4, '0'), undefined] }
            : { method: 'eth_sendTransaction', params: [{ to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', value: '0x1', gas: '0x5208' }] };
          calls.push(window.leashProvider.request(p).then(() => 'ok', (e) => e.code));
        }
        return Promise.all(calls.map((c) => Promise.race([c, new Promise((r) => setTimeout(() => r('pending'), 6000))])));
      }),
      other.evaluate(async () => {
        const calls = [];
        for (let i = 0; i < 200; i++) calls.push(window.leashProvider.request({ method: 'eth_requestAccounts' }).then(() => 'ok', (e) => e.code));
        return Promise.all(calls.map((c) => Promise.race([c, new Promise((r) => setTimeout(() => r('pending'), 6000))])));
      }),
    ]);
    const ms = performance.now() - t0;
    const count = (xs, v) => xs.filter((x) => x === v).length;
    log(`page flood: 1000 requests in ${ms.toFixed(0)} ms; connected page: ${count(mine, 'pending')} pending, ${count(mine, -32002)} × -32002; other origin: ${count(theirs, 'pending')} pending, ${count(theirs, -32002)} × -32002`);
    assert(count(mine, 'pending') <= 8 && count(mine, -32002) >= 790, 'bounded per origin: ' + JSON.stringify([count(mine, 'pending'), count(mine, -32002)]));
    assert(count(theirs, 'pending') === 1 && count(theirs, -32002) === 199, 'one pending connect for the other origin');
    const after = await sw.evaluate(() => ({ ...globalThis.leashDebug.dapp.windowStats }));
    assert(after.created - before.created <= 1, 'one approvals window: ' + JSON.stringify([before, after]));
    assert(approvalPages().length <= 1, 'windows open: ' + approvalPages().length);
    const waiting = (await api('view')).approvals;
    assert(waiting.length <= 9, 'approvals waiting ' + waiting.length);
    for (const a of waiting) await api('reject', { id: a.id });
    await page.close();
    await other.close();
    assert(await ledgerNonce() === n0, 'nothing signed');
  });

  await test(`flood: ${FLOOD_N} hostile proposals; storage and memory stay bounded, nothing is signed, the kill switch still works`, async () => {
    const n0 = await ledgerNonce();
    const mem = async () => {
      const m = await sw.evaluate(async () => {
        const { leash } = await globalThis.leashDebug.ready();
        const s = await leash.tools.memStats();
        return { goHeap: s.heapAlloc, goSys: s.sys, wasmMemory: globalThis.leashDebug.wasmMemory() };
      });
      return { ...m, jsHeap: await workerHeap().catch(() => null) };
    };
    const use = () => api('storage');
    const m0 = await mem();
    const s0 = await use();
    const audit0 = (await status()).auditHead;
    const mark = agent.lines.length;
    const t0 = performance.now();
    send({ cmd: 'flood', n: FLOOD_N, from: address });
    let peakStorage = s0.bytes;
    let peakMem = m0;
    const timer = setInterval(async () => {
      try {
        const u = await use();
        peakStorage = Math.max(peakStorage, u.bytes);
        const m = await mem();
        peakMem = { wasmMemory: Math.max(peakMem.wasmMemory, m.wasmMemory), goHeap: Math.max(peakMem.goHeap, m.goHeap), jsHeap: Math.max(peakMem.jsHeap || 0, m.jsHeap || 0) || null };
      } catch {}
    }, 2000);
    const done = await agent.next((e) => e.event === 'flooded' || (e.event === 'error' && e.cmd === 'flood'), 900000, mark);
    clearInterval(timer);
    assert(done.event === 'flooded', 'flood: ' + JSON.stringify(done));
    const secs = (performance.now() - t0) / 1000;
    const m1 = await mem();
    const s1 = await use();
    const st = await status();
    const keys = await popup.evaluate(async () => Object.keys(await chrome.storage.local.get(null)));
    const auditKeys = keys.filter((k) => /^core\/audit\/\d+$/.test(k)).length;
    const notes = await sw.evaluate(async () => ({ open: Object.keys(await chrome.notifications.getAll()), stats: globalThis.leashDebug.notify.stats }));
    const kib = (b) => (b / 1024).toFixed(0) + ' KiB';
    const mib = (b) => (b / 1048576).toFixed(1) + ' MiB';
    console.log(`\n| flood: ${FLOOD_N} hostile proposals in ${secs.toFixed(0)} s (${(FLOOD_N / secs).toFixed(0)}/s) | before | after | peak |`);
    console.log('|---|---|---|---|');
    console.log(`| chrome.storage.local bytes | ${kib(s0.bytes)} | ${kib(s1.bytes)} | ${kib(peakStorage)} |`);
    console.log(`| worker WASM memory | ${mib(m0.wasmMemory)} | ${mib(m1.wasmMemory)} | ${mib(peakMem.wasmMemory)} |`);
    console.log(`| Go heap in use | ${mib(m0.goHeap)} | ${mib(m1.goHeap)} | ${mib(peakMem.goHeap)} |`);
    const heap = (x) => (x === null || x === undefined ? 'n/a' : mib(x));
    console.log(`| worker JS heap | ${heap(m0.jsHeap)} | ${heap(m1.jsHeap)} | ${heap(peakMem.jsHeap)} |`);
    console.log(`| audit entries stored (log head ${audit0.next} → ${st.auditHead.next}) | | ${auditKeys} | |`);
    console.log(`| notifications open / raised | | ${notes.open.length} / ${notes.stats.created} | |`);
    console.log(`receipts by code: ${JSON.stringify(done.receipts)}; sent by kind: ${JSON.stringify(done.kinds)}\n`);
    fs.writeFileSync(path.join(ART, 'flood.json'), JSON.stringify({ n: FLOOD_N, secs, storage: { before: s0.bytes, after: s1.bytes, peak: peakStorage }, memory: { before: m0, after: m1, peak: peakMem }, auditKeys, notes, receipts: done.receipts, kinds: done.kinds }, null, 1));
    assert(!done.receipts.signed, 'nothing signed in the flood: ' + JSON.stringify(done.receipts));
    assert(await ledgerNonce() === n0, 'the signer\'s nonce did not move');
    assert(peakStorage <= STORAGE_BOUND, `storage ${peakStorage} bytes ≤ the stated bound ${STORAGE_BOUND}`);
    assert(auditKeys <= 1280, 'audit rotated: ' + auditKeys);
    assert(notes.open.filter((k) => k.startsWith('leash-refusals') || k.startsWith('leash-waiting')).length <= 2 && notes.open.length <= 4, 'notifications coalesced: ' + notes.open);
    assert(notes.stats.created <= Math.ceil(secs / 3) + 4, 'notifications raised at most every 3 s: ' + notes.stats.created);
    assert(peakMem.wasmMemory <= 256 * 1048576, 'worker WASM memory bounded: ' + peakMem.wasmMemory);
    assert(m1.jsHeap === null || m1.jsHeap <= 64 * 1048576, 'worker JS heap bounded: ' + m1.jsHeap);
    const a = await api('activity');
    assert(a.ok !== false, 'the rotated audit log verifies: ' + a.error);
    // The kill switch still works, and the signer still signs afterwards.
    await api('pause', { paused: true });
    await propose('p-after-flood-paused', ETH / 1000n);
    assert((await receipt('p-after-flood-paused', 'rejected')).body.code === 'revoked', 'paused after the flood');
    await api('pause', { paused: false });
    await propose('p-after-flood', ETH / 1000n);
    await receipt('p-after-flood', 'signed', 30000);
    await receipt('p-after-flood', 'mined', 30000);
  });

  await test('chrome.storage holds no mnemonic, private key or password in the clear', async () => {
    const dump = await popup.evaluate(async () => JSON.stringify([await chrome.storage.local.get(null), await chrome.storage.session.get(null)]));
    const key = ethers.HDNodeWallet.fromPhrase(mnemonic).privateKey.slice(2).toLowerCase();
    const lower = dump.toLowerCase();
    assert(!lower.includes(mnemonic), 'no mnemonic');
    const words = mnemonic.split(' ');
    for (let i = 0; i + 3 <= words.length; i++) assert(!lower.includes(words.slice(i, i + 3).join(' ')), 'no run of mnemonic words');
    assert(!lower.includes(key), 'no private key (hex)');
    assert(!dump.includes(Buffer.from(key, 'hex').toString('base64')), 'no private key (base64)');
    assert(!dump.includes(PASSWORD), 'no password');
    const local = await popup.evaluate(() => chrome.storage.local.get(null));
    assert(!Object.keys(local).some((k) => k.includes('session') || k === 'ext/mac'), 'no session keys in chrome.storage.local');
    log(`storage: ${Object.keys(local).length} keys in local, ${dump.length} bytes checked`);
  });

  await test('the RPC is not trusted: another chain is refused when saved; a lying nonce does not move the ledger past the step', async () => {
    lie.method = 'eth_chainId';
    lie.result = '0x1';
    const err = await api('settings', { rpcUrl: LYING_RPC }).then(() => null, (e) => e);
    assert(err && /wrong_chain/.test(err.message) && /1337/.test(err.message), 'an RPC of chain 1 refused: ' + err);
    assert((await api('view')).settings.rpcUrl === RPC, 'the setting is unchanged');
    // The proxy now lies about the nonce only (its chain is the policy's).
    lie.method = 'eth_getTransactionCount';
    lie.result = '0x10000000000';
    await api('settings', { rpcUrl: LYING_RPC });
    const before = (await api('view')).status.nonce;
    // A proposal with a wrong nonce makes the extension re-read the nonce.
    await propose('p-lying-nonce', ETH / 1000n, { nonce: Number(BigInt(before)) + 3 });
    const r = await receipt('p-lying-nonce', 'rejected');
    assert(r.body.code === 'nonce_mismatch' && r.body.nonce === before, 'refused at the ledger\'s nonce: ' + JSON.stringify(r.body));
    const st = await until('the jump held for the user', async () => { const v = (await api('view')).status; return v.nonceHold && v; });
    assert(st.nonce === before, `the ledger's nonce stayed ${before}: ${st.nonce}`);
    assert(BigInt(st.nonceHold.chain) === 1n << 40n, 'held: ' + JSON.stringify(st.nonceHold));
    await popup.goto(extURL('ui/popup.html?tab=approvals'));
    await popup.waitForSelector(`[data-nonce-hold="${1n << 40n}"]`);
    await shot(popup, '09b-popup-nonce-hold');
    await popup.click('#nonce-dismiss');
    await until('hold dismissed', async () => !(await api('view')).status.nonceHold);
    assert((await api('view')).status.nonce === before, 'still the ledger\'s nonce');
    lie.method = null;
    await api('settings', { rpcUrl: RPC });
  });

  await test(`benchmark: proposal arrival → signed transaction through the running extension (n=${BENCH_N})`, async () => {
    // Measured as in use: the popup closed (an extension page that does not poll stays for the API).
    await popup.goto(extURL('ui/onboarding.html'));
    const before = (await api('bench')).samples.length;
    const v = ETH / 1000n;
    // The agent host numbers its own nonces (a signed receipt comes back
    // before the broadcast reaches the chain's pending count).
    const n0 = Number(BigInt(await rpcCall('eth_getTransactionCount', [address, 'pending'])));
    for (let i = 0; i < BENCH_N; i++) {
      await propose(`p-bench-${i}`, v, { nonce: n0 + i });
      const r = await receipt(`p-bench-${i}`, null, 30000);
      assert(r.body.status === 'signed', `p-bench-${i} signed: ${JSON.stringify(r.body)}`);
    }
    const s = (await api('bench')).samples.slice(before);
    // Baselines from the same run, in the same worker: the stateless WASM
    // verifier alone on the last proposal, and one chrome.storage write.
    const last = agent.lines.filter((e) => e.event === 'sent').pop().proposal;
    const base = await sw.evaluate(async ([prop, pol, vk]) => {
      const { leash } = await globalThis.leashDebug.ready();
      const enc = new TextEncoder();
      const vkb = Uint8Array.from(atob(vk), (c) => c.charCodeAt(0));
      const st = JSON.stringify({ nonce: prop.tx.nonce, time: prop.time, spent: prop.state.spent, fees: prop.state.fees, txs: prop.state.txs, tokens: [] });
      const args = { vk: { path: 'vk', data: vkb }, policy: { path: 'p', data: enc.encode(pol) }, proposal: { path: 'x', data: enc.encode(JSON.stringify(prop)) }, state: { path: 's', data: enc.encode(st) } };
      const verify = [], write = [];
      for (let i = 0; i < 15; i++) {
        let t = performance.now();
        const r = await leash.tools.verify(args);
        verify.push(performance.now() - t);
        if (r.exit !== 0) throw new Error('baseline verify failed: ' + r.stdout);
        t = performance.now();
        await chrome.storage.local.set({ 'bench/baseline': 'x'.repeat(1500) });
        write.push(performance.now() - t);
      }
      await chrome.storage.local.remove('bench/baseline');
      return { verify, write };
    }, [last, ready.policy, ready.vk]);
    for (const [k, xs] of Object.entries(base)) s.forEach((x, i) => { if (i < xs.length) x['base_' + k] = xs[i]; });
    const col = (k) => s.map((x) => x[k]).sort((a, b) => a - b);
    const q = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
    console.log('\n| stage (ms, network excluded)            |    n |   p50 |   p90 |   max |');
    console.log('|-----------------------------------------|------|-------|-------|-------|');
    for (const [k, label] of [['total', 'frame arrival → signed tx, persisted'], ['queued', '  open + dispatch (before the core)'], ['core', '  core verify + ledger + sign + audit'], ['persist', '  one batched chrome.storage write'], ['base_verify', 'baseline: tools.verify (loads vk+policy)'], ['base_write', 'baseline: one chrome.storage.local.set']]) {
      const xs = col(k).filter((x) => x !== undefined);
      console.log(`| ${label.padEnd(39)} | ${String(xs.length).padStart(4)} | ${q(xs, 0.5).toFixed(1).padStart(5)} | ${q(xs, 0.9).toFixed(1).padStart(5)} | ${xs[xs.length - 1].toFixed(1).padStart(5)} |`);
    }
    // This worker was started by the restart test above: its core's boot is
    // a cold start in Chromium (module from the extension's files).
    const boot = (await api('bench')).boot;
    assert(boot && boot.totalMs > 0, 'boot timings: ' + JSON.stringify(boot));
    console.log(`| ${'worker cold start: fetch+compile+inst.'.padEnd(39)} |    1 | ${boot.fetchCompileInstantiateMs.toFixed(1).padStart(5)} |       |       |`);
    console.log(`| ${'  Go start-up until leash is ready'.padEnd(39)} |    1 | ${boot.goReadyMs.toFixed(1).padStart(5)} |       |       |`);
    console.log(`| ${'  open the core over chrome.storage'.padEnd(39)} |    1 | ${boot.openMs.toFixed(1).padStart(5)} |       |       |`);
    console.log(`| ${'  total'.padEnd(39)} |    1 | ${boot.totalMs.toFixed(1).padStart(5)} |       |       |`);
    // The same path with the registry setting on: the core reads eth_chainId
    // and the registry entry over the RPC (a local dev node) before signing.
    const reg = devInfo.contracts.registry;
    const mf = path.join(tmp, 'bench-mnemonic.txt'), pf = path.join(tmp, 'bench-policy.json'), vf = path.join(tmp, 'bench-policy.vk');
    fs.writeFileSync(mf, mnemonic + '\n', { mode: 0o600 });
    fs.writeFileSync(pf, ready.policy);
    fs.writeFileSync(vf, Buffer.from(ready.vk, 'base64'));
    await run(LEASH, ['policy', 'publish', '--rpc', RPC, '--registry', reg, '--vk', vf, '--mnemonic-file', mf, pf]);
    fs.rmSync(mf);
    await api('settings', { registry: reg });
    const before2 = (await api('bench')).samples.length;
    const n1 = Number(BigInt(await rpcCall('eth_getTransactionCount', [address, 'pending'])));
    for (let i = 0; i < BENCH_N; i++) {
      await propose(`p-bench-reg-${i}`, v, { nonce: n1 + i });
      const r = await receipt(`p-bench-reg-${i}`, null, 30000);
      assert(r.body.status === 'signed', `p-bench-reg-${i} signed: ${JSON.stringify(r.body)}`);
    }
    await api('settings', { registry: '' });
    const withReg = (await api('bench')).samples.slice(before2).map((x) => x.total).sort((a, b) => a - b);
    console.log(`| ${'frame → signed, with the registry check'.padEnd(39)} | ${String(withReg.length).padStart(4)} | ${q(withReg, 0.5).toFixed(1).padStart(5)} | ${q(withReg, 0.9).toFixed(1).padStart(5)} | ${withReg[withReg.length - 1].toFixed(1).padStart(5)} |`);
    console.log('');
    const p50 = q(col('total'), 0.5);
    fs.writeFileSync(path.join(ART, 'bench.json'), JSON.stringify({ samples: s, p50, boot, withRegistry: withReg }, null, 1));
    assert(s.length === BENCH_N, 'every benchmark proposal measured');
    if (p50 > 50) log(`WARNING: p50 ${p50.toFixed(1)} ms is above the 50 ms target`);
  });

  await test('programs in the extension: a wrong program key cannot be pinned; a replayed decision is program_replay; a revoked program refuses', async () => {
    const reg = devInfo.contracts.registry;
    const keys = await programKeys();
    let mark;
    // A second profile: a fresh wallet that pins the program examples' policy.
    const second = await launchExtension(EXT, path.join(tmp, 'profile-programs'), ART, 'ui/popup.html?tab=activity', 'console-programs.log');
    const ctx2 = second.context;
    try {
      const api2 = second.api;
      // The program examples commit their account (policy "self" and the
      // program's recipient): devnet account 0, whose mnemonic this wallet imports.
      const words = 'test test test test test test test test test test test junk';
      await api2('importVault', { mnemonic: words, password: PASSWORD });
      const addr2 = (await api2('view')).status.address;
      // The program examples' policy, for this wallet (a v2 policy commits
      // the account it is for).
      mark = agent.lines.length;
      send({ cmd: 'program-setup', policy: path.join(ROOT, 'examples/programs/policy.json'), program: path.join(ROOT, 'examples/programs/threshold.json'), keys });
      const pr = await agent.next((e) => e.event === 'program-ready' || (e.event === 'error' && e.cmd === 'program-setup'), 60000, mark);
      assert(pr.event === 'program-ready', 'program setup: ' + JSON.stringify(pr));
      mark = agent.lines.length;
      send({ cmd: 'fund', to: addr2, value: '0x' + ETH.toString(16) });
      await agent.next((e) => e.event === 'funded' || e.event === 'error', 20000, mark);
      await api2('settings', { rpcUrl: RPC, registry: reg });
      await api2('pinPolicy', { policy: pr.policy, vk: ready.vk });
      // Account 0 deployed the devnet and owns the oracle: the core holds its
      // nonce jump for the user, who confirms it (as tests/browser/signer.mjs).
      const syncNonce = async () => {
        const r = await api2('syncNonce');
        if (r.held !== undefined) await api2('confirmNonce', { nonce: String(r.held) });
      };
      await syncNonce();
      // The user publishes the policy and the program (with its key's hash).
      const dir = fs.mkdtempSync(path.join(tmp, 'programs-'));
      const f = { m: path.join(dir, 'm.txt'), p: path.join(dir, 'policy.json'), vk: path.join(dir, 'policy.vk'), pin: path.join(dir, 'pin.json'), pvk: path.join(keys, 'program-threshold.vk') };
      fs.writeFileSync(f.m, words + '\n', { mode: 0o600 });
      fs.writeFileSync(f.p, pr.policy);
      fs.writeFileSync(f.vk, Buffer.from(ready.vk, 'base64'));
      fs.writeFileSync(f.pin, JSON.stringify(pr.pin));
      const chainArgs = ['--rpc', RPC, '--registry', reg, '--mnemonic-file', f.m];
      await run(LEASH, ['policy', 'publish', ...chainArgs, '--vk', f.vk, f.p]);
      await run(LEASH, ['program', 'publish', ...chainArgs, '--vk', f.pvk, f.pin]);
      // Issue 12, attack 6: a well-formed key of another setup is refused.
      const wrong = await api2('pinProgram', { program: JSON.stringify(pr.pin), vk: pr.otherVK }).then(() => null, (e) => e);
      assert(wrong && /unknown_policy/.test(wrong.message) && /published with vk hash/.test(wrong.message), 'another setup\'s key: ' + wrong);
      assert((await api2('view')).status.programs.length === 0, 'nothing pinned');
      await api2('pinProgram', { program: JSON.stringify(pr.pin), vk: pr.vk });
      // Pair the agent host with this wallet.
      const info = await api2('pairStart', { relayUrl: RELAY });
      mark = agent.lines.length;
      send({ cmd: 'pair', uri: info.uri });
      await agent.next((e) => e.event === 'hello', 10000, mark);
      const code = await agent.next((e) => e.event === 'code', 15000, mark);
      const offer = await until('offer', async () => (await api2('view')).link.offer);
      assert(offer.code === code.code, `comparison code ${offer.code} = agent's ${code.code}`);
      await api2('pairConfirm', { code: offer.code }); // the user compared the codes
      await agent.next((e) => e.event === 'paired', 15000, mark);
      const proposeProgram = async (id, extra) => {
        const m = agent.lines.length;
        await syncNonce(); // the oracle's rounds are sent from the same account
        const nonce = Number(BigInt(await rpcCall('eth_getTransactionCount', [addr2, 'pending'])));
        send({ cmd: 'propose-program', id, from: addr2, nonce, ...extra });
        const sent = await agent.next((e) => (e.event === 'sent' && e.id === id) || (e.event === 'error' && e.cmd === 'propose-program'), 60000, m);
        assert(sent.event === 'sent', 'program proposal sent: ' + JSON.stringify(sent));
        return sent;
      };
      const price = async () => {
        const m = agent.lines.length;
        send({ cmd: 'set-price', price: '0x' + (2800n * 10n ** 8n).toString(16) });
        return (await agent.next((e) => e.event === 'price' || (e.event === 'error' && e.cmd === 'set-price'), 20000, m)).block;
      };
      const B = await price();
      const first = await proposeProgram('prog-1', {});
      assert(first.block === B && first.action === 'buy', 'a buy at block ' + B + ': ' + JSON.stringify(first));
      await receipt('prog-1', 'signed', 30000);
      const st = (await api2('view')).status;
      assert(st.programs[0].lastBlock === B, 'last block stored: ' + JSON.stringify(st.programs));
      // Issue 12, attack 3: the same decision again, with the next nonce.
      await receipt('prog-1', 'mined', 30000);
      await proposeProgram('prog-1-replay', { block: B });
      const replay = await receipt('prog-1-replay', 'rejected', 30000);
      assert(replay.body.code === 'program_replay', 'replayed decision: ' + JSON.stringify(replay.body));
      // Revoked on chain: the next fresh decision is refused at once.
      await run(LEASH, ['program', 'publish', '--revoke', ...chainArgs, f.pin]);
      await price();
      await proposeProgram('prog-2', {});
      const revoked = await receipt('prog-2', 'rejected', 30000);
      assert(revoked.body.code === 'revoked' && revoked.body.message.includes(pr.commitment), 'revoked program: ' + JSON.stringify(revoked.body));
      const page2 = second.apiPage;
      await page2.goto(second.extURL('ui/popup.html'));
      await page2.click('[data-tab=activity]');
      await page2.waitForSelector('[data-id=prog-2][data-decision=rejected]');
      await shot(page2, '13-popup-programs-refused');
      fs.rmSync(dir, { recursive: true, force: true });
    } finally {
      await ctx2.close().catch(() => {});
    }
  });
} catch {
  // reported above
} finally {
  const audit = await api('activity').catch(() => null);
  if (audit) assert(audit.ok !== false, 'audit log verifies');
  await context.close().catch(() => {});
  web.close();
  proxy.close();
  web2.close();
  send({ cmd: 'quit' });
  cleanup();
  console.log('\n' + results.map(([n, s, ms]) => `${s.padEnd(4)} ${(ms / 1000).toFixed(1).padStart(5)}s  ${n}`).join('\n'));
  console.log(failures() ? `\n${failures()} browser test(s) failed` : '\nall browser tests passed');
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(failures() ? 1 : 0);
}
