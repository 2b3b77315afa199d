// The real Leash extension in headless Chromium as the signer of
// `leash demo --signer extension`: it imports the wallet, pins the policy and
// key (and, with --program FILE --program-vk FILE, a strategy program), sets
// the chain RPC and the on-chain registry, pairs with the agent host
// over the relay (confirming the pairing's comparison code), then reports every
// decision of the extension's activity list as JSON lines on stdout:
//   {"event":"pairing","uri":"leash:pair?…"}  {"event":"offer","fingerprint":"…"}
//   {"event":"paired"}  {"event":"decision","id","decision","code","message","txHash"}
// Usage: node tests/browser/signer.mjs --relay URL --rpc URL --registry ADDR
//          --policy FILE --vk FILE --mnemonic-file FILE [--program FILE --program-vk FILE]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXT = path.join(ROOT, 'dist/extension');
const arg = (name, optional = false) => {
  const i = process.argv.indexOf('--' + name);
  if (i < 0 || i + 1 >= process.argv.length) {
    if (optional) return null;
    throw new Error(`--${name} is required`);
  }
  return process.argv[i + 1];
};
const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leash-demo-signer-'));
let context;
const stop = async (code = 0) => {
  if (context) await context.close().catch(() => {});
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(code);
};
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));
try {
  context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [`--disable-extensions-except=${EXT}`, `--load-extension=${EXT}`, '--no-sandbox', '--disable-gpu',
      '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const sw = context.serviceWorkers()[0] || (await context.waitForEvent('serviceworker', { timeout: 20000 }));
  const extId = new URL(sw.url()).host;
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extId}/ui/popup.html`);
  const api = (type, args = {}) => page.evaluate(async ([type, args]) => {
    const r = await chrome.runtime.sendMessage({ type, ...args });
    if (!r.ok) throw new Error(r.code + ': ' + r.message);
    return r.result;
  }, [type, args]);

  const mnemonic = fs.readFileSync(arg('mnemonic-file'), 'utf8').trim();
  await api('importVault', { mnemonic, password: 'demo password (extension)', replace: true });
  await api('settings', { rpcUrl: arg('rpc'), registry: arg('registry') });
  await api('pinPolicy', { policy: fs.readFileSync(arg('policy'), 'utf8'), vk: fs.readFileSync(arg('vk')).toString('base64'),
    ...(arg('typed-vk', true) ? { typedVK: fs.readFileSync(arg('typed-vk')).toString('base64') } : {}) });
  // The imported account already sent transactions: the core holds a jump
  // of its nonce beyond 16 for the user, who confirms it here.
  const n = await api('syncNonce');
  if (n.held !== undefined) await api('confirmNonce', { nonce: String(n.held) });
  if (arg('program', true)) {
    await api('pinProgram', { program: fs.readFileSync(arg('program'), 'utf8'), vk: fs.readFileSync(arg('program-vk')).toString('base64') });
  }
  const info = await api('pairStart', { relayUrl: arg('relay') });
  emit({ event: 'pairing', uri: info.uri });
  for (;;) {
    const { link } = await api('view');
    if (link && link.offer) {
      emit({ event: 'offer', fingerprint: link.offer.fingerprint, code: link.offer.code });
      await api('pairConfirm', { code: link.offer.code });
      break;
    }
    await sleep(50);
  }
  for (;;) {
    const { link } = await api('view');
    if (link && link.paired) break;
    await sleep(50);
  }
  emit({ event: 'paired' });
  const seen = new Set();
  for (;;) {
    const { rows } = await api('activity');
    for (const r of [...rows].reverse()) {
      const key = `${r.source}:${r.seq ?? ''}:${r.id ?? ''}:${r.decision}`;
      if (!r.id || seen.has(key)) continue;
      seen.add(key);
      emit({ event: 'decision', id: r.id, decision: r.decision, code: r.code || '', message: r.message || '', txHash: r.txHash || '' });
    }
    await sleep(50);
  }
} catch (e) {
  emit({ event: 'error', message: String((e && e.stack) || e) });
  await stop(1);
}
