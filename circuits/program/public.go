package program

import (
	"math/big"
	"strconv"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/wire"
)

// NumPublicInputs is the length of template t's public-input vector: the
// policy circuit's 16, then P, B, the oracle, maxInputAge and t.Inputs
// answers.
func NumPublicInputs(t Template) int { return policy.NumPublicInputs + 4 + t.Inputs }

// PublicInputNames names the public inputs a template's circuit appends to
// the policy circuit's (policy.PublicInputNames), in circuit order.
func PublicInputNames(t Template) []string {
	names := append([]string(nil), policy.PublicInputNames[:]...)
	names = append(names, "program", "block", "oracle", "maxInputAge")
	for i := 0; i < t.Inputs; i++ {
		names = append(names, "input"+strconv.Itoa(i))
	}
	return names
}

// Claim is what a program proof is proven against besides the policy's
// public inputs: the program commitment P, the template, the oracle, the
// oldest answer age the pin accepts, the block B and the inputs read there.
type Claim struct {
	Commitment  wire.Hash32
	Template    Template
	Oracle      wire.Address
	MaxInputAge uint64
	Block       uint64
	Inputs      []*big.Int
}

// PublicInputs is x = PI(T, C, S, t) ‖ (P, B, oracle, maxInputAge, inputs):
// the public-input vector of claim's template circuit, in circuit order. The
// signer calls it with its own policy, state, clock, pin and re-read inputs;
// nothing here comes from a proposal except the transaction.
func PublicInputs(pol *policy.Policy, tx *wire.Tx, st *wire.State, t uint64, claim *Claim) ([]fr.Element, error) {
	if err := CheckInputs(claim.Template, claim.Inputs); err != nil {
		return nil, err
	}
	var p fr.Element
	if err := p.SetBytesCanonical(claim.Commitment[:]); err != nil {
		return nil, wire.Errorf(wire.Malformed, "program commitment is not a canonical field element")
	}
	pub, err := pol.PublicInputs(tx, st, t)
	if err != nil {
		return nil, err
	}
	pub = append(pub, p, policy.ElemU64(claim.Block), policy.ElemBytes(claim.Oracle[:]), policy.ElemU64(claim.MaxInputAge))
	for _, v := range claim.Inputs {
		pub = append(pub, policy.Elem(v))
	}
	return pub, nil
}
