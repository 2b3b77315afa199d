// Loads the WASM signer core once per service-worker life and opens it over
// chrome.storage.local. Every handler awaits `ready()` before touching it.
import './wasm_exec.js';
import { coreStore, dropPreload, preloadCore } from './state.js';
import { rpc } from './rpc.js';

let booting = null;
let memory = null;
let hashing = null;
const WASM_URL = chrome.runtime.getURL('leash.wasm');

// wasmSHA256 resolves to the hex SHA-256 of the leash.wasm this worker
// runs, shown on the Setup page so that the user can compare it with a
// release's or their own build's (docs/extension.md). It is hashed when
// first asked, from the extension's own packaged file (the bytes the
// worker instantiated: an installed extension's files do not change under
// it), never on the boot path.
export function wasmSHA256() {
  if (!hashing) {
    hashing = fetch(WASM_URL).then((r) => r.arrayBuffer())
      .then((b) => crypto.subtle.digest('SHA-256', b))
      .then((d) => Array.from(new Uint8Array(d), (x) => x.toString(16).padStart(2, '0')).join(''));
    hashing.catch(() => { hashing = null; });
  }
  return hashing;
}

// wasmMemory is the size of the core's WebAssembly memory, in bytes (the
// flood test reports it).
export function wasmMemory() {
  return memory ? memory.buffer.byteLength : 0;
}

async function boot() {
  const t0 = performance.now();
  const go = new globalThis.Go();
  const globals = new Promise((resolve) => {
    globalThis.onLeashReady = () => resolve();
  });
  // The core's records are read from storage while the module compiles.
  const preload = preloadCore().catch(() => {});
  // Streamed straight into the compiler: no copy of the stream (a tee
  // for hashing cost CPU on the boot path, and a cloned response loses
  // Chromium's code-cache handler).
  const { instance } = await WebAssembly.instantiateStreaming(fetch(WASM_URL), go.importObject);
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
  const boot = { fetchCompileInstantiateMs: t1 - t0, goReadyMs: t2 - t1, openMs: t3 - t2, totalMs: t3 - t0, storageReads };
  // The pinned policy and keys are decoded, and the verifier's precomputed
  // tables made, once the worker is idle after its start (the core leaves
  // them for later so that the cold start stays short); a request that
  // needs them first makes them itself.
  setTimeout(() => {
    const w0 = performance.now();
    core.approver.warm().then(() => { boot.warmMs = performance.now() - w0; }, () => {});
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
