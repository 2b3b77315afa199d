// Shared helpers of the extension's pages. Pages talk to the service worker
// only through chrome.runtime.sendMessage (the approver API).
import { t } from '../sw/i18n.js';

export { t };

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
  if (d < 60) return t('$1s ago', d);
  if (d < 3600) return t('$1m ago', Math.floor(d / 60));
  if (d < 86400) return t('$1h ago', Math.floor(d / 3600));
  return new Date(unixSeconds * 1000).toLocaleDateString();
}

export function logo() {
  return h('img', { class: 'logo', src: '../icons/icon-48.png', alt: '' });
}

export function errorText(e) {
  if (!e) return '';
  if (e.code === 'bad_password') return t('That password is not right.');
  return (e.code && e.code !== 'internal' ? e.code + ': ' : '') + e.message;
}

// renderInto replaces root's content with node, keeping the keyboard focus
// on the same control (found again by id or data attribute) and tying each
// label to the control that follows it.
export function renderInto(root, node) {
  const a = document.activeElement;
  const key = a && a !== document.body && root.contains(a) ? focusKey(a) : null;
  const sel = key && typeof a.selectionStart === 'number' ? [a.selectionStart, a.selectionEnd] : null;
  root.replaceChildren(node);
  linkLabels(root);
  if (!key) return;
  const el = root.querySelector(key);
  if (el && el !== document.activeElement) {
    el.focus({ preventScroll: true });
    if (sel && typeof el.setSelectionRange === 'function') try { el.setSelectionRange(sel[0], sel[1]); } catch {}
  }
}

function focusKey(el) {
  if (el.id) return '#' + CSS.escape(el.id);
  for (const name of el.getAttributeNames()) {
    if (name.startsWith('data-')) return `${el.tagName.toLowerCase()}[${name}="${CSS.escape(el.getAttribute(name))}"]`;
  }
  return null;
}

// linkLabels: a <label> directly followed by its input, textarea or select
// labels it (for= the control's id, made up when it has none).
let nextId = 1;
export function linkLabels(root) {
  for (const l of root.querySelectorAll('label:not([for])')) {
    if (l.querySelector('input,textarea,select')) continue;
    const c = l.nextElementSibling;
    if (!c || !/^(INPUT|TEXTAREA|SELECT)$/.test(c.tagName)) continue;
    if (!c.id) c.id = 'f-' + nextId++;
    l.htmlFor = c.id;
  }
}
