// The relay WebSocket. JavaScript here only moves bytes: every frame goes to
// leashExt.link (channel auth, the Noise handshake, the ratchet's seal and
// open, delivery numbers and acks are all in the WASM core), and whatever
// frames the link returns are sent after the link state they depend on was
// persisted, encrypted (linkstore.js), write-ahead. When the link moves to
// its session channel (a confirmed pairing) the step says reconnect.
import { ready } from './core.js';
import { saveLink } from './linkstore.js';
import { flush } from './state.js';

const KEEPALIVE_MS = 20000; // Chrome keeps the worker alive while the socket is busy
const MIN_BACKOFF = 250;
const MAX_BACKOFF = 30000;

let ws = null;
let url = null;
let attempt = 0;
let reconnectTimer = null;
let keepaliveTimer = null;
let queue = Promise.resolve();
let handlers = { messages() {}, offer() {}, sent() {}, status() {}, conflict() {}, gap() {} };
export const status = { connected: false, authed: false, lastError: '', connects: 0, dropped: 0 };

export function setHandlers(h) {
  handlers = { ...handlers, ...h };
}

// serial runs fn after every earlier frame/step was applied.
function serial(fn) {
  const p = queue.then(fn);
  queue = p.catch((e) => console.warn('relay step failed', e));
  return p;
}

// apply persists the link state (if changed), then sends the frames, then
// hands the step's events to the runtime.
export async function apply(step, arrived) {
  if (!step) return;
  if (step.send && step.send.length) await flush(); // core decisions before any ack or receipt
  if (step.state) await saveLink(step.state);
  for (const f of step.send || []) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(f);
  }
  if (step.reconnect) {
    // The link moved channel (pairing confirmed, or a new pairing URI):
    // log in to the new one.
    disconnect();
    connect().catch(() => scheduleReconnect());
  }
  if (step.authed) {
    status.authed = true;
    attempt = 0;
    status.connects++;
    handlers.status(status);
  }
  if (step.dropped && step.dropped.length) {
    status.dropped += step.dropped.length;
    console.warn('relay: dropped envelopes', step.dropped);
  }
  if (step.offer) handlers.offer(step.offer);
  if (step.conflict) handlers.conflict(step.conflict);
  if (step.lost || step.gap) handlers.gap({ lost: step.lost || 0, gap: step.gap || 0 });
  if (step.sent && step.sent.length) handlers.sent(step.sent);
  if (step.messages && step.messages.length) handlers.messages(step.messages, arrived);
}

// run applies a link call's step in order with the frame handling.
export function run(call) {
  return serial(async () => {
    const { ext } = await ready();
    const step = await call(ext.link);
    await apply(step);
    return step;
  });
}

export async function connect() {
  const { ext } = await ready();
  let info;
  try {
    info = await ext.link.info();
  } catch {
    return false; // not paired yet
  }
  if (ws && (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) && url === info.relay) return true;
  clearTimeout(reconnectTimer);
  if (ws) {
    try { ws.close(1000); } catch {}
  }
  url = info.relay;
  const sock = new WebSocket(url);
  sock.binaryType = 'arraybuffer';
  ws = sock;
  sock.onopen = () => {
    if (ws !== sock) return;
    status.connected = true;
    status.lastError = '';
    serial(() => ext.link.connected());
    handlers.status(status);
  };
  sock.onmessage = (ev) => {
    if (ws !== sock || !(ev.data instanceof ArrayBuffer)) return;
    const arrived = performance.now();
    const bytes = new Uint8Array(ev.data);
    serial(async () => {
      let step;
      try {
        step = await ext.link.frame(bytes);
      } catch (e) {
        status.lastError = `${e.code || 'error'}: ${e.message}`;
        console.warn('relay: bad frame', e.code, e.message);
        return;
      }
      await apply(step, arrived);
    });
  };
  sock.onclose = (ev) => {
    if (ws !== sock) return;
    ws = null;
    status.connected = false;
    status.authed = false;
    if (ev.code !== 1000) status.lastError = `closed ${ev.code} ${ev.reason || ''}`.trim();
    serial(() => ext.link.connected());
    handlers.status(status);
    scheduleReconnect();
  };
  sock.onerror = () => {};
  startKeepalive();
  return true;
}

function scheduleReconnect() {
  clearTimeout(reconnectTimer);
  const base = Math.min(MAX_BACKOFF, MIN_BACKOFF * 2 ** Math.min(attempt, 8));
  const delay = Math.round(base / 2 + Math.random() * base / 2);
  attempt++;
  reconnectTimer = setTimeout(() => connect().catch(() => scheduleReconnect()), delay);
}

function startKeepalive() {
  if (keepaliveTimer) return;
  keepaliveTimer = setInterval(() => {
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    // A repeated ACK, and the periodic re-key when it is due.
    run((link) => link.keepalive()).catch(() => {});
  }, KEEPALIVE_MS);
}

export function disconnect() {
  clearTimeout(reconnectTimer);
  if (ws) {
    const s = ws;
    ws = null;
    try { s.close(1000); } catch {}
  }
  status.connected = false;
  status.authed = false;
}

// ensure reconnects if the socket is gone (called on every worker start and
// from the alarm).
export function ensure() {
  if (!ws) return connect();
  return Promise.resolve(true);
}
