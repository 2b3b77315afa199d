package programrun

import (
	"context"
	"fmt"
	"math/big"

	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/prover/programprover"
	"github.com/leash-wallet/leash/wire"
)

// Runner runs one program; it implements daemon.ProgramRunner.
type Runner struct {
	prog  *program.Program
	pr    *programprover.Prover
	chain program.Chain
}

// New returns a Runner for prog under pol with its template's proving key
// already loaded in pr, reading inputs through chain.
func New(prog *program.Program, pr *programprover.Prover, chain program.Chain) *Runner {
	return &Runner{prog: prog, pr: pr, chain: chain}
}

// Commitment is the program's commitment.
func (r *Runner) Commitment() wire.Hash32 { return r.prog.Commitment() }

// Name is the program's name.
func (r *Runner) Name() string { return r.prog.Name }

// Decide reads the inputs at the head block and runs the program.
func (r *Runner) Decide(ctx context.Context) (daemon.ProgramDecision, error) {
	block, inputs, err := program.ReadLatest(ctx, r.chain, r.prog.Oracle, r.prog.Tmpl().Inputs)
	if err != nil {
		return daemon.ProgramDecision{}, err
	}
	d, err := r.pr.Decide(inputs)
	if err != nil {
		return daemon.ProgramDecision{}, err
	}
	out := daemon.ProgramDecision{Block: block, Inputs: inputs, Summary: describe(r.prog, d, inputs)}
	if d.Action != program.Hold {
		out.To, out.Data = r.prog.Pool, r.prog.Calldata(d, block)
	}
	return out, nil
}

// Prove proves what the program computes from the decision's inputs, with
// the free fields of tx (nonce, gas, fees), against the window state st.
func (r *Runner) Prove(dec daemon.ProgramDecision, tx *wire.Tx, st *wire.State, id string) (*wire.Proposal, error) {
	res, err := r.pr.Prove(programprover.Request{ID: id, Block: dec.Block, Inputs: dec.Inputs,
		Fees: program.Fees{ChainID: uint64(tx.ChainID), Nonce: uint64(tx.Nonce), Gas: uint64(tx.Gas),
			MaxFeePerGas: tx.MaxFeePerGas.Big(), MaxPriorityFeePerGas: tx.MaxPriorityFeePerGas.Big()},
		State: st})
	if err != nil {
		return nil, err
	}
	return res.Proposal, nil
}

// describe puts a decision in words.
func describe(p *program.Program, d program.Decision, inputs []*big.Int) string {
	price := new(big.Rat).SetFrac(inputs[len(inputs)-1], &p.PriceScale.Int).FloatString(2)
	switch d.Action {
	case program.Buy:
		return fmt.Sprintf("buy: %s of the quote token %s in (min out %s) at price %s", policyAmount(d.AmountIn), p.Quote.Hex(), policyAmount(d.MinOut), price)
	case program.Sell:
		return fmt.Sprintf("sell: %s of the base token %s in (min out %s) at price %s", policyAmount(d.AmountIn), p.Base.Hex(), policyAmount(d.MinOut), price)
	}
	return "hold at price " + price
}

func policyAmount(v *big.Int) string { return v.String() + " base units" }
