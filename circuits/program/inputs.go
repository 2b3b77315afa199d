package program

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/leash-wallet/leash/wire"
)

// CheckInputs checks an input vector against a template: the right count,
// and every answer within [1, 2^64).
func CheckInputs(t Template, inputs []*big.Int) error {
	if len(inputs) != t.Inputs {
		return wire.Errorf(wire.Malformed, "template %s reads %d inputs, got %d", t.Name, t.Inputs, len(inputs))
	}
	for i, v := range inputs {
		if v == nil || v.Sign() <= 0 || v.BitLen() > PriceBits {
			return wire.Errorf(wire.Malformed, "input %d: oracle answer %v is outside the template's range [1, 2^%d)", i, v, PriceBits)
		}
	}
	return nil
}

// Round is one oracle round as AggregatorV3Interface reports it.
type Round struct {
	ID        *big.Int
	Answer    *big.Int // signed
	UpdatedAt uint64
}

// Chain reads what program inputs are made of. Implementations make
// eth_call requests at an explicit block; see chain/rpcchain for one over
// any JSON-RPC transport. A round that does not exist (the call reverts,
// or the oracle has no code at that block) is reported as an error
// wrapping ErrNoRound; every other error is taken to mean the chain is
// unreachable. BlockTime is the timestamp of a block (the signer measures
// an answer's age against block B's time).
type Chain interface {
	ChainID(ctx context.Context) (uint64, error)
	BlockNumber(ctx context.Context) (uint64, error)
	BlockTime(ctx context.Context, block uint64) (uint64, error)
	LatestRoundData(ctx context.Context, oracle wire.Address, block uint64) (Round, error)
	GetRoundData(ctx context.Context, oracle wire.Address, round *big.Int, block uint64) (Round, error)
}

// ErrNoRound is wrapped by Chain implementations for a round that does not
// exist at the block asked for.
var ErrNoRound = errors.New("no such round")

// InputUnavailable is the code for inputs that cannot be read (the oracle or
// the RPC is unreachable): the signer refuses and signs nothing.
const InputUnavailable = wire.InputUnavailable

// ReadInputs reads the last n answers of oracle as of block, oldest first:
// latestRoundData at block gives round R, and getRoundData(R−n+1 … R−1) at
// the same block give the rest. A round that does not exist (fewer than n
// rounds at that block, no oracle there) is input_mismatch; a chain that
// cannot be reached is input_unavailable.
func ReadInputs(ctx context.Context, c Chain, oracle wire.Address, block uint64, n int) ([]*big.Int, error) {
	rounds, err := ReadRounds(ctx, c, oracle, block, n)
	if err != nil {
		return nil, err
	}
	out := make([]*big.Int, n)
	for i, r := range rounds {
		out[i] = r.Answer
	}
	return out, nil
}

// ReadRounds is ReadInputs with the whole rounds (their ids and updatedAt
// too), oldest first.
func ReadRounds(ctx context.Context, c Chain, oracle wire.Address, block uint64, n int) ([]Round, error) {
	if n < 1 || n > wire.MaxProgramInputs {
		return nil, wire.Errorf(wire.Malformed, "read inputs: %d answers asked for", n)
	}
	latest, err := c.LatestRoundData(ctx, oracle, block)
	if err != nil {
		return nil, readError(err, oracle, block, "latestRoundData")
	}
	if latest.ID == nil || latest.Answer == nil {
		return nil, wire.Errorf(InputUnavailable, "oracle %s at block %d: latestRoundData returned nothing", oracle, block)
	}
	out := make([]Round, n)
	out[n-1] = latest
	for k := 1; k < n; k++ {
		id := new(big.Int).Sub(latest.ID, big.NewInt(int64(k)))
		if id.Sign() <= 0 {
			return nil, wire.Errorf(wire.InputMismatch, "oracle %s at block %d has %s rounds, the template reads %d", oracle, block, latest.ID, n)
		}
		r, err := c.GetRoundData(ctx, oracle, id, block)
		if err != nil {
			return nil, readError(err, oracle, block, fmt.Sprintf("getRoundData(%s)", id))
		}
		if r.ID == nil || r.Answer == nil || r.ID.Cmp(id) != 0 {
			return nil, wire.Errorf(wire.InputMismatch, "oracle %s at block %d: getRoundData(%s) answered for round %v", oracle, block, id, r.ID)
		}
		out[n-1-k] = r
	}
	return out, nil
}

func readError(err error, oracle wire.Address, block uint64, what string) error {
	if errors.Is(err, ErrNoRound) {
		return wire.Errorf(wire.InputMismatch, "oracle %s at block %d: %s: %v", oracle, block, what, err)
	}
	return wire.Errorf(InputUnavailable, "oracle %s at block %d: %s: %v", oracle, block, what, err)
}

// ReadLatest reads the chain's head block and the last n answers of oracle
// as of that block: what an agent host proves against.
func ReadLatest(ctx context.Context, c Chain, oracle wire.Address, n int) (block uint64, inputs []*big.Int, err error) {
	block, err = c.BlockNumber(ctx)
	if err != nil {
		return 0, nil, wire.Errorf(InputUnavailable, "read the head block: %v", err)
	}
	inputs, err = ReadInputs(ctx, c, oracle, block, n)
	return block, inputs, err
}

// InputsFile is the JSON form of a block and the inputs read there
// (`leash prove --program --inputs FILE`): {"block":"0x…","inputs":["0x…",…]}.
type InputsFile struct {
	Block  wire.Uint64     `json:"block"`
	Inputs []wire.Quantity `json:"inputs"`
}

// DecodeInputsFile strictly decodes an inputs document.
func DecodeInputsFile(data []byte) (*InputsFile, error) {
	var f InputsFile
	if err := wire.DecodeStrict(data, &f, "inputs"); err != nil {
		return nil, err
	}
	if len(f.Inputs) == 0 || len(f.Inputs) > wire.MaxProgramInputs {
		return nil, wire.Errorf(wire.Malformed, "inputs: %d answers, want 1 to %d", len(f.Inputs), wire.MaxProgramInputs)
	}
	return &f, nil
}

// Values returns the inputs as integers.
func (f *InputsFile) Values() []*big.Int {
	out := make([]*big.Int, len(f.Inputs))
	for i := range f.Inputs {
		out[i] = f.Inputs[i].Big()
	}
	return out
}
