package prover

import (
	"math/big"

	groth16 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/leash-wallet/leash/circuits/groth16v"
	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/typedcircuit"
	"github.com/leash-wallet/leash/wasm/eip712"
	"github.com/leash-wallet/leash/wire"
)

// SigProver proves EIP-712 typed data against one policy with the
// typed-data circuit's proving key (issue 17).
type SigProver struct {
	pol   *policy.Policy
	pk    *groth16.ProvingKey
	hints *groth16v.Verifier // nil: proofs without residue hints
}

// NewSigProver returns a SigProver for pol with typedcircuit's key pk.
func NewSigProver(pol *policy.Policy, pk *groth16.ProvingKey) *SigProver {
	return &SigProver{pol: pol, pk: pk}
}

// WithHints returns a copy of p whose proofs carry their residue hint
// (groth16v, residue.go), made with vkBytes, typedcircuit's verifying key as the signer
// loads it (gnark's compressed encoding): the signer's check then skips
// the final exponentiation.
func (p *SigProver) WithHints(vkBytes []byte) (*SigProver, error) {
	h, err := groth16v.NewVerifierFromBytes(vkBytes, policy.NumSigPublicInputs)
	if err != nil {
		return nil, err
	}
	q := *p
	q.hints = h
	return &q, nil
}

// SigRequest is what to prove: the eth_signTypedData_v4 document and the
// signer state (its clock and token window sums) it will be checked against.
type SigRequest struct {
	ID         string
	TypedData  []byte
	State      *wire.State // nil: an empty window at time 0
	NoPrecheck bool        // skip the native check (audits): the circuit must then refuse
}

// Precheck decodes the document and runs the policy's signature rules
// against st: a refusal that names the rule before any proving work.
func (p *SigProver) Precheck(doc []byte, st *wire.State) (*policy.SigMatch, error) {
	m, err := readTyped(doc)
	if err != nil {
		return nil, err
	}
	return p.pol.CheckSignature(m, st)
}

func readTyped(doc []byte) (*policy.TypedMessage, error) {
	td, err := eip712.Decode(doc, eip712.V4)
	if err != nil {
		return nil, err
	}
	return policy.ReadTyped(td)
}

// Prove checks, proves and returns the signature proposal.
func (p *SigProver) Prove(req SigRequest) (*wire.SigProposal, error) {
	st := req.State
	if st == nil {
		st = &wire.State{}
	}
	m, err := readTyped(req.TypedData)
	if err != nil {
		return nil, err
	}
	if !req.NoPrecheck {
		if _, err := p.pol.CheckSignature(m, st); err != nil {
			return nil, err
		}
	}
	a, err := typedcircuit.Assign(p.pol, m, st, st.Time)
	if err != nil {
		return nil, err
	}
	proof, err := typedcircuit.Prove(p.pk, a, p.hints)
	if err != nil {
		return nil, err
	}
	id := req.ID
	if id == "" {
		id = NewID()
	}
	if !wire.ValidID(id) {
		return nil, wire.Errorf(wire.Malformed, "prove: id must be 1-64 characters of [A-Za-z0-9_.:-]")
	}
	spent := new(big.Int)
	if sm, err := p.pol.MatchSignature(m); err == nil && sm.Spends {
		spent = st.TokenSpent(sm.SpendToken)
	}
	return &wire.SigProposal{Version: wire.ProposalVersion, ID: id, TypedData: append([]byte(nil), req.TypedData...),
		PolicyCommitment: p.pol.Commitment(), Time: st.Time, TokenSpent: wire.NewQuantity(spent), Proof: proof}, nil
}
