package ethkey

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

var n = crypto.S256().Params().N

func scalar(v *big.Int) []byte { return v.FillBytes(make([]byte, 32)) }

// keys: edge scalars and random ones.
func keys(t *testing.T) [][]byte {
	out := [][]byte{
		scalar(big.NewInt(1)), scalar(big.NewInt(2)),
		scalar(new(big.Int).Sub(n, big.NewInt(1))), scalar(new(big.Int).Lsh(big.NewInt(1), 255-4)),
	}
	for i := 0; i < 200; i++ {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			t.Fatal(err)
		}
		if new(big.Int).SetBytes(b).Cmp(n) < 0 {
			out = append(out, b)
		}
	}
	return out
}

func TestSameAsGoEthereum(t *testing.T) {
	for i, d := range keys(t) {
		want, err := crypto.ToECDSA(d)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ToECDSA(d)
		if err != nil {
			t.Fatalf("key %d: %v", i, err)
		}
		if got.D.Cmp(want.D) != 0 || got.X.Cmp(want.X) != 0 || got.Y.Cmp(want.Y) != 0 {
			t.Fatalf("key %d: point differs", i)
		}
		if !bytes.Equal(CompressPubkey(&got.PublicKey), crypto.CompressPubkey(&want.PublicKey)) {
			t.Fatalf("key %d: compressed key differs", i)
		}
		addr := Address(&got.PublicKey)
		if common.Address(addr) != crypto.PubkeyToAddress(want.PublicKey) {
			t.Fatalf("key %d: address differs", i)
		}
		if ChecksumHex(addr) != crypto.PubkeyToAddress(want.PublicKey).Hex() {
			t.Fatalf("key %d: EIP-55 %s, go-ethereum %s", i, ChecksumHex(addr), crypto.PubkeyToAddress(want.PublicKey).Hex())
		}
		for j := 0; j < 3; j++ {
			h := crypto.Keccak256(d, []byte{byte(j)})
			if j == 2 {
				h = bytes.Repeat([]byte{0xff}, 32)
			}
			ws, err := crypto.Sign(h, want)
			if err != nil {
				t.Fatal(err)
			}
			gs, err := Sign(h, got)
			if err != nil {
				t.Fatal(err)
			}
			// A hash ≥ n (probability about 2^-128 for a Keccak output) is
			// where libsecp256k1 (go-ethereum with cgo) and decred (go-ethereum
			// without cgo, the WASM build) derive different RFC 6979 nonces;
			// both signatures are valid, and ours is decred's.
			if new(big.Int).SetBytes(h).Cmp(n) < 0 && !bytes.Equal(gs, ws) {
				t.Fatalf("key %d hash %d: signature %x, go-ethereum %x", i, j, gs, ws)
			}
			pub, err := crypto.SigToPub(h, gs)
			if err != nil || crypto.PubkeyToAddress(*pub) != common.Address(addr) || !crypto.ValidateSignatureValues(gs[64], new(big.Int).SetBytes(gs[:32]), new(big.Int).SetBytes(gs[32:64]), true) {
				t.Fatalf("key %d: signature does not recover the signer: %v", i, err)
			}
		}
	}
	if !bytes.Equal(Keccak256([]byte("a"), []byte("bc")), crypto.Keccak256([]byte("abc"))) || !bytes.Equal(Keccak256(), crypto.Keccak256()) {
		t.Fatal("keccak differs")
	}
}

func TestRefusals(t *testing.T) {
	for _, d := range [][]byte{nil, make([]byte, 31), make([]byte, 33), make([]byte, 32), scalar(n), bytes.Repeat([]byte{0xff}, 32)} {
		if _, err := ToECDSA(d); err != ErrInvalidKey {
			t.Errorf("key %x: %v", d, err)
		}
	}
	k, _ := ToECDSA(scalar(big.NewInt(7)))
	if _, err := Sign(make([]byte, 31), k); err == nil {
		t.Error("short hash signed")
	}
	other, _ := crypto.GenerateKey()
	if _, err := Sign(make([]byte, 32), other); err != nil {
		t.Errorf("a go-ethereum key: %v", err)
	}
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if _, err := Sign(make([]byte, 32), p256); err != errCurve {
		t.Errorf("a P-256 key: %v", err)
	}
	other.Curve = nil
	if _, err := Sign(make([]byte, 32), other); err != errCurve {
		t.Error("key without a curve signed")
	}
	bad := *k
	bad.D = new(big.Int).Set(n)
	if _, err := Sign(make([]byte, 32), &bad); err != ErrInvalidKey {
		t.Errorf("scalar n signed: %v", err)
	}
}
