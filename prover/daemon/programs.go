package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/wire"
)

// ProgramRunner runs one committed strategy program (package programrun):
// it decides from inputs it reads on chain, and proves what it decided.
type ProgramRunner interface {
	Commitment() wire.Hash32
	Name() string
	// Decide reads the inputs at the head block and runs the program; To
	// and Data are empty when it holds.
	Decide(ctx context.Context) (ProgramDecision, error)
	// Prove proves the decided transaction with tx's nonce, gas and fees,
	// against the window state st (with its time).
	Prove(d ProgramDecision, tx *wire.Tx, st *wire.State, id string) (*wire.Proposal, error)
}

// ProgramDecision is a program's decision at a block.
type ProgramDecision struct {
	Block   uint64
	Inputs  []*big.Int
	Summary string
	To      wire.Address // the trade's destination; zero when the program holds
	Data    []byte
}

// Holds reports whether the program decided to hold.
func (d ProgramDecision) Holds() bool { return d.To == (wire.Address{}) }

// NoTrade is the code of a program run that holds: nothing is proposed.
const NoTrade = program.NoTrade

// ProgramRunRequest asks for a program run.
type ProgramRunRequest struct {
	// Program is the program's commitment or name; optional when the
	// agent host runs one program.
	Program string `json:"program,omitempty"`
}

// SubmitProgramRun runs a program: it decides at the chain's head and,
// unless it holds, pre-checks, proves and sends what the program computed
// (see Submit for idempotency). A hold is a final record with code no_trade.
func (d *Daemon) SubmitProgramRun(ctx context.Context, req ProgramRunRequest, idempotencyKey string) (Record, error) {
	canonical, _ := json.Marshal(req)
	r, err := d.program(req.Program)
	if err != nil {
		return Record{}, err
	}
	var dec ProgramDecision
	return d.submit(ctx, request{kind: "program-run", canonical: canonical,
		build: func(ctx context.Context) (Intent, string, error) {
			if dec, err = r.Decide(ctx); err != nil {
				return Intent{}, "", err
			}
			to := dec.To
			return Intent{To: &to, Data: dec.Data}, dec.Summary, nil
		},
		program: func() (ProgramRunner, *ProgramDecision) { return r, &dec },
	}, idempotencyKey)
}

// program finds a runner by commitment or name.
func (d *Daemon) program(name string) (ProgramRunner, error) {
	if len(d.cfg.Programs) == 0 {
		return nil, wire.Errorf(wire.Malformed, "this agent host runs no program (leash agent-host --program FILE)")
	}
	if name == "" {
		if len(d.cfg.Programs) == 1 {
			return d.cfg.Programs[0], nil
		}
		return nil, wire.Errorf(wire.Malformed, "program: required (this agent host runs %s)", d.programNames())
	}
	for _, p := range d.cfg.Programs {
		if c := p.Commitment(); strings.EqualFold(name, c.Hex()) || name == p.Name() {
			return p, nil
		}
	}
	return nil, wire.Errorf(wire.Malformed, "program %q: this agent host runs %s", clip(name), d.programNames())
}

func (d *Daemon) programNames() string {
	var s []string
	for _, p := range d.cfg.Programs {
		c := p.Commitment()
		s = append(s, fmt.Sprintf("%q (%s)", p.Name(), c.Hex()))
	}
	return strings.Join(s, ", ")
}

func programRun(r ProgramRunner, dec ProgramDecision) *ProgramRun {
	run := &ProgramRun{Commitment: r.Commitment(), Name: r.Name(), Decision: dec.Summary}
	if dec.Inputs != nil {
		b := wire.Uint64(dec.Block)
		run.Block = &b
		for _, in := range dec.Inputs {
			run.Inputs = append(run.Inputs, wire.NewQuantity(in))
		}
	}
	return run
}
