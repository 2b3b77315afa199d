// Writes (or, with --check, verifies) extension/_locales/en/messages.json
// from the t('…') calls of the extension's pages and worker: every
// user-visible string has its message, keyed by msgKey of its English
// text (sw/i18n.js); $1…$9 become named placeholders. --check also fails
// on two texts with one key and on a stale file.
// Usage: node extension/tools/i18n.mjs [--check]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { msgKey } from '../sw/i18n.js';

const EXT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(EXT, '_locales/en/messages.json');
// The manifest's own strings (__MSG_…__ in manifest.json).
const FIXED = {
  extName: { message: 'Leash', description: 'The extension\'s name.' },
  extDescription: { message: 'Keeps your AI agent\'s wallet on a cryptographic leash: it signs only what a zero-knowledge proof shows your policy allows.', description: 'The extension\'s description in the store and chrome://extensions.' },
};

const texts = new Map(); // key → english
const problems = [];
for (const dir of ['ui', 'sw', 'page']) {
  for (const f of fs.readdirSync(path.join(EXT, dir)).filter((x) => x.endsWith('.js')).sort()) {
    if (f === 'wasm_exec.js') continue;
    const src = fs.readFileSync(path.join(EXT, dir, f), 'utf8');
    for (const m of src.matchAll(/\bt\(\s*'((?:[^'\\]|\\.)*)'/g)) {
      const english = m[1].replace(/\\(.)/g, '$1');
      const k = msgKey(english);
      if (texts.has(k) && texts.get(k) !== english) problems.push(`${dir}/${f}: "${english}" and "${texts.get(k)}" share the key ${k}`);
      texts.set(k, english);
    }
  }
}

const out = { ...FIXED };
for (const k of [...texts.keys()].sort()) {
  const english = texts.get(k);
  const entry = { message: english.replace(/\$(\d)/g, '$$ARG$1$$') };
  const n = [...english.matchAll(/\$(\d)/g)].map((x) => x[1]);
  if (n.length) entry.placeholders = Object.fromEntries([...new Set(n)].map((d) => [`arg${d}`, { content: `$${d}` }]));
  out[k] = entry;
}
const json = JSON.stringify(out, null, 2) + '\n';
if (process.argv.includes('--check')) {
  const cur = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
  if (cur !== json) problems.push(`${path.relative(process.cwd(), OUT)} is stale: run node extension/tools/i18n.mjs`);
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log(`i18n: ${texts.size} messages, all in _locales/en`);
} else {
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, json);
  console.log(`i18n: wrote ${texts.size} messages to ${path.relative(process.cwd(), OUT)}`);
}
