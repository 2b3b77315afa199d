// ERC-20 symbol and decimals for display, read once from the chain and
// cached (memory, and chrome.storage.local under ext/tokens, bounded).
// Display only: nothing is signed on the strength of it.
import { rpc } from './rpc.js';
import * as st from './state.js';

const KEY = 'ext/tokens';
export const MAX_TOKENS = 256;
const SYMBOL = '0x95d89b41';
const DECIMALS = '0x313ce567';
let cache = null;
const inflight = new Map();
const misses = new Map(); // key → until when an address that is not a token is not asked again
const MISS_MS = 60000;

async function load() {
  if (!cache) {
    const stored = await st.get(KEY, {});
    cache = new Map(Object.entries(stored && typeof stored === 'object' ? stored : {}));
  }
  return cache;
}

// decodeString reads an ABI string (or a bytes32, as old tokens answer).
function decodeString(hex) {
  if (typeof hex !== 'string' || !/^0x[0-9a-fA-F]*$/.test(hex)) return null;
  const b = hex.slice(2);
  let raw;
  if (b.length === 64) raw = b;
  else if (b.length >= 128) {
    const len = Number(BigInt('0x' + b.slice(64, 128)));
    if (len > 64 || b.length < 128 + len * 2) return null;
    raw = b.slice(128, 128 + len * 2);
  } else return null;
  const bytes = (raw.match(/../g) || []).map((x) => parseInt(x, 16)).filter((x) => x !== 0);
  const s = new TextDecoder().decode(new Uint8Array(bytes));
  return /^[A-Za-z0-9.$_+-]{1,12}$/.test(s) ? s : null;
}

// tokenInfo: {address, symbol, decimals} of a token on network, or null
// when it does not answer as an ERC-20 (not cached: it may be deployed
// later).
export async function tokenInfo(network, address) {
  const key = network.chainId + ':' + address.toLowerCase();
  const c = await load();
  if (c.has(key)) return { address, ...c.get(key) };
  if ((misses.get(key) || 0) > Date.now()) return null;
  if (!inflight.has(key)) {
    inflight.set(key, (async () => {
      try {
        const call = (data) => rpc('eth_call', [{ to: address, data }, 'latest'], { url: network.rpcUrl, timeoutMs: 5000 });
        const [sym, dec] = await Promise.all([call(SYMBOL), call(DECIMALS)]);
        const symbol = decodeString(sym);
        const decimals = typeof dec === 'string' && /^0x[0-9a-fA-F]{1,64}$/.test(dec) ? Number(BigInt(dec)) : NaN;
        if (!symbol || !(decimals >= 0 && decimals <= 36)) {
          misses.set(key, Date.now() + MISS_MS);
          if (misses.size > MAX_TOKENS) misses.delete(misses.keys().next().value);
          return null;
        }
        c.set(key, { symbol, decimals });
        while (c.size > MAX_TOKENS) c.delete(c.keys().next().value);
        await st.set(KEY, Object.fromEntries(c));
        return { address, symbol, decimals };
      } catch {
        misses.set(key, Date.now() + MISS_MS);
        if (misses.size > MAX_TOKENS) misses.delete(misses.keys().next().value);
        return null;
      } finally {
        inflight.delete(key);
      }
    })());
  }
  return inflight.get(key);
}

export async function tokenList(network, addresses) {
  const out = await Promise.all(addresses.slice(0, 8).map((a) => tokenInfo(network, a)));
  return out.filter(Boolean);
}

// withToken adds {symbol, decimals} to a transaction's display model when
// it calls an ERC-20 (its amount then reads in units).
export async function withToken(network, tx) {
  if (!tx || !tx.call || !/^erc20_/.test(tx.call.action) || !tx.to || !tx.to.address) return tx;
  const t = await tokenInfo(network, tx.to.address);
  return t ? { ...tx, token: { symbol: t.symbol, decimals: t.decimals } } : tx;
}
