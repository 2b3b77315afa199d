package typedcircuit

import (
	"bytes"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	groth16 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/frontend"

	"github.com/leash-wallet/leash/wire"
)

// Prove proves an assignment with pk and returns the proof in gnark's
// compressed encoding (what proposals carry and groth16v decodes).
func Prove(pk *groth16.ProvingKey, c *Circuit) ([]byte, error) {
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
	var buf bytes.Buffer
	if _, err := proof.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
