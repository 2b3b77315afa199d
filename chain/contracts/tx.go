package contracts

import (
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"
)

// ErrReverted reports a transaction that was mined with status 0, or a call
// or gas estimate that the EVM reverted.
var ErrReverted = errors.New("execution reverted")

// Sender signs EIP-1559 transactions with one key and sends them, numbering
// the nonces itself so that several transactions can be in flight at once.
// It is not safe for concurrent use.
type Sender struct {
	rpc     *ethclient.Client
	key     *ecdsa.PrivateKey
	From    common.Address
	ChainID *big.Int
	nonce   uint64
}

// NewSender reads the chain id and the pending nonce of key's account.
func NewSender(ctx context.Context, rpc *ethclient.Client, key *ecdsa.PrivateKey) (*Sender, error) {
	if key == nil {
		return nil, errors.New("nil private key")
	}
	chainID, err := rpc.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("eth_chainId: %w", err)
	}
	from := crypto.PubkeyToAddress(key.PublicKey)
	nonce, err := rpc.PendingNonceAt(ctx, from)
	if err != nil {
		return nil, fmt.Errorf("eth_getTransactionCount: %w", err)
	}
	return &Sender{rpc: rpc, key: key, From: from, ChainID: chainID, nonce: nonce}, nil
}

// Nonce is the nonce the next Send will use.
func (s *Sender) Nonce() uint64 { return s.nonce }

// Send estimates gas against the latest state, signs a type-2 transaction
// to `to` (nil creates a contract) and sends it. The fee cap is twice the
// latest base fee plus the suggested tip. It does not wait for mining.
// A revert during estimation is reported as ErrReverted with the revert data.
func (s *Sender) Send(ctx context.Context, to *common.Address, value *big.Int, data []byte) (*types.Transaction, error) {
	if value == nil {
		value = new(big.Int)
	}
	head, err := s.rpc.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("latest header: %w", err)
	}
	if head.BaseFee == nil {
		return nil, errors.New("chain has no EIP-1559 base fee")
	}
	tip, err := s.rpc.SuggestGasTipCap(ctx)
	if err != nil {
		return nil, fmt.Errorf("eth_maxPriorityFeePerGas: %w", err)
	}
	if tip.Sign() == 0 {
		tip = big.NewInt(1) // nodes refuse a zero tip (txpool price limit)
	}
	feeCap := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip)
	gas, err := s.rpc.EstimateGas(ctx, ethereum.CallMsg{
		From: s.From, To: to, Value: value, Data: data, GasFeeCap: feeCap, GasTipCap: tip,
	})
	if err != nil {
		return nil, CallError("eth_estimateGas", err)
	}
	tx, err := types.SignNewTx(s.key, types.LatestSignerForChainID(s.ChainID), &types.DynamicFeeTx{
		ChainID: s.ChainID, Nonce: s.nonce, GasTipCap: tip, GasFeeCap: feeCap,
		Gas: gas, To: to, Value: value, Data: data,
	})
	if err != nil {
		return nil, err
	}
	if err := s.rpc.SendTransaction(ctx, tx); err != nil {
		return nil, fmt.Errorf("eth_sendRawTransaction: %w", err)
	}
	s.nonce++
	return tx, nil
}

// WaitMined polls for the receipts of txs until all are mined or ctx ends,
// and then until the node's latest block is at least the last of their
// blocks: go-ethereum's dev node can serve a receipt before the block is
// its "latest", and a call or gas estimate sent next (the deployment's
// addLiquidity after its approvals) then ran on the state before it (a CI
// run failed with the pool's InsufficientAllowance(0, …)). It polls every
// millisecond for the first 20 ms (a dev chain mines in a few) and then
// backs off to one poll per 500 ms. A receipt with status 0 gives
// ErrReverted.
func WaitMined(ctx context.Context, rpc *ethclient.Client, txs ...*types.Transaction) ([]*types.Receipt, error) {
	receipts := make([]*types.Receipt, len(txs))
	delay, polls := time.Millisecond, 0
	pause := func(what string) error {
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		case <-time.After(delay):
		}
		if polls++; polls > 20 {
			delay = min(delay*2, 500*time.Millisecond)
		}
		return nil
	}
	last := new(big.Int)
	for i := 0; i < len(txs); {
		r, err := rpc.TransactionReceipt(ctx, txs[i].Hash())
		switch {
		case err == nil:
			if r.Status != types.ReceiptStatusSuccessful {
				return receipts, fmt.Errorf("transaction %s (nonce %d, to %v, gas used %d of %d, block %v): %w",
					txs[i].Hash(), txs[i].Nonce(), txs[i].To(), r.GasUsed, txs[i].Gas(), r.BlockNumber, ErrReverted)
			}
			receipts[i] = r
			if r.BlockNumber != nil && r.BlockNumber.Cmp(last) > 0 {
				last = r.BlockNumber
			}
			i++
			continue
		case errors.Is(err, ethereum.NotFound), strings.Contains(err.Error(), "transaction indexing is in progress"):
			// not mined yet, or a node that just started
		default:
			return receipts, fmt.Errorf("eth_getTransactionReceipt: %w", err)
		}
		if err := pause("transaction " + txs[i].Hash().Hex()); err != nil {
			return receipts, err
		}
	}
	for len(txs) > 0 {
		head, err := rpc.HeaderByNumber(ctx, nil)
		if err != nil {
			return receipts, fmt.Errorf("latest header: %w", err)
		}
		if head.Number.Cmp(last) >= 0 {
			break
		}
		if err := pause("block " + last.String() + " to be the latest"); err != nil {
			return receipts, err
		}
	}
	return receipts, nil
}

// RevertError is a reverted call or estimate with the revert data the node
// returned (a Solidity custom error or Error(string)), when it sent any.
type RevertError struct {
	Method string
	Data   []byte
	Msg    string
}

func (e *RevertError) Error() string {
	if len(e.Data) > 0 {
		return fmt.Sprintf("%s: %s (data 0x%x)", e.Method, e.Msg, e.Data)
	}
	return fmt.Sprintf("%s: %s", e.Method, e.Msg)
}

// Unwrap lets errors.Is(err, ErrReverted) match.
func (e *RevertError) Unwrap() error { return ErrReverted }

// CallError classifies an error from eth_call or eth_estimateGas: an
// "execution reverted" answer becomes a *RevertError (matching ErrReverted),
// anything else is wrapped with the method name.
func CallError(method string, err error) error {
	var de rpc.DataError
	if errors.As(err, &de) && strings.Contains(de.Error(), "revert") {
		re := &RevertError{Method: method, Msg: de.Error()}
		if s, ok := de.ErrorData().(string); ok {
			if b, herr := hex.DecodeString(strings.TrimPrefix(s, "0x")); herr == nil {
				re.Data = b
			}
		}
		return re
	}
	if err != nil && strings.Contains(err.Error(), "execution reverted") {
		return &RevertError{Method: method, Msg: err.Error()}
	}
	return fmt.Errorf("%s: %w", method, err)
}
