package programtest

import (
	"context"
	"fmt"
	"math/big"
	"sync"

	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/wire"
)

// FakeChain is an in-memory program.Chain: oracles whose rounds are
// written at given blocks, a head, and error injection. It is a fake, not a
// mock: it keeps real history, so reads at a past block see that block's
// rounds only.
type FakeChain struct {
	mu     sync.Mutex
	id     uint64
	head   uint64
	rounds map[wire.Address][]fakeRound
	err    error // injected into every call when set
	calls  int
}

type fakeRound struct {
	answer *big.Int
	block  uint64
}

// NewFakeChain returns a chain with the given id at block 1.
func NewFakeChain(id uint64) *FakeChain {
	return &FakeChain{id: id, head: 1, rounds: map[wire.Address][]fakeRound{}}
}

// SetPrice writes a new round to oracle in a new block and returns the block.
func (f *FakeChain) SetPrice(oracle wire.Address, answer *big.Int) uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.head++
	f.rounds[oracle] = append(f.rounds[oracle], fakeRound{new(big.Int).Set(answer), f.head})
	return f.head
}

// Mine advances the head by n empty blocks.
func (f *FakeChain) Mine(n uint64) uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.head += n
	return f.head
}

// Fail makes every call fail with err (nil restores).
func (f *FakeChain) Fail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

// Calls counts the calls made so far.
func (f *FakeChain) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

func (f *FakeChain) enter() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return f.err
}

func (f *FakeChain) ChainID(ctx context.Context) (uint64, error) {
	if err := f.enter(); err != nil {
		return 0, err
	}
	return f.id, nil
}

func (f *FakeChain) BlockNumber(ctx context.Context) (uint64, error) {
	if err := f.enter(); err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.head, nil
}

// visible returns the rounds of oracle written at or before block.
func (f *FakeChain) visible(oracle wire.Address, block uint64) ([]fakeRound, error) {
	if block > f.head {
		return nil, fmt.Errorf("block %d is ahead of the head %d", block, f.head)
	}
	rs := f.rounds[oracle]
	n := 0
	for n < len(rs) && rs[n].block <= block {
		n++
	}
	return rs[:n], nil
}

func (f *FakeChain) LatestRoundData(ctx context.Context, oracle wire.Address, block uint64) (program.Round, error) {
	if err := f.enter(); err != nil {
		return program.Round{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	rs, err := f.visible(oracle, block)
	if err != nil {
		return program.Round{}, err
	}
	if len(rs) == 0 {
		return program.Round{}, fmt.Errorf("latestRoundData: %w", program.ErrNoRound)
	}
	last := rs[len(rs)-1]
	return program.Round{ID: big.NewInt(int64(len(rs))), Answer: new(big.Int).Set(last.answer), UpdatedAt: last.block}, nil
}

func (f *FakeChain) GetRoundData(ctx context.Context, oracle wire.Address, round *big.Int, block uint64) (program.Round, error) {
	if err := f.enter(); err != nil {
		return program.Round{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	rs, err := f.visible(oracle, block)
	if err != nil {
		return program.Round{}, err
	}
	if round.Sign() <= 0 || !round.IsInt64() || round.Int64() > int64(len(rs)) {
		return program.Round{}, fmt.Errorf("getRoundData(%s): %w", round, program.ErrNoRound)
	}
	r := rs[round.Int64()-1]
	return program.Round{ID: new(big.Int).Set(round), Answer: new(big.Int).Set(r.answer), UpdatedAt: r.block}, nil
}

var _ program.Chain = (*FakeChain)(nil)
