package typedcircuit

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	groth16 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/frontend"

	"github.com/leash-wallet/leash/circuits/groth16v"
	"github.com/leash-wallet/leash/circuits/groth16v/gnarkconv"
	"github.com/leash-wallet/leash/wire"
)

// Prove proves an assignment with pk and returns the proof in gnark's
// compressed encoding (what proposals carry and groth16v decodes),
// followed by its residue hint when hints is not nil (gnarkconv.ProofBytes).
func Prove(pk *groth16.ProvingKey, c *Circuit, hints *groth16v.Verifier) ([]byte, error) {
	r, err := Compile()
	if err != nil {
		return nil, err
	}
	w, err := frontend.NewWitness(c, ecc.BN254.ScalarField())
	if err != nil {
		return nil, fmt.Errorf("typed-data witness: %w", err)
	}
	proof, err := groth16.Prove(r, pk, w)
	if err != nil {
		return nil, wire.Errorf(wire.Unsatisfiable, "the circuit refuses this typed data: it does not satisfy the policy")
	}
	return gnarkconv.ProofBytes(proof, w, hints)
}
