package hdkey

import (
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/leash-wallet/leash/wasm/ethkey"
	"golang.org/x/crypto/ripemd160" //nolint:staticcheck // BIP-32 fingerprints are defined with RIPEMD-160.
)

// Hardened is the offset of hardened child indices (i ≥ 2^31).
const Hardened uint32 = 1 << 31

// MaxDepth is the deepest path BIP-32 serialization can express.
const MaxDepth = 255

// ErrInvalidKey reports a derived key that BIP-32 declares invalid
// (parse256(IL) ≥ n, or a zero key).
var ErrInvalidKey = errors.New("hdkey: derived key is invalid for secp256k1")

var curveN = ethkey.S256().Params().N

// Key is an extended private key: a secp256k1 scalar and a chain code, plus
// the metadata BIP-32 serializes.
type Key struct {
	key      [32]byte
	chain    [32]byte
	depth    uint8
	parentFP [4]byte
	index    uint32
	// pub is the compressed public key once CachePublicKey made it (not
	// secret; Wipe drops it).
	pub []byte
}

// NewMaster derives the master key from a seed of 16 to 64 bytes.
func NewMaster(seed []byte) (*Key, error) {
	if len(seed) < 16 || len(seed) > 64 {
		return nil, fmt.Errorf("hdkey: seed is %d bytes, want 16 to 64", len(seed))
	}
	mac := hmac.New(sha512.New, []byte("Bitcoin seed"))
	mac.Write(seed)
	sum := mac.Sum(nil)
	defer wipe(sum)
	if !validScalar(sum[:32]) {
		return nil, ErrInvalidKey
	}
	k := &Key{}
	copy(k.key[:], sum[:32])
	copy(k.chain[:], sum[32:])
	return k, nil
}

// Child derives child i (i ≥ Hardened for a hardened child).
func (k *Key) Child(i uint32) (*Key, error) {
	if k.depth == MaxDepth {
		return nil, fmt.Errorf("hdkey: depth exceeds %d", MaxDepth)
	}
	pub := k.pub
	if pub == nil {
		var err error
		if pub, err = k.PublicKey(); err != nil {
			return nil, err
		}
	}
	var data [37]byte
	if i >= Hardened {
		copy(data[1:33], k.key[:]) // 0x00 || ser256(kpar)
	} else {
		copy(data[:33], pub) // serP(point(kpar))
	}
	binary.BigEndian.PutUint32(data[33:], i)
	mac := hmac.New(sha512.New, k.chain[:])
	mac.Write(data[:])
	sum := mac.Sum(nil)
	wipe(data[:])
	defer wipe(sum)

	il := new(big.Int).SetBytes(sum[:32])
	if il.Cmp(curveN) >= 0 {
		return nil, ErrInvalidKey
	}
	kp := new(big.Int).SetBytes(k.key[:])
	il.Add(il, kp)
	il.Mod(il, curveN)
	kp.SetInt64(0)
	if il.Sign() == 0 {
		return nil, ErrInvalidKey
	}
	child := &Key{depth: k.depth + 1, index: i}
	il.FillBytes(child.key[:])
	il.SetInt64(0)
	copy(child.chain[:], sum[32:])
	copy(child.parentFP[:], hash160(pub)[:4])
	return child, nil
}

// DerivePath derives each index of path in turn from k, wiping every
// intermediate key. k itself is left intact.
func (k *Key) DerivePath(path []uint32) (*Key, error) {
	cur := k
	for _, i := range path {
		next, err := cur.Child(i)
		if cur != k {
			cur.Wipe()
		}
		if err != nil {
			return nil, err
		}
		cur = next
	}
	if cur == k {
		c := *k
		return &c, nil
	}
	return cur, nil
}

// EthereumPath is the BIP-44 path m/44'/60'/0'/0/index.
func EthereumPath(index uint32) []uint32 {
	return []uint32{44 + Hardened, 60 + Hardened, 0 + Hardened, 0, index}
}

// ParsePath parses "m/44'/60'/0'/0/0" (H is accepted for ').
func ParsePath(s string) ([]uint32, error) {
	parts := strings.Split(s, "/")
	if parts[0] != "m" {
		return nil, fmt.Errorf("hdkey: path %q must start with \"m\"", s)
	}
	if len(parts)-1 > MaxDepth {
		return nil, fmt.Errorf("hdkey: path is deeper than %d", MaxDepth)
	}
	out := make([]uint32, 0, len(parts)-1)
	for _, p := range parts[1:] {
		hard := strings.HasSuffix(p, "'") || strings.HasSuffix(p, "H") || strings.HasSuffix(p, "h")
		if hard {
			p = p[:len(p)-1]
		}
		if p == "" || (len(p) > 1 && p[0] == '0') || strings.ContainsAny(p, "+-") {
			return nil, fmt.Errorf("hdkey: bad path element %q in %q", p, s)
		}
		v, err := strconv.ParseUint(p, 10, 32)
		if err != nil || uint32(v) >= Hardened {
			return nil, fmt.Errorf("hdkey: path element %q in %q is out of range", p, s)
		}
		i := uint32(v)
		if hard {
			i += Hardened
		}
		out = append(out, i)
	}
	return out, nil
}

// PublicKey returns the 33-byte compressed public key.
func (k *Key) PublicKey() ([]byte, error) {
	priv, err := k.ECDSA()
	if err != nil {
		return nil, err
	}
	defer priv.D.SetInt64(0)
	return ethkey.CompressPubkey(&priv.PublicKey), nil
}

// CachePublicKey computes k's public key once, so that each Child of a
// key kept for many derivations (the vault's account key) saves a
// scalar multiplication. It is not safe concurrently with other uses of k.
func (k *Key) CachePublicKey() error {
	if k.pub != nil {
		return nil
	}
	pub, err := k.PublicKey()
	if err != nil {
		return err
	}
	k.pub = pub
	return nil
}

// ECDSA returns the key as a secp256k1 *ecdsa.PrivateKey (package ethkey). The caller should
// zero its D when done (priv.D.SetInt64(0)).
func (k *Key) ECDSA() (*ecdsa.PrivateKey, error) {
	priv, err := ethkey.ToECDSA(k.key[:])
	if err != nil {
		return nil, ErrInvalidKey
	}
	return priv, nil
}

// Scalar returns a copy of the 32-byte private scalar; the caller wipes it.
func (k *Key) Scalar() [32]byte { return k.key }

// Depth, Index and ChainCode expose the BIP-32 metadata.
func (k *Key) Depth() uint8        { return k.depth }
func (k *Key) Index() uint32       { return k.index }
func (k *Key) ChainCode() [32]byte { return k.chain }

// Wipe zeroes the key material.
func (k *Key) Wipe() {
	wipe(k.key[:])
	wipe(k.chain[:])
	k.pub = nil
}

// XPrv is the mainnet BIP-32 serialization of the private key.
func (k *Key) XPrv() string {
	var b [78]byte
	k.header(b[:], 0x0488ADE4)
	copy(b[46:], k.key[:]) // b[45] is the 0x00 pad
	defer wipe(b[:])
	return base58Check(b[:])
}

// XPub is the mainnet BIP-32 serialization of the public key.
func (k *Key) XPub() (string, error) {
	pub, err := k.PublicKey()
	if err != nil {
		return "", err
	}
	var b [78]byte
	k.header(b[:], 0x0488B21E)
	copy(b[45:], pub)
	return base58Check(b[:]), nil
}

func (k *Key) header(b []byte, version uint32) {
	binary.BigEndian.PutUint32(b[0:], version)
	b[4] = k.depth
	copy(b[5:9], k.parentFP[:])
	binary.BigEndian.PutUint32(b[9:], k.index)
	copy(b[13:45], k.chain[:])
}

func validScalar(b []byte) bool {
	v := new(big.Int).SetBytes(b)
	defer v.SetInt64(0)
	return v.Sign() > 0 && v.Cmp(curveN) < 0
}

func hash160(b []byte) []byte {
	s := sha256.Sum256(b)
	r := ripemd160.New()
	r.Write(s[:])
	return r.Sum(nil)
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}

const b58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// base58Check encodes payload || first 4 bytes of SHA-256d(payload).
func base58Check(payload []byte) string {
	a := sha256.Sum256(payload)
	c := sha256.Sum256(a[:])
	full := append(append([]byte{}, payload...), c[:4]...)
	defer wipe(full)
	zeros := 0
	for zeros < len(full) && full[zeros] == 0 {
		zeros++
	}
	// Repeated division of a big-endian byte string by 58.
	digits := make([]byte, 0, len(full)*138/100+1)
	num := append([]byte{}, full...)
	defer wipe(num)
	for start := zeros; start < len(num); {
		rem := 0
		for i := start; i < len(num); i++ {
			acc := rem*256 + int(num[i])
			num[i] = byte(acc / 58)
			rem = acc % 58
		}
		digits = append(digits, b58Alphabet[rem])
		for start < len(num) && num[start] == 0 {
			start++
		}
	}
	out := make([]byte, 0, zeros+len(digits))
	for i := 0; i < zeros; i++ {
		out = append(out, '1')
	}
	for i := len(digits) - 1; i >= 0; i-- {
		out = append(out, digits[i])
	}
	return string(out)
}
