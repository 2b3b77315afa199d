// The first module the worker evaluates (background.js imports it first):
// only the extension's own contexts — its pages and this worker — may use
// chrome.storage. Content scripts run in the renderer of every web page;
// without this they could read and write chrome.storage.local (the pins,
// the ledger, the settings, the relay link), so a renderer exploit on any
// site would reach the signer's state.
//
// If the browser cannot restrict storage, the worker keeps the agent paused
// (state.js reads `lockdown`) and the popup says why.
async function restrict() {
  const level = { accessLevel: 'TRUSTED_CONTEXTS' };
  await chrome.storage.local.setAccessLevel(level);
  await chrome.storage.session.setAccessLevel(level);
  return { ok: true };
}

export const lockdown = restrict().catch((e) => ({ ok: false, error: String((e && e.message) || e) }));
