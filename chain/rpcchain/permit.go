package rpcchain

import (
	"context"
	"fmt"
	"math/big"

	"github.com/leash-wallet/leash/wire"
)

// selNonces is EIP-2612's nonces(address).
var selNonces = []byte{0x7e, 0xce, 0xbe, 0x00}

// PermitNonce reads an EIP-2612 token's next permit nonce of owner
// (nonces(owner), eth_call at the latest block). The answer must be
// exactly one 32-byte word.
func (c *Chain) PermitNonce(ctx context.Context, token, owner wire.Address) (*big.Int, error) {
	data := append(append([]byte(nil), selNonces...), word(owner[:])...)
	out, err := c.call(ctx, token, data, "latest", "nonces")
	if err != nil {
		return nil, err
	}
	return DecodePermitNonce(out)
}

// DecodePermitNonce decodes the return of nonces(address): exactly 32
// bytes (an empty answer is a token without the function, or no contract).
func DecodePermitNonce(out []byte) (*big.Int, error) {
	if len(out) != 32 {
		return nil, fmt.Errorf("%w: nonces(address) returned %d bytes, want 32", ErrBadAnswer, len(out))
	}
	return new(big.Int).SetBytes(out), nil
}
