// The provider's injection into pages (main world, document_start): one
// registered content script, page/inpage.js, preceded by page/metamask.js
// while the setting presents Leash as MetaMask (on by default). The
// registration persists across browser sessions; it is made again when
// the setting changes or does not match at start.
import * as st from './state.js';

const ID = 'leash-inpage';

let chain = Promise.resolve();
export function syncInjection() {
  chain = chain.then(sync, sync);
  return chain;
}

async function sync() {
  const s = await st.settings();
  const js = s.presentAsMetaMask ? ['page/metamask.js', 'page/inpage.js'] : ['page/inpage.js'];
  const have = await chrome.scripting.getRegisteredContentScripts({ ids: [ID] }).catch(() => []);
  if (have.length && JSON.stringify(have[0].js) === JSON.stringify(js)) return;
  if (have.length) await chrome.scripting.unregisterContentScripts({ ids: [ID] });
  await chrome.scripting.registerContentScripts([{
    id: ID, js, matches: ['http://*/*', 'https://*/*'], runAt: 'document_start', world: 'MAIN', allFrames: false, persistAcrossSessions: true,
  }]);
}
