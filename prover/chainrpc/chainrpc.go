// Package chainrpc reads what the agent-host daemon needs from any EVM
// JSON-RPC endpoint: the signer's pending nonce, fee suggestions, gas
// estimates and whether a transaction was mined. It implements
// daemon.Chain over go-ethereum's ethclient.
package chainrpc

import (
	"context"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/leash-wallet/leash/wire"
)

// Chain is a daemon.Chain over JSON-RPC.
type Chain struct{ c *ethclient.Client }

// Dial connects to url (http://, ws:// or an IPC path).
func Dial(ctx context.Context, url string) (*Chain, error) {
	c, err := ethclient.DialContext(ctx, url)
	if err != nil {
		return nil, err
	}
	return &Chain{c: c}, nil
}

// Close closes the connection.
func (c *Chain) Close() { c.c.Close() }

func (c *Chain) PendingNonce(ctx context.Context, a wire.Address) (uint64, error) {
	return c.c.PendingNonceAt(ctx, common.Address(a))
}

// SuggestFees returns maxFeePerGas = 2 × base fee + tip, and the tip.
func (c *Chain) SuggestFees(ctx context.Context) (*big.Int, *big.Int, error) {
	tip, err := c.c.SuggestGasTipCap(ctx)
	if err != nil {
		return nil, nil, err
	}
	if tip.Sign() == 0 {
		tip = big.NewInt(1)
	}
	head, err := c.c.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	base := head.BaseFee
	if base == nil {
		base = new(big.Int)
	}
	return new(big.Int).Add(new(big.Int).Mul(base, big.NewInt(2)), tip), tip, nil
}

func (c *Chain) EstimateGas(ctx context.Context, from wire.Address, tx *wire.Tx) (uint64, error) {
	to := common.Address(tx.To)
	return c.c.EstimateGas(ctx, ethereum.CallMsg{From: common.Address(from), To: &to, Value: tx.Value.Big(),
		Data: tx.Data, GasFeeCap: tx.MaxFeePerGas.Big(), GasTipCap: tx.MaxPriorityFeePerGas.Big()})
}

func (c *Chain) Mined(ctx context.Context, h wire.Hash32) (mined, reverted bool, err error) {
	r, err := c.c.TransactionReceipt(ctx, common.Hash(h))
	if errors.Is(err, ethereum.NotFound) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	return true, r.Status != types.ReceiptStatusSuccessful, nil
}

// Balance returns the account's native balance at the head.
func (c *Chain) Balance(ctx context.Context, a wire.Address) (*big.Int, error) {
	return c.c.BalanceAt(ctx, common.Address(a), nil)
}

// CallContract makes an eth_call at the head.
func (c *Chain) CallContract(ctx context.Context, to wire.Address, data []byte) ([]byte, error) {
	t := common.Address(to)
	return c.c.CallContract(ctx, ethereum.CallMsg{To: &t, Data: data}, nil)
}

// Eth is the underlying client (for chain/ethchain's program input reader).
func (c *Chain) Eth() *ethclient.Client { return c.c }
