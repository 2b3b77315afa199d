// Loads the WASM signer core once per service-worker life and opens it over
// chrome.storage.local. Every handler awaits `ready()` before touching it.
import './wasm_exec.js';
import { WASM_SHA256 } from './build.js';
import { coreStore, dropPreload, preloadCore } from './state.js';
import { rpc } from './rpc.js';

let booting = null;
let memory = null;
let hashing = null;
let bootedFrom = null;
const WASM_URL = chrome.runtime.getURL('leash.wasm');

// The module's bytes are kept in Cache Storage after the first boot:
// Chromium reads an extension's packaged 9.6 MB file in 40–60 ms, the same
// bytes from Cache Storage in about 20 (make bench-boot). The cache is
// named after the SHA-256 that scripts/build-extension.sh wrote beside the
// module (build.js), and filled only with packaged bytes that hash to it,
// so a rebuilt or updated extension never boots an older core; caches of
// other builds are deleted when it is filled. Cache Storage keys are
// http(s) URLs: the key is a name under .invalid, never fetched. Only the
// extension's own pages and worker reach its Cache Storage (a page's
// content scripts see the page's), the same code that could already
// change what the worker runs.
const CACHE_NAME = 'leash-core-' + WASM_SHA256;
const CACHE_KEY = 'https://leash-core.invalid/leash.wasm';

// cachedModule resolves to the cached module's response, or null.
async function cachedModule() {
  try {
    return (await (await caches.open(CACHE_NAME)).match(CACHE_KEY)) || null;
  } catch {
    return null; // no Cache Storage (quota, a profile without it): the package
  }
}

// fillCache copies the packaged module into this build's cache once its
// bytes hash to WASM_SHA256, and deletes every other build's cache. It runs
// when the worker is idle after a boot from the package, never on the boot
// path. It resolves to what it did, for the tests.
export async function fillCache() {
  const bytes = await (await fetch(WASM_URL)).arrayBuffer();
  if (await sha256Hex(bytes) !== WASM_SHA256) {
    console.error('leash: the packaged leash.wasm does not match build.js; it is not cached');
    return 'mismatch';
  }
  for (const name of await caches.keys()) {
    if (name.startsWith('leash-core-') && name !== CACHE_NAME) await caches.delete(name);
  }
  await (await caches.open(CACHE_NAME)).put(CACHE_KEY, new Response(bytes, { headers: { 'content-type': 'application/wasm' } }));
  return 'filled';
}

async function sha256Hex(bytes) {
  const d = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(d), (x) => x.toString(16).padStart(2, '0')).join('');
}

// wasmSHA256 resolves to the hex SHA-256 of the leash.wasm this worker
// runs, shown on the Setup page so that the user can compare it with a
// release's or their own build's (docs/extension.md). It is hashed when
// first asked, from the bytes the worker booted from (its cache, or the
// extension's packaged file: an installed extension's files do not change
// under it), never on the boot path.
export function wasmSHA256() {
  if (!hashing) {
    // A core that failed to boot still gets its package's hash shown.
    hashing = ready().catch(() => null).then(async () => {
      const r = bootedFrom === 'cache' ? await cachedModule() : null;
      return sha256Hex(await (r || await fetch(WASM_URL)).arrayBuffer());
    });
    hashing.catch(() => { hashing = null; });
  }
  return hashing;
}

// wasmMemory is the size of the core's WebAssembly memory, in bytes (the
// flood test reports it).
export function wasmMemory() {
  return memory ? memory.buffer.byteLength : 0;
}

// instantiate compiles and instantiates the core, from the cache when it
// holds this build's module and from the package otherwise. Bytes in the
// cache that do not compile (a damaged cache) are dropped and the package
// is used: the core always starts.
async function instantiate(importObject) {
  const hit = await cachedModule();
  if (hit) {
    try {
      const { instance } = await WebAssembly.instantiateStreaming(hit, importObject);
      return { instance, from: 'cache' };
    } catch (e) {
      console.error('leash: the cached leash.wasm does not compile; booting from the package: ' + e);
      await caches.delete(CACHE_NAME).catch(() => {});
    }
  }
  // Streamed straight into the compiler: no copy of the stream on the
  // boot path (a tee for hashing cost CPU).
  const { instance } = await WebAssembly.instantiateStreaming(fetch(WASM_URL), importObject);
  return { instance, from: 'package' };
}

async function boot() {
  const t0 = performance.now();
  const go = new globalThis.Go();
  const globals = new Promise((resolve) => {
    globalThis.onLeashReady = () => resolve();
  });
  // The core's records are read from storage while the module compiles.
  const preload = preloadCore().catch(() => {});
  const { instance, from } = await instantiate(go.importObject);
  bootedFrom = from;
  const t1 = performance.now();
  memory = instance.exports.mem;
  go.run(instance); // never resolves while the core lives
  await globals;
  const t2 = performance.now();
  // authenticate: the pins, ledger, settings and connected sites are kept
  // under a MAC keyed from the vault. rpc: the core re-reads a program
  // proposal's oracle inputs, the registry and the nonce itself, through the
  // user's own RPC setting (never an endpoint the agent names). The idle
  // time, the mode and the chain options (registry, second RPC, block age)
  // come from the settings once they are read (state.applyMode).
  await preload;
  let core;
  let storageReads;
  try {
    core = await globalThis.leashExt.open(coreStore, {
      authenticate: true,
      rpc: (method, params) => rpc(method, params),
    });
  } finally {
    storageReads = dropPreload();
  }
  const t3 = performance.now();
  // Cold start of this worker's core, reported by the benchmark (api
  // 'bench'); storageReads counts the reads open made past the preload.
  const boot = { from, fetchCompileInstantiateMs: t1 - t0, goReadyMs: t2 - t1, openMs: t3 - t2, totalMs: t3 - t0, storageReads };
  // The pinned policy and keys are decoded, and the verifier's precomputed
  // tables made, once the worker is idle after its start (the core leaves
  // them for later so that the cold start stays short); a request that
  // needs them first makes them itself.
  setTimeout(() => {
    const w0 = performance.now();
    core.approver.warm().then(() => { boot.warmMs = performance.now() - w0; }, () => {})
      .then(() => (from === 'package' ? fillCache() : 'cached'))
      .then((c) => { boot.cache = c; }, (e) => { boot.cache = 'error'; console.error('leash: caching leash.wasm: ' + e); });
  }, 0);
  return { leash: globalThis.leash, ext: globalThis.leashExt, ...core, boot };
}

// ready resolves to {leash, ext, agent, approver, user, boot}.
export function ready() {
  if (!booting) {
    booting = boot().catch((e) => {
      booting = null;
      throw e;
    });
  }
  return booting;
}
