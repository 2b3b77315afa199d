// The agent builders' face, driven as an agent builder would: the official
// MCP TypeScript SDK client calls every Leash tool over stdio and over
// Streamable HTTP (bearer token), against `leash demo --hold` (a real
// go-ethereum dev node, the relay as its own process, the agent-host
// daemon and a signer). An ERC-20 payment in whole units goes to mined (and
// the token balance moves by exactly that much on chain), a refusal comes
// back with isError and what would pass, and a daemon that is down gets a
// message naming `leash agent-host`. Then a web page in headless Chromium
// tries a cross-origin POST to the daemon: refused, nothing recorded.
import assert from 'node:assert/strict';
import http from 'node:http';
import { ethers } from 'ethers';
import { chromium } from 'playwright-core';
import { startSandbox, stdioClient, httpServer, httpClient, text, cleanup } from './sandbox.mjs';

const keys = process.argv[2] || '.leash-demo/keys';
let passed = 0, failed = 0;
async function check(name, fn) {
  try { await fn(); passed++; console.log(`ok   ${name}`); } catch (e) { failed++; console.log(`FAIL ${name}\n${e.stack}`); }
}

const sb = await startSandbox(keys);
console.log(`sandbox: agent host ${sb.agentHost}, rpc ${sb.rpc}, account ${sb.account}`);
// cacheTimeout -1: ethers v6 caches identical reads for 250 ms, so a balance read right after a fast mine returns the old one.
const provider = new ethers.JsonRpcProvider(sb.rpc, undefined, { cacheTimeout: -1 });
const erc20 = new ethers.Contract(sb.contracts.dUSD, ['function balanceOf(address) view returns (uint256)'], provider);
const TOOLS = ['approve_erc20', 'call_contract', 'describe_policy', 'get_wallet_details', 'list_tasks', 'list_transactions', 'pay_x402',
  'run_program', 'transaction_status', 'transfer_erc20', 'transfer_native'];

async function driveEveryTool(label, client) {
  await check(`${label}: every tool has an input schema, an output schema and annotations`, async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
    for (const t of tools) {
      assert.equal(t.inputSchema.type, 'object', t.name);
      assert.equal(t.outputSchema?.type, 'object', `${t.name} outputSchema`);
      assert.ok(t.annotations?.title, `${t.name} title`);
      const spends = /^(transfer|approve|call|run|pay)/.test(t.name);
      assert.equal(t.annotations.readOnlyHint, !spends, `${t.name} readOnlyHint`);
      if (spends) assert.equal(t.annotations.destructiveHint, true, `${t.name} destructiveHint`);
    }
  });
  await check(`${label}: get_wallet_details`, async () => {
    const res = await client.callTool({ name: 'get_wallet_details', arguments: {} });
    assert.ok(!res.isError, text(res));
    const w = res.structuredContent;
    assert.equal(w.account.toLowerCase(), sb.account.toLowerCase());
    assert.equal(w.chainId, 1337);
    const dusd = w.balances.find((b) => b.symbol === 'dUSD');
    assert.ok(dusd && dusd.decimals === 18, JSON.stringify(w.balances));
    // Every window of the v2 policy, in this order: value, fees, count, then
    // each token window (dUSDC is the x402 payments' token).
    assert.deepEqual(w.budget.map((b) => `${b.rule}/${b.symbol}`), ['window/ETH', 'fee_window/ETH', 'tx_count/', 'token_window/dUSDC', 'token_window/dETH', 'token_window/dUSD']);
    assert.equal(w.budget[0].rule, 'window');
    assert.match(w.budget[0].text, /left of 3 ETH in any 1 day/);
    assert.match(w.budget[1].text, /left of 0.2 ETH in any 1 day/);
    assert.match(w.budget[2].text, /transactions left of 100 in any 1 day/);
    assert.match(w.budget[3].text, /left of 0.05 dUSDC in any 1 day/);
    assert.match(w.budget[4].text, /left of 5 dETH in any 1 day/);
    assert.match(w.budget[5].text, /left of 5000 dUSD in any 1 day/);
    for (const b of w.budget) assert.equal(b.windowSeconds, 86400, JSON.stringify(b));
    assert.equal(w.signer.paired, true);
    assert.equal(w.signer.relayConnected, true);
    assert.match(w.policy.description, /per transaction/);
  });
  await check(`${label}: transfer_erc20 of 2.5 dUSD in whole units, to mined, counted in the dUSD window`, async () => {
    const windows = async () => Object.fromEntries((await client.callTool({ name: 'get_wallet_details', arguments: {} }))
      .structuredContent.budget.map((b) => [`${b.rule}/${b.symbol}`, b]));
    const w0 = await windows();
    const before = await erc20.balanceOf(sb.alice);
    const progress = [];
    const res = await client.callTool({ name: 'transfer_erc20', arguments: { token: 'dUSD', to: sb.alice, amount: '2.5' } },
      undefined, { onprogress: (p) => progress.push(p), resetTimeoutOnProgress: true });
    assert.ok(!res.isError, text(res));
    assert.equal(res.structuredContent.status, 'mined', text(res));
    assert.match(res.structuredContent.txHash, /^0x[0-9a-f]{64}$/);
    const after = await erc20.balanceOf(sb.alice);
    assert.equal(after - before, ethers.parseUnits('2.5', 18), 'the token balance moved by 2.5 dUSD');
    assert.ok(progress.length >= 1, 'progress notifications');
    // The daemon's view of the signer's windows moved with it: 2.5 dUSD, one transaction, its fee; each says when it frees up.
    const w1 = await windows();
    const left = (w, k) => Number(w[k].remaining.split(' ')[0]);
    assert.equal(left(w0, 'token_window/dUSD') - left(w1, 'token_window/dUSD'), 2.5, JSON.stringify(w1['token_window/dUSD']));
    assert.equal(left(w0, 'tx_count/') - left(w1, 'tx_count/'), 1);
    assert.ok(left(w1, 'fee_window/ETH') < left(w0, 'fee_window/ETH'));
    assert.equal(left(w1, 'token_window/dETH'), left(w0, 'token_window/dETH'));
    for (const k of ['token_window/dUSD', 'tx_count/', 'fee_window/ETH']) {
      const resets = Date.parse(w1[k].resetsAt) - Date.now();
      assert.ok(resets > 86400_000 - 600_000 && resets <= 86400_000, `${k} frees up within the day: ${w1[k].resetsAt}`);
      assert.match(w1[k].text, /frees up at/);
    }
  });
  await check(`${label}: transfer_native 0.01 ETH to mined`, async () => {
    const before = await provider.getBalance(sb.alice);
    const res = await client.callTool({ name: 'transfer_native', arguments: { to: sb.alice, amount: '0.01' } });
    assert.equal(res.structuredContent.status, 'mined', text(res));
    assert.equal(res.structuredContent.valueEth, '0.01');
    assert.equal(await provider.getBalance(sb.alice) - before, ethers.parseEther('0.01'));
  });
  await check(`${label}: approve_erc20 and call_contract`, async () => {
    let res = await client.callTool({ name: 'approve_erc20', arguments: { token: 'dUSD', spender: sb.contracts.pool, amount: '100' } });
    assert.equal(res.structuredContent?.status, 'mined', text(res));
    res = await client.callTool({ name: 'call_contract', arguments: { target: sb.contracts.dUSD, function: 'approve(address,uint256)',
      args: [sb.contracts.pool, '5000000000000000000'] } });
    assert.equal(res.structuredContent?.status, 'mined', text(res));
    const id = res.structuredContent.id;
    res = await client.callTool({ name: 'transaction_status', arguments: { id } });
    assert.equal(res.structuredContent.status, 'mined');
    res = await client.callTool({ name: 'list_transactions', arguments: { limit: 5 } });
    assert.equal(res.structuredContent.transactions[0].id, id);
  });
  await check(`${label}: a refusal is isError, names the rule and what would pass`, async () => {
    const res = await client.callTool({ name: 'transfer_native', arguments: { to: sb.alice, amount: '2' } });
    assert.equal(res.isError, true, text(res));
    assert.equal(res.structuredContent.code, 'policy_violation:value');
    assert.match(text(res), /At most 1 ETH per transaction/);
    assert.match(text(res), /left of 3 ETH/);
    const bad = await client.callTool({ name: 'transfer_erc20', arguments: { token: 'dUSD', to: sb.contracts.pool, amount: '1' } });
    assert.equal(bad.isError, true);
    assert.match(text(bad), /policy_violation:arg/);
    assert.match(text(bad), /Alice/);
  });
  await check(`${label}: describe_policy and list_tasks`, async () => {
    const p = await client.callTool({ name: 'describe_policy', arguments: {} });
    assert.equal(p.structuredContent.commitment, sb.commitment.toLowerCase());
    const t = await client.callTool({ name: 'list_tasks', arguments: {} });
    assert.deepEqual(t.structuredContent.tasks, []);
  });
}

try {
  const stdio = await stdioClient(sb.agentHost);
  await driveEveryTool('stdio', stdio);
  await stdio.close();

  const srv = await httpServer(sb.agentHost, sb.work);
  await check('http: no token, no service', async () => {
    const r = await fetch(srv.url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }) });
    assert.equal(r.status, 401);
  });
  const hc = await httpClient(srv.url, srv.token);
  await driveEveryTool('http', hc);
  await hc.close();

  await check('run_program: a hold is not an error; after a dip the program buys, proven and mined', async () => {
    const c = await stdioClient(sb.agentHost);
    let res = await c.callTool({ name: 'run_program', arguments: {} });
    assert.ok(!res.isError, text(res));
    assert.equal(res.structuredContent.code, 'no_trade', text(res));
    assert.match(res.structuredContent.program.decision, /^hold at price 3000/);
    // The program buys with dUSD: the wallet lets the pool spend it (an allowed approval).
    res = await c.callTool({ name: 'approve_erc20', arguments: { token: 'dUSD', spender: sb.contracts.pool, amount: '1000' } });
    assert.equal(res.structuredContent?.status, 'mined', text(res));
    // The oracle's owner (the deployer, account 0 of the test mnemonic) moves the price to 2,850,
    // and a market maker (account 2) sells dETH into the pool until its price follows.
    const owner = new ethers.Wallet('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80', provider);
    const oracle = new ethers.Contract(sb.contracts.oracle, ['function setPrice(int256) returns (uint80)'], owner);
    await (await oracle.setPrice(285000000000n)).wait();
    const maker = new ethers.NonceManager(new ethers.Wallet('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a', provider));
    const pool = new ethers.Contract(sb.contracts.pool, ['function reserve0() view returns (uint256)', 'function reserve1() view returns (uint256)',
      'function swapExactIn(address,uint256,uint256,address,uint256) returns (uint256)'], maker);
    const [r0, r1] = [Number(ethers.formatEther(await pool.reserve0())), Number(ethers.formatEther(await pool.reserve1()))];
    const dETHin = (Math.sqrt((r0 * r1) / 2850) - r0) / 0.997;
    const deth = new ethers.Contract(sb.contracts.dETH, ['function approve(address,uint256) returns (bool)'], maker);
    await (await deth.approve(sb.contracts.pool, ethers.MaxUint256)).wait();
    await (await pool.swapExactIn(sb.contracts.dETH, ethers.parseEther(dETHin.toFixed(9)), 0n, await maker.getAddress(), 2n ** 64n)).wait();
    res = await c.callTool({ name: 'run_program', arguments: { program: sb.program } });
    assert.ok(!res.isError, text(res));
    assert.equal(res.structuredContent.status, 'mined', text(res));
    assert.match(res.structuredContent.program.decision, /^buy: .* at price 2850\.00$/);
    assert.equal(res.structuredContent.to.toLowerCase(), sb.contracts.pool.toLowerCase());
    await c.close();
  });

  await check('daemon down: the model is told to start leash agent-host', async () => {
    const down = await stdioClient('http://127.0.0.1:9');
    for (const [name, args] of [['get_wallet_details', {}], ['transfer_native', { to: sb.alice, amount: '0.1' }]]) {
      const res = await down.callTool({ name, arguments: args });
      assert.equal(res.isError, true);
      assert.match(text(res), /leash agent-host/);
      assert.doesNotMatch(text(res), /^dial tcp/);
    }
    await down.close();
  });

  await check('chromium: a cross-origin POST from a web page is refused, nothing recorded', async () => {
    const count = async () => (await (await fetch(`${sb.agentHost}/v1/transactions?limit=1000`)).json()).transactions.length;
    const before = await count();
    // A control server shows the browser does send such requests.
    let controlHits = 0;
    const control = http.createServer((req, res) => { if (req.method === 'POST') controlHits++; res.end('ok'); });
    await new Promise((r) => control.listen(0, '127.0.0.1', r));
    const page = http.createServer((req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end(`<html><body><form id="f" method="POST" enctype="text/plain" action="${sb.agentHost}/v1/transfers?wait=5s">
        <input name='{"to":"${sb.alice}","amount":"0.5","x":"' value='"}'></form></body></html>`);
    });
    await new Promise((r) => page.listen(0, '127.0.0.1', r));
    const origin = `http://localhost:${page.address().port}`;
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const tab = await browser.newPage();
      await tab.goto(origin);
      const body = JSON.stringify({ to: sb.alice, amount: '0.5' });
      const intent = JSON.stringify({ to: sb.alice, value: '0x2386f26fc10000' });
      const results = await tab.evaluate(async ({ target, control, body, intent }) => {
        const out = {};
        const attempt = async (name, url, init) => {
          try { const r = await fetch(url, init); out[name] = `${r.type} ${r.status}`; } catch (e) { out[name] = `error ${e.message}`; }
        };
        await attempt('control', control, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body });
        await attempt('no-cors text/plain', `${target}/v1/transfers`, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body });
        await attempt('cors json', `${target}/v1/transfers`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
        await attempt('no-cors intent (sent as text/plain)', `${target}/v1/transactions`, { method: 'POST', mode: 'no-cors', body: intent });
        return out;
      }, { target: sb.agentHost, control: `http://127.0.0.1:${control.address().port}/`, body, intent });
      const nav = tab.waitForNavigation({ timeout: 30_000 });
      await tab.evaluate(() => document.getElementById('f').submit());
      await nav;
      const formPage = await tab.content();
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(controlHits, 1, `the browser sent the control request: ${JSON.stringify(results)}`);
      assert.equal(await count(), before, `no record was made (${JSON.stringify(results)})`);
      assert.match(results['cors json'], /^error/, 'the JSON request is blocked (no CORS preflight answer)');
      assert.match(formPage, /origin_not_allowed|unsupported_media_type/, 'the form post is refused by the daemon');
    } finally {
      await browser.close();
      control.close();
      page.close();
    }
  });
} finally {
  cleanup();
}
console.log(`agents: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
