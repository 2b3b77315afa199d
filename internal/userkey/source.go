package userkey

import (
	"crypto/ecdsa"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/leash-wallet/leash/wasm/ethkey"
	"github.com/leash-wallet/leash/wasm/hdkey"
	"github.com/leash-wallet/leash/wasm/vault"
	"github.com/leash-wallet/leash/wire"
)

// EnvPassword names the environment variable a keystore's password is read
// from; when it is unset the password is asked for on the terminal.
const EnvPassword = "LEASH_KEYSTORE_PASSWORD"

// Stdin is the MnemonicFile value that reads standard input.
const Stdin = "-"

// maxMnemonicBytes bounds a mnemonic read from a file or standard input (24
// words of at most 8 letters, with generous spacing).
const maxMnemonicBytes = 4 << 10

// PasswordFunc returns a password. confirm asks for it twice (a new
// keystore).
type PasswordFunc func(prompt string, confirm bool) (string, error)

// Source says where the user's key comes from: exactly one of MnemonicFile
// and Keystore. The zero values of the other fields are the defaults.
type Source struct {
	MnemonicFile string // a file holding the mnemonic, or "-" for standard input
	Keystore     string // a Web3 Secret Storage v3 file
	Index        uint64 // with MnemonicFile: the key at m/44'/60'/0'/0/Index

	Stdin    io.Reader    // default os.Stdin
	Password PasswordFunc // default: $LEASH_KEYSTORE_PASSWORD, else a terminal prompt
}

// Check reports a usage error in the choice of source, without reading
// anything.
func (s Source) Check() error {
	switch {
	case (s.MnemonicFile == "") == (s.Keystore == ""):
		return wire.Errorf(wire.Malformed, "give exactly one of --mnemonic-file (a file, or - for standard input) and --keystore")
	case s.Keystore != "" && s.Index != 0:
		return wire.Errorf(wire.Malformed, "--index applies to a mnemonic; a keystore holds one account")
	case s.Index >= uint64(hdkey.Hardened):
		return wire.Errorf(wire.Malformed, "--index %d: must be below 2^31", s.Index)
	}
	return nil
}

// Key is an opened key source. Close it when done.
type Key struct {
	mnemonic string            // normalized; a mnemonic source
	index    uint32            // with mnemonic
	priv     *ecdsa.PrivateKey // a keystore source
	address  wire.Address
}

// Open reads the mnemonic (checking its words and checksum) or decrypts the
// keystore.
func (s Source) Open() (*Key, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	if s.Keystore != "" {
		return s.openKeystore()
	}
	words, err := s.readMnemonic()
	if err != nil {
		return nil, err
	}
	m, err := vault.NormalizeMnemonic(words)
	if err != nil {
		return nil, wire.Errorf(wire.Malformed, "mnemonic (%s): %s", s.mnemonicName(), wire.MessageOf(err))
	}
	a, err := vault.Address(m, uint32(s.Index))
	if err != nil {
		return nil, err
	}
	return &Key{mnemonic: m, index: uint32(s.Index), address: a}, nil
}

func (s Source) mnemonicName() string {
	if s.MnemonicFile == Stdin {
		return "standard input"
	}
	return s.MnemonicFile
}

func (s Source) readMnemonic() (string, error) {
	b, err := ReadMnemonic(s.MnemonicFile, s.Stdin)
	defer clear(b)
	return string(b), err
}

// ReadMnemonic reads the words of a mnemonic from a file, or for "-" from
// stdin (default os.Stdin; on a terminal, a prompt without echo), at most
// 4 KiB. Clear the bytes after use.
func ReadMnemonic(path string, stdin io.Reader) ([]byte, error) {
	name := path
	var r io.Reader
	if path == Stdin {
		name, r = "standard input", stdin
		if r == nil {
			if isTerminal(os.Stdin) {
				s, err := promptTerminal("Mnemonic (not echoed): ")
				return []byte(s), err
			}
			r = os.Stdin
		}
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, wire.Errorf(wire.Malformed, "mnemonic file: %w", err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxMnemonicBytes+1))
	if err != nil {
		clear(b)
		return nil, wire.Errorf(wire.Malformed, "mnemonic (%s): %v", name, err)
	}
	if len(b) > maxMnemonicBytes {
		clear(b)
		return nil, wire.Errorf(wire.Malformed, "mnemonic (%s): more than %d bytes", name, maxMnemonicBytes)
	}
	return b, nil
}

func (s Source) openKeystore() (*Key, error) {
	f, err := os.Open(s.Keystore)
	if err != nil {
		return nil, wire.Errorf(wire.Malformed, "keystore file: %w", err)
	}
	raw, err := io.ReadAll(io.LimitReader(f, MaxKeystoreBytes+1))
	f.Close()
	if err != nil {
		return nil, wire.Errorf(wire.Malformed, "keystore (%s): %v", s.Keystore, err)
	}
	ks, err := DecodeKeystore(raw)
	if err != nil {
		return nil, wire.Errorf(wire.CodeOf(err), "%s: %s", s.Keystore, wire.MessageOf(err))
	}
	pw, err := s.password()(fmt.Sprintf("Password of %s: ", s.Keystore), false)
	if err != nil {
		return nil, err
	}
	priv, err := ks.Decrypt(pw)
	if err != nil {
		return nil, wire.Errorf(wire.CodeOf(err), "%s: %s", s.Keystore, wire.MessageOf(err))
	}
	return &Key{priv: priv, address: ethkey.Address(&priv.PublicKey)}, nil
}

func (s Source) password() PasswordFunc {
	if s.Password != nil {
		return s.Password
	}
	return EnvOrPrompt
}

// EnvOrPrompt is the default PasswordFunc: $LEASH_KEYSTORE_PASSWORD when
// set, else a prompt on the terminal (twice when confirming).
func EnvOrPrompt(prompt string, confirm bool) (string, error) {
	if pw, ok := os.LookupEnv(EnvPassword); ok {
		return pw, nil
	}
	pw, err := promptTerminal(prompt)
	if err != nil || !confirm {
		return pw, err
	}
	again, err := promptTerminal("Again: ")
	if err != nil {
		return "", err
	}
	if again != pw {
		return "", wire.Errorf(wire.BadPassword, "the two passwords differ")
	}
	return pw, nil
}

// Address is the key's address.
func (k *Key) Address() wire.Address { return k.address }

// Path is the key's derivation path, or "" for a keystore key.
func (k *Key) Path() string {
	if k.priv != nil {
		return ""
	}
	return fmt.Sprintf("m/44'/60'/0'/0/%d", k.index)
}

// With calls fn with the private key. A mnemonic's key is derived for the
// call and zeroed after it.
func (k *Key) With(fn func(*ecdsa.PrivateKey) error) error {
	if k.priv != nil {
		return fn(k.priv)
	}
	if k.mnemonic == "" {
		return wire.Errorf(wire.Internal, "userkey: the key is closed")
	}
	return vault.WithMnemonicKey(k.mnemonic, k.index, fn)
}

// Close zeroes a keystore's key and forgets the mnemonic.
func (k *Key) Close() {
	zero(k.priv)
	k.priv = nil
	k.mnemonic = ""
}

// WriteKeystore seals the source's key into a new keystore file at path
// (never replacing a file), with a password asked for twice, and returns
// the key's address. scryptN and scryptP are StandardScryptN/P or
// LightScryptN/P.
func WriteKeystore(src Source, path string, scryptN, scryptP int) (wire.Address, error) {
	if _, err := os.Lstat(path); err == nil {
		return wire.Address{}, wire.Errorf(wire.Malformed, "%s exists; leash never overwrites a keystore", path)
	}
	key, err := src.Open()
	if err != nil {
		return wire.Address{}, err
	}
	defer key.Close()
	pw, err := src.password()(fmt.Sprintf("New password for %s: ", path), true)
	if err != nil {
		return wire.Address{}, err
	}
	if strings.TrimSpace(pw) == "" {
		return wire.Address{}, wire.Errorf(wire.BadPassword, "an empty password would leave the key readable by anyone with the file")
	}
	var blob []byte
	err = key.With(func(p *ecdsa.PrivateKey) error {
		var err error
		blob, err = encryptKeystore(p, pw, scryptN, scryptP)
		return err
	})
	if err != nil {
		return wire.Address{}, err
	}
	return key.Address(), writeNew(path, blob)
}
