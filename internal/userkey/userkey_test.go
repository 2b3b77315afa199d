package userkey

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/leash-wallet/leash/wasm/vault"
	"github.com/leash-wallet/leash/wire"
)

const (
	testPassword = "leash test"
	// examples/mnemonic.txt, index 0
	testAddress = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
	testKeyHex  = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
)

func mnemonic(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../examples/mnemonic.txt")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func fixedPassword(pw string) PasswordFunc {
	return func(string, bool) (string, error) { return pw, nil }
}

func keyHex(t *testing.T, k *Key) string {
	t.Helper()
	var h string
	if err := k.With(func(p *ecdsa.PrivateKey) error {
		h = fmt.Sprintf("%x", crypto.FromECDSA(p))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return h
}

// TestOtherWallets reads keystores written by ethers and by an independent
// PBKDF2 implementation (testdata/gen.mjs), with the capitalized "Crypto"
// and ethers' x-ethers block, and gets the mnemonic's index-0 key.
func TestOtherWallets(t *testing.T) {
	for _, name := range []string{"ethers.json", "pbkdf2.json"} {
		t.Run(name, func(t *testing.T) {
			k, err := Source{Keystore: filepath.Join("testdata", name), Password: fixedPassword(testPassword)}.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer k.Close()
			if k.Address().Hex() != testAddress || keyHex(t, k) != testKeyHex || k.Path() != "" {
				t.Fatalf("address %s", k.Address())
			}
		})
	}
}

// TestMnemonicToKeystore is `leash keys import` from standard input: the
// keystore opens to the same key the mnemonic gives, is private to its
// owner, holds neither the key nor the words in the clear, and is never
// written over.
func TestMnemonicToKeystore(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "key.json")
	m := mnemonic(t)
	src := Source{MnemonicFile: Stdin, Stdin: strings.NewReader("  " + strings.ToUpper(m) + "\n"), Password: fixedPassword(testPassword)}
	addr, err := WriteKeystore(src, path, LightScryptN, LightScryptP)
	if err != nil {
		t.Fatal(err)
	}
	if addr.Hex() != testAddress {
		t.Fatalf("address %s", addr)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v %v", st.Mode(), err)
	}
	raw, _ := os.ReadFile(path)
	for _, secret := range append([]string{testKeyHex}, strings.Fields(m)[:1]...) {
		if bytes.Contains(bytes.ToLower(raw), []byte(secret)) {
			t.Fatalf("the keystore holds %q in the clear", secret)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
	k, err := Source{Keystore: path, Password: fixedPassword(testPassword)}.Open()
	if err != nil {
		t.Fatal(err)
	}
	if k.Address().Hex() != testAddress || keyHex(t, k) != testKeyHex {
		t.Fatal("the keystore opened to another key")
	}
	k.Close()
	if err := k.With(func(*ecdsa.PrivateKey) error { return nil }); err == nil {
		t.Fatal("a closed key still signs")
	}

	// Never over an existing file, whatever it is.
	src.Stdin = strings.NewReader(m)
	if _, err := WriteKeystore(src, path, LightScryptN, LightScryptP); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("overwrite: %v", err)
	}
	if again, _ := os.ReadFile(path); !bytes.Equal(again, raw) {
		t.Fatal("the keystore changed")
	}
	// A keystore re-sealed under another password (keystore → keystore).
	other := filepath.Join(dir, "other.json")
	if _, err := WriteKeystore(Source{Keystore: path, Password: func(_ string, confirm bool) (string, error) {
		if confirm {
			return "another password", nil
		}
		return testPassword, nil
	}}, other, LightScryptN, LightScryptP); err != nil {
		t.Fatal(err)
	}
	if _, err := (Source{Keystore: other, Password: fixedPassword("another password")}).Open(); err != nil {
		t.Fatal(err)
	}
	// An empty password is refused.
	src.Stdin = strings.NewReader(m)
	src.Password = fixedPassword(" ")
	if _, err := WriteKeystore(src, filepath.Join(dir, "empty.json"), LightScryptN, LightScryptP); !errors.Is(err, wire.ErrBadPassword) {
		t.Fatalf("empty password: %v", err)
	}
}

func TestWrongPassword(t *testing.T) {
	_, err := Source{Keystore: "testdata/ethers.json", Password: fixedPassword("leash tesT")}.Open()
	if !errors.Is(err, wire.ErrBadPassword) {
		t.Fatalf("got %v", err)
	}
}

func TestMnemonicSources(t *testing.T) {
	m := mnemonic(t)
	want, err := vault.Address(m, 3)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "m.txt")
	os.WriteFile(file, []byte(m+"\n"), 0o600)
	for name, src := range map[string]Source{
		"file":  {MnemonicFile: file, Index: 3},
		"stdin": {MnemonicFile: Stdin, Index: 3, Stdin: strings.NewReader(m)},
	} {
		k, err := src.Open()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if k.Address() != want || k.Path() != "m/44'/60'/0'/0/3" {
			t.Fatalf("%s: %s %s", name, k.Address(), k.Path())
		}
	}
	for name, src := range map[string]Source{
		"neither":          {},
		"both":             {MnemonicFile: file, Keystore: "testdata/ethers.json"},
		"index, keystore":  {Keystore: "testdata/ethers.json", Index: 1},
		"hardened index":   {MnemonicFile: file, Index: 1 << 31},
		"missing file":     {MnemonicFile: filepath.Join(t.TempDir(), "none")},
		"bad checksum":     {MnemonicFile: Stdin, Stdin: strings.NewReader(strings.Repeat("abandon ", 12))},
		"flood on stdin":   {MnemonicFile: Stdin, Stdin: strings.NewReader(strings.Repeat("abandon ", 1<<20))},
		"missing keystore": {Keystore: filepath.Join(t.TempDir(), "none.json")},
	} {
		if _, err := src.Open(); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// The message names the file, never its content.
	_, err = Source{MnemonicFile: Stdin, Stdin: strings.NewReader("zebra " + m)}.Open()
	if err == nil || strings.Contains(err.Error(), "zebra") || strings.Contains(err.Error(), strings.Fields(m)[0]) {
		t.Fatalf("message: %v", err)
	}
}

// hostile is a valid scrypt keystore (go-ethereum, light) as a generic
// document, for mutations.
func hostile(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	b, err := os.ReadFile("testdata/ethers.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestHostileKeystores: every document outside the bounds is refused as
// malformed before any key derivation, quickly and without a panic.
// go-ethereum's DecryptKey alone panics on two of them
// (TestDecryptKeyAloneIsUnsafe) and would allocate 128 GiB for n = 2^30.
func TestHostileKeystores(t *testing.T) {
	kdf := func(d map[string]any) map[string]any {
		return d["Crypto"].(map[string]any)["kdfparams"].(map[string]any)
	}
	cr := func(d map[string]any) map[string]any { return d["Crypto"].(map[string]any) }
	cases := map[string]func(d map[string]any){
		"n 2^30":             func(d map[string]any) { kdf(d)["n"] = 1 << 30 },
		"n 2^19":             func(d map[string]any) { kdf(d)["n"] = 1 << 19 },
		"n not a power of 2": func(d map[string]any) { kdf(d)["n"] = 1000 },
		"n 1":                func(d map[string]any) { kdf(d)["n"] = 1 },
		"n fractional":       func(d map[string]any) { kdf(d)["n"] = 1024.5 },
		"n as a string":      func(d map[string]any) { kdf(d)["n"] = "1024" },
		"r 1":                func(d map[string]any) { kdf(d)["r"] = 1 },
		"p 0":                func(d map[string]any) { kdf(d)["p"] = 0 },
		"p 9":                func(d map[string]any) { kdf(d)["p"] = 9 },
		"n·p over 2^20":      func(d map[string]any) { kdf(d)["n"] = 1 << 18; kdf(d)["p"] = 8 },
		"dklen 16":           func(d map[string]any) { kdf(d)["dklen"] = 16 },
		"dklen 64":           func(d map[string]any) { kdf(d)["dklen"] = 64 },
		"no salt":            func(d map[string]any) { delete(kdf(d), "salt") },
		"short salt":         func(d map[string]any) { kdf(d)["salt"] = "00" },
		"salt not hex":       func(d map[string]any) { kdf(d)["salt"] = strings.Repeat("zz", 32) },
		"scrypt with c":      func(d map[string]any) { kdf(d)["c"] = 1 },
		"unknown kdf param":  func(d map[string]any) { kdf(d)["N"] = 1024 },
		"kdf argon2":         func(d map[string]any) { cr(d)["kdf"] = "argon2id" },
		"pbkdf2 no prf": func(d map[string]any) {
			cr(d)["kdf"] = "pbkdf2"
			delete(kdf(d), "n")
			delete(kdf(d), "r")
			delete(kdf(d), "p")
			kdf(d)["c"] = 10
		},
		"cipher aes-128-cbc":  func(d map[string]any) { cr(d)["cipher"] = "aes-128-cbc" },
		"short iv":            func(d map[string]any) { cr(d)["cipherparams"] = map[string]any{"iv": "00"} },
		"long ciphertext":     func(d map[string]any) { cr(d)["ciphertext"] = strings.Repeat("00", 33) },
		"short mac":           func(d map[string]any) { cr(d)["mac"] = "00" },
		"version 1":           func(d map[string]any) { d["version"] = 1 },
		"version as string":   func(d map[string]any) { d["version"] = "3" },
		"no crypto":           func(d map[string]any) { delete(d, "Crypto") },
		"crypto and Crypto":   func(d map[string]any) { d["crypto"] = d["Crypto"] },
		"CRYPTO":              func(d map[string]any) { d["CRYPTO"] = d["Crypto"]; delete(d, "Crypto") },
		"id not a uuid":       func(d map[string]any) { d["id"] = "x" },
		"address not hex":     func(d map[string]any) { d["address"] = "zz" },
		"null address":        func(d map[string]any) { d["address"] = nil },
		"unknown field":       func(d map[string]any) { d["extra"] = 1 },
		"other address field": func(d map[string]any) { d["address"] = "70997970c51812dc3a010c7d01b50e0d17dc79c8" },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			d := hostile(t)
			mutate(d)
			raw, _ := json.Marshal(d)
			path := filepath.Join(t.TempDir(), "k.json")
			os.WriteFile(path, raw, 0o600)
			start := time.Now()
			_, err := Source{Keystore: path, Password: fixedPassword(testPassword)}.Open()
			if !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("got %v", err)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Fatalf("took %v", d)
			}
		})
	}
	// Byte-level: a duplicate key, trailing data, a file over the limit.
	raw, _ := os.ReadFile("testdata/pbkdf2.json")
	for name, b := range map[string][]byte{
		"duplicate version": bytes.Replace(raw, []byte(`"version":3`), []byte(`"version":3,"version":3`), 1),
		"trailing data":     append(append([]byte{}, raw...), []byte(`{}`)...),
		"huge":              append(bytes.TrimRight(raw, "}\n"), []byte(`,"x-ethers":"`+strings.Repeat("a", MaxKeystoreBytes)+`"}`)...),
	} {
		if _, err := DecodeKeystore(b); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestDecryptKeyAloneIsUnsafe records why DecodeKeystore exists: given the
// same hostile documents, go-ethereum's DecryptKey panics.
func TestDecryptKeyAloneIsUnsafe(t *testing.T) {
	for name, mutate := range map[string]func(map[string]any){
		"no salt": func(d map[string]any) { delete(d["Crypto"].(map[string]any)["kdfparams"].(map[string]any), "salt") },
		"no n":    func(d map[string]any) { delete(d["Crypto"].(map[string]any)["kdfparams"].(map[string]any), "n") },
	} {
		d := hostile(t)
		mutate(d)
		raw, _ := json.Marshal(d)
		panicked := func() (p bool) {
			defer func() { p = recover() != nil }()
			keystore.DecryptKey(raw, testPassword)
			return false
		}()
		if !panicked {
			t.Errorf("%s: go-ethereum no longer panics; DecodeKeystore's check is still kept", name)
		}
		if _, err := DecodeKeystore(raw); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestZero(t *testing.T) {
	k, err := Source{Keystore: "testdata/pbkdf2.json", Password: fixedPassword(testPassword)}.Open()
	if err != nil {
		t.Fatal(err)
	}
	words := k.priv.D.Bits() //lint:ignore SA1019 the test reads the words zero clears
	words = words[:cap(words)]
	k.Close()
	for _, w := range words {
		if w != 0 {
			t.Fatal("key words left in memory")
		}
	}
}

func FuzzDecodeKeystore(f *testing.F) {
	for _, name := range []string{"ethers.json", "pbkdf2.json"} {
		b, _ := os.ReadFile(filepath.Join("testdata", name))
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		ks, err := DecodeKeystore(raw)
		if err != nil {
			if !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("uncoded: %v", err)
			}
			return
		}
		var d keystoreDoc
		json.Unmarshal(raw, &d)
		c := d.Crypto
		if c == nil {
			c = d.CryptoAlt
		}
		k := c.KDFParams
		if k.DKLen != 32 || k.N > MaxScryptN || k.N*k.P > MaxScryptWork || k.C > MaxPBKDF2Rounds {
			t.Fatalf("accepted out of bounds: %+v", k)
		}
		if _, err := hex.DecodeString(k.Salt); err != nil || ks == nil {
			t.Fatal("accepted a salt that is not hex")
		}
	})
}
