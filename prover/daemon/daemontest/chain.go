package daemontest

import (
	"context"
	"encoding/binary"
	"math/big"
	"sync"

	"github.com/leash-wallet/leash/wire"
)

// Chain is a fake daemon.Chain and daemon.Reader: fixed fees and gas, a
// transaction mined on the second look, native balances and ERC-20 tokens
// (decimals, symbol, balanceOf) set by the test.
type Chain struct {
	Mu       sync.Mutex
	Nonce    uint64
	Balances map[wire.Address]*big.Int
	Tokens   map[wire.Address]FakeToken
	Fail     error // returned by every read when set
	Revert   bool  // transactions revert when mined
	looks    map[wire.Hash32]int
}

// FakeToken is an ERC-20 token of the fake chain.
type FakeToken struct {
	Decimals uint8
	Symbol   string
	Balances map[wire.Address]*big.Int
}

// NewChain returns an empty fake chain.
func NewChain() *Chain {
	return &Chain{Balances: map[wire.Address]*big.Int{}, Tokens: map[wire.Address]FakeToken{}, looks: map[wire.Hash32]int{}}
}

func (c *Chain) PendingNonce(context.Context, wire.Address) (uint64, error) {
	c.Mu.Lock()
	defer c.Mu.Unlock()
	return c.Nonce, c.Fail
}

func (c *Chain) SuggestFees(context.Context) (*big.Int, *big.Int, error) {
	return big.NewInt(2e9), big.NewInt(1e9), c.err()
}

func (c *Chain) EstimateGas(context.Context, wire.Address, *wire.Tx) (uint64, error) {
	return 60000, c.err()
}

func (c *Chain) Mined(_ context.Context, h wire.Hash32) (bool, bool, error) {
	c.Mu.Lock()
	defer c.Mu.Unlock()
	c.looks[h]++
	return c.looks[h] > 1, c.Revert, c.Fail
}

func (c *Chain) Balance(_ context.Context, a wire.Address) (*big.Int, error) {
	c.Mu.Lock()
	defer c.Mu.Unlock()
	if v := c.Balances[a]; v != nil {
		return new(big.Int).Set(v), c.Fail
	}
	return new(big.Int), c.Fail
}

// CallContract answers decimals(), symbol() and balanceOf(address).
func (c *Chain) CallContract(_ context.Context, to wire.Address, data []byte) ([]byte, error) {
	c.Mu.Lock()
	defer c.Mu.Unlock()
	if c.Fail != nil {
		return nil, c.Fail
	}
	t, ok := c.Tokens[to]
	if !ok || len(data) < 4 {
		return nil, nil // no code: an empty answer
	}
	word := make([]byte, 32)
	switch binary.BigEndian.Uint32(data) {
	case 0x313ce567:
		word[31] = t.Decimals
		return word, nil
	case 0x95d89b41:
		out := make([]byte, 96)
		out[31] = 32
		out[63] = byte(len(t.Symbol))
		copy(out[64:], t.Symbol)
		return out, nil
	case 0x70a08231:
		if len(data) != 36 {
			return nil, nil
		}
		var a wire.Address
		copy(a[:], data[16:36])
		if v := t.Balances[a]; v != nil {
			v.FillBytes(word)
		}
		return word, nil
	}
	return nil, nil
}

func (c *Chain) err() error {
	c.Mu.Lock()
	defer c.Mu.Unlock()
	return c.Fail
}
