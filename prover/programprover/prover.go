package programprover

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend"
	groth16 "github.com/consensys/gnark/backend/groth16/bn254"
	cs "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"

	"github.com/leash-wallet/leash/circuits/groth16v"
	"github.com/leash-wallet/leash/circuits/groth16v/gnarkconv"
	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programcircuit"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/wire"
)

// Prover proves one program under one policy with its template's proving
// key. It is safe for concurrent use; each Prove uses the CPU fully.
type Prover struct {
	pol   *policy.Policy
	prog  *program.Program
	pk    *groth16.ProvingKey
	ccs   *cs.R1CS
	hints *groth16v.Verifier // nil: proofs without residue hints
}

// New returns a Prover for prog under pol, with the proving key of prog's
// template.
func New(pol *policy.Policy, prog *program.Program, pk *groth16.ProvingKey) (*Prover, error) {
	if pol == nil || prog == nil || pk == nil {
		return nil, wire.Errorf(wire.Malformed, "programprover: missing policy, program or proving key")
	}
	ccs, err := programcircuit.Compile(prog.Tmpl())
	if err != nil {
		return nil, err
	}
	return &Prover{pol: pol, prog: prog, pk: pk, ccs: ccs}, nil
}

// WithHints returns a copy of p whose proofs carry their residue hint
// (groth16v, residue.go), made with vkBytes, the template's verifying key
// as the signer loads it (gnark's compressed encoding): the signer's check
// then skips the final exponentiation.
func (p *Prover) WithHints(vkBytes []byte) (*Prover, error) {
	h, err := groth16v.NewVerifierFromBytes(vkBytes, p.ccs.GetNbPublicVariables()-1)
	if err != nil {
		return nil, err
	}
	q := *p
	q.hints = h
	return &q, nil
}

// Request is what to prove: the block and the inputs read there, the free
// transaction fields, and the signer state the proof is checked against.
type Request struct {
	ID     string     // proposal id; a random one when empty
	Block  uint64     // the block the inputs were read at
	Inputs []*big.Int // the template's inputs, oldest first
	// Fees are the free fields. ChainID 0 means the policy's chain.
	Fees  program.Fees
	State *wire.State // the signer's window state and clock; nil: empty at time 0
	// Tx, when set, is proven instead of the computed transaction, with no
	// pre-check: for audits, to show the circuit refuses what the program
	// did not compute.
	Tx *wire.Tx
}

// Result is a proven proposal and the decision behind it.
type Result struct {
	Decision program.Decision
	Proposal *wire.Proposal
}

// Decide runs the program's native twin.
func (p *Prover) Decide(inputs []*big.Int) (program.Decision, error) { return p.prog.Decide(inputs) }

// Prove decides, builds the transaction, pre-checks it against the policy
// and proves it. A hold returns program.ErrHold with the decision.
func (p *Prover) Prove(req Request) (*Result, error) {
	d, err := p.prog.Decide(req.Inputs)
	if err != nil {
		return nil, err
	}
	res := &Result{Decision: d}
	st := req.State
	if st == nil {
		st = &wire.State{}
	}
	tx := req.Tx
	if tx == nil {
		fees := req.Fees
		if fees.ChainID == 0 {
			fees.ChainID = p.pol.ChainID
		}
		if tx, err = p.prog.BuildTx(d, req.Block, fees); err != nil {
			return res, err
		}
		if err := p.pol.CheckProgram(tx, st); err != nil {
			return res, err
		}
	}
	assignment, err := programcircuit.Assign(p.pol, p.prog, tx, st, st.Time, req.Block, req.Inputs)
	if err != nil {
		return res, err
	}
	w, err := frontend.NewWitness(assignment, ecc.BN254.ScalarField())
	if err != nil {
		return res, fmt.Errorf("prove: witness: %w", err)
	}
	proof, err := groth16.Prove(p.ccs, p.pk, w, backend.WithSolverOptions(solver.WithHints(programcircuit.Hints()...)))
	if err != nil {
		return res, wire.Errorf(wire.Unsatisfiable, "the circuit refuses this transaction: it is not what the program computes from these inputs, or it breaks the policy")
	}
	proofBytes, err := gnarkconv.ProofBytes(proof, w, p.hints)
	if err != nil {
		return res, fmt.Errorf("prove: encode proof: %w", err)
	}
	id := req.ID
	if id == "" {
		id = prover.NewID()
	}
	if !wire.ValidID(id) {
		return res, wire.Errorf(wire.Malformed, "prove: id must be 1-64 characters of [A-Za-z0-9_.:-]")
	}
	inputs := make([]wire.Quantity, len(req.Inputs))
	for i, v := range req.Inputs {
		inputs[i] = wire.NewQuantity(v)
	}
	res.Proposal = &wire.Proposal{
		Version:          wire.ProposalVersion,
		ID:               id,
		Tx:               *tx,
		PolicyCommitment: p.pol.Commitment(),
		Time:             st.Time,
		State:            p.pol.Hint(tx, st),
		Proof:            proofBytes,
		Program: &wire.ProgramClaim{
			Commitment: p.prog.Commitment(),
			Block:      wire.Uint64(req.Block),
			Inputs:     inputs,
		},
	}
	return res, nil
}
