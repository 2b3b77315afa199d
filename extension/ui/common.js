// Shared helpers of the extension's pages. Pages talk to the service worker
// only through chrome.runtime.sendMessage (the approver API).

export async function call(type, args = {}) {
  const r = await chrome.runtime.sendMessage({ type, ...args });
  if (!r) throw Object.assign(new Error('the extension did not answer'), { code: 'internal' });
  if (!r.ok) throw Object.assign(new Error(r.message), { code: r.code });
  return r.result;
}

// h builds DOM nodes; strings become text nodes (never HTML).
export function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === undefined || kid === null || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

export const short = (a) => (a && a.length > 14 ? a.slice(0, 6) + '…' + a.slice(-4) : a || '');

export function ether(hexOrDec, decimals = 4) {
  if (hexOrDec === undefined || hexOrDec === null) return '—';
  const v = BigInt(hexOrDec);
  const unit = 10n ** 18n;
  const whole = v / unit;
  let frac = (v % unit).toString().padStart(18, '0').slice(0, decimals).replace(/0+$/, '');
  return whole.toLocaleString('en-US') + (frac ? '.' + frac : '') + ' ETH';
}

export function ago(unixSeconds) {
  const d = Math.max(0, Math.floor(Date.now() / 1000 - unixSeconds));
  if (d < 60) return d + 's ago';
  if (d < 3600) return Math.floor(d / 60) + 'm ago';
  if (d < 86400) return Math.floor(d / 3600) + 'h ago';
  return new Date(unixSeconds * 1000).toLocaleDateString();
}

export function logo() {
  return h('img', { class: 'logo', src: '../icons/icon-48.png', alt: '' });
}

export function errorText(e) {
  if (!e) return '';
  if (e.code === 'bad_password') return 'That password is not right.';
  return (e.code && e.code !== 'internal' ? e.code + ': ' : '') + e.message;
}
