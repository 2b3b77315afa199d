// Test harness (not deployed): runs the Go test binary of relay/worker/sqlstore
// (GOOS=js GOARCH=wasm go test -c) inside a fresh Durable Object, on that
// object's real SQLite storage, and answers with the exit code and output.
import { DurableObject } from "cloudflare:workers";
import "../build/wasm_exec.js";
import mod from "../build/sqlstore_test.wasm";

export default {
  fetch(req, env) {
    if (new URL(req.url).pathname === "/healthz") return Response.json({ ok: true });
    return env.SELFTEST.get(env.SELFTEST.idFromName(crypto.randomUUID())).fetch(req);
  },
};

export class SelfTest extends DurableObject {
  async fetch() {
    let out = "";
    const write = globalThis.fs.writeSync;
    const dec = new TextDecoder();
    globalThis.fs.writeSync = (fd, buf) => { out += dec.decode(buf); return buf.length; };
    const go = new Go();
    let code = -1;
    go.exit = (c) => { code = c; };
    go.argv = ["sqlstore.test", "-test.v"];
    // The same db helper as the relay's glue (src/index.mjs).
    const sql = this.ctx.storage.sql, bind = (a) => a.map((x) => (x instanceof Uint8Array ? x.buffer : x));
    const ctx = { db: {
      run: (q, ...a) => { sql.exec(q, ...bind(a)); },
      all: (q, ...a) => sql.exec(q, ...bind(a)).raw().toArray(),
      txn: (fn) => {
        try { this.ctx.storage.transactionSync(() => { const e = fn(); if (e) throw new Error(e); }); return null; }
        catch (e) { return String(e?.message ?? e); }
      },
    } };
    try { await go.run(new WebAssembly.Instance(mod, go.importObject), ctx); } finally { globalThis.fs.writeSync = write; }
    return new Response(`exit ${code}\n${out}`, { status: code === 0 ? 200 : 500 });
  }
}
