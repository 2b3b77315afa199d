// Real dapps and real libraries against the real extension (issue 14), in
// headless Chromium on the devnet: ethers v6 (BrowserProvider over the
// EIP-6963 provider), viem (wallet and public clients over custom()),
// mipd (wagmi's EIP-6963 store), the legacy window.ethereum, networks,
// permissions, capabilities, and the provider's error codes and events.
// The libraries run unmodified in the page (bundled by esbuild from
// node_modules); every approval is a click in the approvals window.
//
// Usage: node tests/browser/dapps.mjs (scripts/test.d/52-dapps.sh builds
// the extension first). Environment: LEASH_BIN, DEVNET_CMD.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import * as esbuild from 'esbuild';
import { ethers } from 'ethers';
import { approvalsWindow, assert, freePort, launchExtension, log, makeTest, start, until } from './lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXT = path.join(ROOT, 'dist/extension');
const ART = path.join(ROOT, 'artifacts/browser-dapps');
const LEASH = process.env.LEASH_BIN || path.join(ROOT, 'bin/leash');
const PASSWORD = 'correct horse battery staple';
const ETH = 10n ** 18n;
fs.rmSync(ART, { recursive: true, force: true });
fs.mkdirSync(ART, { recursive: true });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leash-dapps-'));
const procs = [];
let context = null;
const { test, results, failures: failed } = makeTest({ art: ART, context: () => context });
let failures = 0;

// ---------------------------------------------------------------- setup
const devnetCmd = process.env.DEVNET_CMD ? JSON.parse(process.env.DEVNET_CMD) : [LEASH, 'devnet', '--addr', '127.0.0.1:0', '--deploy'];
const devnet = start(devnetCmd[0], devnetCmd.slice(1), 'devnet', ART, procs);
const devInfo = await devnet.next((e) => e.rpc, 30000);
const RPC = devInfo.rpc;
const rpcCall = async (method, params, url = RPC) => {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const j = await r.json();
  if (j.error) throw new Error(j.error.message);
  return j.result;
};

await esbuild.build({
  entryPoints: [path.join(ROOT, 'tests/browser/dapp/libs.js')], bundle: true, format: 'iife', platform: 'browser',
  outfile: path.join(ART, 'libs.js'), logLevel: 'error', nodePaths: [path.join(ROOT, 'node_modules')],
});

// The dapp's pages, on two origins.
const serve = (req, res) => {
  const name = new URL(req.url, 'http://x').pathname.replace(/^\/+/, '') || 'index.html';
  const file = name === 'libs.js' ? path.join(ART, 'libs.js') : path.join(ROOT, 'tests/browser/dapp', path.basename(name));
  if (!fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html' });
  fs.createReadStream(file).pipe(res);
};
const webPort = await freePort();
const web = http.createServer(serve).listen(webPort, '127.0.0.1');
const webPort2 = await freePort();
const web2 = http.createServer(serve).listen(webPort2, '127.0.0.1');
const ORIGIN = `http://127.0.0.1:${webPort}`;

// A second network for wallet_addEthereumChain: a JSON-RPC endpoint that
// answers eth_chainId with what the test says (a lying one first) and
// passes everything else to the devnet. A fake written by hand: the test
// is about what Leash does with the chain id it answers.
let fakeChainId = '0x539';
let fakeDown = false; // the endpoint stops answering (connections reset)
const fakePort = await freePort();
const fake = http.createServer(async (req, res) => {
  if (fakeDown) { req.socket.destroy(); return; }
  let body = '';
  for await (const c of req) body += c;
  const msg = JSON.parse(body);
  let out;
  if (msg.method === 'eth_chainId') out = { jsonrpc: '2.0', id: msg.id, result: fakeChainId };
  else out = await (await fetch(RPC, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json();
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(out));
}).listen(fakePort, '127.0.0.1');
const FAKE = `http://127.0.0.1:${fakePort}/`;

const ext = await launchExtension(EXT, path.join(tmp, 'profile'), ART);
context = ext.context;
const { api, sw } = ext;
log('extension', ext.extId);

function cleanup() {
  for (const p of procs) if (p.exited === undefined) p.kill('SIGTERM');
}
process.on('exit', cleanup);

// Accessibility: axe-core on every page of the extension, in each state
// the tests pass through; critical and serious violations fail the suite.
const a11y = [];
async function axe(page, name) {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = r.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  a11y.push({ name, critical: bad.filter((v) => v.impact === 'critical').length, serious: bad.filter((v) => v.impact === 'serious').length, rules: bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`) });
}
{
  const ob = await context.newPage();
  await ob.setViewportSize({ width: 760, height: 760 });
  await ob.goto(ext.extURL('ui/onboarding.html'));
  await ob.waitForSelector('#create');
  await axe(ob, 'onboarding: start');
  await ob.click('#create');
  await ob.waitForSelector('#pw');
  await ob.click('#create-go'); // an error, announced
  await ob.waitForSelector('#error:not(:empty)');
  await axe(ob, 'onboarding: password (with an error)');
  await ob.goto(ext.extURL('ui/onboarding.html'));
  await ob.click('#import');
  await ob.waitForSelector('#phrase');
  await axe(ob, 'onboarding: import');
  await ob.goto('about:blank');
  await ob.goto(ext.extURL('ui/onboarding.html#policy'));
  await ob.waitForSelector('#p-name');
  await axe(ob, 'onboarding: policy form');
  await ob.close();
}

await api('createVault', { password: PASSWORD, words: 12 });
await api('settings', { rpcUrl: RPC });
const address = (await api('view')).status.account.address;
{
  const funder = new ethers.Wallet(devInfo.accounts[1].privateKey, new ethers.JsonRpcProvider(RPC, undefined, { cacheTimeout: -1 }));
  await (await funder.sendTransaction({ to: address, value: 50n * ETH })).wait();
}
log('wallet', address, 'funded');

const shot = (page, name) => page.screenshot({ path: path.join(ART, name + '.png'), fullPage: true });
const dappPage = async (port = webPort, file = 'index.html') => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 800, height: 700 });
  await page.goto(`http://127.0.0.1:${port}/${file}`);
  return page;
};
// approve clicks the approve button of the request whose id starts with
// prefix, once it can be clicked (the guard delay).
const approve = async (prefix) => {
  const win = await approvalsWindow(context, `[data-approve^="${prefix}"]`);
  assert(!(await win.$('[data-password]')), 'no password is asked while unlocked');
  await win.click(`[data-approve^="${prefix}"]`, { timeout: 15000 });
  return win;
};
const request = (page, method, params) => page.evaluate(([m, p]) => window.leashProvider.request({ method: m, params: p })
  .then((result) => ({ result }), (e) => ({ code: e.code, message: e.message, data: e.data })), [method, params]);
const audit = () => sw.evaluate(async () => {
  const { approver } = await globalThis.leashDebug.ready();
  return (await approver.activity(300)).rows;
});

// A contract to deploy: init code returning a runtime that answers 42 to
// any call (so `get()` returns 42).
const RUNTIME = '602a60005260206000f3';
const INIT = '0x600a600c600039600a6000f3' + RUNTIME;

// ---------------------------------------------------------------- tests
try {
  await test('mipd (wagmi\'s EIP-6963 store) discovers Leash; window.ethereum is Leash, presents isMetaMask, and dapps can write to it', async () => {
    const page = await dappPage();
    const found = await until('mipd finds Leash', () => page.evaluate(() => window.mipdStore.getProviders().map((p) => ({ rdns: p.info.rdns, name: p.info.name, same: p.provider === window.leashProvider }))
      .find((p) => p.rdns === 'dev.leash-wallet')), 10000);
    assert(found.name === 'Leash' && found.same, 'mipd detail: ' + JSON.stringify(found));
    const legacy = await page.evaluate(() => {
      const e = window.ethereum;
      e.autoRefreshOnNetworkChange = false; // old dapps write this; a frozen object threw
      return { same: e === window.leashProvider, isMetaMask: e.isMetaMask, isLeash: e.isLeash, wrote: e.autoRefreshOnNetworkChange === false, connected: e.isConnected() };
    });
    assert(legacy.same && legacy.isMetaMask === true && legacy.isLeash && legacy.wrote, 'legacy injection: ' + JSON.stringify(legacy));
    const connectEvent = await page.evaluate(() => new Promise((resolve) => {
      window.ethereum.on('connect', (info) => resolve(info));
      window.ethereum.request({ method: 'eth_chainId' });
      setTimeout(() => resolve(null), 5000);
    }));
    assert(connectEvent && connectEvent.chainId === '0x539', 'connect event: ' + JSON.stringify(connectEvent));
    assert(await page.evaluate(() => window.ethereum.isConnected()), 'isConnected after connect');
    await page.close();
  });

  await test('reads are forwarded to the network\'s RPC through the allowlist, without a connection: ethers getBalance and getBlockNumber', async () => {
    const page = await dappPage();
    const r = await page.evaluate(async (addr) => {
      const p = new window.libs.ethers.BrowserProvider(window.leashProvider);
      return { balance: (await p.getBalance(addr)).toString(), block: await p.getBlockNumber(), accounts: await window.leashProvider.request({ method: 'eth_accounts' }) };
    }, address);
    assert(r.balance === BigInt(await rpcCall('eth_getBalance', [address, 'latest'])).toString(), 'balance ' + r.balance);
    assert(Math.abs(r.block - Number(BigInt(await rpcCall('eth_blockNumber', [])))) <= 1, 'block ' + r.block);
    assert(r.accounts.length === 0, 'no accounts before consent');
    for (const m of ['eth_sign', 'eth_sendRawTransaction', 'eth_newFilter', 'debug_traceTransaction', 'admin_peers']) {
      const e = await request(page, m, []);
      assert(e.code === 4200, `${m} is not forwarded: ${JSON.stringify(e)}`);
    }
    // A revert keeps its data (ethers decodes custom errors from it).
    const call = await request(page, 'eth_call', [{ to: '0x0000000000000000000000000000000000000001', data: '0x' }, 'latest']);
    assert(call.result === '0x' || typeof call.result === 'string', 'eth_call forwarded: ' + JSON.stringify(call));
    await page.close();
  });

  await test('ethers v6: getSigner connects, signMessage, sendTransaction + wait(), signTypedData (verifyTypedData recovers the account), a contract deployment — each a click, no password', async () => {
    const page = await dappPage();
    await page.evaluate(() => {
      window.bp = new window.libs.ethers.BrowserProvider(window.leashProvider);
      window.bp.pollingInterval = 200;
    });
    let p = page.evaluate(async () => { window.signer = await window.bp.getSigner(); return window.signer.address; });
    const win = await approve('connect:');
    await shot(win, 'd01-connect');
    assert((await p).toLowerCase() === address.toLowerCase(), 'signer address');
    p = page.evaluate(() => window.signer.signMessage('hello from ethers'));
    await approve('sign:');
    const sig = await p;
    assert(ethers.verifyMessage('hello from ethers', sig).toLowerCase() === address.toLowerCase(), 'signMessage recovers');
    const before = BigInt(await rpcCall('eth_getBalance', ['0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 'latest']));
    p = page.evaluate(async () => {
      const tx = await window.signer.sendTransaction({ to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', value: 12345678n });
      const rec = await tx.wait();
      return { hash: tx.hash, status: rec.status, block: rec.blockNumber };
    });
    await approve('tx:');
    const sent = await p;
    assert(sent.status === 1, 'mined: ' + JSON.stringify(sent));
    const after = BigInt(await rpcCall('eth_getBalance', ['0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 'latest']));
    assert(after - before === 12345678n, 'value arrived');
    const domain = { name: 'Ether Mail', version: '1', chainId: 1337, verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC' };
    const types = { Person: [{ name: 'name', type: 'string' }, { name: 'wallet', type: 'address' }], Mail: [{ name: 'from', type: 'Person' }, { name: 'to', type: 'Person' }, { name: 'contents', type: 'string' }] };
    const value = { from: { name: 'Cow', wallet: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826' }, to: { name: 'Bob', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' }, contents: 'Hello, Bob!' };
    p = page.evaluate(([d, t, v]) => window.signer.signTypedData(d, t, v), [domain, types, value]);
    const twin = await approvalsWindow(context, '[data-approval^="typed:"] [data-typed="Mail"]');
    const shown = await twin.textContent('[data-approval^="typed:"]');
    for (const s of ['Ether Mail', 'from.name', 'Cow', 'to.wallet', '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB', 'Hello, Bob!', 'verifyingContract']) assert(shown.includes(s), 'the approval shows ' + s + ': ' + shown);
    await shot(twin, 'd02-typed-data');
    await approve('typed:');
    const tsig = await p;
    assert(ethers.verifyTypedData(domain, types, value, tsig).toLowerCase() === address.toLowerCase(), 'verifyTypedData recovers the account');
    p = page.evaluate(async ([init]) => {
      const f = new window.libs.ethers.ContractFactory(['function get() view returns (uint256)'], init, window.signer);
      const c = await f.deploy();
      await c.waitForDeployment();
      return { address: await c.getAddress(), got: (await c.get()).toString() };
    }, [INIT]);
    const dwin = await approvalsWindow(context, '[data-approve^="tx:"]');
    assert(/Deploy a contract/.test(await dwin.textContent('[data-approval^="tx:"]')), 'shown as a deployment');
    await shot(dwin, 'd03-deploy');
    await approve('tx:');
    const dep = await p;
    assert(dep.got === '42', 'the deployed contract answers: ' + JSON.stringify(dep));
    assert((await rpcCall('eth_getCode', [dep.address, 'latest'])) === '0x' + RUNTIME, 'runtime code on chain');
    // The audit log: user signatures, never a mnemonic export.
    const rows = await audit();
    const user = rows.filter((r) => r.kind === 'user_signature');
    assert(user.length >= 4, 'user signatures in the audit log: ' + user.length);
    assert(!rows.some((r) => /mnemonic/.test(r.message || '')), 'no mnemonic export logged');
    await page.close();
  });

  await test('viem: sendTransaction + waitForTransactionReceipt, signTypedData (recovers), switchChain current (null) and unknown (4902), getCapabilities, sendCalls (non-atomic, each call approved) + waitForCallsStatus', async () => {
    const page = await dappPage();
    await page.evaluate(([rpc, addr]) => {
      const { createWalletClient, createPublicClient, custom } = window.libs.viem;
      const chain = { id: 1337, name: 'Leash devnet', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [rpc] } } };
      window.wallet = createWalletClient({ account: addr, chain, transport: custom(window.leashProvider) });
      window.pub = createPublicClient({ chain, transport: custom(window.leashProvider), pollingInterval: 200 });
    }, [RPC, address]);
    let p = page.evaluate(async () => {
      const hash = await window.wallet.sendTransaction({ to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', value: 777n });
      const rec = await window.pub.waitForTransactionReceipt({ hash, timeout: 30000 });
      return { hash, status: rec.status };
    });
    await approve('tx:');
    const sent = await p;
    assert(sent.status === 'success', 'viem receipt: ' + JSON.stringify(sent));
    const td = {
      domain: { name: 'Permit Test', version: '1', chainId: 1337, verifyingContract: '0x5FbDB2315678afecb367f032d93F642f64180aa3' },
      types: { Order: [{ name: 'maker', type: 'address' }, { name: 'amounts', type: 'uint256[]' }, { name: 'salt', type: 'bytes32' }], Unused: [{ name: 'x', type: 'uint8' }] },
      primaryType: 'Order',
      message: { maker: address, amounts: ['1', '2', '3'], salt: '0x' + '11'.repeat(32) },
    };
    p = page.evaluate(async (td) => {
      const t = { ...td, message: { ...td.message, amounts: td.message.amounts.map(BigInt) } };
      const signature = await window.wallet.signTypedData(t);
      return { signature, recovered: await window.libs.viem.recoverTypedDataAddress({ ...t, signature }) };
    }, td);
    await approve('typed:');
    const ts = await p;
    assert(ts.recovered.toLowerCase() === address.toLowerCase(), 'viem recovers the typed-data signer (with an extra unused type): ' + JSON.stringify(ts));
    assert(ethers.verifyTypedData(td.domain, { Order: td.types.Order }, td.message, ts.signature).toLowerCase() === address.toLowerCase(), 'ethers agrees');
    const sw1 = await page.evaluate(() => window.wallet.switchChain({ id: 1337 }).then((r) => ({ r: r ?? null }), (e) => ({ code: e.code, cause: e.cause && e.cause.code })));
    assert(sw1.r === null, 'switch to the current chain: ' + JSON.stringify(sw1));
    const sw2 = await page.evaluate(() => window.wallet.switchChain({ id: 999999 }).then(() => ({ ok: true }), (e) => ({ code: e.code, cause: e.cause && e.cause.code, name: e.name })));
    assert(sw2.code === 4902 || sw2.cause === 4902, 'an unknown chain is 4902: ' + JSON.stringify(sw2));
    const caps = await page.evaluate(() => window.wallet.getCapabilities().then((c) => JSON.stringify(c)));
    assert(JSON.parse(caps)['1337'] && JSON.parse(caps)['1337'].atomic.status === 'unsupported', 'capabilities: ' + caps);
    // EIP-5792 batches, non-atomic: each call approved and sent on its own.
    p = page.evaluate(async () => {
      const to = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
      const { id } = await window.wallet.sendCalls({ calls: [{ to, value: 11n }, { to, value: 22n }] });
      const r = await window.wallet.waitForCallsStatus({ id, timeout: 60000, pollingInterval: 200 });
      return { status: r.status, code: r.statusCode, n: r.receipts.length, atomic: r.atomic };
    });
    for (const i of [1, 2]) {
      const w = await approvalsWindow(context, `[data-batch="${i}"]`);
      await w.click('[data-approve^="tx:"]', { timeout: 15000 });
    }
    const calls = await p;
    assert(calls.status === 'success' && calls.code === 200 && calls.n === 2 && calls.atomic === false, 'sendCalls: ' + JSON.stringify(calls));
    const atomic = await page.evaluate(() => window.wallet.sendCalls({ forceAtomic: true, calls: [{ to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', value: 1n }] }).then(() => 'sent', (e) => e.code ?? (e.cause && e.cause.code)));
    assert(atomic === 5760, 'atomic batches are refused (5760): ' + atomic);
    await page.close();
  });

  await test('a request arriving while the approvals window closes itself gets a window (12 requests, each after the last was approved, at delays around the self-close)', async () => {
    // The window closed itself after seeing an empty list: a request that
    // arrived in between focused the closing window and had none (a CI run
    // timed out waiting for viem's transaction window).
    const page = await dappPage();
    const before = await sw.evaluate(() => ({ ...globalThis.leashDebug.dapp.windowStats }));
    for (let i = 0; i < 12; i++) {
      const p = request(page, 'personal_sign', ['0x' + Buffer.from('close race ' + i).toString('hex'), address]);
      await approve('sign:');
      const r = await p;
      assert(typeof r.result === 'string' && /^0x[0-9a-f]{130}$/.test(r.result), `request ${i} signed: ` + JSON.stringify(r));
      await new Promise((res) => setTimeout(res, 250 + i * 50)); // across the window's 400 ms self-close
    }
    const after = await sw.evaluate(() => ({ ...globalThis.leashDebug.dapp.windowStats }));
    log(`approvals windows created ${after.created - before.created}, focused ${after.focused - before.focused} over 12 requests`);
    await page.close();
  });

  await test('EIP-2255 permissions: get, request (an approval), revoke (the page hears accountsChanged [])', async () => {
    const page = await dappPage(webPort2);
    const none = await request(page, 'wallet_getPermissions', []);
    assert(Array.isArray(none.result) && none.result.length === 0, 'no permissions yet: ' + JSON.stringify(none));
    const p = request(page, 'wallet_requestPermissions', [{ eth_accounts: {} }]);
    await approve('connect:');
    const got = await p;
    assert(got.result.length === 1 && got.result[0].parentCapability === 'eth_accounts' && got.result[0].caveats[0].value[0].toLowerCase() === address.toLowerCase(), 'granted: ' + JSON.stringify(got));
    const listed = await request(page, 'wallet_getPermissions', []);
    assert(listed.result.length === 1 && listed.result[0].invoker === `http://127.0.0.1:${webPort2}`, 'listed: ' + JSON.stringify(listed));
    await page.evaluate(() => { window.heard = []; window.leashProvider.on('accountsChanged', (a) => window.heard.push(a)); });
    const rv = await request(page, 'wallet_revokePermissions', [{ eth_accounts: {} }]);
    assert(rv.result === null, 'revoked: ' + JSON.stringify(rv));
    await page.waitForFunction(() => window.heard.some((a) => a.length === 0));
    assert((await request(page, 'eth_accounts', [])).result.length === 0, 'no accounts after revoking');
    await page.close();
  });

  await test('networks: wallet_addEthereumChain refuses an RPC that answers another chain, asks the user, switches; the agent stays on the policy chain; 4901 for a transaction on another chain; switch back', async () => {
    const page = await dappPage();
    await page.evaluate(() => { window.chains = []; window.leashProvider.on('chainChanged', (c) => window.chains.push(c)); });
    const params = { chainId: '0x2a', chainName: 'Test chain 42', rpcUrls: [FAKE], nativeCurrency: { name: 'Test', symbol: 'TST', decimals: 18 } };
    fakeChainId = '0x539'; // lies: it is the devnet
    const lie = await request(page, 'wallet_addEthereumChain', [params]);
    assert(lie.code === -32602 && /chain 1337, not 42/.test(lie.message), 'a lying RPC is refused before the user is asked: ' + JSON.stringify(lie));
    fakeChainId = '0x2a';
    const p = request(page, 'wallet_addEthereumChain', [params]);
    const win = await approvalsWindow(context, '[data-approval^="network:"] [data-chain="42"]');
    await shot(win, 'd04-add-network');
    await approve('network:');
    assert((await p).result === null, 'added');
    await page.waitForFunction(() => window.chains.includes('0x2a'));
    assert((await request(page, 'eth_chainId')).result === '0x2a', 'the site is on chain 42');
    const s = (await api('view')).settings;
    assert(s.chainId === 1337 && s.rpcUrl === RPC && s.networks.some((n) => n.chainId === 42), 'the agent\'s network is unchanged: ' + JSON.stringify(s));
    const wrong = await request(page, 'eth_sendTransaction', [{ from: address, to: address, value: '0x1', chainId: '0x539' }]);
    assert(wrong.code === 4901, 'a transaction for another chain than the site\'s: 4901: ' + JSON.stringify(wrong));
    // Reads go to chain 42's RPC (the fake forwards them to the devnet).
    assert((await request(page, 'eth_blockNumber')).result, 'reads on the new network');
    const back = request(page, 'wallet_switchEthereumChain', [{ chainId: '0x539' }]);
    await approve('switch:');
    assert((await back).result === null, 'switched back');
    await page.waitForFunction(() => window.chains.includes('0x539'));
    assert((await request(page, 'wallet_switchEthereumChain', [{ chainId: '0x539' }])).result === null, 'the current chain: null without asking');
    await page.close();
  });

  await test('error codes: 4900 with a disconnect event when the RPC does not answer, connect when it is back; not paired is -32010, not 4900', async () => {
    const page = await dappPage();
    await page.evaluate(() => {
      window.events = [];
      window.leashProvider.on('disconnect', (e) => window.events.push(['disconnect', e.code]));
      window.leashProvider.on('connect', (c) => window.events.push(['connect', c.chainId]));
    });
    // The site on chain 42 (added above), whose RPC then stops answering.
    const sw42 = request(page, 'wallet_switchEthereumChain', [{ chainId: '0x2a' }]);
    await approve('switch:');
    assert((await sw42).result === null, 'on chain 42');
    assert((await request(page, 'eth_blockNumber')).result, 'reachable');
    fakeDown = true;
    const down = await request(page, 'eth_blockNumber');
    assert(down.code === 4900, 'unreachable RPC: 4900: ' + JSON.stringify(down));
    await page.waitForFunction(() => window.events.some((e) => e[0] === 'disconnect' && e[1] === 4900));
    fakeDown = false;
    assert((await request(page, 'eth_blockNumber')).result, 'reachable again');
    await page.waitForFunction(() => window.events.some((e) => e[0] === 'connect' && e[1] === '0x2a'));
    const back = request(page, 'wallet_switchEthereumChain', [{ chainId: '0x539' }]);
    await approve('switch:');
    assert((await back).result === null, 'back on the devnet');
    // Connected (earlier test) but never paired with an agent host.
    const np = await request(page, 'leash_requestAgentAction', [{ task: 'x' }]);
    assert(np.code === -32010 && np.data && np.data.reason === 'not_paired', 'not paired: ' + JSON.stringify(np));
    await page.close();
  });

  await test('the guard delay: an approval in the moment it is shown is refused (too_soon); a locked wallet waits for unlock, then one click signs', async () => {
    const page = await dappPage();
    const p = request(page, 'personal_sign', ['0x' + Buffer.from('guarded').toString('hex'), address]);
    const a = await until('the request waits', async () => (await api('view')).approvals.find((x) => x.kind === 'sign'), 10000);
    const early = await api('approve', { id: a.id, rev: a.rev }).then(() => 'approved', (e) => e.message);
    assert(/too_soon/.test(early), 'approved in the same moment: ' + early);
    await new Promise((r) => setTimeout(r, 700));
    await api('lock');
    const locked = await api('approve', { id: a.id, rev: a.rev }).then(() => 'approved', (e) => e.message);
    assert(/locked/.test(locked), 'locked: ' + locked);
    assert((await api('view')).approvals.some((x) => x.id === a.id), 'still waiting');
    await api('unlock', { password: PASSWORD });
    await api('approve', { id: a.id, rev: a.rev });
    const sig = (await p).result;
    assert(ethers.verifyMessage('guarded', sig).toLowerCase() === address.toLowerCase(), 'signed after unlock');
    // Asked while locked: the request waits (the approval window asks for the unlock first).
    await api('lock');
    assert((await request(page, 'eth_accounts')).result.length === 0, 'a locked wallet shows no accounts');
    const q = request(page, 'personal_sign', ['0x' + Buffer.from('asked while locked').toString('hex'), address]);
    const win = await approvalsWindow(context, '[data-screen=locked]');
    await shot(win, 'd08-locked-request');
    await win.fill('#password', PASSWORD);
    await win.click('#unlock');
    await approve('sign:');
    assert(ethers.verifyMessage('asked while locked', (await q).result).toLowerCase() === address.toLowerCase(), 'signed once unlocked');
    await page.close();
  });

  await test('token amounts in units with the token\'s symbol and decimals (read once from the chain): an ERC-20 transfer and a permit', async () => {
    const usd = devInfo.contracts.usd;
    const token = new ethers.Contract(usd, ['function symbol() view returns (string)', 'function decimals() view returns (uint8)'], new ethers.JsonRpcProvider(RPC));
    const [symbol, decimals] = [await token.symbol(), Number(await token.decimals())];
    const amount = (15n * 10n ** BigInt(decimals)) / 10n; // 1.5 tokens
    const word = (x) => BigInt(x).toString(16).padStart(64, '0');
    const page = await dappPage();
    const data = '0xa9059cbb' + word('0x70997970C51812dc3A010C7d01b50e0d17dc79C8') + word(amount);
    const p = request(page, 'eth_sendTransaction', [{ to: usd, data, gas: '0x186a0' }]);
    let win = await approvalsWindow(context, '[data-approval^="tx:"] [data-amount]');
    const shown = await win.textContent('[data-approval^="tx:"] [data-amount]');
    assert(shown === `1.5 ${symbol}`, `the transfer reads ${shown}, not 1.5 ${symbol}`);
    await shot(win, 'd05-token-units');
    await win.click('[data-reject^="tx:"]');
    assert((await p).code === 4001, 'rejected');
    const permit = {
      types: { EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }, { name: 'verifyingContract', type: 'address' }], Permit: [{ name: 'owner', type: 'address' }, { name: 'spender', type: 'address' }, { name: 'value', type: 'uint256' }, { name: 'nonce', type: 'uint256' }, { name: 'deadline', type: 'uint256' }] },
      primaryType: 'Permit', domain: { name: symbol, chainId: 1337, verifyingContract: usd },
      message: { owner: address, spender: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', value: amount.toString(), nonce: 0, deadline: 4102444800 },
    };
    const q = request(page, 'eth_signTypedData_v4', [address, JSON.stringify(permit)]);
    win = await approvalsWindow(context, `[data-approval^="typed:"] [data-units="1.5 ${symbol}"]`);
    assert(await win.$('[data-approval^="typed:"] [data-warning="permit"]'), 'a permit is flagged');
    await shot(win, 'd06-permit-units');
    await win.click('[data-reject^="typed:"]');
    assert((await q).code === 4001, 'rejected');
    // A typed-data document for another chain is shown refused, never signed.
    const other = request(page, 'eth_signTypedData_v4', [address, JSON.stringify({ ...permit, domain: { ...permit.domain, chainId: 1 } })]);
    win = await approvalsWindow(context, '[data-approval^="typed:"] [data-refuse="typed_chain"]');
    assert(!(await win.$('[data-approve^="typed:"]')), 'no approve button');
    await win.click('[data-reject^="typed:"]');
    assert((await other).code === 4001, 'rejected');
    await page.close();
  });

  await test('typed data v3 and v1 (eth_signTypedData): signatures eth-sig-util recovers', async () => {
    const { recoverTypedSignature, SignTypedDataVersion } = await import('@metamask/eth-sig-util');
    const page = await dappPage();
    const v3 = JSON.parse(fs.readFileSync(path.join(ROOT, 'wasm/eip712/testdata/mail.json'), 'utf8'));
    v3.domain.chainId = 1337;
    let p = request(page, 'eth_signTypedData_v3', [address, JSON.stringify(v3)]);
    await approve('typed:');
    let sig = (await p).result;
    assert(recoverTypedSignature({ data: v3, signature: sig, version: SignTypedDataVersion.V3 }).toLowerCase() === address.toLowerCase(), 'v3 recovers');
    const v1 = JSON.parse(fs.readFileSync(path.join(ROOT, 'wasm/eip712/testdata/v1.json'), 'utf8'));
    p = request(page, 'eth_signTypedData', [v1, address]);
    const win = await approvalsWindow(context, '[data-approval^="typed:"] [data-warning="typed_legacy"]');
    await win.click('[data-approve^="typed:"]', { timeout: 15000 });
    sig = (await p).result;
    assert(recoverTypedSignature({ data: v1, signature: sig, version: SignTypedDataVersion.V1 }).toLowerCase() === address.toLowerCase(), 'v1 recovers');
    await page.close();
  });

  await test('a hostile page: the legacy provider opens no path (forged messages, rewritten provider, a forged flag, the approver API), and isMetaMask follows the setting', async () => {
    const victim = await dappPage();
    const evil = await dappPage(webPort2, 'hostile.html'); // not connected (revoked above)
    const r = await evil.evaluate(async ([extId, victimAddr]) => {
      const out = {};
      // Rewrite the provider: only this page's own view changes.
      window.ethereum.request = async () => ['0x0000000000000000000000000000000000000bad'];
      window.ethereum.isMetaMask = false;
      window.__leashPresentAsMetaMask = true;
      out.rewrote = (await window.ethereum.request({ method: 'eth_accounts' }))[0];
      // Forge the extension's answers to itself: its own provider only.
      window.postMessage({ target: 'leash:to-page', event: 'accountsChanged', data: [victimAddr] }, '*');
      // Talk to the content script directly: the worker decides, by the browser's origin.
      const answer = (id) => new Promise((resolve) => {
        const f = (ev) => { if (ev.data && ev.data.target === 'leash:to-page' && ev.data.id === id) { window.removeEventListener('message', f); resolve(ev.data); } };
        window.addEventListener('message', f);
        setTimeout(() => resolve('no answer'), 5000);
      });
      const ask = (id, method, params) => { const a = answer(id); window.postMessage({ target: 'leash:to-content', id, method, params }, '*'); return a; };
      out.accounts = (await ask('h1', 'eth_accounts', [])).result;
      out.send = (await ask('h2', 'eth_sendTransaction', [{ from: victimAddr, to: victimAddr, value: '0x1' }])).error;
      out.sign = (await ask('h3', 'personal_sign', ['0x00', victimAddr])).error;
      out.typed = (await ask('h4', 'eth_signTypedData_v4', [victimAddr, '{}'])).error;
      out.caps = (await ask('h5', 'wallet_getCapabilities', [victimAddr])).error;
      out.perm = (await ask('h6', 'wallet_getPermissions', [])).result;
      // The approver API is not reachable from a page.
      try {
        out.runtime = typeof chrome !== 'undefined' && chrome.runtime && chrome.runtime.sendMessage
          ? await chrome.runtime.sendMessage(extId, { type: 'approve', id: 'x', rev: 1 }).then(() => 'answered', (e) => 'refused: ' + e.message)
          : 'no chrome.runtime';
      } catch (e) {
        out.runtime = 'threw: ' + e.message;
      }
      return out;
    }, [ext.extId, address]);
    assert(r.rewrote === '0x0000000000000000000000000000000000000bad', 'the page rewrote its own view');
    assert(Array.isArray(r.accounts) && r.accounts.length === 0, 'no accounts for an unconnected page: ' + JSON.stringify(r.accounts));
    for (const k of ['send', 'sign', 'typed', 'caps']) assert(r[k] && r[k].code === 4100, `${k}: 4100: ${JSON.stringify(r[k])}`);
    assert(Array.isArray(r.perm) && r.perm.length === 0, 'no permissions');
    assert(r.runtime !== 'answered', 'the approver API: ' + r.runtime);
    const v = await victim.evaluate(() => ({ mm: window.ethereum.isMetaMask, req: typeof window.ethereum.request }));
    assert(v.mm === true, 'another page\'s provider is untouched');
    assert((await api('view')).approvals.length === 0, 'nothing waits for the user');
    // The setting: off, new pages see no isMetaMask (and a page's own flag does nothing); on again.
    await api('settings', { presentAsMetaMask: false });
    const plain = await dappPage();
    const flags = await plain.evaluate(() => ({ mm: window.ethereum.isMetaMask, leash: window.ethereum === window.leashProvider }));
    assert(flags.mm === undefined && flags.leash, 'isMetaMask off: ' + JSON.stringify(flags));
    await api('settings', { presentAsMetaMask: true });
    const again = await dappPage();
    assert(await again.evaluate(() => window.ethereum.isMetaMask === true), 'isMetaMask on again');
    for (const pg of [victim, evil, plain, again]) await pg.close();
  });
  await test('accessibility: 0 critical or serious axe-core violations on onboarding, the popup (each tab, locked) and the approval windows (every kind of request)', async () => {
    const pop = await context.newPage();
    await pop.goto(ext.extURL('ui/popup.html'));
    await pop.waitForSelector('[data-screen=main]');
    for (const tab of ['approvals', 'activity', 'setup']) {
      await pop.click(`[data-tab=${tab}]`);
      await pop.waitForTimeout(300);
      await axe(pop, 'popup: ' + tab);
    }
    // Roles and states: tabs and toggles say which is on.
    const roles = await pop.evaluate(() => ({
      tablist: !!document.querySelector('[role=tablist]'),
      selected: [...document.querySelectorAll('[role=tab]')].filter((t) => t.getAttribute('aria-selected') === 'true').map((t) => t.dataset.tab),
      modes: [...document.querySelectorAll('[data-mode]')].map((b) => [b.dataset.mode, b.getAttribute('aria-checked') || b.getAttribute('aria-pressed')]),
    }));
    assert(roles.tablist && roles.selected.join() === 'setup', 'tabs: ' + JSON.stringify(roles));
    assert(roles.modes.length === 2 && roles.modes.every(([, v]) => v === 'true' || v === 'false'), 'mode toggles: ' + JSON.stringify(roles.modes));
    // Focus survives the periodic re-render.
    await pop.focus('#rpc-url');
    await pop.waitForTimeout(2500);
    assert(await pop.evaluate(() => document.activeElement && document.activeElement.id) === 'rpc-url', 'focus kept across re-renders');
    await api('lock');
    await pop.waitForSelector('[data-screen=locked]');
    await pop.fill('#password', 'wrong password');
    await pop.click('#unlock');
    await pop.waitForSelector('[role=alert]:not(:empty)');
    await axe(pop, 'popup: locked (with an error)');
    await api('unlock', { password: PASSWORD });
    // The approval window with one request of each kind waiting.
    const page = await dappPage();
    const waits = [
      request(page, 'personal_sign', ['0x68656c6c6f', address]),
      request(page, 'eth_sendTransaction', [{ to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', value: '0x1' }]),
      request(page, 'eth_signTypedData_v4', [address, fs.readFileSync(path.join(ROOT, 'wasm/eip712/testdata/mail.json'), 'utf8').replace('"chainId":1', '"chainId":1337')]),
      request(page, 'wallet_switchEthereumChain', [{ chainId: '0x2a' }]),
    ];
    const other = await dappPage(webPort2);
    waits.push(request(other, 'eth_requestAccounts', []));
    const win = await approvalsWindow(context, '[data-approval^="connect:"]');
    await approvalsWindow(context, '[data-approval^="typed:"]');
    await win.waitForTimeout(800);
    await axe(win, 'approval window: connect, message, transaction, typed data, network');
    await shot(win, 'd07-approvals');
    for (const a of (await api('view')).approvals) await api('reject', { id: a.id });
    await Promise.all(waits);
    await page.close();
    await other.close();
    await pop.close();
    console.log('\n| page (axe-core 4.x, WCAG 2.1 A/AA) | critical | serious |\n|---|---|---|');
    for (const r of a11y) console.log(`| ${r.name} | ${r.critical} | ${r.serious} |`);
    fs.writeFileSync(path.join(ART, 'axe.json'), JSON.stringify(a11y, null, 1));
    const bad = a11y.filter((r) => r.critical || r.serious);
    assert(!bad.length, 'axe violations:\n' + bad.map((r) => r.name + ': ' + r.rules.join('; ')).join('\n'));
  });
  await test('language: with a pseudo-translation (a _locales/de/messages.json only, no code change) every text of onboarding and the popup\'s three tabs is translated', async () => {
    // A copy of the extension with every English message wrapped in «…»
    // as German, in a browser whose language is German.
    const dir = path.join(tmp, 'ext-pseudo');
    fs.cpSync(EXT, dir, { recursive: true });
    const en = JSON.parse(fs.readFileSync(path.join(dir, '_locales/en/messages.json'), 'utf8'));
    const de = Object.fromEntries(Object.entries(en).map(([k, v]) => [k, { ...v, message: '«' + v.message + '»' }]));
    fs.mkdirSync(path.join(dir, '_locales/de'), { recursive: true });
    fs.writeFileSync(path.join(dir, '_locales/de/messages.json'), JSON.stringify(de));
    const px = await launchExtension(dir, path.join(tmp, 'profile-pseudo'), ART, 'ui/onboarding.html', 'console-pseudo.log', ['--lang=de']);
    try {
      // Every visible text node with words: inside «…», or data (addresses,
      // hashes, numbers and amounts, URLs, origins, commands).
      const untranslated = (page) => page.evaluate(() => {
        const data = /^(0x[0-9a-fA-F…]+|[\d.,\s%:#/-]+( ?(ETH|ms|s|MiB|KiB))?( left)?|https?:\/\/\S+|[\d.,]+ ETH|—|…|Leash)$/;
        const out = [];
        const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walk.nextNode(); n; n = walk.nextNode()) {
          const t = n.textContent.trim();
          const el = n.parentElement;
          if (!t || !/[A-Za-z]{2}/.test(t) || !el || el.closest('script,style,[hidden]') || el.offsetParent === null && getComputedStyle(el).position !== 'fixed') continue;
          if (t.includes('«') || data.test(t) || el.closest('.mono, pre.desc, [data-path], dd')) continue;
          out.push(t.slice(0, 80));
        }
        return out;
      });
      const ob = px.apiPage;
      await ob.waitForSelector('#create');
      const miss = { 'onboarding': await untranslated(ob) };
      assert(/«/.test(await ob.title()), 'the page title: ' + await ob.title());
      await px.api('createVault', { password: PASSWORD, words: 12 });
      const pop = await px.context.newPage();
      await pop.goto(px.extURL('ui/popup.html'));
      await pop.waitForSelector('[data-screen=main]');
      for (const tab of ['approvals', 'activity', 'setup']) {
        await pop.click(`[data-tab=${tab}]`);
        await pop.waitForTimeout(500);
        miss['popup: ' + tab] = await untranslated(pop);
      }
      await shot(pop, 'd09-pseudo-locale');
      const bad = Object.entries(miss).filter(([, v]) => v.length);
      assert(!bad.length, 'texts not from chrome.i18n:\n' + bad.map(([k, v]) => k + ': ' + JSON.stringify(v)).join('\n'));
    } finally {
      await px.context.close().catch(() => {});
    }
  });

  await test('benchmark: the worker\'s cold boot with a pinned policy (n=7) and a forwarded read over the RPC\'s own time (n=60), medians', async () => {
    const keys = process.env.KEYS_DIR || path.join(ROOT, '.cache/browser-keys');
    // The newest setup (older circuits leave theirs beside it: their keys no longer load).
    const vkFile = (fs.existsSync(keys) ? fs.readdirSync(keys) : []).map((d) => path.join(keys, d, 'policy.vk')).filter((f) => fs.existsSync(f))
      .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
    if (vkFile) {
      // Policy format 2 commits the account it is for: the example, for this wallet.
      const doc = fs.readFileSync(path.join(ROOT, 'examples/policy.json'), 'utf8').replace(/"account":\s*"0x[0-9a-fA-F]{40}"/, `"account": "${address}"`);
      await api('pinPolicy', { policy: doc, vk: fs.readFileSync(vkFile).toString('base64') });
    } else log('no policy.vk under ' + keys + ': cold boot measured without a pinned policy');
    const cdp = await context.newCDPSession(ext.apiPage);
    await cdp.send('ServiceWorker.enable');
    const boots = [];
    for (let i = 0; i < 7; i++) {
      await cdp.send('ServiceWorker.stopAllWorkers');
      await new Promise((r) => setTimeout(r, 300));
      const b = await until('the worker answers again', async () => (await api('bench')).boot, 20000);
      boots.push(b);
      await new Promise((r) => setTimeout(r, 400)); // the idle warm-up after the start
    }
    const warm = (await api('bench')).boot.warmMs;
    const med = (xs) => { const v = [...xs].sort((a, b) => a - b); return v[Math.floor(v.length / 2)]; };
    const page = await dappPage();
    await request(page, 'eth_blockNumber');
    const viaLeash = await page.evaluate(async () => {
      const out = [];
      for (let i = 0; i < 60; i++) {
        const t0 = performance.now();
        await window.leashProvider.request({ method: 'eth_blockNumber' });
        out.push(performance.now() - t0);
      }
      return out;
    });
    const sw2 = context.serviceWorkers()[0];
    const direct = await sw2.evaluate(async (url) => {
      const out = [];
      for (let i = 0; i < 60; i++) {
        const t0 = performance.now();
        const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'eth_blockNumber', params: [] }) });
        await r.json();
        out.push(performance.now() - t0);
      }
      return out;
    }, RPC);
    const rows = [
      ['worker cold boot: fetch + compile + instantiate', med(boots.map((b) => b.fetchCompileInstantiateMs))],
      ['  Go start-up until leash is ready', med(boots.map((b) => b.goReadyMs))],
      ['  open the core over chrome.storage (the pins wait for their first use)', med(boots.map((b) => b.openMs))],
      ['  total (target ≤ 60 ms)', med(boots.map((b) => b.totalMs))],
      ['idle warm-up after the start (the pins decoded, verifier tables)', warm ?? NaN],
      ['eth_blockNumber through Leash (page → worker → RPC)', med(viaLeash)],
      ['eth_blockNumber from the worker to the RPC directly', med(direct)],
      ['  the forwarded read\'s overhead (target ≤ 5 ms)', med(viaLeash) - med(direct)],
    ];
    console.log('\n| measurement (ms, medians) | value |\n|---|---|');
    for (const [k, v] of rows) console.log(`| ${k} | ${v.toFixed(1)} |`);
    console.log(`boots: ${boots.map((b) => b.totalMs.toFixed(0)).join(', ')} ms\n`);
    fs.writeFileSync(path.join(ART, 'bench.json'), JSON.stringify({ boots, warmMs: warm, viaLeash, direct }, null, 1));
    assert(boots.length === 7 && boots.every((b) => b.totalMs > 0), 'boot timings');
    // Every record the core opens over comes from the one preload read
    // (a round trip through the event loop each otherwise).
    assert(boots.every((b) => b.storageReads === 0), 'reads past the preload during open: ' + boots.map((b) => b.storageReads).join(', '));
    for (const [k, v, lim] of [['cold boot', rows[3][1], 60], ['forwarded read overhead', rows[7][1], 5]]) if (v > lim) log(`WARNING: ${k} ${v.toFixed(1)} ms is above the ${lim} ms target`);
    await page.close();
  });
} catch (e) {
  log('suite aborted', e.stack || e);
  failures++;
} finally {
  await context.close().catch(() => {});
  web.close();
  web2.close();
  fake.close();
  cleanup();
  console.log('\n' + results.map(([n, s, ms]) => `${s.padEnd(4)} ${(ms / 1000).toFixed(1).padStart(5)}s  ${n}`).join('\n'));
  failures += failed();
  console.log(failures ? `\n${failures} dapp test(s) failed` : '\nall dapp tests passed');
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(failures ? 1 : 0);
}
