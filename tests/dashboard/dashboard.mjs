// Browser test of the agent host's live dashboard: runs the demo tour with
// --hold, opens the dashboard in headless Debian chromium (playwright-core),
// and checks the activity, the counters and the policy summary. Saves a
// screenshot to artifacts/dashboard/.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const keys = process.argv[2];
const art = path.join(root, 'artifacts', 'dashboard');
fs.mkdirSync(art, { recursive: true });

const demo = spawn(path.join(root, 'bin/leash'), ['demo', '--keys', keys, '--hold'], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
const url = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`the demo did not finish its tour:\n${out}`)), 240_000);
  demo.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/dashboard: (http:\/\/\S+)\n/);
    if (m) { clearTimeout(timer); resolve(m[1]); }
  });
  demo.on('exit', (code) => reject(new Error(`the demo exited (${code}):\n${out}`)));
});
let browser;
try {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('#activity tbody tr[data-status="mined"]', { timeout: 20_000 });
  const rows = await page.$$eval('#activity tbody tr', (trs) => trs.map((tr) => ({ status: tr.dataset.status, text: tr.textContent })));
  assert.equal(rows.filter((r) => r.status === 'mined').length, 3, 'three mined payments');
  assert.ok(rows.some((r) => r.text.includes('policy_violation:value')), 'the pre-check refusal is listed');
  assert.ok(rows.some((r) => r.text.includes('revoked')), 'the refusal after the revoke is listed');
  assert.equal(await page.textContent('#n-mined'), '3');
  assert.match(await page.textContent('#p-prove'), /\d+(\.\d+)? (ms|s)/);
  await page.waitForFunction(() => document.getElementById('policy').textContent.includes('per transaction'));
  assert.match(await page.textContent('#commitment'), /^0x[0-9a-f]{64}$/);
  assert.deepEqual(errors, [], 'no page errors');
  await page.screenshot({ path: path.join(art, 'dashboard.png'), fullPage: true });
  console.log(`dashboard ok: ${rows.length} rows, screenshot in artifacts/dashboard/dashboard.png`);
} finally {
  if (browser) await browser.close();
  demo.kill('SIGTERM');
}
