// The relay link's state at rest. It holds the link's secrets (the signer's
// static key, the session's ratchet and auth keys, a pairing URI's secret),
// so chrome.storage.local gets it only encrypted: AES-GCM-256 under a
// non-extractable WebCrypto key that lives in the extension's IndexedDB
// (no script can export it; reading chrome.storage.local alone gives
// nothing). The plaintext exists only in the worker's memory and the WASM
// core's. What a thief of the whole profile gets is bounded by the session
// ratchet: no envelope sealed before the theft opens with it.
import { K } from './state.js';

const DB = 'leash-keys';
const STORE = 'keys';
const KEY_ID = 'link-state';
const VERSION = 1;
const local = chrome.storage.local;

function idb() {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function req(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

let keyP = null;
// linkKey returns the link-state key, making it the first time.
function linkKey() {
  if (!keyP) {
    keyP = (async () => {
      const db = await idb();
      let key = await req(db.transaction(STORE).objectStore(STORE).get(KEY_ID));
      if (!key) {
        key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
        await req(db.transaction(STORE, 'readwrite').objectStore(STORE).put(key, KEY_ID));
      }
      db.close();
      return key;
    })().catch((e) => { keyP = null; throw e; });
  }
  return keyP;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const b64 = (u8) => btoa(String.fromCharCode(...u8));
const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

// saveLink encrypts the link state (the core's JSON) into chrome.storage.local.
export async function saveLink(state) {
  const key = await linkKey();
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ad = enc.encode('leash link state v' + VERSION);
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: ad }, key, enc.encode(state)));
  // btoa over large arrays: in chunks
  let s = '';
  for (let i = 0; i < ct.length; i += 0x8000) s += String.fromCharCode(...ct.subarray(i, i + 0x8000));
  await local.set({ [K.link]: { v: VERSION, iv: b64(iv), ct: btoa(s) } });
}

// loadLink returns the decrypted link state, or null (none stored, or one
// this profile's key does not open: the user pairs again).
export async function loadLink() {
  const o = await local.get(K.link);
  const v = o[K.link];
  if (!v) return null;
  if (typeof v !== 'object' || v.v !== VERSION || typeof v.iv !== 'string' || typeof v.ct !== 'string') {
    console.error('leash: the stored relay link is not an encrypted link state; pair again');
    return null;
  }
  try {
    const key = await linkKey();
    const ad = enc.encode('leash link state v' + VERSION);
    const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: unb64(v.iv), additionalData: ad }, key, unb64(v.ct));
    return dec.decode(pt);
  } catch (e) {
    console.error('leash: the stored relay link does not decrypt; pair again', e);
    return null;
  }
}
