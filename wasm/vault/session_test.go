package vault

import (
	"bytes"
	"crypto/ecdsa"
	"errors"
	"testing"
	"time"

	"github.com/leash-wallet/leash/wire"
)

// A session key unlocks the same vault without the password and without
// the KDF; it is not the password, it opens nothing else, and a password
// change retires it.
func TestSessionKey(t *testing.T) {
	v := openGolden(t)
	if _, err := v.UnlockSession("wrong password!"); !errors.Is(err, wire.ErrBadPassword) {
		t.Fatalf("wrong password: %v", err)
	}
	key, err := v.UnlockSession(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if len(key) != SessionKeyBytes || bytes.Contains(key, []byte(testPassword)) {
		t.Fatalf("session key %x", key)
	}
	v.Lock()
	w := openGolden(t) // a fresh worker: same blob, key from session storage
	start := time.Now()
	if err := w.UnlockWithKey(key); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Logf("UnlockWithKey took %v (no KDF expected)", d)
	}
	if w.Locked() {
		t.Fatal("still locked")
	}
	bad := append([]byte(nil), key...)
	bad[0] ^= 1
	for _, k := range [][]byte{bad, key[:31], nil} {
		x := openGolden(t)
		if err := x.UnlockWithKey(k); !errors.Is(err, wire.ErrMalformed) || !x.Locked() {
			t.Fatalf("bad key %x: %v", k, err)
		}
	}
	// After a password change the old session key opens nothing.
	raw, err := w.ChangePassword(testPassword, "another password 1")
	if err != nil {
		t.Fatal(err)
	}
	y, err := Open(raw, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := y.UnlockWithKey(key); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("old session key after a password change: %v", err)
	}
}

// Secret is bound to the mnemonic (not the password), needs the vault
// unlocked, differs per label, and MnemonicSecret computes the same value.
func TestSecret(t *testing.T) {
	v := openGolden(t)
	if _, err := v.Secret("x"); !errors.Is(err, wire.ErrLocked) {
		t.Fatalf("locked: %v", err)
	}
	if err := v.Unlock(testPassword); err != nil {
		t.Fatal(err)
	}
	a, _ := v.Secret("storage")
	b, _ := v.Secret("other")
	m, err := MnemonicSecret(testMnemonic, "storage")
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 32 || bytes.Equal(a, b) || !bytes.Equal(a, m) {
		t.Fatalf("secrets %x %x %x", a, b, m)
	}
	raw, err := v.ChangePassword(testPassword, "another password 1")
	if err != nil {
		t.Fatal(err)
	}
	w, _ := Open(raw, Config{})
	_ = w.Unlock("another password 1")
	if c, _ := w.Secret("storage"); !bytes.Equal(a, c) {
		t.Fatal("the secret changed with the password")
	}
	if _, err := MnemonicSecret("not a mnemonic", "storage"); !errors.Is(err, wire.ErrMalformed) {
		t.Fatal(err)
	}
	_ = w.WithKey(0, func(*ecdsa.PrivateKey) error { return nil })
}

func TestSetIdleTimeout(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	v := openGoldenCfg(t, Config{IdleTimeout: time.Hour, Clock: clk.Now})
	if err := v.Unlock(testPassword); err != nil {
		t.Fatal(err)
	}
	clk.Add(2 * time.Minute)
	v.SetIdleTimeout(time.Minute) // already idle longer than the new timeout
	if !v.Locked() {
		t.Fatal("a shorter timeout did not apply")
	}
	_ = v.Unlock(testPassword)
	v.SetIdleTimeout(-1)
	clk.Add(1000 * time.Hour)
	if v.Locked() {
		t.Fatal("negative timeout locked")
	}
}
