// JSON-RPC over HTTP to the configured chain endpoint.
import { settings } from './state.js';

let nextId = 1;

export async function rpc(method, params = [], { url, timeoutMs = 10000 } = {}) {
  const endpoint = url || (await settings()).rpcUrl;
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  try {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
      signal: ctrl.signal,
    });
    if (!res.ok) throw rpcError(-32603, `RPC ${method}: HTTP ${res.status}`, undefined, true);
    const body = await res.json();
    if (!body || typeof body !== 'object') throw rpcError(-32603, `RPC ${method}: not a JSON-RPC answer`, undefined, true);
    if (body.error) {
      const code = Number.isSafeInteger(body.error.code) ? body.error.code : -32603;
      throw rpcError(code, `RPC ${method}: ${String(body.error.message).slice(0, 500)}`, body.error.data);
    }
    return body.result;
  } catch (e) {
    if (e.name === 'AbortError') throw rpcError(-32603, `RPC ${method}: timed out`, undefined, true);
    if (e.rpc) throw e;
    throw rpcError(-32603, `RPC ${method}: ${e.message}`, undefined, true);
  } finally {
    clearTimeout(timer);
  }
}

// rpc2 is the same request to the second RPC setting (rpcUrl2), when the
// user set one: the core sends every read to both and uses an answer only
// when they agree.
export async function rpc2(method, params = []) {
  const url = (await settings()).rpcUrl2;
  if (!url) throw rpcError(-32603, 'no second RPC is set');
  return rpc(method, params, { url });
}

// rpcError: an error of the endpoint (code, message and data as it
// answered) or, with transport, no answer at all (unreachable, timed out,
// not JSON-RPC): the provider then reports itself disconnected (4900).
function rpcError(code, message, data, transport = false) {
  const e = new Error(message);
  e.code = code;
  e.rpc = true;
  e.transport = transport;
  if (data !== undefined) e.data = data;
  return e;
}

export const hexToBigInt = (h) => BigInt(h);
export const toHex = (n) => '0x' + BigInt(n).toString(16);
