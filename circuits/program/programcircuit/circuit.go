package programcircuit

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/circuits/program"
)

// Common are the parts every program circuit shares beyond the policy
// circuit: four public inputs (the program commitment P, the block B the
// inputs were read at, the oracle they were read from and the oldest answer
// age the program accepts, which the signer takes from its pin) and the
// program's private swap parameters. The pool is the public `to` and the
// oracle the public Oracle, so neither has a private copy.
type Common struct {
	Program     frontend.Variable `gnark:",public"`
	Block       frontend.Variable `gnark:",public"`
	Oracle      frontend.Variable `gnark:",public"`
	MaxInputAge frontend.Variable `gnark:",public"`

	Base, Quote, Recipient  frontend.Variable
	PriceScale, SlippageBps frontend.Variable
	DeadlineBlocks          frontend.Variable
	ProgramSalt             frontend.Variable
}

// ThresholdCircuit is the program circuit of the threshold template. Its
// public inputs are the policy circuit's 16, then P, B, the oracle,
// maxInputAge and the latest answer.
type ThresholdCircuit struct {
	policycircuit.Circuit
	Prog   Common
	Prices [1]frontend.Variable `gnark:",public"`
	Params ThresholdParams
}

// MLPCircuit is the program circuit of the MLP template. Its public inputs
// are the policy circuit's 16, then P, B, the oracle, maxInputAge and the
// last 8 answers (oldest first).
type MLPCircuit struct {
	policycircuit.Circuit
	Prog   Common
	Prices [program.MLPInputs]frontend.Variable `gnark:",public"`
	Params MLPParams
}

// Define enforces the policy (whose programOnly calls a program proof may
// use), then that the transaction is the one the threshold program computes
// from the public inputs.
func (c *ThresholdCircuit) Define(api frontend.API) error {
	c.Circuit.AllowProgramOnly = true
	call, err := c.Circuit.Constrain(api)
	if err != nil {
		return err
	}
	g := newGadgets(api)
	g.checkPrices(c.Prices[:])
	return defineProgram(g, &c.Circuit, call, &c.Prog, program.Threshold, c.Params.elems(), c.Prices[:],
		decideThreshold(g, c.Prices[:], &c.Params))
}

// Define enforces the policy (whose programOnly calls a program proof may
// use), then that the transaction is the one the MLP computes from the
// public inputs.
func (c *MLPCircuit) Define(api frontend.API) error {
	c.Circuit.AllowProgramOnly = true
	call, err := c.Circuit.Constrain(api)
	if err != nil {
		return err
	}
	g := newGadgets(api)
	g.checkPrices(c.Prices[:])
	return defineProgram(g, &c.Circuit, call, &c.Prog, program.MLP, c.Params.elems(g), c.Prices[:],
		decideMLP(g, c.Prices[:], &c.Params))
}

// defineProgram opens P, binds B and maxInputAge, requires a trade, and
// constrains `to`, value and every calldata word to the swap call of the
// decision, with its deadline block.
func defineProgram(g gadgets, pc *policycircuit.Circuit, call policycircuit.Call, c *Common, t program.Template, params, prices []frontend.Variable, d Decision) error {
	api := g.api
	hs, err := policycircuit.NewHasher(api)
	if err != nil {
		return err
	}

	// Every public input of the program part is range-checked.
	g.check(c.Block, 64)
	g.check(c.Oracle, policy.AddressBits)
	g.check(c.MaxInputAge, 33)

	// P opens to the template, the public oracle and pool (`to`), the swap
	// parameters, the deadline, the public maxInputAge and the template's
	// parameters: a pin that lies about maxInputAge fails here.
	g.check(c.PriceScale, program.PriceScaleBits)
	api.AssertIsDifferent(c.PriceScale, 0)
	g.check(c.SlippageBps, 14)
	g.check(api.Sub(program.MaxSlippageBps, c.SlippageBps), 14)
	g.check(c.DeadlineBlocks, 17)
	pre := []frontend.Variable{toBig(program.ProgramTag), t.ID, c.Oracle, pc.To, c.Base, c.Quote, c.Recipient,
		c.PriceScale, c.SlippageBps, c.DeadlineBlocks, c.MaxInputAge}
	pre = append(pre, params...)
	pre = append(pre, c.ProgramSalt)
	api.AssertIsEqual(c.Program, hs.Hash(pre...))

	// A trade, not a hold.
	api.AssertIsEqual(api.Add(d.Buy, d.Sell), 1)
	api.AssertIsDifferent(d.Amount, 0)
	price := prices[len(prices)-1]
	out := minOut(g, d, price, c.PriceScale, c.SlippageBps)

	// The transaction: no value, swapExactIn(tokenIn, amount, minOut,
	// recipient, B + deadlineBlocks) to the pool (the pool is `to` through
	// P). The policy circuit bound the words to the public digest and the
	// selector and length to the call it matched.
	api.AssertIsEqual(pc.ValueLo, 0)
	api.AssertIsEqual(call.TransferValue, 0)
	api.AssertIsEqual(call.Selector, selectorValue())
	api.AssertIsEqual(call.Words, program.SwapWords)
	tokenIn := api.Select(d.Buy, c.Quote, c.Base)
	g.assertWord(pc, 0, tokenIn, true)
	g.assertWord(pc, 1, d.Amount, false)
	g.assertWord(pc, 2, out, true)
	g.assertWord(pc, 3, c.Recipient, true)
	g.assertWord(pc, 4, api.Add(c.Block, c.DeadlineBlocks), false)
	for i := program.SwapWords; i < policy.Words; i++ {
		api.AssertIsEqual(pc.Hi[i], 0)
		api.AssertIsEqual(pc.Lo[i], 0)
	}
	return nil
}

func selectorValue() int64 {
	s := program.SwapSelector
	return int64(s[0])<<24 | int64(s[1])<<16 | int64(s[2])<<8 | int64(s[3])
}

func toBig(e fr.Element) *big.Int { return e.BigInt(new(big.Int)) }
