// The extension worker's cold boot in headless Chromium (issue 14's
// target: fetch, compile, instantiate, Go ready and core open ≤ 60 ms, with
// a pinned policy), as a table of medians with where each millisecond goes.
// No chain is needed: a vault is created and the newest policy setup under
// .cache/browser-keys (KEYS_DIR) is pinned, then the worker is stopped and
// woken N times (BOOT_N, default 9).
//
// BOOT_BASELINE names another unpacked extension (e.g. one built from
// main) measured in the same run, its boots alternating with these, each
// in its own browser and profile.
//
// Usage: node tests/browser/boot.mjs (make wasm extension first; `make
// bench-boot` does both). Environment: BOOT_N, BOOT_BASELINE, KEYS_DIR,
// BOOT_JSON (write the samples there).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchExtension, log, until } from './lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const N = Number(process.env.BOOT_N || 9);
const keys = process.env.KEYS_DIR || path.join(ROOT, '.cache/browser-keys');
const vkFile = (fs.existsSync(keys) ? fs.readdirSync(keys) : []).map((d) => path.join(keys, d, 'policy.vk')).filter((f) => fs.existsSync(f))
  .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
if (!vkFile) {
  console.error('no policy.vk under ' + keys + ' (KEYS_DIR): scripts/test.d/50-browser.sh makes one');
  process.exit(1);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leash-boot-'));
const subjects = [['this build', path.join(ROOT, 'dist/extension')]];
if (process.env.BOOT_BASELINE) subjects.push(['baseline', path.resolve(process.env.BOOT_BASELINE)]);

const med = (xs) => {
  const v = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)] : NaN;
};
const runs = [];
try {
  for (const [name, dir] of subjects) {
    const ext = await launchExtension(dir, path.join(tmp, name.replace(/\W/g, '')), tmp, 'ui/onboarding.html', name.replace(/\W/g, '') + '.log');
    runs.push({ name, ext, boots: [] });
    await ext.api('createVault', { password: 'correct horse battery staple', words: 12 });
    const address = (await ext.api('view')).status.account.address;
    const doc = fs.readFileSync(path.join(ROOT, 'examples/policy.json'), 'utf8').replace(/"account":\s*"0x[0-9a-fA-F]{40}"/, `"account": "${address}"`);
    await ext.api('pinPolicy', { policy: doc, vk: fs.readFileSync(vkFile).toString('base64') });
    ext.cdp = await ext.context.newCDPSession(ext.apiPage);
    await ext.cdp.send('ServiceWorker.enable');
  }
  log('pinned', path.relative(ROOT, vkFile), 'in', runs.map((r) => r.name).join(' and '));
  for (let i = 0; i < N; i++) {
    for (const r of runs) {
      await r.ext.cdp.send('ServiceWorker.stopAllWorkers');
      await new Promise((res) => setTimeout(res, 300));
      r.boots.push(await until('the worker answers again', async () => (await r.ext.api('bench')).boot, 20000));
      await new Promise((res) => setTimeout(res, 700)); // the idle warm-up after the start
      r.boots.at(-1).warmMs = (await r.ext.api('bench')).boot.warmMs;
    }
  }
  const rows = [
    ['fetch + compile + instantiate', 'fetchCompileInstantiateMs'],
    ['Go start-up until leash is ready', 'goReadyMs'],
    ['open the core over chrome.storage', 'openMs'],
    ['total (target ≤ 60 ms)', 'totalMs'],
    ['idle warm-up after the start (pins decoded where lazy, verifier tables)', 'warmMs'],
  ];
  console.log(`\n| the worker's cold boot with a pinned policy (ms, medians of ${N}) | ${runs.map((r) => r.name).join(' | ')} |\n|---|${runs.map(() => '---|').join('')}`);
  for (const [label, k] of rows) console.log(`| ${label} | ${runs.map((r) => med(r.boots.map((b) => b[k])).toFixed(1)).join(' | ')} |`);
  for (const r of runs) console.log(`${r.name} totals: ${r.boots.map((b) => b.totalMs.toFixed(0)).join(', ')} ms; reads past the preload during open: ${r.boots.map((b) => b.storageReads ?? '?').join(', ')}; module from: ${r.boots.map((b) => b.from ?? 'package').join(', ')}`);
  console.log(`load average: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (${os.cpus().length} cores)`);
  if (process.env.BOOT_JSON) fs.writeFileSync(process.env.BOOT_JSON, JSON.stringify(Object.fromEntries(runs.map((r) => [r.name, r.boots])), null, 1));
} finally {
  for (const r of runs) await r.ext.context.close().catch(() => {});
  fs.rmSync(tmp, { recursive: true, force: true });
}
