// Leash background service worker. Every listener is registered
// synchronously at the top level (so a worker woken by an event finds it),
// and every handler awaits the core's readiness before touching it. All
// state lives in chrome.storage; a restart loses nothing.
//
// The first import restricts chrome.storage to the extension's own
// contexts before anything else runs (lockdown.js).
//
// Two faces, never mixed:
//   - the approver API (api.js) answers only the extension's own pages;
//   - the dapp API (dapp.js) answers content-script ports, per origin;
//   - the agent side (runtime.js) hears only the relay link.
import { lockdown } from './lockdown.js';
import * as api from './api.js';
import { ready, wasmMemory } from './core.js';
import * as dapp from './dapp.js';
import { syncInjection } from './inject.js';
import { loadLink } from './linkstore.js';
import * as notify from './notify.js';
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
      // What the user did is stored before they hear back; a store that
      // cannot take it (full) does not keep them from hearing back.
      await st.flush().catch((e) => console.error('leash: storage flush failed', e.message));
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

chrome.notifications.onClicked.addListener(() => {
  notify.seen();
  chrome.action.openPopup?.().catch(() => {});
});

relay.setHandlers({
  messages: rt.onMessages,
  offer: () => rt.updateBadge(),
  sent: (s) => dapp.onSent(s),
  conflict: (why) => rt.pairingConflict(why),
  gap: (g) => rt.relayGap(g),
});

// Start: storage restricted, the core, the session (its keys verify the
// stored records), the mode the core enforces, then the relay and
// unfinished work. No proposal can arrive before the relay connects.
async function start() {
  const ld = await lockdown;
  if (!ld.ok) console.error('leash: chrome.storage could not be restricted to the extension; the agent stays paused:', ld.error);
  const { ext } = await ready();
  const resumed = await api.resumeSession();
  await api.checkIntegrity();
  await st.loadRecords();
  await st.applyMode();
  // The provider's injection into pages, as the settings say.
  await syncInjection().catch((e) => console.error('leash: provider injection', e));
  const linkState = await loadLink();
  if (linkState) {
    try {
      await ext.link.load(linkState);
    } catch (e) {
      console.error('leash: stored relay link does not load', e.code, e.message);
    }
  }
  relay.connect().catch(() => {});
  if (resumed) {
    await rt.syncNonce(true);
    await rt.retryHeld();
  }
  rt.resumeWatches().catch(() => {});
  await rt.updateBadge();
}

const started = start().catch((e) => console.error('leash: start failed', e));
globalThis.leashDebug = { ready, relay, rt, st, dapp, notify, lockdown, wasmMemory };
