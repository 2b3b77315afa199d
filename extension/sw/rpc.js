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
    if (!res.ok) throw rpcError(-32603, `RPC ${method}: HTTP ${res.status}`);
    const body = await res.json();
    if (body.error) throw rpcError(body.error.code ?? -32603, `RPC ${method}: ${body.error.message}`, body.error.data);
    return body.result;
  } catch (e) {
    if (e.name === 'AbortError') throw rpcError(-32603, `RPC ${method}: timed out`);
    if (e.rpc) throw e;
    throw rpcError(-32603, `RPC ${method}: ${e.message}`);
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

function rpcError(code, message, data) {
  const e = new Error(message);
  e.code = code;
  e.rpc = true;
  if (data !== undefined) e.data = data;
  return e;
}

export const hexToBigInt = (h) => BigInt(h);
export const toHex = (n) => '0x' + BigInt(n).toString(16);
