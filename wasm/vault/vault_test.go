package vault

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/leash-wallet/leash/wasm/hdkey"
	"github.com/leash-wallet/leash/wire"
	gobip39 "github.com/tyler-smith/go-bip39"
)

const (
	testMnemonic = "test test test test test test test test test test test junk"
	testAddress  = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
	testPassword = "correct horse battery staple"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/vault-v1.json")

// fakeClock is a hand-written clock the test moves forward.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestPublicMnemonicAddress(t *testing.T) {
	a, err := Address(testMnemonic, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.EqualFold(a.Hex(), testAddress) {
		t.Fatalf("got %s want %s", a.Hex(), testAddress)
	}
	// Case and spacing do not matter.
	b, err := Address("  TEST test\ttest test test test test test test test test   junk\n", 0)
	if err != nil || b != a {
		t.Fatalf("normalized mnemonic gives %s, %v", b.Hex(), err)
	}
}

func TestImportUnlockSign(t *testing.T) {
	blob, err := Import(testMnemonic, testPassword, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(blob, []byte("junk")) || bytes.Contains(blob, []byte(testPassword)) {
		t.Fatal("plaintext in the blob")
	}
	v, err := Open(blob, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.EqualFold(v.Address().Hex(), testAddress) {
		t.Fatalf("address while locked: %s", v.Address().Hex())
	}
	if !v.Locked() {
		t.Fatal("opened unlocked")
	}
	if err := v.WithKey(0, func(*ecdsa.PrivateKey) error { return nil }); !errors.Is(err, wire.ErrLocked) {
		t.Fatalf("key use while locked: %v", err)
	}
	if err := v.Unlock("wrong password!"); !errors.Is(err, wire.ErrBadPassword) {
		t.Fatalf("wrong password: %v", err)
	}
	if err := v.Unlock(testPassword); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := v.WithKey(0, func(k *ecdsa.PrivateKey) error {
		got = crypto.PubkeyToAddress(k.PublicKey).Hex()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got != testAddress {
		t.Fatalf("signing key address %s", got)
	}
	a1, err := v.AddressAt(1)
	if err != nil || !strings.EqualFold(a1.Hex(), "0x70997970C51812dc3A010C7d01b50e0d17dc79C8") {
		t.Fatalf("index 1: %s %v", a1.Hex(), err)
	}
	v.Lock()
	if _, err := v.AddressAt(1); !errors.Is(err, wire.ErrLocked) {
		t.Fatalf("index 1 while locked: %v", err)
	}
}

func TestCreateFresh(t *testing.T) {
	for _, words := range []int{12, 24} {
		blob, m, err := Create(testPassword, words, Config{})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(strings.Fields(m)); n != words {
			t.Fatalf("%d words, want %d", n, words)
		}
		v, err := Open(blob, Config{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := v.ExportMnemonic(testPassword)
		if err != nil || got != m {
			t.Fatalf("export: %v", err)
		}
		want, _ := Address(m, 0)
		if v.Address() != want {
			t.Fatal("header address does not match the mnemonic")
		}
	}
	for _, words := range []int{0, 11, 15, 25} {
		if _, _, err := Create(testPassword, words, Config{}); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("%d words: %v", words, err)
		}
	}
}

func TestRefusals(t *testing.T) {
	if _, err := Import(testMnemonic, "short", Config{}); !errors.Is(err, wire.ErrMalformed) {
		t.Errorf("short password: %v", err)
	}
	bad := []string{
		"test test test test test test test test test test test test", // bad checksum
		"test test test test test test test test test test junk",      // 11 words
		"zzzz test test test test test test test test test test junk", // unknown word
		strings.Repeat("test ", 300),
	}
	for _, m := range bad {
		if _, err := Import(m, testPassword, Config{}); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("%.30q: %v", m, err)
		}
	}
	weak := KDFParams{Name: KDFName, Time: 1, MemoryKiB: 19456, Threads: 1}
	if _, err := Import(testMnemonic, testPassword, Config{KDF: weak}); !errors.Is(err, wire.ErrMalformed) {
		t.Errorf("weak kdf accepted: %v", err)
	}
}

func TestExportNeedsPassword(t *testing.T) {
	v := openGolden(t)
	if err := v.Unlock(testPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := v.ExportMnemonic(""); !errors.Is(err, wire.ErrBadPassword) {
		t.Fatalf("export without password while unlocked: %v", err)
	}
	m, err := v.ExportMnemonic(testPassword)
	if err != nil || m != testMnemonic {
		t.Fatalf("export: %q %v", m, err)
	}
}

// TestAutoLock: the idle timer counts the user's activity (Unlock, Touch)
// only. Signatures the agent asks for use the key but are not activity:
// with the old code every WithKey restarted the timer, so a stream of
// agent proposals kept the vault unlocked for ever (issue 13).
func TestAutoLock(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	v := openGoldenCfg(t, Config{IdleTimeout: time.Minute, Clock: clk.Now})
	if err := v.Unlock(testPassword); err != nil {
		t.Fatal(err)
	}
	use := func() error { return v.WithKey(0, func(*ecdsa.PrivateKey) error { return nil }) }
	clk.Add(30 * time.Second)
	v.Touch() // the user did something
	clk.Add(59 * time.Second)
	if err := use(); err != nil {
		t.Fatalf("use before the idle timeout: %v", err)
	}
	clk.Add(time.Second) // a minute after the last user activity, however recent the last signature
	if !v.Locked() {
		t.Fatal("key use kept the vault unlocked")
	}
	if err := use(); !errors.Is(err, wire.ErrLocked) {
		t.Fatalf("after auto-lock: %v", err)
	}
	v.Touch() // touching a locked vault does not unlock it
	if !v.Locked() {
		t.Fatal("Touch unlocked the vault")
	}
}

func TestAutoLockTimer(t *testing.T) {
	v := openGoldenCfg(t, Config{IdleTimeout: 50 * time.Millisecond})
	if err := v.Unlock(testPassword); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		v.mu.Lock()
		locked := v.account == nil
		v.mu.Unlock()
		if locked {
			return // the timer wiped the keys without any call
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the idle timer never locked the vault")
}

func TestChangePassword(t *testing.T) {
	v := openGolden(t)
	old := v.Blob()
	if _, err := v.ChangePassword("not the password", "new password 123"); !errors.Is(err, wire.ErrBadPassword) {
		t.Fatalf("wrong old password: %v", err)
	}
	if _, err := v.ChangePassword(testPassword, "short"); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("short new password: %v", err)
	}
	if !bytes.Equal(v.Blob(), old) {
		t.Fatal("a failed change altered the vault")
	}
	nb, err := v.ChangePassword(testPassword, "new password 123")
	if err != nil {
		t.Fatal(err)
	}
	v2, err := Open(nb, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := v2.Unlock(testPassword); !errors.Is(err, wire.ErrBadPassword) {
		t.Fatalf("old password still opens: %v", err)
	}
	if err := v2.Unlock("new password 123"); err != nil {
		t.Fatal(err)
	}
}

// TestTampering flips every header field and the ciphertext and checks each
// change is caught with a coded error and never unlocks.
func TestTampering(t *testing.T) {
	raw := goldenBytes(t)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	mutate := map[string]func(map[string]any){
		"address":    func(m map[string]any) { m["address"] = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8" },
		"nonce":      func(m map[string]any) { m["nonce"] = flipHex(m["nonce"].(string)) },
		"ciphertext": func(m map[string]any) { m["ciphertext"] = flipHex(m["ciphertext"].(string)) },
		"check":      func(m map[string]any) { m["check"] = flipHex(m["check"].(string)) },
		"salt": func(m map[string]any) {
			m["kdf"].(map[string]any)["salt"] = flipHex(m["kdf"].(map[string]any)["salt"].(string))
		},
		"time": func(m map[string]any) { m["kdf"].(map[string]any)["time"] = 3 },
	}
	for name, f := range mutate {
		var c map[string]any
		_ = json.Unmarshal(raw, &c)
		f(c)
		b, _ := json.Marshal(c)
		v, err := Open(b, Config{})
		if err != nil {
			if !errors.Is(err, wire.ErrMalformed) {
				t.Errorf("%s: open: %v", name, err)
			}
			continue
		}
		err = v.Unlock(testPassword)
		if !errors.Is(err, wire.ErrMalformed) && !errors.Is(err, wire.ErrBadPassword) {
			t.Errorf("%s: unlock of a tampered vault: %v", name, err)
		}
	}
}

func flipHex(s string) string {
	last := s[len(s)-1]
	if last == '0' {
		return s[:len(s)-1] + "1"
	}
	return s[:len(s)-1] + "0"
}

// TestExpfail: every testdata/expfail_* blob is refused by DecodeBlob with
// a malformed error.
func TestExpfail(t *testing.T) {
	files, _ := filepath.Glob("testdata/expfail_*")
	if len(files) < 5 {
		t.Fatalf("only %d expfail files", len(files))
	}
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		if _, err := Open(raw, Config{}); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("%s: %v", f, err)
		}
	}
	// Every truncation of the good blob is refused too.
	raw := goldenBytes(t)
	for n := 0; n < len(raw)-1; n++ {
		if _, err := Open(raw[:n], Config{}); !errors.Is(err, wire.ErrMalformed) {
			t.Fatalf("truncated to %d: %v", n, err)
		}
	}
}

func goldenBytes(t testing.TB) []byte {
	t.Helper()
	path := "testdata/vault-v1.json"
	if *updateGolden {
		b, err := Import(testMnemonic, testPassword, Config{})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(raw)
}

func openGolden(t *testing.T) *Vault { return openGoldenCfg(t, Config{}) }

func openGoldenCfg(t *testing.T, cfg Config) *Vault {
	v, err := Open(goldenBytes(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestGoldenV1 pins the version-1 format: a blob written by an earlier build
// still opens.
func TestGoldenV1(t *testing.T) {
	v := openGolden(t)
	if !strings.EqualFold(v.Address().Hex(), testAddress) {
		t.Fatal(v.Address().Hex())
	}
	if err := v.Unlock(testPassword); err != nil {
		t.Fatal(err)
	}
}

func FuzzDecodeBlob(f *testing.F) {
	f.Add(goldenBytes(f))
	files, _ := filepath.Glob("testdata/expfail_*")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		b, err := DecodeBlob(raw)
		if err != nil {
			if wire.CodeOf(err) != wire.Malformed {
				t.Fatalf("non-malformed error %v", err)
			}
			return
		}
		if checkKDF(b.KDF) != nil || len(b.Nonce) != 24 {
			t.Fatal("accepted an invalid blob")
		}
	})
}

// TestMnemonicsMatchGoBIP39: mnemonics made by go-bip39 (the reference,
// imported by tests only) are accepted and give go-bip39's seed; a
// mnemonic Create makes is one go-bip39 accepts.
func TestMnemonicsMatchGoBIP39(t *testing.T) {
	for i, bits := range []int{128, 256, 160, 192, 224, 128, 256} {
		entropy, err := gobip39.NewEntropy(bits)
		if err != nil {
			t.Fatal(err)
		}
		m, err := gobip39.NewMnemonic(entropy)
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 {
			m = "  " + strings.ToUpper(strings.ReplaceAll(m, " ", " \t ")) + "\n"
		}
		norm, err := NormalizeMnemonic(m)
		if err != nil {
			t.Fatalf("NormalizeMnemonic(%q): %v", m, err)
		}
		acct, err := accountKey(norm)
		if err != nil {
			t.Fatal(err)
		}
		master, err := hdkey.NewMaster(gobip39.NewSeed(norm, ""))
		if err != nil {
			t.Fatal(err)
		}
		want, err := master.DerivePath(hdkey.EthereumPath(0)[:4])
		if err != nil {
			t.Fatal(err)
		}
		if acct.XPrv() != want.XPrv() {
			t.Fatalf("account key of %q differs from go-bip39's seed", norm)
		}
	}
	for _, words := range []int{12, 24} {
		_, m, err := Create(testPassword, words, Config{})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(strings.Fields(m)); n != words || !gobip39.IsMnemonicValid(m) {
			t.Fatalf("Create made %q (%d words), go-bip39 refuses it", m, n)
		}
	}
}
