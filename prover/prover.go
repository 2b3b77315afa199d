package prover

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	groth16 "github.com/consensys/gnark/backend/groth16/bn254"
	cs "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/frontend"

	"github.com/leash-wallet/leash/circuits/groth16v"
	"github.com/leash-wallet/leash/circuits/groth16v/gnarkconv"
	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/wire"
)

// Prover proves transactions against one policy with one proving key.
// It is safe for concurrent use; each Prove uses the CPU fully, so callers
// bound concurrency (one proof per core).
type Prover struct {
	pol   *policy.Policy
	pk    *groth16.ProvingKey
	ccs   *cs.R1CS
	hints *groth16v.Verifier // nil: proofs without residue hints
}

// New returns a Prover for pol with proving key pk.
func New(pol *policy.Policy, pk *groth16.ProvingKey) (*Prover, error) {
	ccs, err := policycircuit.Compile()
	if err != nil {
		return nil, err
	}
	return &Prover{pol: pol, pk: pk, ccs: ccs}, nil
}

// WithHints returns a copy of p whose proofs carry their residue hint
// (groth16v, residue.go), made with vkBytes, the policy circuit's verifying key as the signer
// loads it (gnark's compressed encoding): the signer's check then skips
// the final exponentiation.
func (p *Prover) WithHints(vkBytes []byte) (*Prover, error) {
	h, err := groth16v.NewVerifierFromBytes(vkBytes, policy.NumPublicInputs)
	if err != nil {
		return nil, err
	}
	q := *p
	q.hints = h
	return &q, nil
}

// Request is what to prove: the transaction, and the signer state it will be
// checked against (its window sums and the time; the nonce is the tx's).
type Request struct {
	ID         string // proposal id; a random one when empty
	Tx         *wire.Tx
	State      *wire.State // nil: an empty window at time 0
	NoPrecheck bool        // skip the native pre-check (audits): the circuit must then refuse
}

// Precheck runs the policy's native rules against st: a fast refusal that
// names the rule and says what would pass, before any proving work.
func (p *Prover) Precheck(tx *wire.Tx, st *wire.State) error {
	return p.pol.Check(tx, st)
}

// Prove builds the witness, proves it and returns the proposal.
func (p *Prover) Prove(req Request) (*wire.Proposal, error) {
	if req.Tx == nil {
		return nil, wire.Errorf(wire.Malformed, "prove: no transaction")
	}
	st := req.State
	if st == nil {
		st = &wire.State{}
	}
	if !req.NoPrecheck {
		if err := p.Precheck(req.Tx, st); err != nil {
			return nil, err
		}
	}
	assignment, err := policycircuit.Assign(p.pol, req.Tx, st, st.Time)
	if err != nil {
		return nil, err
	}
	w, err := frontend.NewWitness(assignment, ecc.BN254.ScalarField())
	if err != nil {
		return nil, fmt.Errorf("prove: witness: %w", err)
	}
	proof, err := groth16.Prove(p.ccs, p.pk, w)
	if err != nil {
		return nil, wire.Errorf(wire.Unsatisfiable, "the circuit refuses this transaction: it does not satisfy the policy")
	}
	proofBytes, err := gnarkconv.ProofBytes(proof, w, p.hints)
	if err != nil {
		return nil, fmt.Errorf("prove: encode proof: %w", err)
	}
	id := req.ID
	if id == "" {
		id = NewID()
	}
	if !wire.ValidID(id) {
		return nil, wire.Errorf(wire.Malformed, "prove: id must be 1-64 characters of [A-Za-z0-9_.:-]")
	}
	return &wire.Proposal{
		Version:          wire.ProposalVersion,
		ID:               id,
		Tx:               *req.Tx,
		PolicyCommitment: p.pol.Commitment(),
		Time:             st.Time,
		State:            p.pol.Hint(req.Tx, st),
		Proof:            proofBytes,
	}, nil
}

// NewID returns a fresh random proposal id.
func NewID() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return "p-" + hex.EncodeToString(b[:])
}
