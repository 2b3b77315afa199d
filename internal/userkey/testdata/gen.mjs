// Regenerates the keystores other wallets write, for userkey's tests:
//   node internal/userkey/testdata/gen.mjs
// ethers.json: ethers 6.17.0's own keystore (scrypt n=1024, "Crypto", x-ethers).
// pbkdf2.json: PBKDF2-HMAC-SHA256 (c=4096), built here from ethers'
// pbkdf2 and keccak256 and Node's AES-128-CTR, an implementation
// independent of go-ethereum's.
// The key is examples/mnemonic.txt's index 0; the password is "leash test".
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Wallet, encryptKeystoreJsonSync, pbkdf2, keccak256, concat, getBytes, hexlify, randomBytes } from 'ethers';
import crypto from 'node:crypto';

const dir = path.dirname(fileURLToPath(import.meta.url));
const phrase = fs.readFileSync(path.join(dir, '../../../examples/mnemonic.txt'), 'utf8').trim();
const w = Wallet.fromPhrase(phrase);
const pw = 'leash test';
fs.writeFileSync(path.join(dir, 'ethers.json'),
  encryptKeystoreJsonSync({ address: w.address, privateKey: w.privateKey, mnemonic: w.mnemonic, path: w.path }, pw, { scrypt: { N: 1024 } }) + '\n');

const salt = randomBytes(32), iv = randomBytes(16);
const dk = getBytes(pbkdf2(new TextEncoder().encode(pw), salt, 4096, 32, 'sha256'));
const c = crypto.createCipheriv('aes-128-ctr', dk.slice(0, 16), iv);
const ct = concat([c.update(getBytes(w.privateKey)), c.final()]);
const mac = keccak256(concat([dk.slice(16, 32), getBytes(ct)]));
const doc = {
  address: w.address.slice(2).toLowerCase(),
  crypto: {
    cipher: 'aes-128-ctr', ciphertext: ct.slice(2), cipherparams: { iv: hexlify(iv).slice(2) },
    kdf: 'pbkdf2', kdfparams: { c: 4096, dklen: 32, prf: 'hmac-sha256', salt: hexlify(salt).slice(2) },
    mac: mac.slice(2),
  },
  id: '3198bc9c-6672-5ab3-d995-4942343ae5b6',
  version: 3,
};
fs.writeFileSync(path.join(dir, 'pbkdf2.json'), JSON.stringify(doc) + '\n');
console.log(w.address);
