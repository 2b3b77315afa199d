// Every user-visible string comes from chrome.i18n (_locales/<lang>/
// messages.json), keyed by its English text (msgKey): a translation is a
// new messages.json with the same keys, no code change. $1…$9 are the
// substitutions. extension/tools/i18n.mjs writes _locales/en from the
// t('…') calls and checks it in the tests.

// msgKey is the message name of an English text.
export function msgKey(english) {
  const k = english.toLowerCase().replace(/\$(\d)/g, 'arg$1').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 96);
  return k ? 'm_' + k : 'm_empty';
}

// t returns the message for english in the browser's language, with
// substitutions (the English text itself when a message is missing).
export function t(english, ...subs) {
  const s = subs.map((x) => String(x));
  let m = '';
  try {
    m = chrome.i18n.getMessage(msgKey(english), s);
  } catch {}
  return m || english.replace(/\$(\d)/g, (_, n) => s[Number(n) - 1] ?? '');
}
