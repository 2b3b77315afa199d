package programtest

import (
	"context"
	"math/big"
	"sync"
	"testing"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programverify"
	"github.com/leash-wallet/leash/prover/programprover"
	"github.com/leash-wallet/leash/wire"
)

// Now is the signer's clock in the scenarios (inside the example policy's
// validity window).
const Now = 1795564800

// Scenario is a ready program proposal over a FakeChain: the example policy
// and program, the chain with the oracle history, the signer's state and
// pin, the template's keys, and a proposal proven at the chain's head.
type Scenario struct {
	Policy  *policy.Policy
	Program *program.Program
	Chain   *FakeChain
	Keys    *KeySet
	Prover  *programprover.Prover
	State   *wire.State
	Pin     *program.Pin
	Result  *programprover.Result
	Block   uint64
	Inputs  []*big.Int
	Request programprover.Request
}

// TradePrices are oracle histories that make the example programs trade.
func TradePrices(name string) []*big.Int {
	if name == "threshold" {
		return []*big.Int{big.NewInt(3000_00000000), big.NewInt(2950_00000000), big.NewInt(2800_00000000)} // buy
	}
	return Prices(program.MLPInputs, 300) // 3% above the mean: sell
}

// NewScenario writes prices to a fresh FakeChain (one round per block),
// reads the inputs at the head as an agent host does, and proves.
func NewScenario(tb testing.TB, name string, prices []*big.Int) *Scenario {
	tb.Helper()
	return NewScenarioAfter(tb, name, prices, 0)
}

// NewScenarioAfter is NewScenario with one empty block mined idle seconds
// after the last price (none when idle is 0) before the inputs are read:
// the latest answer is then idle seconds old at B.
func NewScenarioAfter(tb testing.TB, name string, prices []*big.Int, idle uint64) *Scenario {
	tb.Helper()
	s := &Scenario{Policy: Policy(tb), Program: Program(tb, name), Chain: NewFakeChain(1337)}
	s.Keys = Keys(tb, s.Program.Tmpl())
	for _, p := range prices {
		s.Chain.SetPrice(s.Program.Oracle, p)
	}
	if idle > 0 {
		s.Chain.MineAfter(idle)
	}
	var err error
	s.Block, s.Inputs, err = program.ReadLatest(context.Background(), s.Chain, s.Program.Oracle, s.Program.Tmpl().Inputs)
	if err != nil {
		tb.Fatal(err)
	}
	if s.Prover, err = programprover.New(s.Policy, s.Program, s.Keys.PK); err != nil {
		tb.Fatal(err)
	}
	if s.Prover, err = s.Prover.WithHints(s.Keys.VK.Bytes()); err != nil { // as the agent host proves
		tb.Fatal(err)
	}
	s.State = &wire.State{Nonce: 3, Time: Now}
	pin := s.Program.Pin()
	s.Pin = &pin
	s.Request = programprover.Request{Block: s.Block, Inputs: s.Inputs, State: &wire.State{Time: Now},
		Fees: program.Fees{Nonce: 3, Gas: 200_000, MaxFeePerGas: big.NewInt(2e9), MaxPriorityFeePerGas: big.NewInt(1e9)}}
	if s.Result, err = s.Prover.Prove(s.Request); err != nil {
		tb.Fatal(err)
	}
	return s
}

// Verify runs the signer's check of p against the scenario's pins, keys,
// state and chain.
func (s *Scenario) Verify(p *wire.Proposal, opt programverify.Options) error {
	return programverify.Verify(context.Background(), p, s.Policy, s.Pin, s.Keys.VK, s.State, s.Chain, opt)
}

var (
	sharedMu sync.Mutex
	shared   = map[string]*Scenario{}
)

// Shared returns a scenario for the example program name with
// TradePrices(name), proven once per test process. Callers must not
// change it (its chain included); use NewScenario for that.
func Shared(tb testing.TB, name string) *Scenario {
	tb.Helper()
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if s, ok := shared[name]; ok {
		return s
	}
	s := NewScenario(tb, name, TradePrices(name))
	shared[name] = s
	return s
}
