package ethchain

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/leash-wallet/leash/chain/rpcchain"
	"github.com/leash-wallet/leash/circuits/program"
)

// Reader is a program.Chain over an ethclient.Client: package rpcchain's
// reads, over go-ethereum's JSON-RPC client.
type Reader struct {
	*rpcchain.Chain
	c *ethclient.Client
}

var _ program.Chain = (*Reader)(nil)

// New returns a Reader over c.
func New(c *ethclient.Client) *Reader {
	return &Reader{Chain: rpcchain.New(Transport(c.Client())), c: c}
}

// Dial connects to an RPC URL.
func Dial(ctx context.Context, url string) (*Reader, error) {
	c, err := ethclient.DialContext(ctx, url)
	if err != nil {
		return nil, err
	}
	return New(c), nil
}

// Close closes the underlying client.
func (r *Reader) Close() { r.c.Close() }

// Transport adapts go-ethereum's RPC client to rpcchain.Call; JSON-RPC
// error objects become *rpcchain.Error.
func Transport(c *rpc.Client) rpcchain.Call {
	return func(ctx context.Context, method string, params []any) (json.RawMessage, error) {
		var raw json.RawMessage
		if err := c.CallContext(ctx, &raw, method, params...); err != nil {
			var rerr rpc.Error
			if errors.As(err, &rerr) {
				return nil, &rpcchain.Error{Code: rerr.ErrorCode(), Message: rerr.Error()}
			}
			return nil, err
		}
		return raw, nil
	}
}
