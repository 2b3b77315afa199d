package rpcchain

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/wire"
)

// MaxResultBytes bounds one JSON-RPC result. A block without its
// transactions (eth_getBlockByNumber with false) lists their hashes: 512 KiB
// holds about 7,500 of them.
const MaxResultBytes = 512 << 10

// Selectors of AggregatorV3Interface: keccak256("latestRoundData()")[:4]
// and keccak256("getRoundData(uint80)")[:4] (checked against go-ethereum's
// keccak in the tests).
var (
	selLatestRoundData = []byte{0xfe, 0xaf, 0x96, 0x8c}
	selGetRoundData    = []byte{0x9a, 0x6f, 0xc8, 0xf5}
)

// Call performs one JSON-RPC request and returns its raw result. A
// JSON-RPC error object is returned as *Error, so that reverts can be told
// from transport failures.
type Call func(ctx context.Context, method string, params []any) (json.RawMessage, error)

// Error is a JSON-RPC error object.
type Error struct {
	Code    int
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("json-rpc error %d: %s", e.Code, e.Message) }

// Chain is a program.Chain over one or more Calls: with more than one,
// every read is sent to each endpoint and accepted only when all agree
// (see read). It holds no state between reads.
type Chain struct {
	calls []Call
}

var _ program.Chain = (*Chain)(nil)

// New returns a Chain over call; every read also goes to each of others
// (a second RPC endpoint the user configured), and an answer is used only
// when all of them agree.
func New(call Call, others ...Call) *Chain {
	calls := []Call{call}
	for _, o := range others {
		if o != nil {
			calls = append(calls, o)
		}
	}
	return &Chain{calls: calls}
}

// Endpoints is how many endpoints each read goes to.
func (c *Chain) Endpoints() int { return len(c.calls) }

// ChainID returns the chain id. It is read every time: the endpoint
// behind a Call can change (the user edits the RPC setting).
func (c *Chain) ChainID(ctx context.Context) (uint64, error) {
	id, err := read(ctx, c, "eth_chainId", nil, func(raw json.RawMessage) (uint64, error) {
		id, err := quantity(raw)
		if err != nil || id == 0 {
			return 0, fmt.Errorf("the answer %.80s is not a chain id", raw)
		}
		return id, nil
	})
	if err != nil {
		return 0, fmt.Errorf("eth_chainId: %w", err)
	}
	return id, nil
}

// BlockNumber returns the head block number.
func (c *Chain) BlockNumber(ctx context.Context) (uint64, error) {
	n, err := read(ctx, c, "eth_blockNumber", nil, quantity)
	if err != nil {
		return 0, fmt.Errorf("eth_blockNumber: %w", err)
	}
	return n, nil
}

// LatestRoundData calls latestRoundData() at block.
func (c *Chain) LatestRoundData(ctx context.Context, oracle wire.Address, block uint64) (program.Round, error) {
	return c.ethCall(ctx, oracle, block, selLatestRoundData, "latestRoundData")
}

// GetRoundData calls getRoundData(round) at block.
func (c *Chain) GetRoundData(ctx context.Context, oracle wire.Address, round *big.Int, block uint64) (program.Round, error) {
	if round == nil || round.Sign() < 0 || round.BitLen() > 80 {
		return program.Round{}, fmt.Errorf("getRoundData: round %v is not a uint80: %w", round, program.ErrNoRound)
	}
	data := make([]byte, 4+32)
	copy(data, selGetRoundData)
	round.FillBytes(data[4:])
	return c.ethCall(ctx, oracle, block, data, "getRoundData")
}

func (c *Chain) ethCall(ctx context.Context, oracle wire.Address, block uint64, data []byte, what string) (program.Round, error) {
	raw, err := c.call(ctx, oracle, data, "0x"+strconv.FormatUint(block, 16), what)
	if err != nil {
		if isRevert(err) {
			return program.Round{}, fmt.Errorf("%s: %v: %w", what, err, program.ErrNoRound)
		}
		return program.Round{}, fmt.Errorf("eth_call %s: %w", what, err)
	}
	if len(raw) == 0 {
		return program.Round{}, fmt.Errorf("%s: empty return (no oracle at %s at block %d): %w", what, oracle, block, program.ErrNoRound)
	}
	return DecodeRound(raw)
}

// call is eth_call of data to `to` at block (a hex quantity or a tag),
// returning the return data. The answers of every endpoint must agree.
func (c *Chain) call(ctx context.Context, to wire.Address, data []byte, block, what string) ([]byte, error) {
	msg := map[string]any{"to": to.Hex(), "data": "0x" + hex.EncodeToString(data)}
	return read(ctx, c, "eth_call", []any{msg, block}, func(raw json.RawMessage) ([]byte, error) {
		out, err := hexData(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		return out, nil
	})
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

// isRevert reports whether err is an execution revert: JSON-RPC error code
// 3, or the "execution reverted" message of a revert without data.
func isRevert(err error) bool {
	var rerr *Error
	if errors.As(err, &rerr) && rerr.Code == 3 {
		return true
	}
	return strings.Contains(err.Error(), "execution reverted")
}

// jsonString decodes a JSON string result.
func jsonString(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("the answer %.80s is not a JSON string", raw)
	}
	return s, nil
}

// quantity decodes a canonical hex quantity (0x0, 0x1a; no leading zeros)
// that fits a uint64.
func quantity(raw json.RawMessage) (uint64, error) {
	s, err := jsonString(raw)
	if err != nil {
		return 0, err
	}
	digits, ok := strings.CutPrefix(s, "0x")
	if !ok || digits == "" || len(digits) > 16 || (len(digits) > 1 && digits[0] == '0') {
		return 0, fmt.Errorf("the answer %.80q is not a hex quantity", s)
	}
	n, err := strconv.ParseUint(digits, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("the answer %.80q is not a hex quantity", s)
	}
	return n, nil
}

// hexData decodes 0x-prefixed hex data of even length.
func hexData(raw json.RawMessage) ([]byte, error) {
	s, err := jsonString(raw)
	if err != nil {
		return nil, err
	}
	digits, ok := strings.CutPrefix(s, "0x")
	if !ok {
		return nil, fmt.Errorf("the answer %.80q is not 0x-prefixed hex data", s)
	}
	b, err := hex.DecodeString(digits)
	if err != nil {
		return nil, fmt.Errorf("the answer %.80q is not hex data", s)
	}
	return b, nil
}
