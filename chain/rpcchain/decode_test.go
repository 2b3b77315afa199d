package rpcchain_test

import (
	"bytes"
	"math/big"
	"testing"

	"github.com/leash-wallet/leash/chain/rpcchain"
)

func word(v *big.Int) []byte {
	b := make([]byte, 32)
	if v.Sign() < 0 {
		v = new(big.Int).Add(v, new(big.Int).Lsh(big.NewInt(1), 256))
	}
	return v.FillBytes(b)
}

func roundData(id, answer *big.Int) []byte {
	return bytes.Join([][]byte{word(id), word(answer), word(big.NewInt(7)), word(big.NewInt(8)), word(id)}, nil)
}

func TestDecodeRound(t *testing.T) {
	r, err := rpcchain.DecodeRound(roundData(big.NewInt(5), big.NewInt(3000_00000000)))
	if err != nil || r.ID.Int64() != 5 || r.Answer.Int64() != 3000_00000000 || r.UpdatedAt != 8 {
		t.Fatalf("%+v %v", r, err)
	}
	r, err = rpcchain.DecodeRound(roundData(big.NewInt(5), big.NewInt(-42)))
	if err != nil || r.Answer.Int64() != -42 {
		t.Fatalf("negative answer: %+v %v", r, err)
	}
	for _, bad := range [][]byte{nil, make([]byte, 159), make([]byte, 161),
		roundData(new(big.Int).Lsh(big.NewInt(1), 80), big.NewInt(1))} {
		if _, err := rpcchain.DecodeRound(bad); err == nil {
			t.Errorf("accepted %x", bad)
		}
	}
}

// FuzzDecodeRound: return data from the RPC is hostile; nothing panics and
// whatever decodes is in range.
func FuzzDecodeRound(f *testing.F) {
	f.Add(roundData(big.NewInt(5), big.NewInt(3000_00000000)))
	f.Add(roundData(big.NewInt(1), big.NewInt(-1)))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := rpcchain.DecodeRound(b)
		if err != nil {
			return
		}
		if r.ID.BitLen() > 80 || r.Answer.BitLen() > 256 {
			t.Fatalf("out of range %+v", r)
		}
	})
}
