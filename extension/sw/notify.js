// Desktop notifications, coalesced: one notification for refusals and one
// for approvals waiting, each updated in place (same id) at most every
// few seconds, whatever the agent host sends. They carry counts and the
// core's stable error codes only, never text the agent chose.
import { t } from './i18n.js';

const REFUSALS = 'leash-refusals';
const WAITING = 'leash-waiting';
const MIN_INTERVAL_MS = 3000;
const CODE = /^[a-z_]{1,32}(:[a-z0-9_]{1,32})?$/;

const refused = { n: 0, codes: new Map() };
let waiting = 0;
let timer = null;
let last = 0;
export const stats = { created: 0 }; // for the flood test: notifications actually raised
export let lastShown = null; // {title, message} of the last one (tests read it back)

function schedule() {
  if (timer) return;
  const wait = Math.max(0, last + MIN_INTERVAL_MS - Date.now());
  timer = setTimeout(() => {
    timer = null;
    last = Date.now();
    show().catch((e) => console.warn('leash: notification failed', e.message));
  }, wait);
}

async function show() {
  const icon = chrome.runtime.getURL('icons/icon-128.png');
  if (refused.n) {
    const codes = [...refused.codes].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([c, k]) => (k > 1 ? `${c} ×${k}` : c));
    stats.created++;
    lastShown = {
      title: refused.n === 1 ? t('Leash refused a proposal') : t('Leash refused $1 proposals', refused.n),
      message: t('$1 — details in Activity', codes.join(', ') + (refused.codes.size > 4 ? ', …' : '')),
    };
    await chrome.notifications.create(REFUSALS, { type: 'basic', iconUrl: icon, priority: 1, ...lastShown });
  }
  if (waiting) {
    stats.created++;
    await chrome.notifications.create(WAITING, {
      type: 'basic', iconUrl: icon, priority: 2,
      title: waiting === 1 ? t('A proposal waits for your approval') : t('$1 proposals wait for your approval', waiting),
      message: t('Open Leash to review them.'),
    });
  }
}

// refusal counts one refused proposal by its code.
export function refusal(code) {
  const c = CODE.test(String(code)) ? String(code) : 'rejected';
  refused.n++;
  refused.codes.set(c, (refused.codes.get(c) || 0) + 1);
  schedule();
}

// awaiting sets how many proposals wait for the user.
export function awaiting(n) {
  if (n === waiting) return;
  const more = n > waiting;
  waiting = n;
  if (!n) chrome.notifications.clear(WAITING).catch(() => {});
  else if (more) schedule();
}

// seen: the user opened Leash; the counts start again.
export function seen() {
  refused.n = 0;
  refused.codes.clear();
  chrome.notifications.clear(REFUSALS).catch(() => {});
}
