// End-to-end tests of the Leash extension in headless Chromium (Debian's
// chromium through playwright-core; never a downloaded browser), against a
// real relay (`leash relay`), a real go-ethereum dev node and a real agent
// host (tests/browser/agent: the prover library and the relay's Go client).
//
// Usage: node tests/browser/run.mjs   (scripts/test.d/50-browser.sh builds
// everything first). Environment: LEASH_BIN (default bin/leash), AGENT_BIN,
// DEVNET_CMD (JSON array; default [LEASH_BIN, "devnet"]), KEYS_DIR, BENCH_N.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { verifyTypedData } from 'ethers';
import { ethers } from 'ethers';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXT = path.join(ROOT, 'dist/extension');
const ART = path.join(ROOT, 'artifacts/browser');
const LEASH = process.env.LEASH_BIN || path.join(ROOT, 'bin/leash');
const AGENT = process.env.AGENT_BIN || path.join(ROOT, 'bin/leash-test-agent');
const BENCH_N = Number(process.env.BENCH_N || 20);
const PASSWORD = 'correct horse battery staple';
fs.rmSync(ART, { recursive: true, force: true });
fs.mkdirSync(ART, { recursive: true });

const procs = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leash-browser-'));
let failures = 0;
const results = [];

function log(...a) {
  console.log(`[${(performance.now() / 1000).toFixed(1)}s]`, ...a);
}

async function test(name, fn) {
  const t0 = performance.now();
  try {
    await fn();
    results.push([name, 'ok', performance.now() - t0]);
    log(`ok   ${name}`);
  } catch (e) {
    failures++;
    results.push([name, 'FAIL', performance.now() - t0]);
    let i = 0;
    for (const pg of context.pages()) {
      await pg.screenshot({ path: path.join(ART, `fail-${results.length}-${i++}.png`) }).catch(() => {});
      log('page', pg.url(), (await pg.textContent('body').catch(() => '')).slice(0, 400));
    }
    log(`FAIL ${name}\n     ${e.stack || e}`);
    throw e;
  }
}

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

function assert(cond, msg) {
  if (!cond) throw new Error('assertion failed: ' + msg);
}

async function until(what, fn, timeoutMs = 15000, everyMs = 100) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? ': ' + last.message : ''}`);
}

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// start runs a process and returns it with a line reader on stdout.
function start(cmd, args, name) {
  const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  procs.push(p);
  const logf = fs.createWriteStream(path.join(ART, `${name}.log`));
  p.stderr.pipe(logf);
  p.lines = [];
  p.waiters = [];
  readline.createInterface({ input: p.stdout }).on('line', (line) => {
    logf.write(line + '\n');
    let ev;
    try { ev = JSON.parse(line); } catch { ev = { text: line }; }
    p.lines.push(ev);
    for (const w of [...p.waiters]) if (w.match(ev)) { p.waiters.splice(p.waiters.indexOf(w), 1); w.resolve(ev); }
  });
  p.on('exit', (code) => { p.exited = code; });
  p.next = (match, timeoutMs = 20000, from = 0) => {
    const seen = p.lines.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = { match, resolve };
      p.waiters.push(w);
      setTimeout(() => {
        const i = p.waiters.indexOf(w);
        if (i >= 0) { p.waiters.splice(i, 1); reject(new Error(`${name}: no matching event within ${timeoutMs} ms`)); }
      }, timeoutMs);
    });
  };
  return p;
}

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

const context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 380, height: 640 },
  args: [
    `--disable-extensions-except=${EXT}`, `--load-extension=${EXT}`,
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
let sw = context.serviceWorkers()[0] || (await context.waitForEvent('serviceworker', { timeout: 20000 }));
const consoleLog = fs.createWriteStream(path.join(ART, 'console.log'));
const watchConsole = (w, name) => w.on('console', (m) => consoleLog.write(`${name} ${m.type()}: ${m.text()}\n`));
watchConsole(sw, 'sw');
context.on('serviceworker', (w) => watchConsole(w, 'sw'));
context.on('page', (pg) => { watchConsole(pg, 'page'); pg.on('pageerror', (e) => consoleLog.write(`page error: ${e.stack}\n`)); });
const extId = new URL(sw.url()).host;
const extURL = (p) => `chrome-extension://${extId}/${p}`;
log('extension', extId);

// An extension page used to talk to the approver API and to read storage.
const popup = await context.newPage();
await popup.goto(extURL('ui/popup.html?tab=approvals'));
const api = (type, args = {}) => popup.evaluate(async ([type, args]) => {
  const r = await chrome.runtime.sendMessage({ type, ...args });
  if (!r.ok) throw new Error(r.code + ': ' + r.message);
  return r.result;
}, [type, args]);
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
    await popup.fill('#password', PASSWORD);
    await popup.click('#unlock');
    await popup.waitForSelector('[data-screen=main]');
    await until('balance shown', async () => /ETH/.test(await popup.textContent('#balance')));
    await shot(popup, '04-popup-main');
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

  await test('programs: pin a strategy program in the popup, listed; a wrong key refused; unpin', async () => {
    const keys = process.env.KEYS_DIR || path.join(ROOT, '.cache/browser-keys');
    const vkPath = path.join(keys, 'program-threshold.vk');
    if (!fs.existsSync(vkPath)) await run(LEASH, ['program', 'setup', '--template', 'threshold', '--out', keys]);
    const pin = JSON.parse(await run(LEASH, ['program', 'pin', path.join(ROOT, 'examples/programs/threshold.json')]));
    const vk = fs.readFileSync(vkPath);
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
    await shot(popup, '05a-popup-programs');
    await popup.click(`[data-unpin="${pin.commitment}"]`);
    await popup.waitForSelector('#no-programs');
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
    const notes = await sw.evaluate(() => chrome.notifications.getAll());
    assert(Object.keys(notes).some((k) => k.startsWith('pairing-conflict-')), 'a notification warns the user');
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

  await test('a forged proposal (valid proof for another transaction) is rejected, with the reason in the activity list', async () => {
    await propose('p-forged', ETH / 10n, { forgeValue: '0x' + (ETH / 2n).toString(16) });
    const r = await receipt('p-forged', 'rejected');
    assert(r.body.code === 'proof_invalid', 'code proof_invalid, got ' + r.body.code);
    await popup.click('[data-tab=activity]');
    await popup.waitForSelector('[data-id=p-forged][data-decision=rejected]');
    const text = await popup.textContent('[data-id=p-forged][data-decision=rejected]');
    assert(/proof_invalid/.test(text), 'reason shown: ' + text);
    await popup.waitForSelector('[data-id=p-ok-1][data-decision=mined]');
    await shot(popup, '07-popup-activity');
    const notes = await sw.evaluate(() => chrome.notifications.getAll());
    assert(Object.keys(notes).some((k) => k.startsWith('reject-p-forged')), 'a notification for the rejection');
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
    assert(after.nonce === before.nonce && after.windows.txs.count === before.windows.txs.count, 'nothing counted: ' + JSON.stringify(after.windows));
  });

  await test('issue 12: a policy proof aimed at the program-only pool is refused (program_only)', async () => {
    const abi = new ethers.Interface(['function swapExactIn(address,uint256,uint256,address,uint256)']);
    const data = abi.encodeFunctionData('swapExactIn', ['0x1000000000000000000000000000000000000002', 10n ** 18n, 0n, '0x90F79bf6EB2c4f870365E785982E1f101E93b906', 1n << 40n]);
    await propose('p-pool', ETH / 100n, { forgeTo: '0x1000000000000000000000000000000000000004', forgeData: data, forgeValue: '0x0' });
    const r = await receipt('p-pool', 'rejected');
    assert(r.body.code === 'program_only', 'program_only: ' + JSON.stringify(r.body));
  });

  await test('a service-worker restart mid-run (CDP ServiceWorker.stopAllWorkers) loses nothing', async () => {
    const cdp = await context.newCDPSession(popup);
    await cdp.send('ServiceWorker.enable');
    const v = ETH / 100n;
    const n = Number(BigInt(await rpcCall('eth_getTransactionCount', [address, 'pending'])));
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
  });

  await test('supervised mode: the proposal waits, the popup shows decoded calldata, rule and proof status', async () => {
    await popup.click('[data-tab=approvals]').catch(() => {});
    await api('settings', { mode: 'supervised' });
    const v = ETH / 20n;
    await propose('p-sup', v);
    await receipt('p-sup', 'pending');
    await popup.reload();
    await popup.waitForSelector('[data-approval="proposal:p-sup"]');
    await until('proof status', async () => /Proof verifies/.test(await popup.textContent('[data-approval="proposal:p-sup"]')));
    const card = await popup.textContent('[data-approval="proposal:p-sup"]');
    assert(/Allowed by: Alice/.test(card) && /0.05 ETH/.test(card), 'rule and value: ' + card);
    const badge = await sw.evaluate(() => chrome.action.getBadgeText({}));
    assert(badge === '1', 'badge counts the pending item: ' + badge);
    await shot(popup, '08-popup-approval');
    await popup.click('[data-approve="proposal:p-sup"]');
    await receipt('p-sup', 'signed');
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
    return verifyTypedData(td.domain, types, td.message, sig);
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
    await until('revoked in the activity list', async () => (await api('activity')).rows.some((a) => a.id === 'p-revoked' && a.code === 'revoked'));
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
    await popup.fill('#password', PASSWORD);
    await popup.click('#unlock');
    await receipt('p-locked', 'signed', 40000); // scrypt unlock + retry; generous on a loaded machine
    await receipt('p-locked', 'mined', 30000);
  });

  await test('dapp: finds Leash through EIP-6963, eth_requestAccounts with consent, a task for the agent', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 800, height: 700 });
    await page.goto(`http://127.0.0.1:${webPort}/`);
    await page.waitForSelector('li[data-rdns="dev.leash-wallet"]');
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
    const approval = context.waitForEvent('page', { timeout: 15000 });
    await page.click('#connect');
    const win = await approval;
    await win.waitForSelector('[data-approve^="connect:"]');
    await shot(win, '10-popup-connect');
    await win.click('[data-approve^="connect:"]');
    await page.waitForFunction((a) => document.body.dataset.account && document.body.dataset.account.toLowerCase() === a, address.toLowerCase());
    const mark = agent.lines.length;
    const approval2 = context.waitForEvent('page', { timeout: 15000 });
    await page.click('#ask');
    const win2 = await approval2;
    await win2.waitForSelector('[data-approve^="task:"]');
    await shot(win2, '11-popup-task');
    await win2.click('[data-approve^="task:"]');
    await page.waitForFunction(() => document.body.dataset.task === 'forwarded');
    const task = await agent.next((e) => e.event === 'receipt' && e.kind === 'task', 15000, mark);
    assert(task.body.origin === `http://127.0.0.1:${webPort}` && /coffee/.test(task.body.request.task), 'task reached the agent: ' + JSON.stringify(task.body));
    await shot(page, '12-dapp');
    await page.close();
  });

  await test('dapp: personal_sign and eth_sendTransaction approved by hand with the password', async () => {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${webPort}/`);
    await page.waitForSelector('li[data-rdns="dev.leash-wallet"]');
    const approve = async (sel) => {
      const win = await context.waitForEvent('page', { timeout: 15000 });
      await win.waitForSelector(`[data-approve^="${sel}"]`);
      await win.fill(`[data-password^="${sel}"]`, PASSWORD);
      await win.click(`[data-approve^="${sel}"]`);
    };
    const msgHex = '0x' + Buffer.from('hello leash').toString('hex');
    const sigP = page.evaluate(([m, a]) => window.leashProvider.request({ method: 'personal_sign', params: [m, a] }), [msgHex, address]);
    await approve('sign:');
    const sig = await sigP;
    assert(ethers.verifyMessage('hello leash', sig).toLowerCase() === address.toLowerCase(), 'personal_sign recovers the address');
    const txP = page.evaluate(([a]) => window.leashProvider.request({ method: 'eth_sendTransaction', params: [{ from: a, to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', value: '0x38d7ea4c68000' }] }), [address]);
    await approve('tx:');
    const hash = await txP;
    const rec = await until('user tx mined', () => rpcCall('eth_getTransactionReceipt', [hash]), 20000);
    assert(rec.status === '0x1', 'user tx mined');
    await page.close();
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
    assert(!Object.keys(local).some((k) => k.includes('session')), 'no session in chrome.storage.local');
    log(`storage: ${Object.keys(local).length} keys in local, ${dump.length} bytes checked`);
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
    console.log('');
    const p50 = q(col('total'), 0.5);
    fs.writeFileSync(path.join(ART, 'bench.json'), JSON.stringify({ samples: s, p50, boot }, null, 1));
    assert(s.length === BENCH_N, 'every benchmark proposal measured');
    if (p50 > 50) log(`WARNING: p50 ${p50.toFixed(1)} ms is above the 50 ms target`);
  });
} catch {
  // reported above
} finally {
  const audit = await api('activity').catch(() => null);
  if (audit) assert(audit.ok !== false, 'audit log verifies');
  await context.close().catch(() => {});
  web.close();
  send({ cmd: 'quit' });
  cleanup();
  console.log('\n' + results.map(([n, s, ms]) => `${s.padEnd(4)} ${(ms / 1000).toFixed(1).padStart(5)}s  ${n}`).join('\n'));
  console.log(failures ? `\n${failures} browser test(s) failed` : '\nall browser tests passed');
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(failures ? 1 : 0);
}
