package vault

import (
	"crypto/hmac"
	"crypto/sha256"
	"time"

	"github.com/leash-wallet/leash/wasm/hdkey"
	"github.com/leash-wallet/leash/wire"
)

// SessionKeyBytes is the length of a session key.
const SessionKeyBytes = 32

// UnlockSession unlocks the vault with the password and returns the key
// argon2id derived from it, which opens this blob's ciphertext. A host that
// must survive its own restart while unlocked (the extension's service
// worker) keeps that key in memory-only storage instead of the password:
// it opens this vault and nothing else, it stops working when the password
// changes, and the password itself (which the user may use elsewhere) is
// never stored. The caller must wipe the returned key when done.
func (v *Vault) UnlockSession(password string) ([]byte, error) {
	m, key, err := v.decryptKey(password)
	if err != nil {
		return nil, err
	}
	if err := v.unlockMnemonic(m); err != nil {
		wipe(key)
		return nil, err
	}
	return key, nil
}

// UnlockWithKey unlocks the vault with a key UnlockSession returned (no
// KDF: fast). A key that does not open the ciphertext is malformed.
func (v *Vault) UnlockWithKey(key []byte) error {
	if len(key) != SessionKeyBytes {
		return wire.Errorf(wire.Malformed, "vault: a session key is %d bytes, not %d", SessionKeyBytes, len(key))
	}
	m, err := v.open(key)
	if err != nil {
		return err
	}
	return v.unlockMnemonic(m)
}

// Secret derives a 32-byte secret for label from the unlocked account key
// (HMAC-SHA256 keyed with the account's private key and chain code). It is
// the same for every vault holding this mnemonic, survives password
// changes, and cannot be computed without the mnemonic. It is not activity.
func (v *Vault) Secret(label string) ([]byte, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.expireLocked()
	if v.account == nil {
		return nil, wire.Errorf(wire.Locked, "the vault is locked")
	}
	return accountSecret(v.account, label)
}

// MnemonicSecret is Secret computed from a mnemonic the caller holds (the
// user's own password-checked actions).
func MnemonicSecret(mnemonic, label string) ([]byte, error) {
	m, err := NormalizeMnemonic(mnemonic)
	if err != nil {
		return nil, err
	}
	acct, err := accountKey(m)
	if err != nil {
		return nil, err
	}
	defer acct.Wipe()
	return accountSecret(acct, label)
}

func accountSecret(acct *hdkey.Key, label string) ([]byte, error) {
	scalar, chain := acct.Scalar(), acct.ChainCode()
	k := make([]byte, 64)
	copy(k[:32], scalar[:])
	copy(k[32:], chain[:])
	wipe(scalar[:])
	wipe(chain[:])
	defer wipe(k)
	mac := hmac.New(sha256.New, k)
	mac.Write([]byte("leash-vault-secret-v1\x00" + label))
	return mac.Sum(nil), nil
}

// Touch records user activity: the idle timer starts again. Unlocking is
// activity too; using the key (a signature the agent asked for) is not.
func (v *Vault) Touch() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.expireLocked()
	if v.account != nil {
		v.touchLocked()
	}
}

// SetIdleTimeout changes the idle time after which the vault locks itself
// (zero → DefaultIdleTimeout, negative → never). It does not count as
// activity.
func (v *Vault) SetIdleTimeout(d time.Duration) {
	if d == 0 {
		d = DefaultIdleTimeout
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.cfg.IdleTimeout = d
	v.expireLocked()
	if v.timer != nil {
		v.timer.Stop()
		v.timer = nil
	}
	if v.account != nil && d > 0 {
		left := d - v.cfg.Clock().Sub(v.lastUse)
		v.timer = time.AfterFunc(max(left, 0), v.onTimer)
	}
}
