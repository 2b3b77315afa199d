package userkey

import (
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/uuid"

	"github.com/leash-wallet/leash/internal/atomicfile"
	"github.com/leash-wallet/leash/wire"
)

// Bounds on a keystore's key derivation, checked before any work.
const (
	MaxScryptN      = 1 << 18 // go-ethereum's StandardScryptN: 256 MiB with r = 8
	MaxScryptP      = 8
	MaxScryptWork   = 1 << 20 // n·p
	MaxPBKDF2Rounds = 10_000_000
	// MaxKeystoreBytes bounds the file; real keystores are under 1 KiB,
	// ethers' with its x-ethers block under 2 KiB.
	MaxKeystoreBytes = 16 << 10
)

// Scrypt settings of the keystores WriteKeystore makes.
const (
	StandardScryptN = keystore.StandardScryptN // 2^18, p = 1: about a second and 256 MiB
	StandardScryptP = keystore.StandardScryptP
	LightScryptN    = keystore.LightScryptN // 2^12, p = 6: for tests and small machines
	LightScryptP    = keystore.LightScryptP
)

// keystoreDoc is a Web3 Secret Storage v3 document. "crypto" is the
// specification's name; ethers and MyEtherWallet write "Crypto". Exactly
// one of them must be present.
type keystoreDoc struct {
	Address   string          `json:"address,omitempty"`
	Crypto    *cryptoDoc      `json:"crypto,omitempty"`
	CryptoAlt *cryptoDoc      `json:"Crypto,omitempty"`
	ID        string          `json:"id"`
	Version   int             `json:"version"`
	XEthers   json.RawMessage `json:"x-ethers,omitempty"` // ethers' own metadata, ignored
}

type cryptoDoc struct {
	Cipher       string    `json:"cipher"`
	CipherText   string    `json:"ciphertext"`
	CipherParams ivDoc     `json:"cipherparams"`
	KDF          string    `json:"kdf"`
	KDFParams    kdfParams `json:"kdfparams"`
	MAC          string    `json:"mac"`
}

type ivDoc struct {
	IV string `json:"iv"`
}

type kdfParams struct {
	DKLen int    `json:"dklen"`
	Salt  string `json:"salt"`
	N     int    `json:"n,omitempty"`
	R     int    `json:"r,omitempty"`
	P     int    `json:"p,omitempty"`
	C     int    `json:"c,omitempty"`
	PRF   string `json:"prf,omitempty"`
}

// Keystore is a decoded keystore whose parameters are within bounds.
type Keystore struct {
	raw     []byte
	address *wire.Address // the unauthenticated "address" field, if any
}

func malformed(format string, args ...any) error {
	return wire.Errorf(wire.Malformed, "keystore: "+format, args...)
}

// DecodeKeystore strictly decodes a Web3 Secret Storage v3 document and
// checks every parameter against the bounds above. It derives nothing.
func DecodeKeystore(raw []byte) (*Keystore, error) {
	if len(raw) > MaxKeystoreBytes {
		return nil, malformed("%d bytes, the limit is %d", len(raw), MaxKeystoreBytes)
	}
	var d keystoreDoc
	if err := wire.DecodeStrict(raw, &d, "keystore"); err != nil {
		return nil, err
	}
	if d.Version != 3 {
		return nil, malformed("version %d, only version 3 is read", d.Version)
	}
	c := d.Crypto
	if (d.Crypto == nil) == (d.CryptoAlt == nil) {
		return nil, malformed(`exactly one of "crypto" and "Crypto" must be present`)
	}
	if c == nil {
		c = d.CryptoAlt
	}
	if _, err := uuid.Parse(d.ID); err != nil || len(d.ID) != 36 {
		return nil, malformed("id %q is not a UUID", d.ID)
	}
	if c.Cipher != "aes-128-ctr" {
		return nil, malformed("cipher %q, only aes-128-ctr is read", c.Cipher)
	}
	for _, f := range []struct {
		name, hex string
		min, max  int
	}{
		{"ciphertext", c.CipherText, 32, 32},
		{"cipherparams.iv", c.CipherParams.IV, 16, 16},
		{"mac", c.MAC, 32, 32},
		{"kdfparams.salt", c.KDFParams.Salt, 16, 64},
	} {
		b, err := hex.DecodeString(f.hex)
		if err != nil || len(b) < f.min || len(b) > f.max {
			return nil, malformed("%s must be %d to %d bytes of hex", f.name, f.min, f.max)
		}
	}
	k := c.KDFParams
	if k.DKLen != 32 {
		return nil, malformed("kdfparams.dklen %d, must be 32", k.DKLen)
	}
	switch c.KDF {
	case "scrypt":
		if k.C != 0 || k.PRF != "" {
			return nil, malformed("scrypt takes n, r, p, dklen and salt only")
		}
		if k.R != 8 || k.N < 2 || k.N > MaxScryptN || k.N&(k.N-1) != 0 || k.P < 1 || k.P > MaxScryptP || k.N*k.P > MaxScryptWork {
			return nil, malformed("scrypt n=%d r=%d p=%d is outside what is read (r = 8, n a power of two ≤ 2^18, 1 ≤ p ≤ 8, n·p ≤ 2^20)", k.N, k.R, k.P)
		}
	case "pbkdf2":
		if k.N != 0 || k.R != 0 || k.P != 0 {
			return nil, malformed("pbkdf2 takes c, prf, dklen and salt only")
		}
		if k.PRF != "hmac-sha256" || k.C < 1 || k.C > MaxPBKDF2Rounds {
			return nil, malformed("pbkdf2 prf=%q c=%d is outside what is read (hmac-sha256, 1 ≤ c ≤ 10^7)", k.PRF, k.C)
		}
	default:
		return nil, malformed("kdf %q, only scrypt and pbkdf2 are read", c.KDF)
	}
	ks := &Keystore{raw: raw}
	if d.Address != "" {
		a, err := wire.ParseAddress("0x" + strings.TrimPrefix(strings.ToLower(d.Address), "0x"))
		if err != nil {
			return nil, malformed("address %q is not an address", d.Address)
		}
		ks.address = &a
	}
	return ks, nil
}

// Decrypt derives the key with password. A wrong password is
// bad_password; a key whose address is not the file's "address" field is
// malformed.
func (ks *Keystore) Decrypt(password string) (*ecdsa.PrivateKey, error) {
	k, err := keystore.DecryptKey(ks.raw, password)
	if errors.Is(err, keystore.ErrDecrypt) {
		return nil, wire.Errorf(wire.BadPassword, "keystore: wrong password")
	}
	if err != nil {
		return nil, malformed("%v", err)
	}
	if ks.address != nil && *ks.address != wire.Address(k.Address) {
		zero(k.PrivateKey)
		return nil, malformed("the file's address field 0x%x is not its key's address %s", ks.address[:], k.Address.Hex())
	}
	return k.PrivateKey, nil
}

// encryptKeystore seals key under password.
func encryptKeystore(key *ecdsa.PrivateKey, password string, scryptN, scryptP int) ([]byte, error) {
	id, err := uuid.NewRandom()
	if err != nil {
		return nil, err
	}
	return keystore.EncryptKey(&keystore.Key{Id: id, Address: crypto.PubkeyToAddress(key.PublicKey), PrivateKey: key}, password, scryptN, scryptP)
}

// writeNew writes b to path with mode 0600 without ever replacing an
// existing file.
func writeNew(path string, b []byte) error {
	if err := atomicfile.Create(path, 0o600, atomicfile.Bytes(b)); err != nil {
		if errors.Is(err, os.ErrExist) {
			return wire.Errorf(wire.Malformed, "%s exists; leash never overwrites a keystore", path)
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// zero clears the words of a private key's scalar. (big.Int.SetInt64(0)
// alone only shortens the slice and leaves the words in memory.)
func zero(k *ecdsa.PrivateKey) {
	if k == nil {
		return
	}
	//lint:ignore SA1019 clearing the scalar's words is the point; a secp256k1 key has no other form
	d := k.D
	if d != nil {
		clear(d.Bits())
		d.SetInt64(0)
	}
}
