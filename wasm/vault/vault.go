package vault

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/leash-wallet/leash/wasm/bip39"
	"github.com/leash-wallet/leash/wasm/ethkey"
	"github.com/leash-wallet/leash/wasm/hdkey"
	"github.com/leash-wallet/leash/wire"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// Version is the blob format version.
//
// Changelog:
//   - 1: argon2id + XChaCha20-Poly1305, header as associated data.
const Version = 1

// KDFName and CipherName are the only algorithms of version 1.
const (
	KDFName    = "argon2id"
	CipherName = "xchacha20-poly1305"
)

// KDF cost bounds. OWASP's password storage guidance lists equivalent
// argon2id settings from m=47104 KiB t=1 to m=7168 KiB t=5; all of them
// have m×t ≥ 38,912 KiB (19 MiB × 2). The upper bounds keep a hostile blob
// from exhausting WASM memory or time.
const (
	MinMemoryKiB  = 7168
	MinCost       = 19456 * 2 // memoryKiB × time
	MaxMemoryKiB  = 256 << 10 // 256 MiB
	MaxTime       = 16
	MaxThreads    = 4
	MinPassword   = 8 // characters
	MaxPassword   = 1024
	maxBlobBytes  = 16 << 10
	saltBytes     = 16
	checkBytes    = 32
	maxCiphertext = 1024
)

// DefaultKDF is OWASP's first-choice argon2id setting (t=2, m=19 MiB, p=1).
var DefaultKDF = KDFParams{Name: KDFName, Time: 2, MemoryKiB: 19456, Threads: 1}

// DefaultIdleTimeout locks an unlocked vault after this long without use.
const DefaultIdleTimeout = 15 * time.Minute

// KDFParams are the argon2id parameters recorded in a blob.
type KDFParams struct {
	Name      string     `json:"name"`
	Time      uint32     `json:"time"`
	MemoryKiB uint32     `json:"memoryKiB"`
	Threads   uint8      `json:"threads"`
	Salt      wire.Bytes `json:"salt"`
}

// Blob is the stored, encrypted vault.
type Blob struct {
	Version    int          `json:"version"`
	KDF        KDFParams    `json:"kdf"`
	Cipher     string       `json:"cipher"`
	Nonce      wire.Bytes   `json:"nonce"`
	Check      wire.Bytes   `json:"check"`
	Ciphertext wire.Bytes   `json:"ciphertext"`
	Address    wire.Address `json:"address"`
}

// Config tunes a vault. The zero value uses DefaultKDF, DefaultIdleTimeout
// and the wall clock.
type Config struct {
	KDF         KDFParams        // for Create/Import/ChangePassword; zero → DefaultKDF
	IdleTimeout time.Duration    // zero → DefaultIdleTimeout; negative → never
	Clock       func() time.Time // zero → time.Now
}

func (c Config) withDefaults() Config {
	if c.KDF.Name == "" && c.KDF.Time == 0 && c.KDF.MemoryKiB == 0 {
		c.KDF = DefaultKDF
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	return c
}

// Vault is an opened blob, locked or unlocked. It is safe for concurrent use.
type Vault struct {
	cfg  Config
	blob Blob
	raw  []byte

	mu      sync.Mutex
	account *hdkey.Key // m/44'/60'/0'/0 while unlocked, nil when locked
	lastUse time.Time
	timer   *time.Timer
}

// Create makes a vault from a fresh mnemonic of 12 or 24 words. It returns
// the blob to store and the mnemonic, which the caller shows the user once.
func Create(password string, words int, cfg Config) (blob []byte, mnemonic string, err error) {
	var bits int
	switch words {
	case 12:
		bits = 128
	case 24:
		bits = 256
	default:
		return nil, "", wire.Errorf(wire.Malformed, "vault: a new mnemonic has 12 or 24 words, not %d", words)
	}
	entropy, err := bip39.NewEntropy(bits)
	if err != nil {
		return nil, "", wire.Errorf(wire.Internal, "vault: no randomness: %v", err)
	}
	defer wipe(entropy)
	mnemonic, err = bip39.Mnemonic(entropy)
	if err != nil {
		return nil, "", wire.Errorf(wire.Internal, "vault: %v", err)
	}
	blob, err = seal(mnemonic, password, cfg.withDefaults())
	if err != nil {
		return nil, "", err
	}
	return blob, mnemonic, nil
}

// Import makes a vault from an existing BIP-39 mnemonic (12 to 24 English
// words; case and spacing are normalized).
func Import(mnemonic, password string, cfg Config) ([]byte, error) {
	m, err := NormalizeMnemonic(mnemonic)
	if err != nil {
		return nil, err
	}
	return seal(m, password, cfg.withDefaults())
}

// NormalizeMnemonic lower-cases and single-spaces a mnemonic and checks its
// word list and checksum.
func NormalizeMnemonic(s string) (string, error) {
	if len(s) > 1024 {
		return "", wire.Errorf(wire.Malformed, "mnemonic: far too long")
	}
	m := strings.Join(strings.Fields(strings.ToLower(s)), " ")
	n := len(strings.Fields(m))
	if n < 12 || n > 24 || n%3 != 0 {
		return "", wire.Errorf(wire.Malformed, "mnemonic: %d words, want 12, 15, 18, 21 or 24", n)
	}
	if _, err := bip39.EntropyFromMnemonic(m); err != nil {
		return "", wire.Errorf(wire.Malformed, "mnemonic: not a valid BIP-39 English mnemonic (unknown word or bad checksum)")
	}
	return m, nil
}

// Address derives the BIP-44 address m/44'/60'/0'/0/index of a mnemonic,
// for tools that hold the mnemonic directly (leash keys address).
func Address(mnemonic string, index uint32) (wire.Address, error) {
	var a wire.Address
	err := withMnemonicKey(mnemonic, index, func(k *ecdsa.PrivateKey) error {
		a = ethkey.Address(&k.PublicKey)
		return nil
	})
	return a, err
}

// WithMnemonicKey calls fn with the private key at m/44'/60'/0'/0/index of
// a mnemonic and zeroes the key afterwards.
func WithMnemonicKey(mnemonic string, index uint32, fn func(*ecdsa.PrivateKey) error) error {
	return withMnemonicKey(mnemonic, index, fn)
}

func withMnemonicKey(mnemonic string, index uint32, fn func(*ecdsa.PrivateKey) error) error {
	m, err := NormalizeMnemonic(mnemonic)
	if err != nil {
		return err
	}
	acct, err := accountKey(m)
	if err != nil {
		return err
	}
	defer acct.Wipe()
	return useChild(acct, index, fn)
}

func accountKey(mnemonic string) (*hdkey.Key, error) {
	seed, err := bip39.Seed(mnemonic, "")
	if err != nil {
		return nil, wire.Errorf(wire.Internal, "vault: %v", err)
	}
	defer wipe(seed)
	master, err := hdkey.NewMaster(seed)
	if err != nil {
		return nil, wire.Errorf(wire.Internal, "vault: %v", err)
	}
	defer master.Wipe()
	acct, err := master.DerivePath(hdkey.EthereumPath(0)[:4])
	if err != nil {
		return nil, wire.Errorf(wire.Internal, "vault: %v", err)
	}
	return acct, nil
}

func useChild(acct *hdkey.Key, index uint32, fn func(*ecdsa.PrivateKey) error) error {
	if index >= hdkey.Hardened {
		return wire.Errorf(wire.Malformed, "vault: account index %d is out of range", index)
	}
	if err := acct.CachePublicKey(); err != nil { // the account key serves every signature
		return wire.Errorf(wire.Internal, "vault: %v", err)
	}
	child, err := acct.Child(index)
	if err != nil {
		return wire.Errorf(wire.Internal, "vault: %v", err)
	}
	defer child.Wipe()
	priv, err := child.ECDSA()
	if err != nil {
		return wire.Errorf(wire.Internal, "vault: %v", err)
	}
	defer priv.D.SetInt64(0)
	return fn(priv)
}

func checkPassword(p string) error {
	if n := len([]rune(p)); n < MinPassword || len(p) > MaxPassword {
		return wire.Errorf(wire.Malformed, "vault: the password needs at least %d characters (and at most %d bytes)", MinPassword, MaxPassword)
	}
	return nil
}

func checkKDF(k KDFParams) error {
	switch {
	case k.Name != KDFName:
		return wire.Errorf(wire.Malformed, "vault: kdf %q is not supported (want %s)", k.Name, KDFName)
	case k.MemoryKiB < MinMemoryKiB || uint64(k.MemoryKiB)*uint64(k.Time) < MinCost:
		return wire.Errorf(wire.Malformed, "vault: kdf cost t=%d m=%d KiB is below OWASP guidance", k.Time, k.MemoryKiB)
	case k.MemoryKiB > MaxMemoryKiB || k.Time > MaxTime || k.Threads == 0 || k.Threads > MaxThreads:
		return wire.Errorf(wire.Malformed, "vault: kdf parameters t=%d m=%d KiB p=%d are out of range", k.Time, k.MemoryKiB, k.Threads)
	case len(k.Salt) != saltBytes:
		return wire.Errorf(wire.Malformed, "vault: kdf salt is %d bytes, want %d", len(k.Salt), saltBytes)
	}
	return nil
}

// seal encrypts a normalized mnemonic and proves the result opens again.
func seal(mnemonic, password string, cfg Config) ([]byte, error) {
	if err := checkPassword(password); err != nil {
		return nil, err
	}
	kdf := cfg.KDF
	kdf.Salt = make([]byte, saltBytes)
	if _, err := rand.Read(kdf.Salt); err != nil {
		return nil, wire.Errorf(wire.Internal, "vault: no randomness: %v", err)
	}
	if err := checkKDF(kdf); err != nil {
		return nil, err
	}
	addr, err := Address(mnemonic, 0)
	if err != nil {
		return nil, err
	}
	b := Blob{Version: Version, KDF: kdf, Cipher: CipherName, Address: addr, Nonce: make([]byte, chacha20poly1305.NonceSizeX)}
	if _, err := rand.Read(b.Nonce); err != nil {
		return nil, wire.Errorf(wire.Internal, "vault: no randomness: %v", err)
	}
	key, check := deriveKeys(password, &b.KDF)
	defer wipe(key)
	b.Check = check
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, wire.Errorf(wire.Internal, "vault: %v", err)
	}
	pt := []byte(mnemonic)
	b.Ciphertext = aead.Seal(nil, b.Nonce, pt, b.associatedData())
	wipe(pt)
	raw, err := jsonMarshal(&b)
	if err != nil {
		return nil, wire.Errorf(wire.Internal, "vault: %v", err)
	}
	// Prove the blob opens with the password before anyone stores it.
	v, err := Open(raw, cfg)
	if err != nil {
		return nil, err
	}
	got, err := v.decrypt(password)
	if err != nil {
		return nil, err
	}
	ok := got == mnemonic
	if !ok {
		return nil, wire.Errorf(wire.Internal, "vault: sealed blob did not round-trip")
	}
	return raw, nil
}

// deriveKeys runs argon2id once and splits the output into the AEAD key and
// the password check value.
func deriveKeys(password string, k *KDFParams) (key, check []byte) {
	pw := []byte(password)
	out := argon2.IDKey(pw, k.Salt, k.Time, k.MemoryKiB, k.Threads, 64)
	wipe(pw)
	key = append([]byte(nil), out[:32]...)
	h := sha256.Sum256(append([]byte("leash-vault-check-v1"), out[32:]...))
	wipe(out)
	return key, h[:]
}

func (b *Blob) associatedData() []byte {
	return fmt.Appendf(nil, "leash-vault|v=%d|kdf=%s|t=%d|m=%d|p=%d|salt=%x|cipher=%s|address=%s",
		b.Version, b.KDF.Name, b.KDF.Time, b.KDF.MemoryKiB, b.KDF.Threads, []byte(b.KDF.Salt), b.Cipher, b.Address.Hex())
}

// DecodeBlob strictly decodes and validates a blob without any password.
func DecodeBlob(raw []byte) (*Blob, error) {
	if len(raw) > maxBlobBytes {
		return nil, wire.Errorf(wire.Malformed, "vault: blob is %d bytes, far too large", len(raw))
	}
	var b Blob
	if err := wire.DecodeStrict(raw, &b, "vault"); err != nil {
		return nil, wire.Errorf(wire.Malformed, "%s", wire.MessageOf(err))
	}
	switch {
	case b.Version != Version:
		return nil, wire.Errorf(wire.Malformed, "vault: version %d is not supported (want %d)", b.Version, Version)
	case b.Cipher != CipherName:
		return nil, wire.Errorf(wire.Malformed, "vault: cipher %q is not supported", b.Cipher)
	case len(b.Nonce) != chacha20poly1305.NonceSizeX:
		return nil, wire.Errorf(wire.Malformed, "vault: nonce is %d bytes, want %d", len(b.Nonce), chacha20poly1305.NonceSizeX)
	case len(b.Check) != checkBytes:
		return nil, wire.Errorf(wire.Malformed, "vault: check value is %d bytes, want %d", len(b.Check), checkBytes)
	case len(b.Ciphertext) < chacha20poly1305.Overhead+1 || len(b.Ciphertext) > maxCiphertext:
		return nil, wire.Errorf(wire.Malformed, "vault: ciphertext is %d bytes, truncated or oversized", len(b.Ciphertext))
	}
	if err := checkKDF(b.KDF); err != nil {
		return nil, err
	}
	return &b, nil
}

// Open decodes a stored blob. The vault starts locked.
func Open(raw []byte, cfg Config) (*Vault, error) {
	b, err := DecodeBlob(raw)
	if err != nil {
		return nil, err
	}
	return &Vault{cfg: cfg.withDefaults(), blob: *b, raw: append([]byte(nil), raw...)}, nil
}

// Blob returns the stored form of the vault (a copy).
func (v *Vault) Blob() []byte { return append([]byte(nil), v.raw...) }

// Address returns the index-0 address; it is known while locked.
func (v *Vault) Address() wire.Address { return v.blob.Address }

// decrypt returns the mnemonic for password. It does not unlock.
func (v *Vault) decrypt(password string) (string, error) {
	m, key, err := v.decryptKey(password)
	wipe(key)
	return m, err
}

// decryptKey returns the mnemonic and the key that opened it (the caller
// wipes the key).
func (v *Vault) decryptKey(password string) (string, []byte, error) {
	if len(password) > MaxPassword {
		return "", nil, wire.Errorf(wire.BadPassword, "wrong password")
	}
	key, check := deriveKeys(password, &v.blob.KDF)
	if subtle.ConstantTimeCompare(check, v.blob.Check) != 1 {
		wipe(key)
		return "", nil, wire.Errorf(wire.BadPassword, "wrong password")
	}
	m, err := v.open(key)
	if err != nil {
		wipe(key)
		return "", nil, err
	}
	return m, key, nil
}

// open decrypts the ciphertext with the key argon2id derived.
func (v *Vault) open(key []byte) (string, error) {
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return "", wire.Errorf(wire.Malformed, "vault: %v", err)
	}
	pt, err := aead.Open(nil, v.blob.Nonce, v.blob.Ciphertext, v.blob.associatedData())
	if err != nil {
		return "", wire.Errorf(wire.Malformed, "vault: the ciphertext or its header is corrupted")
	}
	defer wipe(pt)
	m, err := NormalizeMnemonic(string(pt))
	if err != nil {
		return "", wire.Errorf(wire.Malformed, "vault: decrypted content is not a mnemonic")
	}
	return m, nil
}

// Unlock decrypts the vault and keeps the BIP-44 account key in memory.
func (v *Vault) Unlock(password string) error {
	m, err := v.decrypt(password)
	if err != nil {
		return err
	}
	return v.unlockMnemonic(m)
}

// unlockMnemonic derives the account key of m, checks it against the
// stored address and keeps it in memory.
func (v *Vault) unlockMnemonic(m string) error {
	acct, err := accountKey(m)
	if err != nil {
		return err
	}
	var addr wire.Address
	if err := useChild(acct, 0, func(k *ecdsa.PrivateKey) error {
		addr = ethkey.Address(&k.PublicKey)
		return nil
	}); err != nil {
		acct.Wipe()
		return err
	}
	if addr != v.blob.Address {
		acct.Wipe()
		return wire.Errorf(wire.Malformed, "vault: the stored address does not match the mnemonic")
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.account != nil {
		v.account.Wipe()
	}
	v.account = acct
	v.touchLocked()
	return nil
}

// Lock wipes the in-memory keys.
func (v *Vault) Lock() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.lockLocked()
}

func (v *Vault) lockLocked() {
	if v.account != nil {
		v.account.Wipe()
		v.account = nil
	}
	if v.timer != nil {
		v.timer.Stop()
		v.timer = nil
	}
}

// Locked reports whether the vault is locked (auto-locking first if idle).
func (v *Vault) Locked() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.expireLocked()
	return v.account == nil
}

// WithKey calls fn with the private key at m/44'/60'/0'/0/index, or returns
// wire.ErrLocked. The key is zeroed when fn returns; fn must not keep it.
// Using the key is not activity: only Unlock and Touch (the user's own
// actions) restart the idle timer, so a stream of agent proposals never
// keeps the vault unlocked.
func (v *Vault) WithKey(index uint32, fn func(*ecdsa.PrivateKey) error) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.expireLocked()
	if v.account == nil {
		return wire.Errorf(wire.Locked, "the vault is locked")
	}
	return useChild(v.account, index, fn)
}

// AddressAt returns the address at index; any index but 0 needs the vault
// unlocked.
func (v *Vault) AddressAt(index uint32) (wire.Address, error) {
	if index == 0 {
		return v.blob.Address, nil
	}
	var a wire.Address
	err := v.WithKey(index, func(k *ecdsa.PrivateKey) error {
		a = ethkey.Address(&k.PublicKey)
		return nil
	})
	return a, err
}

// ExportMnemonic returns the mnemonic; it always needs the password.
func (v *Vault) ExportMnemonic(password string) (string, error) {
	return v.decrypt(password)
}

// ChangePassword re-encrypts the mnemonic under a new password (with fresh
// salt and nonce) and returns the new blob, which the caller stores. The
// vault itself switches to the new blob only once it is proven good.
func (v *Vault) ChangePassword(oldPassword, newPassword string) ([]byte, error) {
	m, err := v.decrypt(oldPassword)
	if err != nil {
		return nil, err
	}
	cfg := v.cfg
	cfg.KDF = KDFParams{Name: KDFName, Time: v.blob.KDF.Time, MemoryKiB: v.blob.KDF.MemoryKiB, Threads: v.blob.KDF.Threads}
	if uint64(cfg.KDF.Time)*uint64(cfg.KDF.MemoryKiB) < uint64(DefaultKDF.Time)*uint64(DefaultKDF.MemoryKiB) {
		cfg.KDF = DefaultKDF
	}
	raw, err := seal(m, newPassword, cfg)
	if err != nil {
		return nil, err
	}
	b, err := DecodeBlob(raw)
	if err != nil {
		return nil, err
	}
	v.mu.Lock()
	v.blob, v.raw = *b, append([]byte(nil), raw...)
	v.mu.Unlock()
	return raw, nil
}

// expireLocked locks the vault when it has been idle too long.
func (v *Vault) expireLocked() {
	if v.account == nil || v.cfg.IdleTimeout < 0 {
		return
	}
	if v.cfg.Clock().Sub(v.lastUse) >= v.cfg.IdleTimeout {
		v.lockLocked()
	}
}

func (v *Vault) touchLocked() {
	v.lastUse = v.cfg.Clock()
	if v.cfg.IdleTimeout < 0 {
		return
	}
	if v.timer == nil {
		v.timer = time.AfterFunc(v.cfg.IdleTimeout, v.onTimer)
	} else {
		v.timer.Reset(v.cfg.IdleTimeout)
	}
}

func (v *Vault) onTimer() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.expireLocked()
	if v.account != nil && v.timer != nil {
		// Not idle yet by the vault's clock: look again later.
		v.timer.Reset(v.cfg.IdleTimeout - v.cfg.Clock().Sub(v.lastUse))
	}
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}
