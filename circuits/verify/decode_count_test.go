package verify

import (
	"encoding/binary"
	"errors"
	"testing"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"

	"github.com/leash-wallet/leash/wire"
)

// A 164-byte proof whose commitment count claims 2³¹ points must be refused,
// not handed to gnark's decoder (which would allocate them all and abort the
// process).
func TestDecodeProofHugeCommitmentCount(t *testing.T) {
	_, _, g1, g2 := bn254.Generators()
	a, b := g1.Bytes(), g2.Bytes()
	p := make([]byte, 0, ProofSize)
	p = append(p, a[:]...)
	p = append(p, b[:]...)
	p = append(p, a[:]...)
	p = binary.BigEndian.AppendUint32(p, 0x80000000)
	p = append(p, 0x40)
	p = append(p, make([]byte, 31)...)
	if _, err := DecodeProof(p); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("got %v, want malformed", err)
	}
}
