package programcircuit

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/permutation/poseidon2"

	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/circuits/program"
)

// Common are the parts every program circuit shares beyond the policy
// circuit: three public inputs (the program commitment P, the block B the
// inputs were read at, and the oracle they were read from) and the
// program's private swap parameters. The pool is the public `to` and the
// oracle the public Oracle, so neither has a private copy.
type Common struct {
	Program frontend.Variable `gnark:",public"`
	Block   frontend.Variable `gnark:",public"`
	Oracle  frontend.Variable `gnark:",public"`

	Base, Quote, Recipient  frontend.Variable
	PriceScale, SlippageBps frontend.Variable
	ProgramSalt             frontend.Variable
}

// ThresholdCircuit is the program circuit of the threshold template. Its
// public inputs are the policy circuit's 12, then P, B, the oracle and the
// latest answer.
type ThresholdCircuit struct {
	policycircuit.Circuit
	Prog   Common
	Prices [1]frontend.Variable `gnark:",public"`
	Params ThresholdParams
}

// MLPCircuit is the program circuit of the MLP template. Its public inputs
// are the policy circuit's 12, then P, B, the oracle and the last 8 answers
// (oldest first).
type MLPCircuit struct {
	policycircuit.Circuit
	Prog   Common
	Prices [program.MLPInputs]frontend.Variable `gnark:",public"`
	Params MLPParams
}

// Define enforces the policy, then that the transaction is the one the
// threshold program computes from the public inputs.
func (c *ThresholdCircuit) Define(api frontend.API) error {
	if err := c.Circuit.Define(api); err != nil {
		return err
	}
	g := newGadgets(api)
	g.checkPrices(c.Prices[:])
	return defineProgram(g, &c.Circuit, &c.Prog, program.Threshold, c.Params.elems(), c.Prices[:],
		decideThreshold(g, c.Prices[:], &c.Params))
}

// Define enforces the policy, then that the transaction is the one the MLP
// computes from the public inputs.
func (c *MLPCircuit) Define(api frontend.API) error {
	if err := c.Circuit.Define(api); err != nil {
		return err
	}
	g := newGadgets(api)
	g.checkPrices(c.Prices[:])
	return defineProgram(g, &c.Circuit, &c.Prog, program.MLP, c.Params.elems(g), c.Prices[:],
		decideMLP(g, c.Prices[:], &c.Params))
}

// defineProgram opens P, binds B, requires a trade, and constrains `to`,
// value and every calldata byte to the swap call of the decision.
func defineProgram(g gadgets, pc *policycircuit.Circuit, c *Common, t program.Template, params, prices []frontend.Variable, d Decision) error {
	api := g.api
	perm, err := poseidon2.NewPoseidon2(api)
	if err != nil {
		return err
	}

	// P opens to the template, the public oracle and pool (`to`), the swap
	// parameters and the template's parameters.
	g.check(c.PriceScale, program.PriceScaleBits)
	api.AssertIsDifferent(c.PriceScale, 0)
	g.check(c.SlippageBps, 14)
	g.check(api.Sub(program.MaxSlippageBps, c.SlippageBps), 14)
	pre := []frontend.Variable{toBig(program.ProgramTag), t.ID, c.Oracle, pc.To, c.Base, c.Quote, c.Recipient,
		c.PriceScale, c.SlippageBps}
	pre = append(pre, params...)
	pre = append(pre, c.ProgramSalt)
	var h frontend.Variable = 0
	for _, x := range pre {
		h = perm.Compress(h, x)
	}
	api.AssertIsEqual(c.Program, h)

	// B is bound (a public input in no constraint would not be).
	g.check(c.Block, 64)

	// A trade, not a hold.
	api.AssertIsEqual(api.Add(d.Buy, d.Sell), 1)
	api.AssertIsDifferent(d.Amount, 0)
	price := prices[len(prices)-1]
	out := minOut(g, d, price, c.PriceScale, c.SlippageBps)

	// The transaction: no value, swapExactIn(tokenIn, amount, minOut,
	// recipient) to the pool (the pool is `to` through P).
	api.AssertIsEqual(pc.ValueLo, 0)
	data := pc.Data[:]
	for i, b := range program.SwapSelector {
		api.AssertIsEqual(data[i], int(b))
	}
	tokenIn := api.Select(d.Buy, c.Quote, c.Base)
	g.assertZero(data[4:16])
	api.AssertIsEqual(g.be(data[16:36]), tokenIn)
	g.assertZero(data[36:56])
	api.AssertIsEqual(g.be(data[56:68]), d.Amount)
	g.assertZero(data[68:80])
	api.AssertIsEqual(g.be(data[80:100]), out)
	g.assertZero(data[100:112])
	api.AssertIsEqual(g.be(data[112:132]), c.Recipient)
	g.assertZero(data[program.CalldataLen:])
	api.AssertIsEqual(pc.DataLen, program.CalldataLen)
	return nil
}

func toBig(e fr.Element) *big.Int { return e.BigInt(new(big.Int)) }
