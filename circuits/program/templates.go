package program

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/leash-wallet/leash/circuits/policy"
)

// ---- Threshold rebalancer / DCA ----------------------------------------

// ThresholdParams are the threshold template's parameters. With p the latest
// oracle answer:
//
//	p < buyBelow:  buy,  amountIn = min(buyMax,  buyBase  + buySlope  × (buyBelow − p))  of Quote
//	p > sellAbove: sell, amountIn = min(sellMax, sellBase + sellSlope × (p − sellAbove)) of Base
//	otherwise, or when amountIn is 0: hold.
//
// Ranges: buyBelow ≤ sellAbove < 2^64; bases and maxes < 2^96; slopes < 2^64
// (so the uncapped amount is below 2^129).
type ThresholdParams struct {
	BuyBelow  policy.Amount `json:"buyBelow"`
	SellAbove policy.Amount `json:"sellAbove"`
	BuyBase   policy.Amount `json:"buyBase"`
	BuySlope  policy.Amount `json:"buySlope"`
	BuyMax    policy.Amount `json:"buyMax"`
	SellBase  policy.Amount `json:"sellBase"`
	SellSlope policy.Amount `json:"sellSlope"`
	SellMax   policy.Amount `json:"sellMax"`
}

var thresholdKeys = []string{"buyBelow", "sellAbove", "buyBase", "buySlope", "buyMax", "sellBase", "sellSlope", "sellMax"}

// SlopeBits bounds the threshold template's slopes.
const SlopeBits = 64

// ThresholdWidths are the bit widths of the threshold parameters, in
// commitment order (buyBelow, sellAbove, buyBase, buySlope, buyMax,
// sellBase, sellSlope, sellMax). The circuit range-checks each.
var ThresholdWidths = [8]int{PriceBits, PriceBits, AmountBits, SlopeBits, AmountBits, AmountBits, SlopeBits, AmountBits}

func (t *ThresholdParams) values() [8]*big.Int {
	return [8]*big.Int{&t.BuyBelow.Int, &t.SellAbove.Int, &t.BuyBase.Int, &t.BuySlope.Int, &t.BuyMax.Int,
		&t.SellBase.Int, &t.SellSlope.Int, &t.SellMax.Int}
}

func (t *ThresholdParams) validate() []string {
	var probs []string
	for i, v := range t.values() {
		if v.BitLen() > ThresholdWidths[i] {
			probs = append(probs, fmt.Sprintf("threshold.%s: %s overflows the template's %d-bit range", thresholdKeys[i], v, ThresholdWidths[i]))
		}
	}
	if t.BuyBelow.Cmp(&t.SellAbove.Int) > 0 {
		probs = append(probs, fmt.Sprintf("threshold: buyBelow (%s) is above sellAbove (%s)", &t.BuyBelow.Int, &t.SellAbove.Int))
	}
	return probs
}

func (t *ThresholdParams) elems() []fr.Element {
	vs := t.values()
	out := make([]fr.Element, len(vs))
	for i, v := range vs {
		out[i] = policy.Elem(v)
	}
	return out
}

// decide is the threshold template's native twin.
func (t *ThresholdParams) decide(prices []*big.Int) (buy, sell bool, amount *big.Int) {
	p := prices[len(prices)-1]
	amount = new(big.Int)
	var base, slope, limit, diff *big.Int
	switch {
	case p.Cmp(&t.BuyBelow.Int) < 0:
		buy, base, slope, limit = true, &t.BuyBase.Int, &t.BuySlope.Int, &t.BuyMax.Int
		diff = new(big.Int).Sub(&t.BuyBelow.Int, p)
	case p.Cmp(&t.SellAbove.Int) > 0:
		sell, base, slope, limit = true, &t.SellBase.Int, &t.SellSlope.Int, &t.SellMax.Int
		diff = new(big.Int).Sub(p, &t.SellAbove.Int)
	default:
		return false, false, amount
	}
	amount.Mul(slope, diff).Add(amount, base)
	if amount.Cmp(limit) > 0 {
		amount.Set(limit)
	}
	return buy, sell, amount
}

// ---- Quantized MLP -------------------------------------------------------

// Shape and fixed-point format of the MLP template (8 → 16 ReLU → 4).
//
// Features, from the last 8 answers p[0..7] (oldest first, 1 ≤ p < 2^64):
//
//	m    = floor((p[0] + … + p[7]) / 8)     the mean, ≥ 1
//	x[i] = floor(p[i] · 2^12 / m) − 2^12
//
// so x is the deviation from the mean in Q12 (4096 = 1.0). Every answer is
// at least 1, so p[i] ≤ Σp − 7 ≤ 8m and x lies within [−2^12, 7·2^12]: no
// clamping is ever needed and |x| < 2^15.
//
// Layer 1: a[j] = b1[j] + Σ_i w1[j][i]·x[i];  h[j] = floor(max(a[j], 0) / 2^7).
// Weights are int8 in Q7 (128 = 1.0), biases are in Q19 within
// [−2^25, 2^25), so |a| ≤ 2^26 and h is Q12 within [0, 2^19].
//
// Layer 2: o[k] = b2[k] + Σ_j w2[k][j]·h[j], k = buy, sell, hold, size;
// int8 Q7 weights and Q19 biases again, so |o| < 2^31 and o is Q19.
//
// Decision: buy when o[buy] is strictly above o[sell] and o[hold]; sell when
// o[sell] is strictly above o[buy] and o[hold]; hold otherwise (ties hold).
// Size: s = max(o[size], 0) (Q19); amountIn = min(max, floor(s·unit / 2^19)),
// with the buy side's unit and max for a buy (in Quote) and the sell side's
// for a sell (in Base); units and maxes are < 2^96. An amount of 0 holds.
const (
	MLPInputs   = 8
	MLPHidden   = 16
	MLPOutputs  = 4 // buy, sell, hold, size
	FeatureFrac = 12
	FeatureBits = 16 // floor(p·2^12/m) ≤ 8·2^12 < 2^16
	WeightBits  = 8  // int8, Q7
	WeightFrac  = 7
	BiasBits    = 26 // signed, Q19: [−2^25, 2^25)
	SizeFrac    = 19
	UnitBits    = 96
)

// Output indices of the MLP's last layer.
const (
	OutBuy = iota
	OutSell
	OutHold
	OutSize
)

// MLPParams are the MLP template's weights. W1 is 16 rows of 8 (hidden unit
// j's weights on the 8 features), W2 is 4 rows of 16 (output k's weights on
// the hidden units). BuyUnit/SellUnit are the amounts in base units of
// Quote/Base that a size of 1.0 stands for; BuyMax/SellMax cap the amount.
type MLPParams struct {
	W1       [][]int64     `json:"w1"`
	B1       []int64       `json:"b1"`
	W2       [][]int64     `json:"w2"`
	B2       []int64       `json:"b2"`
	BuyUnit  policy.Amount `json:"buyUnit"`
	SellUnit policy.Amount `json:"sellUnit"`
	BuyMax   policy.Amount `json:"buyMax"`
	SellMax  policy.Amount `json:"sellMax"`
}

var mlpKeys = []string{"w1", "b1", "w2", "b2", "buyUnit", "sellUnit", "buyMax", "sellMax"}

func inSigned(v int64, bits int) bool { return v >= -(1<<(bits-1)) && v < 1<<(bits-1) }

func (m *MLPParams) validate() []string {
	var probs []string
	add := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	matrix := func(name string, w [][]int64, rows, cols int) {
		if len(w) != rows {
			add("mlp.%s: %d rows, want %d", name, len(w), rows)
			return
		}
		for j, row := range w {
			if len(row) != cols {
				add("mlp.%s[%d]: %d weights, want %d", name, j, len(row), cols)
				continue
			}
			for i, v := range row {
				if !inSigned(v, WeightBits) {
					add("mlp.%s[%d][%d]: %d overflows the int8 fixed-point range [-128, 127]", name, j, i, v)
				}
			}
		}
	}
	vector := func(name string, b []int64, n int) {
		if len(b) != n {
			add("mlp.%s: %d biases, want %d", name, len(b), n)
			return
		}
		for i, v := range b {
			if !inSigned(v, BiasBits) {
				add("mlp.%s[%d]: %d overflows the Q19 bias range [-2^25, 2^25)", name, i, v)
			}
		}
	}
	matrix("w1", m.W1, MLPHidden, MLPInputs)
	vector("b1", m.B1, MLPHidden)
	matrix("w2", m.W2, MLPOutputs, MLPHidden)
	vector("b2", m.B2, MLPOutputs)
	for _, a := range []struct {
		name string
		v    *big.Int
	}{{"buyUnit", &m.BuyUnit.Int}, {"sellUnit", &m.SellUnit.Int}, {"buyMax", &m.BuyMax.Int}, {"sellMax", &m.SellMax.Int}} {
		if a.v.BitLen() > AmountBits {
			add("mlp.%s: %s overflows the template's %d-bit range", a.name, a.v, AmountBits)
		}
	}
	return probs
}

// WeightLimbs returns the weights as unsigned 8-bit limbs (w + 128): W1 row
// by row, then W2 row by row.
func (m *MLPParams) WeightLimbs() []uint64 {
	out := make([]uint64, 0, MLPHidden*MLPInputs+MLPOutputs*MLPHidden)
	for _, w := range [][][]int64{m.W1, m.W2} {
		for _, row := range w {
			for _, v := range row {
				out = append(out, uint64(v+1<<(WeightBits-1)))
			}
		}
	}
	return out
}

// BiasLimbs returns the biases as unsigned 26-bit limbs (b + 2^25): B1, then B2.
func (m *MLPParams) BiasLimbs() []uint64 {
	out := make([]uint64, 0, MLPHidden+MLPOutputs)
	for _, b := range [][]int64{m.B1, m.B2} {
		for _, v := range b {
			out = append(out, uint64(v+1<<(BiasBits-1)))
		}
	}
	return out
}

func (m *MLPParams) elems() []fr.Element {
	xs := PackLimbs(m.WeightLimbs(), WeightBits)
	xs = append(xs, PackLimbs(m.BiasLimbs(), BiasBits)...)
	for _, v := range []*big.Int{&m.BuyUnit.Int, &m.SellUnit.Int, &m.BuyMax.Int, &m.SellMax.Int} {
		xs = append(xs, policy.Elem(v))
	}
	return xs
}

// LimbsPerElem is how many width-bit limbs one field element packs: as many
// as fit in 248 bits.
func LimbsPerElem(width int) int { return 248 / width }

// PackLimbs packs limbs (each below 2^width) into field elements,
// LimbsPerElem(width) per element, the first limb most significant.
func PackLimbs(limbs []uint64, width int) []fr.Element {
	k := LimbsPerElem(width)
	var out []fr.Element
	for start := 0; start < len(limbs); start += k {
		acc := new(big.Int)
		for _, l := range limbs[start:min(start+k, len(limbs))] {
			acc.Lsh(acc, uint(width)).Add(acc, new(big.Int).SetUint64(l))
		}
		out = append(out, policy.Elem(acc))
	}
	return out
}

// MLPTrace is the MLP's forward pass, for inspection and tests.
type MLPTrace struct {
	Mean   *big.Int
	X      [MLPInputs]int64
	H      [MLPHidden]int64
	O      [MLPOutputs]int64
	Buy    bool
	Sell   bool
	Size   int64
	Amount *big.Int
}

// Forward runs the MLP natively on prices (already checked by CheckInputs).
func (m *MLPParams) Forward(prices []*big.Int) MLPTrace {
	var t MLPTrace
	sum := new(big.Int)
	for _, p := range prices {
		sum.Add(sum, p)
	}
	t.Mean = new(big.Int).Rsh(sum, 3)
	for i, p := range prices {
		q := new(big.Int).Lsh(p, FeatureFrac)
		q.Quo(q, t.Mean)
		t.X[i] = q.Int64() - 1<<FeatureFrac
	}
	for j := 0; j < MLPHidden; j++ {
		a := m.B1[j]
		for i := 0; i < MLPInputs; i++ {
			a += m.W1[j][i] * t.X[i]
		}
		if a > 0 {
			t.H[j] = a >> WeightFrac
		}
	}
	for k := 0; k < MLPOutputs; k++ {
		o := m.B2[k]
		for j := 0; j < MLPHidden; j++ {
			o += m.W2[k][j] * t.H[j]
		}
		t.O[k] = o
	}
	t.Buy = t.O[OutBuy] > t.O[OutSell] && t.O[OutBuy] > t.O[OutHold]
	t.Sell = t.O[OutSell] > t.O[OutBuy] && t.O[OutSell] > t.O[OutHold]
	t.Size = max(t.O[OutSize], 0)
	t.Amount = new(big.Int)
	var unit, limitAmt *big.Int
	switch {
	case t.Buy:
		unit, limitAmt = &m.BuyUnit.Int, &m.BuyMax.Int
	case t.Sell:
		unit, limitAmt = &m.SellUnit.Int, &m.SellMax.Int
	default:
		return t
	}
	t.Amount.Mul(big.NewInt(t.Size), unit).Rsh(t.Amount, SizeFrac)
	if t.Amount.Cmp(limitAmt) > 0 {
		t.Amount.Set(limitAmt)
	}
	return t
}

func (m *MLPParams) decide(prices []*big.Int) (buy, sell bool, amount *big.Int) {
	t := m.Forward(prices)
	return t.Buy, t.Sell, t.Amount
}
