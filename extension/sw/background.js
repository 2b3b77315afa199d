// Leash background service worker. Every listener is registered
// synchronously at the top level (so a worker woken by an event finds it),
// and every handler awaits the core's readiness before touching it. All
// state lives in chrome.storage; a restart loses nothing.
//
// Two faces, never mixed:
//   - the approver API (api.js) answers only the extension's own pages;
//   - the dapp API (dapp.js) answers content-script ports, per origin;
//   - the agent side (runtime.js) hears only the relay link.
import * as api from './api.js';
import { ready } from './core.js';
import * as dapp from './dapp.js';
import { loadLink } from './linkstore.js';
import * as relay from './relay.js';
import * as rt from './runtime.js';
import * as st from './state.js';

const EXT_ORIGIN = new URL(chrome.runtime.getURL('')).origin;

function fromOwnPage(sender) {
  // Extension pages have our origin and a URL inside the extension; content
  // scripts report the web page's URL and origin.
  return sender.id === chrome.runtime.id && typeof sender.url === 'string' &&
    sender.url.startsWith(EXT_ORIGIN + '/') && (sender.origin === undefined || sender.origin === EXT_ORIGIN);
}

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (!fromOwnPage(sender) || !msg || typeof msg !== 'object' || typeof msg.type !== 'string') {
    return false; // never answer a content script or anything else here
  }
  (async () => {
    await started;
    try {
      return await api.handle(msg);
    } finally {
      await st.flush(); // what the user did is stored before they hear back
    }
  })().then(
    (result) => sendResponse({ ok: true, result }),
    (e) => sendResponse({ ok: false, code: e.code || 'internal', message: e.message || String(e) }),
  );
  return true;
});

chrome.runtime.onConnect.addListener((port) => {
  if (fromOwnPage(port.sender || {})) {
    port.disconnect(); // extension pages use messages, not ports
    return;
  }
  dapp.onConnect(port);
});

chrome.runtime.onInstalled.addListener((details) => {
  if (details.reason === 'install') chrome.tabs.create({ url: chrome.runtime.getURL('ui/onboarding.html') });
  chrome.alarms.create('leash-tick', { periodInMinutes: 0.5 });
});

chrome.runtime.onStartup.addListener(() => {
  chrome.alarms.create('leash-tick', { periodInMinutes: 0.5 });
});

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name !== 'leash-tick') return;
  started.then(async () => {
    await relay.ensure();
    await rt.updateBadge();
  }).catch(() => {});
});

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes[st.K.settings]) {
    const o = changes[st.K.settings].oldValue || {};
    const n = changes[st.K.settings].newValue || {};
    if (o.chainId !== n.chainId) dapp.emitChain();
  }
});

relay.setHandlers({
  messages: rt.onMessages,
  offer: () => rt.updateBadge(),
  sent: (s) => dapp.onSent(s),
  conflict: (why) => rt.pairingConflict(why),
  gap: (g) => rt.relayGap(g),
});

// Start: the core, the link, the session, the relay, unfinished work.
async function start() {
  const { ext } = await ready();
  const linkState = await loadLink();
  if (linkState) {
    try {
      await ext.link.load(linkState);
    } catch (e) {
      console.error('leash: stored relay link does not load', e.code, e.message);
    }
  }
  const resumed = await api.resumeSession();
  await dapp.dropOrphans();
  relay.connect().catch(() => {});
  if (resumed) {
    await rt.syncNonce();
    await rt.retryHeld();
  }
  rt.resumeWatches().catch(() => {});
  await rt.updateBadge();
}

const started = start().catch((e) => console.error('leash: start failed', e));
globalThis.leashDebug = { ready, relay, rt };
