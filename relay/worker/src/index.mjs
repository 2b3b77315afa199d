// Leash relay on Cloudflare Workers: the JS glue. Go (relay/worker, built to
// build/app.wasm) holds the rules; this file only does what Go cannot.
// The Worker accepts the client's WebSocket, sends the CHALLENGE, reads the
// first frame to learn the channel id and pipes the connection to that
// channel's Durable Object, which checks the AUTH against the handed-over
// nonce. The object runs one Go instance over hibernatable WebSockets and
// SQLite storage. Other HTTP routes go to Go through syumai/workers.
import { DurableObject } from "cloudflare:workers";
import "../build/wasm_exec.js";
import mod from "../build/app.wasm";
import goHTTP from "../build/worker.mjs";

// Protocol constants (relay/proto): CHALLENGE and AUTH frames, the read limit.
const CHALLENGE = 0x01, VERSION = 2, AUTH = 0x10, AUTH_LEN = 147, MAX_FRAME = 65536, MAX_EARLY = 64;
const size = (m) => (typeof m === "string" ? m.length : m.byteLength);
const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const code = (c) => (c === 1005 || c === 1006 || c === 1015 ? 1000 : c); // never echo a reserved code
const shut = (ws, c, r) => { try { ws.close(code(c), r); } catch { try { ws.close(1011, r); } catch {} } };

function pipe(env) {
  const [client, server] = Object.values(new WebSocketPair());
  server.binaryType = "arraybuffer"; // binary frames as ArrayBuffer, not Blob
  server.accept();
  const nonce = crypto.getRandomValues(new Uint8Array(32));
  server.send(Uint8Array.of(CHALLENGE, VERSION, ...nonce));
  let up = null, early = [], done = false;
  const end = (c, r) => { if (!done) { done = true; clearTimeout(timer); shut(server, c, r); if (up) shut(up, c, r); } };
  const fwd = (ws, m) => { try { ws.send(m); } catch { end(1011, "connection lost"); } };
  const timer = setTimeout(() => end(4001, "no AUTH within the auth deadline"), Number(env.RELAY_AUTH_TIMEOUT_MS) || 5000);
  async function connect(first) {
    clearTimeout(timer);
    const b = typeof first === "string" ? null : new Uint8Array(first);
    // Not an AUTH: one of 16 objects "-0".."-f" refuses it with core's coded close.
    const name = b && b.length === AUTH_LEN && b[0] === AUTH ? hex(b.subarray(3, 19)) : "-" + (nonce[0] & 15).toString(16);
    const res = await env.RELAY.get(env.RELAY.idFromName(name)).fetch("https://relay.internal/v1/ws",
      { headers: { Upgrade: "websocket", "X-Leash-Nonce": hex(nonce) } });
    if (!res.webSocket) throw new Error(`durable object answered ${res.status}`);
    up = res.webSocket;
    up.binaryType = "arraybuffer";
    up.accept();
    up.addEventListener("message", (ev) => fwd(server, ev.data));
    up.addEventListener("close", (ev) => end(ev.code, ev.reason));
    up.addEventListener("error", () => end(1011, "relay error"));
    if (done) return shut(up, 1000, "");
    for (const m of early) fwd(up, m);
    early = null;
  }
  server.addEventListener("message", (ev) => {
    if (done) return;
    if (size(ev.data) > MAX_FRAME) return end(1009, "frame too large"); // the read limit, as on the native relay
    if (up) return fwd(up, ev.data);
    if (early.length >= MAX_EARLY) return end(4029, "rate limit");
    early.push(ev.data);
    if (early.length === 1) connect(ev.data).catch((e) => { console.error("relay: route:", e); end(1011, "relay unavailable"); });
  });
  server.addEventListener("close", (ev) => end(ev.code, ev.reason));
  server.addEventListener("error", () => end(1011, "client error"));
  return new Response(null, { status: 101, webSocket: client });
}

export default {
  fetch(req, env, ctx) {
    const url = new URL(req.url);
    if (url.pathname === "/v1/ws" && req.headers.get("Upgrade")?.toLowerCase() === "websocket") return pipe(env);
    return goHTTP.fetch(req, env, ctx);
  },
};

export class Relay extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    const go = new Go();
    this.ids = new WeakMap();
    const sql = ctx.storage.sql, bind = (a) => a.map((x) => (x instanceof Uint8Array ? x.buffer : x));
    this.go = {
      durableObject: true, env, ctx, binding: {},
      db: { run: (q, ...a) => { sql.exec(q, ...bind(a)); }, all: (q, ...a) => sql.exec(q, ...bind(a)).raw().toArray(), txn: (fn) => this.txn(fn) },
      sendMem: (ws, p, n) => ws.send(new Uint8Array(this.go.memory.buffer, p, n).slice()), // a frame straight from Go's memory
    };
    const inst = new WebAssembly.Instance(mod, { ...go.importObject, workers: { ready: () => {} } });
    this.go.memory = inst.exports.mem;
    go.run(inst, this.go);
    if (this.go.binding.error || !this.go.binding.start) throw new Error(`relay: ${this.go.binding.error ?? "Go did not start"}`);
    this.call("start", ctx.getWebSockets());
  }
  txn(fn) {
    try { this.ctx.storage.transactionSync(() => { const e = fn(); if (e) throw new Error(e); }); return null; }
    catch (e) { return String(e?.message ?? e); }
  }
  call(name, ...args) {
    const r = this.go.binding[name](...args);
    if (r === true) this.ctx.abort("relay store failed"); // a fresh instance reloads from storage
    return r;
  }
  fetch(req) {
    const [client, server] = Object.values(new WebSocketPair());
    const id = crypto.randomUUID(), nonce = req.headers.get("X-Leash-Nonce") ?? "";
    server.binaryType = "arraybuffer";
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ id, nonce });
    this.ids.set(server, id);
    this.call("accept", server, id, nonce);
    return new Response(null, { status: 101, webSocket: client });
  }
  id(ws) { // the socket's id, from its attachment once per instance
    let id = this.ids.get(ws);
    if (id === undefined) this.ids.set(ws, (id = ws.deserializeAttachment()?.id ?? ""));
    return id;
  }
  webSocketMessage(ws, msg) {
    if (size(msg) > MAX_FRAME) { shut(ws, 1009, "frame too large"); return this.call("closed", this.id(ws)); }
    const data = typeof msg === "string" ? msg : new Uint8Array(msg);
    if (this.call("message", this.id(ws), data) === "unknown") {
      this.call("restore", ws);
      this.call("message", this.id(ws), data);
    }
  }
  webSocketClose(ws, c, reason) {
    this.call("closed", this.id(ws));
    shut(ws, c, reason);
  }
  webSocketError(ws) {
    this.call("closed", this.id(ws));
  }
  alarm() {
    this.call("alarm");
  }
}
