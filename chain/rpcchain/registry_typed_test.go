package rpcchain

import (
	"errors"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/leash-wallet/leash/wire"
)

// TypedKeyID is its documented derivation, and above the BN254 scalar
// field, so no program commitment (a field element) can take its entry.
func TestTypedKeyID(t *testing.T) {
	h := crypto.Keccak256([]byte("leash.registry.typed-data-key.v1"))
	h[0] = 0xff
	if string(h) != string(TypedKeyID[:]) {
		t.Fatalf("TypedKeyID %x, the derivation gives %x", TypedKeyID, h)
	}
	if new(big.Int).SetBytes(TypedKeyID[:]).Cmp(fr.Modulus()) < 0 {
		t.Fatal("TypedKeyID is a field element")
	}
}

func TestCheckTypedKey(t *testing.T) {
	k, other := wire.Hash32{1}, wire.Hash32{2}
	for _, c := range []struct {
		e    ProgramEntry
		want error
	}{
		{ProgramEntry{VKHash: k}, nil},
		{ProgramEntry{}, wire.ErrUnknownPolicy},
		{ProgramEntry{VKHash: other}, wire.ErrUnknownPolicy},
		{ProgramEntry{VKHash: k, Revoked: true}, wire.ErrRevoked},
		{ProgramEntry{VKHash: other, Revoked: true}, wire.ErrRevoked},
	} {
		if err := c.e.CheckTypedKey(k); !errors.Is(err, c.want) && !(err == nil && c.want == nil) {
			t.Errorf("%+v: %v, want %v", c.e, err, c.want)
		}
	}
}

func TestPermitNonceSelector(t *testing.T) {
	if got := crypto.Keccak256([]byte("nonces(address)"))[:4]; string(got) != string(selNonces) {
		t.Fatalf("nonces(address) is %x, selNonces %x", got, selNonces)
	}
	for _, n := range []int{0, 31, 33, 64} {
		if _, err := DecodePermitNonce(make([]byte, n)); !errors.Is(err, ErrBadAnswer) {
			t.Errorf("%d bytes: %v", n, err)
		}
	}
	w := make([]byte, 32)
	w[31] = 7
	if v, err := DecodePermitNonce(w); err != nil || v.Int64() != 7 {
		t.Fatalf("%v %v", v, err)
	}
}

func FuzzDecodePermitNonce(f *testing.F) {
	f.Add(make([]byte, 32))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := DecodePermitNonce(b)
		if err != nil {
			return
		}
		if len(b) != 32 || n.Sign() < 0 || n.BitLen() > 256 {
			t.Fatalf("%x decoded to %v", b, n)
		}
	})
}
