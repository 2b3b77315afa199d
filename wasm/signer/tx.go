package signer

import (
	"crypto/ecdsa"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/leash-wallet/leash/circuits/wire"
)

// Signed is a signed transaction.
type Signed struct {
	RawTx  wire.Bytes   `json:"rawTx"`
	TxHash wire.Hash32  `json:"txHash"`
	From   wire.Address `json:"from"`
}

// EthTx builds the go-ethereum EIP-1559 transaction for t: every field of
// the proof's public inputs, with an empty access list.
func EthTx(t *wire.Tx) *types.Transaction {
	to := common.Address(t.To)
	return types.NewTx(&types.DynamicFeeTx{
		ChainID:   new(big.Int).SetUint64(uint64(t.ChainID)),
		Nonce:     uint64(t.Nonce),
		GasTipCap: t.MaxPriorityFeePerGas.Big(),
		GasFeeCap: t.MaxFeePerGas.Big(),
		Gas:       uint64(t.Gas),
		To:        &to,
		Value:     t.Value.Big(),
		Data:      append([]byte(nil), t.Data...),
	})
}

// SignTx signs t with key. A "from" in t must be key's address.
func SignTx(key *ecdsa.PrivateKey, t *wire.Tx) (*Signed, error) {
	if err := t.Check(); err != nil {
		return nil, err
	}
	from := wire.Address(crypto.PubkeyToAddress(key.PublicKey))
	if t.From != nil && *t.From != from {
		return nil, wire.Errorf(wire.Malformed, "transaction from %s is not this signer's account %s", t.From.Hex(), from.Hex())
	}
	chainID := new(big.Int).SetUint64(uint64(t.ChainID))
	signed, err := types.SignTx(EthTx(t), types.LatestSignerForChainID(chainID), key)
	if err != nil {
		return nil, wire.Errorf(wire.Internal, "sign: %v", err)
	}
	raw, err := signed.MarshalBinary()
	if err != nil {
		return nil, wire.Errorf(wire.Internal, "sign: %v", err)
	}
	return &Signed{RawTx: raw, TxHash: wire.Hash32(signed.Hash()), From: from}, nil
}
