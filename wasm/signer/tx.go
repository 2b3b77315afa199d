package signer

import (
	"crypto/ecdsa"
	"math/big"

	"github.com/leash-wallet/leash/wasm/ethkey"

	"github.com/leash-wallet/leash/wire"
)

// Signed is a signed transaction.
type Signed struct {
	RawTx  wire.Bytes   `json:"rawTx"`
	TxHash wire.Hash32  `json:"txHash"`
	From   wire.Address `json:"from"`
}

// SignTx signs t as an EIP-1559 (type 2) transaction with an empty access
// list, the exact fields the proof binds. A "from" in t must be key's
// address.
//
// The encoding is written here (rlp.go) rather than taken from go-ethereum's
// core/types: that package links the KZG and BLS12-381 code of blob
// transactions, about 400 KB of gzipped WebAssembly the signer never uses.
// The tests prove the output byte for byte equal to go-ethereum's
// types.SignTx with types.LatestSignerForChainID over a table of edge cases
// and random transactions, and decode it with ethers v6.
func SignTx(key *ecdsa.PrivateKey, t *wire.Tx) (*Signed, error) {
	return signTx(key, t, false)
}

// signTx signs t; with create, "to" is left empty (a contract creation,
// only ever for the user's own transactions: SignUser).
func signTx(key *ecdsa.PrivateKey, t *wire.Tx, create bool) (*Signed, error) {
	if err := t.Check(); err != nil {
		return nil, err
	}
	from := ethkey.Address(&key.PublicKey)
	if t.From != nil && *t.From != from {
		return nil, wire.Errorf(wire.Malformed, "transaction from %s is not this signer's account %s", t.From.Hex(), from.Hex())
	}
	sig, err := ethkey.Sign(ethkey.Keccak256(encode1559(t, create, nil)), key)
	if err != nil {
		return nil, wire.Errorf(wire.Internal, "sign: %v", err)
	}
	r := new(big.Int).SetBytes(sig[:32])
	s := new(big.Int).SetBytes(sig[32:64])
	raw := encode1559(t, create, &signature{v: uint64(sig[64]), r: r, s: s})
	var h wire.Hash32
	copy(h[:], ethkey.Keccak256(raw))
	return &Signed{RawTx: raw, TxHash: h, From: from}, nil
}

// SigningHash is keccak256(0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas,
// maxFeePerGas, gas, to, value, data, accessList])), the EIP-1559 sighash.
func SigningHash(t *wire.Tx) []byte {
	return ethkey.Keccak256(encode1559(t, false, nil))
}

type signature struct {
	v    uint64
	r, s *big.Int
}

// encode1559 is the EIP-2718 envelope 0x02 ‖ rlp(fields[, v, r, s]).
func encode1559(t *wire.Tx, create bool, sig *signature) []byte {
	var e rlpList
	e.uint(uint64(t.ChainID))
	e.uint(uint64(t.Nonce))
	e.big(&t.MaxPriorityFeePerGas.Int)
	e.big(&t.MaxFeePerGas.Int)
	e.uint(uint64(t.Gas))
	if create {
		e.bytes(nil)
	} else {
		e.bytes(t.To[:])
	}
	e.big(&t.Value.Int)
	e.bytes(t.Data)
	e.emptyList() // accessList
	if sig != nil {
		e.uint(sig.v)
		e.big(sig.r)
		e.big(sig.s)
	}
	return append([]byte{0x02}, e.finish()...)
}
