// The popup's pairing parts: the pairing URI (QR code, expiry), every
// handshake that answered it, the comparison code the user checks against
// the agent host's, and the loud refusal when a second agent key answered.
// The decisions are the core's (leashExt.link): this file only shows them
// and forwards the user's choice. ctx = {view, act, call, keep, render}.
import { h, t } from './common.js';

function agentName(o) {
  return o.body && typeof o.body === 'object' && o.body.name ? String(o.body.name).slice(0, 64) : (o.text ? o.text.slice(0, 64) : t('An agent host'));
}

// pairOffer is the banner above the tabs while a pairing waits for the
// user: the comparison code to check, or the refusal.
export function pairOffer(ctx) {
  const l = ctx.view.link;
  if (!l || l.paired) return null;
  if (l.conflict) {
    return h('div', { class: 'wrap', style: 'padding-bottom:0' },
      h('div', { class: 'banner red', id: 'pair-conflict', 'data-pair-conflict': '' },
        h('h2', {}, t('Pairing refused')),
        h('p', {}, t('Two different agent keys answered the same pairing URI, so someone else has it (a screenshot, a shared screen, shell history). Nothing was paired.')),
        h('p', { class: 'small mono' }, l.conflict),
        h('ul', { class: 'plain small' }, ...(l.offers || []).map((o) => h('li', { 'data-offer-key': o.fingerprint }, t('$1 · key $2', agentName(o), o.fingerprint)))),
        h('button', { class: 'primary', id: 'pair-renew', onclick: () => ctx.act(() => ctx.call('pairReject')) }, t('Make a new pairing URI'))));
  }
  const o = l.offer;
  if (!o) return null;
  const n = (l.offers || []).length;
  return h('div', { class: 'wrap', style: 'padding-bottom:0' },
    h('div', { class: 'card', 'data-offer': o.fingerprint },
      h('h2', {}, t('$1 wants to pair', agentName(o))),
      h('p', { class: 'small' }, t('Your agent host shows a pairing code. Pair only if it is exactly this one:')),
      h('p', { class: 'mono', style: 'font-size:28px;letter-spacing:2px;text-align:center', id: 'pair-code' }, o.code),
      h('p', { class: 'small muted' }, t('Agent key'), ' ', h('span', { class: 'mono', id: 'fingerprint' }, o.fingerprint),
        n > 1 ? ' · ' + t('$1 handshakes from this key', n) : ''),
      h('div', { class: 'row' },
        h('button', { class: 'primary', id: 'pair-confirm', onclick: () => ctx.act(() => ctx.call('pairConfirm', { code: o.code })) }, t('The codes match — pair')),
        h('button', { id: 'pair-reject', onclick: () => ctx.act(() => ctx.call('pairReject')) }, t('They differ — reject')))));
}

let qrFor = null;
let qrSvg = null;

// pairingCard is the Setup tab's agent-host card.
export function pairingCard(ctx) {
  const { view } = ctx;
  const l = view.link;
  const relay = ctx.keep('relay-url', () => h('input', { id: 'relay-url', value: view.settings.relayUrl }));
  const pairing = l && !l.paired && !l.expired && !l.conflict;
  if (pairing && qrFor !== l.uri) {
    qrFor = l.uri;
    qrSvg = null;
    globalThis.QRCode.toString(l.uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }).then((svg) => { if (qrFor === l.uri) { qrSvg = svg; ctx.render(); } });
  }
  let qr = null;
  if (pairing && qrSvg) {
    qr = h('div', { class: 'qr', id: 'pair-qr' });
    const doc = new DOMParser().parseFromString(qrSvg, 'image/svg+xml');
    qr.append(document.importNode(doc.documentElement, true));
  }
  const mins = l && l.expires ? Math.max(0, Math.round((l.expires * 1000 - Date.now()) / 60000)) : 0;
  return h('div', { class: 'card', 'data-card': 'pairing' },
    h('h2', {}, t('Agent host')),
    l && l.paired ? h('dl', { class: 'kv' },
      h('dt', {}, t('Agent key')), h('dd', { class: 'mono', id: 'agent-fingerprint' }, l.agentFingerprint),
      h('dt', {}, t('Pairing code')), h('dd', { class: 'mono', id: 'paired-code' }, l.code),
      h('dt', {}, t('Relay')), h('dd', { class: 'mono' }, l.relay),
      h('dt', {}, t('Status')), h('dd', {}, view.relay.authed ? t('connected') : view.relay.lastError ? t('offline ($1)', view.relay.lastError) : t('offline')),
      l.lost || l.gaps ? [h('dt', {}, t('Lost')), h('dd', { id: 'link-lost' }, t('$1 message(s) from the agent never arrived', l.lost + l.gaps))] : null)
      : null,
    pairing ? h('div', {},
      h('p', { class: 'small' }, t('On your agent host, run $1 once with this pairing URI, or scan it. Show it to no one else: it is good for one pairing, for $2.', 'leash agent-host --pair "<URI>"', t('$1 more minute(s)', mins))),
      qr,
      h('textarea', { readonly: true, id: 'pair-uri', rows: 3 }, l.uri),
      h('button', { onclick: () => navigator.clipboard.writeText(l.uri) }, t('Copy URI'))) : null,
    l && !l.paired && l.expired ? h('div', { class: 'banner amber', id: 'pair-expired' }, t('This pairing URI expired. Make a new one.')) : null,
    h('label', {}, t('Relay (WebSocket URL)')), relay,
    h('button', { style: 'margin-top:8px', id: 'pair-new', onclick: () => ctx.act(async () => { qrFor = null; await ctx.call('pairStart', { relayUrl: relay.value }); }) },
      l ? t('New pairing') : t('Pair an agent host')));
}
