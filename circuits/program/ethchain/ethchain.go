package ethchain

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/wire"
)

var (
	selLatestRoundData = crypto.Keccak256([]byte("latestRoundData()"))[:4]
	selGetRoundData    = crypto.Keccak256([]byte("getRoundData(uint80)"))[:4]
)

// Reader is a program.Chain over an ethclient.Client.
type Reader struct {
	c *ethclient.Client

	mu      sync.Mutex
	chainID uint64 // cached once read
}

var _ program.Chain = (*Reader)(nil)

// New returns a Reader over c.
func New(c *ethclient.Client) *Reader { return &Reader{c: c} }

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

// ChainID returns the chain id (cached after the first success).
func (r *Reader) ChainID(ctx context.Context) (uint64, error) {
	r.mu.Lock()
	id := r.chainID
	r.mu.Unlock()
	if id != 0 {
		return id, nil
	}
	v, err := r.c.ChainID(ctx)
	if err != nil {
		return 0, fmt.Errorf("eth_chainId: %w", err)
	}
	if !v.IsUint64() || v.Sign() == 0 {
		return 0, fmt.Errorf("eth_chainId: %s is out of range", v)
	}
	r.mu.Lock()
	r.chainID = v.Uint64()
	r.mu.Unlock()
	return v.Uint64(), nil
}

// BlockNumber returns the head block number.
func (r *Reader) BlockNumber(ctx context.Context) (uint64, error) {
	n, err := r.c.BlockNumber(ctx)
	if err != nil {
		return 0, fmt.Errorf("eth_blockNumber: %w", err)
	}
	return n, nil
}

// LatestRoundData calls latestRoundData() at block.
func (r *Reader) LatestRoundData(ctx context.Context, oracle wire.Address, block uint64) (program.Round, error) {
	return r.call(ctx, oracle, block, selLatestRoundData, "latestRoundData")
}

// GetRoundData calls getRoundData(round) at block.
func (r *Reader) GetRoundData(ctx context.Context, oracle wire.Address, round *big.Int, block uint64) (program.Round, error) {
	if round == nil || round.Sign() < 0 || round.BitLen() > 80 {
		return program.Round{}, fmt.Errorf("getRoundData: round %v is not a uint80: %w", round, program.ErrNoRound)
	}
	data := make([]byte, 4+32)
	copy(data, selGetRoundData)
	round.FillBytes(data[4:])
	return r.call(ctx, oracle, block, data, "getRoundData")
}

func (r *Reader) call(ctx context.Context, oracle wire.Address, block uint64, data []byte, what string) (program.Round, error) {
	to := common.Address(oracle)
	out, err := r.c.CallContract(ctx, ethereum.CallMsg{To: &to, Data: data}, new(big.Int).SetUint64(block))
	if err != nil {
		if isRevert(err) {
			return program.Round{}, fmt.Errorf("%s: %v: %w", what, err, program.ErrNoRound)
		}
		return program.Round{}, fmt.Errorf("eth_call %s: %w", what, err)
	}
	if len(out) == 0 {
		return program.Round{}, fmt.Errorf("%s: empty return (no oracle at %s at block %d): %w", what, oracle, block, program.ErrNoRound)
	}
	return DecodeRound(out)
}

// DecodeRound decodes the ABI return of latestRoundData / getRoundData:
// (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt,
// uint80 answeredInRound).
func DecodeRound(out []byte) (program.Round, error) {
	if len(out) != 5*32 {
		return program.Round{}, fmt.Errorf("round data: %d bytes, want 160", len(out))
	}
	word := func(i int) []byte { return out[i*32 : (i+1)*32] }
	id := new(big.Int).SetBytes(word(0))
	if id.BitLen() > 80 {
		return program.Round{}, errors.New("round data: roundId is not a uint80")
	}
	answer := new(big.Int).SetBytes(word(1))
	if word(1)[0]&0x80 != 0 { // two's complement int256
		answer.Sub(answer, new(big.Int).Lsh(big.NewInt(1), 256))
	}
	updated := new(big.Int).SetBytes(word(3))
	if !updated.IsUint64() {
		return program.Round{}, errors.New("round data: updatedAt out of range")
	}
	return program.Round{ID: id, Answer: answer, UpdatedAt: updated.Uint64()}, nil
}

// isRevert reports whether err is an execution revert (JSON-RPC error code
// 3, or the "execution reverted" message of a revert without data).
func isRevert(err error) bool {
	var rerr rpc.Error
	if errors.As(err, &rerr) && rerr.ErrorCode() == 3 {
		return true
	}
	return strings.Contains(err.Error(), "execution reverted")
}
