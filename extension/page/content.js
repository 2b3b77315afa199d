// Leash content script (isolated world): a strict bridge between the page's
// provider (page/inpage.js, main world) and the service worker. It accepts
// only well-formed requests from its own window and forwards nothing else.
(() => {
  const TO_CONTENT = 'leash:to-content';
  const TO_PAGE = 'leash:to-page';
  const METHOD = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
  const MAX = 256 * 1024;
  let port = null;

  function connect() {
    port = chrome.runtime.connect({ name: 'leash-dapp' });
    port.onMessage.addListener((msg) => {
      if (!msg || typeof msg !== 'object') return;
      window.postMessage({ target: TO_PAGE, ...msg }, window.location.origin);
    });
    port.onDisconnect.addListener(() => {
      port = null;
      // Requests in flight are lost with the worker: tell the page.
      window.postMessage({ target: TO_PAGE, event: 'leash:disconnected' }, window.location.origin);
    });
  }

  function wellFormed(d) {
    if (!d || typeof d !== 'object' || d.target !== TO_CONTENT) return false;
    const keys = Object.keys(d);
    if (keys.some((k) => !['target', 'id', 'method', 'params'].includes(k))) return false;
    if (!((Number.isSafeInteger(d.id) && d.id >= 0) || (typeof d.id === 'string' && d.id.length <= 64))) return false;
    if (typeof d.method !== 'string' || !METHOD.test(d.method)) return false;
    if (d.params !== undefined && (d.params === null || typeof d.params !== 'object')) return false;
    try {
      return JSON.stringify(d).length <= MAX;
    } catch {
      return false;
    }
  }

  window.addEventListener('message', (ev) => {
    if (ev.source !== window || ev.origin !== window.location.origin) return;
    const d = ev.data;
    if (!wellFormed(d)) return;
    if (!port) connect();
    // Re-serialize: only plain JSON crosses into the extension.
    port.postMessage(JSON.parse(JSON.stringify({ id: d.id, method: d.method, params: d.params })));
  });
})();
