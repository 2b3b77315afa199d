package programcircuit

import (
	"github.com/consensys/gnark/frontend"

	"github.com/leash-wallet/leash/circuits/program"
)

// Decision is what a template gadget outputs: one-hot-or-zero buy/sell
// flags and the amount in (0 when neither).
type Decision struct {
	Buy, Sell, Amount frontend.Variable
}

// checkPrices asserts 1 ≤ p < 2^64 for every input.
func (g gadgets) checkPrices(prices []frontend.Variable) {
	for _, p := range prices {
		g.check(p, program.PriceBits)
		g.api.AssertIsDifferent(p, 0)
	}
}

// ThresholdParams are the threshold template's parameters in commitment
// order (see program.ThresholdWidths).
type ThresholdParams [8]frontend.Variable

// elems returns the parameters for the commitment. They are not
// range-checked here: each is its own preimage element, so P binds them to
// the values program.Decode validated when the user committed, and a
// parameter out of its range could only make the gadgets unsatisfiable
// (every comparison range-checks its difference). Contrast MLPParams, whose
// packed limbs must be range-checked for the packing to bind them.
func (t *ThresholdParams) elems() []frontend.Variable { return t[:] }

// checkRanges range-checks the parameters (used by the agreement wrapper,
// which has no commitment).
func (t *ThresholdParams) checkRanges(g gadgets) {
	for i, v := range t {
		g.check(v, program.ThresholdWidths[i])
	}
}

// decideThreshold is the threshold template's gadget, the twin of
// program.ThresholdParams.decide. Prices must already be checked.
func decideThreshold(g gadgets, prices []frontend.Variable, t *ThresholdParams) Decision {
	api := g.api
	buyBelow, sellAbove, buyBase, buySlope, buyMax := t[0], t[1], t[2], t[3], t[4]
	sellBase, sellSlope, sellMax := t[5], t[6], t[7]
	p := prices[len(prices)-1]
	buy := g.less(p, buyBelow, program.PriceBits)
	sell := g.less(sellAbove, p, program.PriceBits)
	pick := func(b, s frontend.Variable) frontend.Variable {
		return api.Add(api.Mul(buy, b), api.Mul(sell, s))
	}
	diff := pick(api.Sub(buyBelow, p), api.Sub(p, sellAbove))
	raw := api.Add(pick(buyBase, sellBase), api.Mul(pick(buySlope, sellSlope), diff))
	// raw < 2^96 + 2^64·2^64 < 2^129 for valid parameters.
	amount := g.min(raw, pick(buyMax, sellMax), 129)
	return Decision{Buy: buy, Sell: sell, Amount: amount}
}

// Sizes of the MLP's packed parameters.
const (
	NumWeights = program.MLPHidden*program.MLPInputs + program.MLPOutputs*program.MLPHidden
	NumBiases  = program.MLPHidden + program.MLPOutputs
)

// MLPParams are the MLP template's parameters as the circuit holds them:
// unsigned limbs (weights + 128, biases + 2^25), and the units and maxes
// (buyUnit, sellUnit, buyMax, sellMax).
type MLPParams struct {
	WeightLimbs [NumWeights]frontend.Variable
	BiasLimbs   [NumBiases]frontend.Variable
	Units       [4]frontend.Variable
}

// elems range-checks the limbs and units and packs them as the commitment
// does (program.MLPParams.elems).
func (m *MLPParams) elems(g gadgets) []frontend.Variable {
	xs := g.packLimbs(m.WeightLimbs[:], program.WeightBits)
	xs = append(xs, g.packLimbs(m.BiasLimbs[:], program.BiasBits)...)
	for _, u := range m.Units {
		g.check(u, program.UnitBits)
		xs = append(xs, u)
	}
	return xs
}

// decideMLP is the MLP template's gadget, the twin of
// program.MLPParams.Forward. Prices must already be checked; limbs are
// checked by elems (the full circuit) or by the caller.
func decideMLP(g gadgets, prices []frontend.Variable, m *MLPParams) Decision {
	api := g.api
	const nIn, nHid, nOut = program.MLPInputs, program.MLPHidden, program.MLPOutputs
	w := func(i int) frontend.Variable { return api.Sub(m.WeightLimbs[i], 1<<(program.WeightBits-1)) }
	b := func(i int) frontend.Variable { return api.Sub(m.BiasLimbs[i], 1<<(program.BiasBits-1)) }

	// Features: deviation from the mean in Q12. Every answer is ≥ 1, so
	// p ≤ 8·mean and the quotient is below 2^16 (program.FeatureBits).
	var sum frontend.Variable = 0
	for _, p := range prices {
		sum = api.Add(sum, p)
	}
	sumBits := g.check(sum, program.PriceBits+3)
	mean := g.recompose(sumBits[3:])
	var x [nIn]frontend.Variable
	for i, p := range prices {
		q := g.divFloor(api.Mul(p, 1<<program.FeatureFrac), mean, program.FeatureBits, program.PriceBits)
		x[i] = api.Sub(q, 1<<program.FeatureFrac)
	}

	// Hidden layer: ReLU, then floor by 2^7. |a| ≤ 2^26, so a + 2^27 is a
	// 28-bit value whose top bit is a ≥ 0.
	var h [nHid]frontend.Variable
	for j := 0; j < nHid; j++ {
		a := b(j)
		for i := 0; i < nIn; i++ {
			a = api.Add(a, api.Mul(w(j*nIn+i), x[i]))
		}
		bits := g.check(api.Add(a, 1<<27), 28)
		h[j] = api.Mul(bits[27], g.recompose(bits[program.WeightFrac:27]))
	}

	// Output layer; u = o + 2^31 is in (0, 2^32).
	var u [nOut]frontend.Variable
	for k := 0; k < nOut; k++ {
		o := b(nHid + k)
		for j := 0; j < nHid; j++ {
			o = api.Add(o, api.Mul(w(nHid*nIn+k*nHid+j), h[j]))
		}
		u[k] = api.Add(o, 1<<31)
	}
	gt := func(a, b int) frontend.Variable { return g.less(u[b], u[a], 32) }
	buy := api.Mul(gt(program.OutBuy, program.OutSell), gt(program.OutBuy, program.OutHold))
	sell := api.Mul(gt(program.OutSell, program.OutBuy), gt(program.OutSell, program.OutHold))

	// Size: max(o_size, 0) in Q19, times the side's unit, floor by 2^19,
	// capped by the side's max.
	sizeBits := g.check(u[program.OutSize], 32)
	size := api.Mul(sizeBits[31], g.recompose(sizeBits[:31]))
	unit := api.Add(api.Mul(buy, m.Units[0]), api.Mul(sell, m.Units[1]))
	limitAmt := api.Add(api.Mul(buy, m.Units[2]), api.Mul(sell, m.Units[3]))
	const prodBits = 31 + program.UnitBits
	prodBits_ := g.check(api.Mul(size, unit), prodBits)
	raw := g.recompose(prodBits_[program.SizeFrac:])
	amount := g.min(raw, limitAmt, prodBits-program.SizeFrac)
	return Decision{Buy: buy, Sell: sell, Amount: amount}
}

// minOut is the twin of program.MinOut. price is the latest input (checked),
// priceScale is in [1, 2^64) and bps ≤ 10000 (checked by the caller).
func minOut(g gadgets, d Decision, price, priceScale, bps frontend.Variable) frontend.Variable {
	api := g.api
	keep := api.Sub(program.BpsDenominator, bps)
	num := api.Mul(api.Mul(d.Amount, keep), api.Select(d.Buy, priceScale, price))
	den := api.Mul(program.BpsDenominator, api.Select(d.Buy, price, priceScale))
	// den < 10^4·2^64 < 2^78; the quotient is below 2^160 (program.MinOutBits).
	return g.divFloor(num, den, program.MinOutBits, 78)
}
