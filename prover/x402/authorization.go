package x402

import (
	"encoding/json"
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/leash-wallet/leash/wasm/eip712"
)

// Authorization is an EIP-3009 TransferWithAuthorization: the message the
// payer signs, and the `authorization` object of the x402 payload (every
// value a string, addresses EIP-55, the nonce 0x-hex).
type Authorization struct {
	From        common.Address
	To          common.Address
	Value       *big.Int
	ValidAfter  uint64 // unix seconds; the token requires block.timestamp > ValidAfter
	ValidBefore uint64 // unix seconds; the token requires block.timestamp < ValidBefore
	Nonce       [32]byte
}

// Domain is the token's EIP-712 domain as USDC defines it.
type Domain struct {
	Name              string
	Version           string
	ChainID           uint64
	VerifyingContract common.Address
}

type authorizationJSON struct {
	From        string `json:"from"`
	To          string `json:"to"`
	Value       string `json:"value"`
	ValidAfter  string `json:"validAfter"`
	ValidBefore string `json:"validBefore"`
	Nonce       string `json:"nonce"`
}

func (a *Authorization) json() authorizationJSON {
	return authorizationJSON{
		From: a.From.Hex(), To: a.To.Hex(), Value: a.Value.String(),
		ValidAfter:  new(big.Int).SetUint64(a.ValidAfter).String(),
		ValidBefore: new(big.Int).SetUint64(a.ValidBefore).String(),
		Nonce:       "0x" + common.Bytes2Hex(a.Nonce[:]),
	}
}

// TransferWithAuthorizationFields are the EIP-3009 struct's members.
var TransferWithAuthorizationFields = []eip712.Field{
	{Name: "from", Type: "address"}, {Name: "to", Type: "address"}, {Name: "value", Type: "uint256"},
	{Name: "validAfter", Type: "uint256"}, {Name: "validBefore", Type: "uint256"}, {Name: "nonce", Type: "bytes32"},
}

var domainFields = []eip712.Field{
	{Name: "name", Type: "string"}, {Name: "version", Type: "string"},
	{Name: "chainId", Type: "uint256"}, {Name: "verifyingContract", Type: "address"},
}

// TypedData is the eth_signTypedData_v4 document of a, under d: what the
// Signer is asked to sign. The document is deterministic (sorted keys).
func TypedData(d Domain, a *Authorization) []byte {
	doc := struct {
		Types       map[string][]eip712.Field `json:"types"`
		PrimaryType string                    `json:"primaryType"`
		Domain      any                       `json:"domain"`
		Message     authorizationJSON         `json:"message"`
	}{
		Types: map[string][]eip712.Field{
			"EIP712Domain":              domainFields,
			"TransferWithAuthorization": TransferWithAuthorizationFields,
		},
		PrimaryType: "TransferWithAuthorization",
		Domain: struct {
			Name              string `json:"name"`
			Version           string `json:"version"`
			ChainID           uint64 `json:"chainId"`
			VerifyingContract string `json:"verifyingContract"`
		}{d.Name, d.Version, d.ChainID, d.VerifyingContract.Hex()},
		Message: a.json(),
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err) // only strings and numbers
	}
	return b
}

// Digest is the EIP-712 hash of doc as the signer core computes it
// (wasm/eip712, which agrees with MetaMask's eth-sig-util).
func Digest(doc []byte) ([32]byte, error) {
	td, err := eip712.Decode(doc, eip712.V4)
	if err != nil {
		return [32]byte{}, err
	}
	return td.Hash(), nil
}
