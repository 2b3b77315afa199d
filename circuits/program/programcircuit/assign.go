package programcircuit

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/wire"
)

// Assign builds the full witness proving that tx is what prog computes from
// inputs (read at block) and that tx obeys pol with the window state st and
// time t. It checks nothing beyond shapes: a transaction the program did
// not compute yields a witness the circuit refuses.
func Assign(pol *policy.Policy, prog *program.Program, tx *wire.Tx, st *wire.State, t uint64, block uint64, inputs []*big.Int) (frontend.Circuit, error) {
	if err := program.CheckInputs(prog.Tmpl(), inputs); err != nil {
		return nil, err
	}
	pc, err := policycircuit.Assign(pol, tx, st, t)
	if err != nil {
		return nil, err
	}
	pre := prog.CommitmentPreimage()
	common := Common{
		Program:        toBig(prog.CommitmentElem()),
		Block:          block,
		Oracle:         new(big.Int).SetBytes(prog.Oracle[:]),
		MaxInputAge:    prog.MaxInputAge,
		Base:           new(big.Int).SetBytes(prog.Base[:]),
		Quote:          new(big.Int).SetBytes(prog.Quote[:]),
		Recipient:      new(big.Int).SetBytes(prog.Recipient[:]),
		PriceScale:     new(big.Int).Set(&prog.PriceScale.Int),
		SlippageBps:    prog.SlippageBps,
		DeadlineBlocks: prog.DeadlineBlocks,
		ProgramSalt:    toBig(pre[len(pre)-1]),
	}
	switch tm := prog.Tmpl(); tm {
	case program.Threshold:
		c := &ThresholdCircuit{Circuit: *pc, Prog: common}
		c.Prices[0] = new(big.Int).Set(inputs[0])
		setThreshold(&c.Params, prog.Threshold)
		return c, nil
	case program.MLP:
		c := &MLPCircuit{Circuit: *pc, Prog: common}
		for i, v := range inputs {
			c.Prices[i] = new(big.Int).Set(v)
		}
		setMLP(&c.Params, prog.MLP)
		return c, nil
	default:
		return nil, fmt.Errorf("assign: no circuit for template %q", tm.Name)
	}
}

func setThreshold(dst *ThresholdParams, t *program.ThresholdParams) {
	vs := []*big.Int{&t.BuyBelow.Int, &t.SellAbove.Int, &t.BuyBase.Int, &t.BuySlope.Int, &t.BuyMax.Int,
		&t.SellBase.Int, &t.SellSlope.Int, &t.SellMax.Int}
	for i, v := range vs {
		dst[i] = new(big.Int).Set(v)
	}
}

func setMLP(dst *MLPParams, m *program.MLPParams) {
	for i, l := range m.WeightLimbs() {
		dst.WeightLimbs[i] = l
	}
	for i, l := range m.BiasLimbs() {
		dst.BiasLimbs[i] = l
	}
	for i, v := range []*big.Int{&m.BuyUnit.Int, &m.SellUnit.Int, &m.BuyMax.Int, &m.SellMax.Int} {
		dst.Units[i] = new(big.Int).Set(v)
	}
}
