// Helpers of the browser suites (tests/browser/*.mjs): processes with
// line-delimited JSON events, polling, ports, the extension in Debian's
// headless chromium (playwright-core, never a downloaded browser).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { chromium } from 'playwright-core';

export function log(...a) {
  console.log(`[${(performance.now() / 1000).toFixed(1)}s]`, ...a);
}

export function assert(cond, msg) {
  if (!cond) throw new Error('assertion failed: ' + msg);
}

export async function until(what, fn, timeoutMs = 15000, everyMs = 100) {
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

export async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// start runs a process and returns it with a reader of its stdout's JSON
// lines: p.next(match) resolves to the first event matching.
export function start(cmd, args, name, logDir, procs) {
  const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  procs.push(p);
  const logf = fs.createWriteStream(path.join(logDir, `${name}.log`));
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

// launchExtension starts chromium with the unpacked extension at ext and
// returns {context, sw, extId, extURL, api, apiPage}: api(type, args) calls
// the approver API from apiPage, an extension page (as the popup does)
// opened at apiPath. The pages' and the worker's console go to
// logDir/logName.
export async function launchExtension(ext, profile, logDir, apiPath = 'ui/onboarding.html', logName = 'console.log', extraArgs = []) {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 380, height: 640 },
    args: [
      `--disable-extensions-except=${ext}`, `--load-extension=${ext}`,
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs,
    ],
  });
  const sw = context.serviceWorkers()[0] || (await context.waitForEvent('serviceworker', { timeout: 20000 }));
  const consoleLog = fs.createWriteStream(path.join(logDir, logName));
  const watchConsole = (w, name) => w.on('console', (m) => consoleLog.write(`${name} ${m.type()}: ${m.text()}\n`));
  watchConsole(sw, 'sw');
  context.on('serviceworker', (w) => watchConsole(w, 'sw'));
  context.on('page', (pg) => { watchConsole(pg, 'page'); pg.on('pageerror', (e) => consoleLog.write(`page error: ${e.stack}\n`)); });
  const extId = new URL(sw.url()).host;
  const extURL = (p) => `chrome-extension://${extId}/${p}`;
  const page = await context.newPage();
  await page.goto(extURL(apiPath));
  const api = (type, args = {}) => page.evaluate(async ([type, args]) => {
    const r = await chrome.runtime.sendMessage({ type, ...args });
    if (!r.ok) throw new Error(r.code + ': ' + r.message);
    return r.result;
  }, [type, args]);
  return { context, sw, extId, extURL, api, apiPage: page };
}

// approvalsWindow: the one window dapp requests wait in, once it shows sel.
export function approvalsWindow(context, sel, timeoutMs = 20000) {
  return until('the approvals window showing ' + sel, async () => {
    for (const pg of context.pages()) {
      if (pg.isClosed() || !pg.url().includes('window=approvals')) continue;
      if (await pg.$(sel).catch(() => null)) return pg;
    }
    return null;
  }, timeoutMs);
}

// makeTest returns test(name, fn), which runs one test, logs ok or FAIL,
// and on failure saves a screenshot of every page of context() to art and
// logs their text; with abort, a failure also stops the suite (throws).
// results lists [name, 'ok'|'FAIL', ms]; failures() counts the failed.
export function makeTest({ art, context, abort = false }) {
  const results = [];
  let failed = 0;
  async function test(name, fn) {
    const t0 = performance.now();
    try {
      await fn();
      results.push([name, 'ok', performance.now() - t0]);
      log(`ok   ${name}`);
    } catch (e) {
      failed++;
      results.push([name, 'FAIL', performance.now() - t0]);
      let i = 0;
      const ctx = context();
      for (const pg of ctx ? ctx.pages() : []) {
        await pg.screenshot({ path: path.join(art, `fail-${results.length}-${i++}.png`) }).catch(() => {});
        log('page', pg.url(), (await pg.textContent('body').catch(() => '')).slice(0, 400));
      }
      log(`FAIL ${name}\n     ${e.stack || e}`);
      if (abort) throw e;
    }
  }
  return { test, results, failures: () => failed };
}

// fillPassword types password into the page's #password field and waits
// until the field holds it: the popup re-renders when a proposal arrives,
// and a fill that raced a re-render is made again, so the click that
// follows sends what the test meant.
export async function fillPassword(page, password) {
  await until('the password field holds the password', async () => {
    if ((await page.inputValue('#password')) === password) return true;
    await page.fill('#password', password);
    return (await page.inputValue('#password')) === password;
  }, 10000, 200);
}
