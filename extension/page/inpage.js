// Leash EIP-1193 provider, injected into the page's main world and announced
// through EIP-6963. It holds no secret and decides nothing: every request
// goes through the content script to the extension, which asks the user,
// and the extension knows the page by the browser's origin, not by
// anything this object says. So the object is not frozen (dapps write to
// it, e.g. ethereum.autoRefreshOnNetworkChange): a page that rewrites it
// changes only its own view; the pending requests and listeners live in
// this closure, out of the page's reach.
//
// Legacy injection: window.ethereum is set only when no other wallet set it
// first, and can be replaced by one that comes later. isMetaMask is
// presented when the user's setting says so (on by default): the worker
// registers page/metamask.js before this file then (sw/inject.js).
(() => {
  if (window.leashProvider) return;
  const TO_CONTENT = 'leash:to-content';
  const TO_PAGE = 'leash:to-page';
  const ICON = 'data:image/svg+xml;base64,' + btoa(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96"><rect width="96" height="96" rx="22" fill="#1f5f4a"/>' +
    '<path d="M30 22v42a10 10 0 0 0 10 10h28" fill="none" stroke="#f4efe4" stroke-width="10" stroke-linecap="round"/>' +
    '<circle cx="68" cy="30" r="9" fill="none" stroke="#e0b25c" stroke-width="6"/></svg>');
  const asMetaMask = window.__leashPresentAsMetaMask === true;
  try { delete window.__leashPresentAsMetaMask; } catch {}

  class ProviderRpcError extends Error {
    constructor(code, message, data) {
      super(message);
      this.code = code;
      if (data !== undefined) this.data = data;
    }
  }

  let nextId = 1;
  const pending = new Map();
  const listeners = new Map();
  let chainId = null;
  let connected = false;

  function emit(event, data) {
    for (const fn of [...(listeners.get(event) || [])]) {
      try { fn(data); } catch (e) { setTimeout(() => { throw e; }); }
    }
  }

  window.addEventListener('message', (ev) => {
    if (ev.source !== window || ev.origin !== window.location.origin) return;
    const d = ev.data;
    if (!d || d.target !== TO_PAGE) return;
    if (d.event === 'leash:disconnected') {
      // The extension's worker went away with these requests: they were not
      // completed (nothing is lost there: nothing was approved). Try again.
      for (const p of pending.values()) p.reject(new ProviderRpcError(-32603, 'Leash restarted before answering; try again.'));
      pending.clear();
      return;
    }
    if (d.event === 'connect' && d.data && typeof d.data.chainId === 'string') {
      chainId = d.data.chainId;
      if (!connected) { connected = true; emit('connect', { chainId }); }
      return;
    }
    if (d.event === 'disconnect' && d.data && typeof d.data.code === 'number') {
      if (connected) { connected = false; emit('disconnect', new ProviderRpcError(d.data.code, String(d.data.message))); }
      return;
    }
    if (d.event === 'accountsChanged' && Array.isArray(d.data)) return emit('accountsChanged', d.data);
    if (d.event === 'chainChanged' && typeof d.data === 'string') {
      if (d.data !== chainId) { chainId = d.data; emit('chainChanged', d.data); }
      return;
    }
    const p = pending.get(d.id);
    if (!p) return;
    pending.delete(d.id);
    if (d.error) p.reject(new ProviderRpcError(d.error.code, d.error.message, d.error.data));
    else {
      if (p.method === 'eth_chainId') chainId = d.result;
      p.resolve(d.result);
    }
  });

  const provider = {
    isLeash: true,
    request(args) {
      if (!args || typeof args !== 'object' || typeof args.method !== 'string') {
        return Promise.reject(new ProviderRpcError(-32602, 'request expects {method, params}'));
      }
      const { method, params } = args;
      if (params !== undefined && (params === null || typeof params !== 'object')) {
        return Promise.reject(new ProviderRpcError(-32602, 'params must be an array or an object'));
      }
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, method });
        let msg;
        try {
          msg = JSON.parse(JSON.stringify({ target: TO_CONTENT, id, method, params }));
        } catch {
          pending.delete(id);
          reject(new ProviderRpcError(-32602, 'params must be JSON'));
          return;
        }
        window.postMessage(msg, window.location.origin);
      });
    },
    on(event, fn) {
      if (typeof fn !== 'function') return provider;
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(fn);
      return provider;
    },
    once(event, fn) {
      if (typeof fn !== 'function') return provider;
      const once = (x) => { provider.removeListener(event, once); fn(x); };
      return provider.on(event, once);
    },
    removeListener(event, fn) {
      listeners.get(event)?.delete(fn);
      return provider;
    },
    removeAllListeners(event) {
      if (event === undefined) listeners.clear();
      else listeners.delete(event);
      return provider;
    },
    listenerCount(event) {
      return listeners.get(event)?.size || 0;
    },
    // Legacy API (MetaMask's), still read by old dapps.
    isConnected() {
      return connected;
    },
    enable() {
      return provider.request({ method: 'eth_requestAccounts' });
    },
  };
  provider.off = provider.removeListener;
  provider.addListener = provider.on;
  if (asMetaMask) provider.isMetaMask = true;
  Object.defineProperty(provider, 'chainId', { get: () => chainId, enumerable: true, configurable: true });

  const info = Object.freeze({ uuid: crypto.randomUUID(), name: 'Leash', icon: ICON, rdns: 'dev.leash-wallet' });
  const detail = Object.freeze({ info, provider });
  const announce = () => window.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail }));
  window.addEventListener('eip6963:requestProvider', announce);
  announce();
  Object.defineProperty(window, 'leashProvider', { value: provider, enumerable: false });
  if (window.ethereum === undefined) {
    // Configurable and writable: a wallet that comes later may take it.
    Object.defineProperty(window, 'ethereum', { value: provider, writable: true, configurable: true, enumerable: false });
    window.dispatchEvent(new Event('ethereum#initialized'));
  }
})();
