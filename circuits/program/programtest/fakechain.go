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
// written at given blocks, a head, block timestamps, and error injection.
// It is a fake, not a mock: it keeps real history, so reads at a past block
// see that block's rounds only, and a round's updatedAt is the timestamp
// of the block that wrote it.
type FakeChain struct {
	mu     sync.Mutex
	id     uint64
	head   uint64
	times  []uint64 // times[b-1] is block b's timestamp
	rounds map[wire.Address][]fakeRound
	err    error // injected into every call when set
	calls  int
}

// GenesisTime is the timestamp of a FakeChain's block 1: ten minutes before
// the scenarios' clock Now. Each later block is BlockInterval seconds after
// the one before, unless MineAfter says otherwise.
const (
	GenesisTime   = Now - 600
	BlockInterval = 12
)

type fakeRound struct {
	answer *big.Int
	block  uint64
}

// NewFakeChain returns a chain with the given id at block 1.
func NewFakeChain(id uint64) *FakeChain {
	return &FakeChain{id: id, head: 1, times: []uint64{GenesisTime}, rounds: map[wire.Address][]fakeRound{}}
}

// next appends block head+1, after seconds; f.mu is held.
func (f *FakeChain) next(seconds uint64) {
	f.times = append(f.times, f.times[len(f.times)-1]+seconds)
	f.head++
}

// SetPrice writes a new round to oracle in a new block and returns the block.
func (f *FakeChain) SetPrice(oracle wire.Address, answer *big.Int) uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next(BlockInterval)
	f.rounds[oracle] = append(f.rounds[oracle], fakeRound{new(big.Int).Set(answer), f.head})
	return f.head
}

// Mine advances the head by n empty blocks.
func (f *FakeChain) Mine(n uint64) uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.next(BlockInterval)
	}
	return f.head
}

// MineAfter adds one empty block, seconds after the head, and returns it.
func (f *FakeChain) MineAfter(seconds uint64) uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next(seconds)
	return f.head
}

func (f *FakeChain) BlockTime(ctx context.Context, block uint64) (uint64, error) {
	if err := f.enter(); err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if block == 0 || block > f.head {
		return 0, fmt.Errorf("no block %d (head %d)", block, f.head)
	}
	return f.times[block-1], nil
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
	return program.Round{ID: big.NewInt(int64(len(rs))), Answer: new(big.Int).Set(last.answer), UpdatedAt: f.times[last.block-1]}, nil
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
	return program.Round{ID: new(big.Int).Set(round), Answer: new(big.Int).Set(r.answer), UpdatedAt: f.times[r.block-1]}, nil
}

var _ program.Chain = (*FakeChain)(nil)
