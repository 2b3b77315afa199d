package signer

import (
	"bytes"
	"crypto/ecdsa"
	"math/big"
	"math/rand"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/leash-wallet/leash/wire"
)

// referenceSign is go-ethereum's own EIP-1559 signing.
func referenceSign(t *testing.T, key *ecdsa.PrivateKey, tx *wire.Tx) ([]byte, common.Hash) {
	t.Helper()
	to := common.Address(tx.To)
	chainID := new(big.Int).SetUint64(uint64(tx.ChainID))
	signed, err := types.SignTx(types.NewTx(&types.DynamicFeeTx{
		ChainID: chainID, Nonce: uint64(tx.Nonce), GasTipCap: tx.MaxPriorityFeePerGas.Big(),
		GasFeeCap: tx.MaxFeePerGas.Big(), Gas: uint64(tx.Gas), To: &to, Value: tx.Value.Big(), Data: tx.Data,
	}), types.LatestSignerForChainID(chainID), key)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := signed.MarshalBinary()
	return raw, signed.Hash()
}

func TestSignMatchesGoEthereum(t *testing.T) {
	key, _ := crypto.HexToECDSA("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
	q := func(s string) wire.Quantity { v, _ := new(big.Int).SetString(s, 0); return wire.NewQuantity(v) }
	base := wire.Tx{ChainID: 1337, Nonce: 0, To: wire.Address{0x70, 0x99}, Value: q("0"), Gas: 21000,
		MaxFeePerGas: q("2000000000"), MaxPriorityFeePerGas: q("1000000000")}
	var cases []wire.Tx
	for _, d := range [][]byte{nil, {0x00}, {0x7f}, {0x80}, bytes.Repeat([]byte{1}, 55), bytes.Repeat([]byte{2}, 56),
		bytes.Repeat([]byte{3}, 255), bytes.Repeat([]byte{4}, 256), bytes.Repeat([]byte{5}, 70000)} {
		c := base
		c.Data = d
		cases = append(cases, c)
	}
	for _, v := range []string{"1", "127", "128", "255", "256", "0xffffffffffffffff", "0x10000000000000000", "0xffffffffffffffffffffffffffffffff"} {
		c := base
		c.Value = q(v)
		c.MaxFeePerGas, c.MaxPriorityFeePerGas = q(v), q(v)
		cases = append(cases, c)
	}
	for _, n := range []uint64{1, 127, 128, 1 << 32, 1<<64 - 1} {
		c := base
		c.Nonce, c.ChainID, c.Gas = wire.Uint64(n), wire.Uint64(n), wire.Uint64(n)
		cases = append(cases, c)
	}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 200; i++ {
		c := base
		c.ChainID = wire.Uint64(rng.Uint64()>>uint(rng.Intn(64)) | 1)
		c.Nonce = wire.Uint64(rng.Uint64() >> uint(rng.Intn(64)))
		c.Gas = wire.Uint64(rng.Uint64()>>uint(rng.Intn(64)) | 1)
		rng.Read(c.To[:])
		c.Value = wire.NewQuantity(new(big.Int).Rsh(new(big.Int).SetUint64(rng.Uint64()), uint(rng.Intn(64))))
		fee := new(big.Int).Lsh(new(big.Int).SetUint64(rng.Uint64()), uint(rng.Intn(64)))
		c.MaxFeePerGas = wire.NewQuantity(fee)
		c.MaxPriorityFeePerGas = wire.NewQuantity(new(big.Int).Rsh(fee, uint(rng.Intn(8))))
		c.Data = make([]byte, rng.Intn(300))
		rng.Read(c.Data)
		cases = append(cases, c)
	}
	for i := range cases {
		tx := &cases[i]
		got, err := SignTx(key, tx)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		raw, hash := referenceSign(t, key, tx)
		if !bytes.Equal(got.RawTx, raw) || got.TxHash != wire.Hash32(hash) {
			t.Fatalf("case %d differs from go-ethereum:\n got %x\nwant %x", i, got.RawTx, raw)
		}
		if got.From.Hex() != "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266" {
			t.Fatalf("from %s", got.From.Hex())
		}
	}
}

func TestSignRefusesOtherFrom(t *testing.T) {
	key, _ := crypto.GenerateKey()
	other := wire.Address{9}
	tx := wire.Tx{ChainID: 1, Gas: 21000, From: &other}
	if _, err := SignTx(key, &tx); wire.CodeOf(err) != wire.Malformed {
		t.Fatalf("%v", err)
	}
	self := wire.Address(crypto.PubkeyToAddress(key.PublicKey))
	tx.From = &self
	if _, err := SignTx(key, &tx); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkSignTx(b *testing.B) {
	key, _ := crypto.GenerateKey()
	tx := wire.Tx{ChainID: 1337, Gas: 21000, Value: wire.QuantityFromUint64(1e17), MaxFeePerGas: wire.QuantityFromUint64(2e9)}
	for i := 0; i < b.N; i++ {
		if _, err := SignTx(key, &tx); err != nil {
			b.Fatal(err)
		}
	}
}
