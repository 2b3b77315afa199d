package programcircuit

import (
	"encoding/json"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/logger"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/wire"
)

// The agreement tests run a template's gadget (decision, amount and minimum
// output) alone in a small wrapper circuit, solved with the compiled R1CS,
// against the native twin program.Program.Decide on random programs and
// inputs. The wrapper asserts the circuit's outputs equal the native ones.

// decision is the shared tail of the wrappers: outputs compared with the
// native decision (action 0 hold, 1 buy, 2 sell; amounts 0 on hold).
type decision struct {
	PriceScale, Bps        frontend.Variable
	Action, Amount, MinOut frontend.Variable `gnark:",public"`
}

func (w *decision) assert(g gadgets, d Decision, price frontend.Variable) {
	api := g.api
	g.check(w.PriceScale, program.PriceScaleBits)
	g.check(w.Bps, 14)
	out := minOut(g, d, price, w.PriceScale, w.Bps)
	trade := api.Sub(1, api.IsZero(d.Amount))
	api.AssertIsEqual(api.Mul(trade, api.Add(d.Buy, api.Mul(2, d.Sell))), w.Action)
	api.AssertIsEqual(d.Amount, w.Amount)
	api.AssertIsEqual(out, w.MinOut)
}

type thresholdWrapper struct {
	Prices [1]frontend.Variable
	Params ThresholdParams
	Out    decision
}

func (c *thresholdWrapper) Define(api frontend.API) error {
	g := newGadgets(api)
	g.checkPrices(c.Prices[:])
	c.Params.checkRanges(g)
	c.Out.assert(g, decideThreshold(g, c.Prices[:], &c.Params), c.Prices[0])
	return nil
}

type mlpWrapper struct {
	Prices [program.MLPInputs]frontend.Variable
	Params MLPParams
	Out    decision
}

func (c *mlpWrapper) Define(api frontend.API) error {
	g := newGadgets(api)
	g.checkPrices(c.Prices[:])
	c.Params.elems(g)
	c.Out.assert(g, decideMLP(g, c.Prices[:], &c.Params), c.Prices[program.MLPInputs-1])
	return nil
}

// randBits returns a random value below 2^n with a random bit length, so
// small, medium and extreme values all occur.
func randBits(r *rand.Rand, n int) *big.Int {
	bits := r.IntN(n + 1)
	v := new(big.Int)
	for i := 0; i < bits; i++ {
		v.Lsh(v, 1)
		if i == 0 || r.IntN(2) == 1 {
			v.SetBit(v, 0, 1)
		}
	}
	if r.IntN(20) == 0 { // the top of the range
		v.Sub(new(big.Int).Lsh(big.NewInt(1), uint(n)), big.NewInt(1))
	}
	return v
}

func randPrice(r *rand.Rand) *big.Int {
	v := randBits(r, program.PriceBits)
	if v.Sign() == 0 {
		v.SetInt64(1)
	}
	return v
}

func amt(v *big.Int) policy.Amount { return policy.Amount{Int: *v} }

func randCommon(r *rand.Rand) (*big.Int, uint64) {
	ps := randBits(r, program.PriceScaleBits)
	if ps.Sign() == 0 {
		ps.SetInt64(1)
	}
	return ps, uint64(r.IntN(program.MaxSlippageBps + 1))
}

func randThreshold(r *rand.Rand) *program.ThresholdParams {
	a, b := randPrice(r), randPrice(r)
	if a.Cmp(b) > 0 {
		a, b = b, a
	}
	return &program.ThresholdParams{
		BuyBelow: amt(a), SellAbove: amt(b),
		BuyBase: amt(randBits(r, program.AmountBits)), BuySlope: amt(randBits(r, program.SlopeBits)), BuyMax: amt(randBits(r, program.AmountBits)),
		SellBase: amt(randBits(r, program.AmountBits)), SellSlope: amt(randBits(r, program.SlopeBits)), SellMax: amt(randBits(r, program.AmountBits)),
	}
}

// thresholdPrice picks the latest answer: often just around a threshold.
func thresholdPrice(r *rand.Rand, t *program.ThresholdParams) *big.Int {
	var p *big.Int
	switch r.IntN(4) {
	case 0:
		p = new(big.Int).Add(&t.BuyBelow.Int, big.NewInt(int64(r.IntN(5)-2)))
	case 1:
		p = new(big.Int).Add(&t.SellAbove.Int, big.NewInt(int64(r.IntN(5)-2)))
	default:
		p = randPrice(r)
	}
	if p.Sign() <= 0 || p.BitLen() > program.PriceBits {
		p = randPrice(r)
	}
	return p
}

func randMLP(r *rand.Rand) *program.MLPParams {
	m := &program.MLPParams{BuyUnit: amt(randBits(r, program.UnitBits)), SellUnit: amt(randBits(r, program.UnitBits)),
		BuyMax: amt(randBits(r, program.AmountBits)), SellMax: amt(randBits(r, program.AmountBits))}
	w := func() int64 { return int64(r.IntN(256)) - 128 }
	bias := func() int64 {
		if r.IntN(10) == 0 { // the extremes of the range
			return []int64{-(1 << 25), 1<<25 - 1}[r.IntN(2)]
		}
		return int64(r.IntN(1<<22)) - 1<<21
	}
	m.W1 = make([][]int64, program.MLPHidden)
	m.B1 = make([]int64, program.MLPHidden)
	for j := range m.W1 {
		m.W1[j] = make([]int64, program.MLPInputs)
		for i := range m.W1[j] {
			m.W1[j][i] = w()
		}
		m.B1[j] = bias()
	}
	m.W2 = make([][]int64, program.MLPOutputs)
	m.B2 = make([]int64, program.MLPOutputs)
	for k := range m.W2 {
		m.W2[k] = make([]int64, program.MLPHidden)
		for j := range m.W2[k] {
			m.W2[k][j] = w()
		}
		m.B2[k] = bias()
	}
	return m
}

// mlpPrices draws 8 answers: mostly a random walk around a random level,
// sometimes wild (clamped features), sometimes tiny.
func mlpPrices(r *rand.Rand) []*big.Int {
	out := make([]*big.Int, program.MLPInputs)
	switch r.IntN(6) {
	case 0:
		for i := range out {
			out[i] = randPrice(r)
		}
	case 1:
		for i := range out {
			out[i] = big.NewInt(int64(1 + r.IntN(20)))
		}
	default:
		level := randPrice(r)
		level.Add(level, big.NewInt(1000))
		if level.BitLen() > 62 {
			level.Rsh(level, 2)
		}
		step := new(big.Int).Rsh(level, uint(4+r.IntN(8)))
		p := new(big.Int).Set(level)
		for i := range out {
			d := new(big.Int).Mul(step, big.NewInt(int64(r.IntN(5)-2)))
			p.Add(p, d)
			if p.Sign() <= 0 {
				p.SetInt64(1)
			}
			out[i] = new(big.Int).Set(p)
		}
	}
	return out
}

func compileWrapper(t *testing.T, c frontend.Circuit) constraint.ConstraintSystem {
	logger.Disable()
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("wrapper: %d constraints", ccs.GetNbConstraints())
	return ccs
}

func solves(ccs constraint.ConstraintSystem, assignment frontend.Circuit) error {
	w, err := frontend.NewWitness(assignment, ecc.BN254.ScalarField())
	if err != nil {
		return err
	}
	_, err = ccs.Solve(w, solver.WithHints(Hints()...))
	return err
}

func expect(d program.Decision, ps *big.Int, bps uint64) decision {
	return decision{PriceScale: ps, Bps: bps, Action: int(d.Action), Amount: d.AmountIn, MinOut: d.MinOut}
}

const agreementRuns = 1000

func TestThresholdAgreement(t *testing.T) {
	ccs := compileWrapper(t, &thresholdWrapper{})
	r := rand.New(rand.NewPCG(1, 2))
	counts := map[program.Action]int{}
	for n := 0; n < agreementRuns; n++ {
		params := randThreshold(r)
		ps, bps := randCommon(r)
		prog := build(t, program.Threshold, ps, bps, params, nil)
		p := thresholdPrice(r, params)
		d, err := prog.Decide([]*big.Int{p})
		if err != nil {
			t.Fatal(err)
		}
		counts[d.Action]++
		a := &thresholdWrapper{Out: expect(d, ps, bps)}
		a.Prices[0] = p
		setThreshold(&a.Params, params)
		if err := solves(ccs, a); err != nil {
			t.Fatalf("run %d: circuit and twin disagree (price %s, params %+v, native %+v): %v", n, p, params, d, err)
		}
		if n%50 == 0 { // the wrapper is not vacuous: a wrong amount is refused
			a.Out.Amount = new(big.Int).Add(d.AmountIn, big.NewInt(1))
			if solves(ccs, a) == nil {
				t.Fatalf("run %d: the wrapper accepted a wrong amount", n)
			}
		}
	}
	t.Logf("actions over %d runs: %v", agreementRuns, counts)
	for _, a := range []program.Action{program.Hold, program.Buy, program.Sell} {
		if counts[a] < agreementRuns/10 {
			t.Errorf("only %d %s decisions: the inputs do not exercise the template", counts[a], a)
		}
	}
}

func TestMLPAgreement(t *testing.T) {
	ccs := compileWrapper(t, &mlpWrapper{})
	r := rand.New(rand.NewPCG(3, 4))
	counts := map[program.Action]int{}
	var extreme int64
	for n := 0; n < agreementRuns; n++ {
		params := randMLP(r)
		ps, bps := randCommon(r)
		prog := build(t, program.MLP, ps, bps, nil, params)
		prices := mlpPrices(r)
		d, err := prog.Decide(prices)
		if err != nil {
			t.Fatal(err)
		}
		counts[d.Action]++
		tr := params.Forward(prices)
		for _, x := range tr.X {
			if x > extreme {
				extreme = x
			}
		}
		a := &mlpWrapper{Out: expect(d, ps, bps)}
		for i, p := range prices {
			a.Prices[i] = p
		}
		setMLP(&a.Params, params)
		if err := solves(ccs, a); err != nil {
			t.Fatalf("run %d: circuit and twin disagree (prices %v, native %+v, trace %+v): %v", n, prices, d, tr, err)
		}
		if n%50 == 0 {
			a.Out.Action = (int(d.Action) + 1) % 3
			if solves(ccs, a) == nil {
				t.Fatalf("run %d: the wrapper accepted a wrong action", n)
			}
		}
	}
	t.Logf("actions over %d runs: %v; largest feature %d (bound %d)", agreementRuns, counts, extreme, 7<<program.FeatureFrac)
	for _, a := range []program.Action{program.Hold, program.Buy, program.Sell} {
		if counts[a] < agreementRuns/10 {
			t.Errorf("only %d %s decisions: the inputs do not exercise the template", counts[a], a)
		}
	}
	if extreme < 6<<program.FeatureFrac {
		t.Errorf("the largest feature was %d: the inputs never approach the bound", extreme)
	}
}

// build makes a real program (through Decode) with the given parameters.
func build(t *testing.T, tm program.Template, ps *big.Int, bps uint64, th *program.ThresholdParams, m *program.MLPParams) *program.Program {
	t.Helper()
	addr := func(b byte) wire.Address { return wire.Address{19: b} }
	doc, err := json.Marshal(program.Program{Version: program.Version, Template: tm.Name, Oracle: addr(1), Pool: addr(2),
		Base: addr(3), Quote: addr(4), Recipient: addr(5), PriceScale: amt(ps), SlippageBps: bps, DeadlineBlocks: 3, MaxInputAge: 60,
		Threshold: th, MLP: m, Salt: wire.Hash32{31: 7}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := program.Decode(doc)
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	return p
}
