package ethkey

import (
	"crypto/ecdsa"
	"encoding/hex"
	"errors"
	"math/big"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	decredecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"golang.org/x/crypto/sha3"

	"github.com/leash-wallet/leash/wire"
)

var (
	// ErrInvalidKey is a private key that is not a 32-byte scalar in [1, n−1].
	ErrInvalidKey = errors.New("ethkey: invalid secp256k1 private key")
	errHash       = errors.New("ethkey: the hash to sign must be 32 bytes")
	errCurve      = errors.New("ethkey: the private key is not on secp256k1")
)

// S256 is the secp256k1 curve of the keys this package makes.
func S256() *secp256k1.KoblitzCurve { return secp256k1.S256() }

// Keccak256 is the legacy Keccak-256 of the concatenated inputs.
func Keccak256(data ...[]byte) []byte {
	h := sha3.NewLegacyKeccak256()
	for _, b := range data {
		h.Write(b)
	}
	return h.Sum(nil)
}

// ToECDSA makes a private key from its 32-byte big-endian scalar.
func ToECDSA(d []byte) (*ecdsa.PrivateKey, error) {
	if len(d) != 32 {
		return nil, ErrInvalidKey
	}
	var s secp256k1.ModNScalar
	if overflow := s.SetByteSlice(d); overflow || s.IsZero() {
		s.Zero()
		return nil, ErrInvalidKey
	}
	priv := secp256k1.NewPrivateKey(&s)
	defer priv.Zero()
	s.Zero()
	pub := priv.PubKey()
	b := priv.Key.Bytes()
	defer clear(b[:])
	return &ecdsa.PrivateKey{
		PublicKey: ecdsa.PublicKey{Curve: S256(), X: pub.X(), Y: pub.Y()},
		D:         new(big.Int).SetBytes(b[:]),
	}, nil
}

// decredPub converts a public key on S256.
func decredPub(p *ecdsa.PublicKey) *secp256k1.PublicKey {
	var x, y secp256k1.FieldVal
	x.SetByteSlice(p.X.Bytes())
	y.SetByteSlice(p.Y.Bytes())
	return secp256k1.NewPublicKey(&x, &y)
}

// CompressPubkey is the 33-byte compressed encoding of a public key.
func CompressPubkey(p *ecdsa.PublicKey) []byte { return decredPub(p).SerializeCompressed() }

// Address is the Ethereum address of a public key: the last 20 bytes of the
// Keccak-256 of its uncompressed encoding without the 0x04 prefix.
func Address(p *ecdsa.PublicKey) wire.Address {
	var a wire.Address
	copy(a[:], Keccak256(decredPub(p).SerializeUncompressed()[1:])[12:])
	return a
}

// Sign makes a recoverable signature [R ‖ S ‖ V] (V ∈ {0, 1}) of a 32-byte
// hash: RFC 6979 nonces, low S.
func Sign(hash []byte, k *ecdsa.PrivateKey) ([]byte, error) {
	if len(hash) != 32 {
		return nil, errHash
	}
	if k == nil || k.D == nil || !onS256(k) {
		return nil, errCurve
	}
	var priv secp256k1.PrivateKey
	if overflow := priv.Key.SetByteSlice(k.D.Bytes()); overflow || priv.Key.IsZero() {
		priv.Zero()
		return nil, ErrInvalidKey
	}
	defer priv.Zero()
	sig := decredecdsa.SignCompact(&priv, hash, false) // [27+V ‖ R ‖ S]
	v := sig[0] - 27
	copy(sig, sig[1:])
	sig[64] = v
	return sig, nil
}

// onS256 reports whether k's curve is secp256k1 (this package's, or
// another implementation's such as go-ethereum's, by its parameters).
func onS256(k *ecdsa.PrivateKey) bool {
	if k.Curve == nil {
		return false
	}
	if c, ok := k.Curve.(*secp256k1.KoblitzCurve); ok && c == S256() {
		return true
	}
	p, want := k.Curve.Params(), S256().Params()
	return p != nil && p.P.Cmp(want.P) == 0 && p.N.Cmp(want.N) == 0 && p.B.Cmp(want.B) == 0 &&
		p.Gx.Cmp(want.Gx) == 0 && p.Gy.Cmp(want.Gy) == 0
}

// ChecksumHex is the EIP-55 mixed-case hex of an address.
func ChecksumHex(a wire.Address) string {
	lower := hex.EncodeToString(a[:])
	h := Keccak256([]byte(lower))
	out := []byte("0x" + lower)
	for i := 0; i < 40; i++ {
		c := out[2+i]
		nibble := h[i/2] >> 4
		if i%2 == 1 {
			nibble = h[i/2] & 0x0f
		}
		if c >= 'a' && c <= 'f' && nibble >= 8 {
			out[2+i] = c - 'a' + 'A'
		}
	}
	return string(out)
}
