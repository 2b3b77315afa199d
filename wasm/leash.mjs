#!/usr/bin/env node
// leash.mjs: the signer core (dist/leash.wasm) driven from Node.
//
// As a command it has the same verbs, flags, JSON output and exit codes as
// the native CLI, because both run the same Go code (package wasm/verbs):
//
//   node wasm/leash.mjs verify --vk FILE --policy FILE --proposal FILE --state FILE
//   node wasm/leash.mjs sign --mnemonic-file FILE --vk FILE --policy FILE --proposal FILE --state FILE [--index N]
//   node wasm/leash.mjs keys address --mnemonic-file FILE [--index N]
//   node wasm/leash.mjs proposal public-inputs --policy FILE --proposal FILE --state FILE
//
// Exit codes: 0 ok, 1 refused (a coded JSON error on stdout), 2 usage,
// 4 other failures. LEASH_WASM and LEASH_WASM_EXEC override the paths of
// dist/leash.wasm and dist/wasm_exec.js.
//
// As a module it exports loadLeash() (the global `leash` object of
// wasm/leash.d.ts, with load timings and the instance; Go's timers do not
// keep Node alive unless keepAlive is set), and two host
// storages for leash.open(): memoryStorage() and fileStorage(dir).
//
// Start-up: loadLeash sets two V8 flags for the process (wasmV8Flags: a
// larger WebAssembly tiering budget and lazy validation; each can be turned
// off). scripts/wasm-inittrace.mjs shows where the rest of the start-up goes.

import fs from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");

/**
 * Loads dist/leash.wasm and resolves once the global `leash` is installed.
 * @returns {Promise<{leash: import("./leash").Leash, instance: WebAssembly.Instance,
 *   memory: WebAssembly.Memory, timings: {compileMs: number, instantiateMs: number, readyMs: number, totalMs: number}}>}
 */
export async function loadLeash({
  wasm = process.env.LEASH_WASM || path.join(root, "dist", "leash.wasm"),
  wasmExec = process.env.LEASH_WASM_EXEC || path.join(root, "dist", "wasm_exec.js"),
  bytes,
  keepAlive = false,
} = {}) {
  if (!globalThis.fs) globalThis.fs = fs; // Go's stderr (panics) goes to the real stderr
  tuneV8();
  if (!globalThis.Go) await import(pathToFileURL(wasmExec).href);
  const code = bytes ?? fs.readFileSync(wasm);
  const t0 = performance.now();
  const compiling = WebAssembly.compile(code);
  // While V8 compiles on its own threads: Node sets WebCrypto up on first
  // use (1–2 ms), and the Go runtime's first act in go.run is to ask it for
  // random bytes.
  globalThis.crypto?.getRandomValues(new Uint8Array(1));
  const module = await compiling;
  const t1 = performance.now();
  const go = new globalThis.Go();
  if (!keepAlive) unrefGoTimers(go);
  const instance = await WebAssembly.instantiate(module, go.importObject);
  const t2 = performance.now();
  // A module that exits or traps before it is ready (a panic in an
  // initialiser, or, with lazy validation, an invalid function) rejects
  // instead of leaving the caller waiting for ever.
  const ready = new Promise((resolve, reject) => {
    globalThis.onLeashReady = (l) => resolve(l);
    go.run(instance).then(
      () => reject(new Error("leash.wasm exited before it was ready")),
      (e) => {
        process.stderr.write(`leash.wasm exited: ${e}\n`);
        reject(e);
      },
    );
  });
  const leash = await ready;
  const t3 = performance.now();
  delete globalThis.onLeashReady;
  return {
    leash,
    instance,
    memory: instance.exports.mem,
    timings: { compileMs: t1 - t0, instantiateMs: t2 - t1, readyMs: t3 - t2, totalMs: t3 - t0 },
  };
}

// V8 (Node 20) compiles a WebAssembly function lazily with its baseline
// compiler (Liftoff) on its first call, and again with its optimising
// compiler (TurboFan) once the function has spent its "tiering budget"
// (roughly, bytes of code executed; 1.8 M by default). The initialisers of
// the Go runtime and of the packages in leash.wasm run long one-shot loops
// (unicode tables, curve constants, big-number set-up) that spend it, and V8
// then optimises functions that never run again: about 0.8 s of CPU on
// background threads that share the machine's cores with the start-up itself
// (on a busy two-core machine the time until ready was two to four times
// longer, and bimodal). With a budget of 40 M (--trace-wasm-compilation-times
// shows one small function optimised during start-up instead of 23) the
// start-up stays in Liftoff, while the verifier's field arithmetic, called
// thousands of times per proof, still reaches TurboFan within the first few
// verifications. Functions that run only a few times per call reach it
// later: in our runs sign p50 after 50 warm-up signs was ~5% slower, and
// equal after 2,000; a larger budget starts a little faster and costs more
// (100 M: ~12% on sign).
//
// WebAssembly.compile also validates every function of the module up front
// (about 20 ms of the ~40 ms it takes here); with --wasm-lazy-validation V8
// validates a function when it first compiles it instead, before it ever
// runs, and the ~90% of functions a process never calls are not validated
// at all. An invalid function then fails when it is first called rather
// than at compile time; leash.wasm is our own build output.
//
// The flags are process-wide and only affect WebAssembly compiled after they
// are set. Each is left alone when Node's command line or NODE_OPTIONS
// already sets it; LEASH_WASM_TIERING_BUDGET=N sets another budget, 0 keeps
// V8's default, and LEASH_WASM_LAZY_VALIDATION=0 keeps eager validation.
const TIERING_BUDGET = 40_000_000;

/** The V8 flags loadLeash sets (see above). */
export function wasmV8Flags() {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
  const has = (re) => given.some((a) => re.test(a));
  const flags = [];
  const env = process.env.LEASH_WASM_TIERING_BUDGET;
  const budget = env === undefined || env === "" ? TIERING_BUDGET : Number(env);
  if (!Number.isSafeInteger(budget) || budget < 0) throw new Error(`LEASH_WASM_TIERING_BUDGET=${env}: want a non-negative integer`);
  if (budget > 0 && !has(/^--(no-)?(wasm-tiering-budget|wasm-dynamic-tiering|wasm-tier-up|liftoff)/)) {
    flags.push(`--wasm-tiering-budget=${budget}`);
  }
  if (process.env.LEASH_WASM_LAZY_VALIDATION !== "0" && !has(/^--(no-)?wasm-lazy-validation/)) {
    flags.push("--wasm-lazy-validation");
  }
  return flags;
}

let v8Tuned = false;
function tuneV8() {
  if (v8Tuned) return;
  v8Tuned = true;
  for (const f of wasmV8Flags()) v8.setFlagsFromString(f);
}

// unrefGoTimers makes the long timeouts the Go runtime schedules (the
// vault's auto-lock timer, an RPC's 15 s deadline) not keep Node alive on
// their own: a CLI or a test ends when its own work is done. Short sleeps
// (at most SHORT_SLEEP_MS) stay: they are work in progress, such as the
// core waiting before it asks two RPCs again, and a call awaiting them
// must not be cut off. Pass keepAlive to a long-running host that wants
// every Go timer to hold the process.
const SHORT_SLEEP_MS = 2000;
function unrefGoTimers(go) {
  const imports = go.importObject.gojs;
  const schedule = imports["runtime.scheduleTimeoutEvent"];
  if (typeof schedule !== "function" || !(go._scheduledTimeouts instanceof Map)) return;
  imports["runtime.scheduleTimeoutEvent"] = (sp) => {
    schedule(sp);
    const at = (sp >>> 0) + 8; // the delay, an int64 in ms (wasm_exec.js)
    const ms = go.mem.getUint32(at, true) + go.mem.getInt32(at + 4, true) * 4294967296;
    if (ms <= SHORT_SLEEP_MS) return;
    const id = go._nextCallbackTimeoutID - 1;
    go._scheduledTimeouts.get(id)?.unref?.();
  };
}

/** An in-memory host storage for leash.open(). */
export function memoryStorage() {
  const m = new Map();
  return {
    async get(key) {
      return m.has(key) ? m.get(key) : null;
    },
    async set(key, value) {
      m.set(key, String(value));
    },
    async remove(key) {
      m.delete(key);
    },
    keys: () => [...m.keys()],
  };
}

/**
 * A host storage in a directory: one file per key, written atomically
 * (temporary file, fsync, rename) so a crash never leaves half a document.
 */
export function fileStorage(dir) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (key) => path.join(dir, encodeURIComponent(key) + ".json");
  return {
    async get(key) {
      try {
        return await fs.promises.readFile(file(key), "utf8");
      } catch (e) {
        if (e.code === "ENOENT") return null;
        throw e;
      }
    },
    async set(key, value) {
      const f = file(key);
      const tmp = `${f}.${process.pid}.tmp`;
      const h = await fs.promises.open(tmp, "w", 0o600);
      try {
        await h.writeFile(String(value));
        await h.sync();
      } finally {
        await h.close();
      }
      await fs.promises.rename(tmp, f);
    },
    async remove(key) {
      await fs.promises.rm(file(key), { force: true });
    },
  };
}

// ---- the command line -----------------------------------------------------

const EXIT = { ok: 0, refused: 1, usage: 2, failure: 4 };

const verbs = {
  verify: {
    name: "verify",
    flags: { vk: "string", policy: "string", proposal: "string", state: "string" },
    required: ["vk", "policy", "proposal", "state"],
    run: (leash, f) =>
      leash.tools.verify({ vk: file(f.vk), policy: file(f.policy), proposal: file(f.proposal), state: file(f.state) }),
  },
  sign: {
    name: "sign",
    flags: { "mnemonic-file": "string", index: "uint", vk: "string", policy: "string", proposal: "string", state: "string" },
    required: ["mnemonic-file", "vk", "policy", "proposal", "state"],
    run: (leash, f) =>
      leash.tools.sign({
        mnemonic: file(f["mnemonic-file"]),
        index: jsIndex(f.index),
        vk: file(f.vk),
        policy: file(f.policy),
        proposal: file(f.proposal),
        state: file(f.state),
      }),
  },
  "keys address": {
    name: "keys address",
    flags: { "mnemonic-file": "string", index: "uint" },
    required: ["mnemonic-file"],
    run: (leash, f) => leash.tools.keysAddress({ mnemonic: file(f["mnemonic-file"]), index: jsIndex(f.index) }),
  },
  "proposal public-inputs": {
    name: "proposal public-inputs",
    flags: { policy: "string", proposal: "string", state: "string" },
    required: ["policy", "proposal", "state"],
    run: (leash, f) =>
      leash.tools.publicInputs({ policy: file(f.policy), proposal: file(f.proposal), state: file(f.state) }),
  },
};

// jsIndex passes a parsed --index to Go as a number, or as a decimal string
// beyond 2^53.
const jsIndex = (v) => (v === undefined ? 0 : v <= 2n ** 53n ? Number(v) : v.toString());

// file reads a named file the way the native CLI does (at most 64 MiB),
// turning a failure into Go's wording so both builds print the same message.
export function file(p) {
  try {
    const fd = fs.openSync(p, "r");
    try {
      const st = fs.fstatSync(fd);
      if (st.isDirectory()) return { path: p, error: `read ${p}: is a directory` };
      const n = Math.min(st.size, 64 << 20);
      const buf = Buffer.alloc(n);
      let off = 0;
      while (off < n) {
        const r = fs.readSync(fd, buf, off, n - off, off);
        if (r === 0) break;
        off += r;
      }
      return { path: p, data: new Uint8Array(buf.buffer, buf.byteOffset, off) };
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    const why = { ENOENT: "no such file or directory", EACCES: "permission denied", ENOTDIR: "not a directory" }[e.code];
    return { path: p, error: `open ${p}: ${why ?? e.message}` };
  }
}

// parseFlags follows Go's flag package: -name or --name, "=value" or the
// next argument, parsing stops at the first non-flag or "--", unknown flags
// and -h are usage errors, and no positional argument is allowed.
function parseFlags(verb, args) {
  const vals = {};
  const usage = (msg) => {
    if (msg) process.stderr.write(`${msg}\n`);
    process.stderr.write(`Usage of leash ${verb.name}:\n`);
    for (const [n, t] of Object.entries(verb.flags)) process.stderr.write(`  -${n} ${t === "uint" ? "uint" : "string"}\n`);
    return null;
  };
  let i = 0;
  for (; i < args.length; i++) {
    let a = args[i];
    if (a.length < 2 || a[0] !== "-") break;
    if (a === "--") {
      i++;
      break;
    }
    a = a.startsWith("--") ? a.slice(2) : a.slice(1);
    if (a === "" || a[0] === "-" || a[0] === "=") return usage(`bad flag syntax: ${args[i]}`);
    let name = a;
    let value;
    const eq = a.indexOf("=");
    if (eq >= 0) {
      name = a.slice(0, eq);
      value = a.slice(eq + 1);
    }
    if (name === "h" || name === "help") return usage();
    const type = verb.flags[name];
    if (!type) return usage(`flag provided but not defined: -${name}`);
    if (value === undefined) {
      if (i + 1 >= args.length) return usage(`flag needs an argument: -${name}`);
      value = args[++i];
    }
    if (type === "uint") {
      const v = parseUint64(value);
      if (v === null) return usage(`invalid value "${value}" for flag -${name}: parse error`);
      vals[name] = v;
    } else {
      vals[name] = value;
    }
  }
  if (i < args.length) {
    process.stderr.write(`leash ${verb.name}: unexpected argument "${args[i]}"\n`);
    return null;
  }
  for (const r of verb.required) {
    if (!vals[r]) {
      process.stderr.write(`leash ${verb.name}: --${r} is required\n`);
      return usage();
    }
  }
  return vals;
}

// parseUint64 accepts what Go's strconv.ParseUint(s, 0, 64) accepts.
function parseUint64(s) {
  let t = s;
  let base = 10;
  let prefixed = false;
  if (/^0[xX]/.test(t)) [base, t, prefixed] = [16, t.slice(2), true];
  else if (/^0[oO]/.test(t)) [base, t, prefixed] = [8, t.slice(2), true];
  else if (/^0[bB]/.test(t)) [base, t, prefixed] = [2, t.slice(2), true];
  else if (/^0./.test(t)) [base, t, prefixed] = [8, t.slice(1), true];
  if (t.includes("_")) {
    if (!prefixed && base === 10 && !/^[0-9]/.test(t)) return null;
    if (/__|_$|^_(?!.)/.test(t) || (!prefixed && t.startsWith("_"))) return null;
    t = t.replace(/_/g, "");
  }
  const digits = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base];
  if (!digits.test(t)) return null;
  const v = [...t.toLowerCase()].reduce((acc, c) => acc * BigInt(base) + BigInt(parseInt(c, 16)), 0n);
  return v < 1n << 64n ? v : null;
}

function commandUsage() {
  process.stderr.write(
    "usage: node wasm/leash.mjs <command> [flags]\n\ncommands:\n" +
      "  keys address --mnemonic-file FILE [--index N]\n" +
      "  proposal public-inputs --policy FILE --proposal FILE --state FILE\n" +
      "  sign --mnemonic-file FILE --vk FILE --policy FILE --proposal FILE --state FILE\n" +
      "  verify --vk FILE --policy FILE --proposal FILE --state FILE\n",
  );
}

export async function main(argv) {
  if (argv.length === 0 || ["-h", "--help", "help"].includes(argv[0])) {
    commandUsage();
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  let verb;
  let rest;
  if (argv[0] === "keys" || argv[0] === "proposal") {
    verb = verbs[`${argv[0]} ${argv[1]}`];
    rest = argv.slice(2);
    if (!verb) {
      process.stderr.write(
        argv[0] === "keys"
          ? "usage: leash keys address --mnemonic-file FILE [--index N]\n"
          : "usage: leash proposal public-inputs --policy FILE --proposal FILE --state FILE\n",
      );
      return EXIT.usage;
    }
  } else {
    verb = verbs[argv[0]];
    rest = argv.slice(1);
    if (!verb) {
      process.stderr.write(`leash: unknown command ${JSON.stringify(argv[0])} (the WASM build has verify, sign, keys address and proposal public-inputs)\n\n`);
      commandUsage();
      return EXIT.usage;
    }
  }
  const flags = parseFlags(verb, rest);
  if (!flags) return EXIT.usage;
  const { leash } = await loadLeash();
  const out = await verb.run(leash, flags);
  await new Promise((resolve) => process.stdout.write(out.stdout, resolve));
  return out.exit;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stdout.write(JSON.stringify({ error: { code: e?.code || "internal", message: String(e?.message ?? e) } }) + "\n");
      process.exit(EXIT.failure);
    },
  );
}
