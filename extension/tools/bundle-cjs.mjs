// A tiny CommonJS bundler for the extension's one npm dependency (qrcode):
// it follows require() calls from an entry file (honouring package.json
// "browser" replacements), wraps each module in a function and exposes the
// entry's exports as a global. Usage: node bundle-cjs.mjs ENTRY GLOBAL OUT
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [entry, globalName, out] = process.argv.slice(2);
const modules = new Map(); // absolute path → {id, code, deps}

function browserField(file) {
  let dir = path.dirname(file);
  while (dir !== path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      const b = JSON.parse(fs.readFileSync(pj, 'utf8')).browser;
      return { dir, map: typeof b === 'object' && b ? b : {} };
    }
    dir = path.dirname(dir);
  }
  return { dir, map: {} };
}

function resolve(from, spec) {
  const req = createRequire(from);
  const { dir, map } = browserField(from);
  if (spec in map) {
    if (map[spec] === false) return null;
    spec = map[spec];
  }
  let file = req.resolve(spec);
  const rel = './' + path.relative(browserField(file).dir, file);
  const bm = browserField(file);
  if (rel in bm.map) {
    if (bm.map[rel] === false) return null;
    file = path.resolve(bm.dir, bm.map[rel]);
  }
  void dir;
  return file;
}

function add(file) {
  if (modules.has(file)) return modules.get(file).id;
  const m = { id: modules.size, code: '', deps: {} };
  modules.set(file, m);
  const src = fs.readFileSync(file, 'utf8');
  m.code = file.endsWith('.json') ? 'module.exports = ' + src : src;
  for (const [, spec] of src.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const target = resolve(file, spec);
    m.deps[spec] = target === null ? -1 : add(target);
  }
  return m.id;
}

const root = add(path.resolve(entry));
let js = `// Bundled from npm for the Leash extension. Do not edit.\n(function () {\nconst defs = [];\n`;
// A module is named by its path below the last node_modules, never by where
// node_modules lives, so the bundle is the same in any checkout.
const label = (file) => {
  const parts = file.split(path.sep);
  const i = parts.lastIndexOf('node_modules');
  return i >= 0 ? parts.slice(i).join('/') : path.relative(process.cwd(), file).split(path.sep).join('/');
};
for (const [file, m] of modules) {
  js += `// ${label(file)}\ndefs[${m.id}] = [${JSON.stringify(m.deps)}, function (module, exports, require) {\n${m.code}\n}];\n`;
}
js += `const cache = [];
function load(id) {
  if (id < 0) return {};
  if (cache[id]) return cache[id].exports;
  const module = { exports: {} };
  cache[id] = module;
  const [deps, fn] = defs[id];
  fn(module, module.exports, (spec) => load(deps[spec]));
  return module.exports;
}
globalThis[${JSON.stringify(globalName)}] = load(${root});
})();\n`;
fs.writeFileSync(out, js);
console.log(`bundled ${modules.size} modules into ${out} (${js.length} bytes)`);
