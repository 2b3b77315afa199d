// Package testcircuit is a small Groth16 (BN254) circuit with the same number
// of public inputs as the policy circuit (12). It exists to test and benchmark
// circuits/groth16v against gnark's own verifier and against snarkjs; it has
// no meaning beyond that.
//
// The statement: the prover knows W with W = Σ (i+1)·Pᵢ² + Pᵢ over the 12
// public inputs Pᵢ. The circuit uses no api.Commit, so its proofs are plain
// Groth16 without BSB22 commitments, like the policy circuit's.
package testcircuit

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	cs "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

// NbPublic is the number of public inputs, as in the policy circuit.
const NbPublic = 12

// Circuit is the test statement.
type Circuit struct {
	P [NbPublic]frontend.Variable `gnark:",public"`
	W frontend.Variable
}

// Define implements frontend.Circuit.
func (c *Circuit) Define(api frontend.API) error {
	acc := frontend.Variable(0)
	for i := range c.P {
		sq := api.Mul(c.P[i], c.P[i], i+1)
		acc = api.Add(acc, sq, c.P[i])
	}
	api.AssertIsEqual(acc, c.W)
	return nil
}

// Keys is a compiled circuit with its Groth16 keys.
type Keys struct {
	CS *cs.R1CS
	PK *groth16bn254.ProvingKey
	VK *groth16bn254.VerifyingKey
}

// Setup compiles the circuit and runs a (test-only, single-party) Groth16
// setup.
func Setup() (*Keys, error) {
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &Circuit{})
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	r, ok := ccs.(*cs.R1CS)
	if !ok {
		return nil, fmt.Errorf("compile: unexpected constraint system %T", ccs)
	}
	var pk groth16bn254.ProvingKey
	var vk groth16bn254.VerifyingKey
	if err := groth16bn254.Setup(r, &pk, &vk); err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	return &Keys{CS: r, PK: &pk, VK: &vk}, nil
}

// RandomPublic returns 12 uniformly random public inputs.
func RandomPublic() ([]fr.Element, error) {
	p := make([]fr.Element, NbPublic)
	for i := range p {
		if _, err := p[i].SetRandom(); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// PolicyLikePublic returns 12 public inputs sized like the policy circuit's:
// two full field elements (commitment, calldata digest), a 160-bit address,
// 128-bit value limbs and spend, and small integers for the rest.
func PolicyLikePublic() ([]fr.Element, error) {
	bits := [NbPublic]int{254, 32, 24, 160, 64, 128, 24, 40, 32, 254, 32, 70}
	p := make([]fr.Element, NbPublic)
	for i, b := range bits {
		if b >= 254 {
			if _, err := p[i].SetRandom(); err != nil {
				return nil, err
			}
			continue
		}
		v, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), uint(b)))
		if err != nil {
			return nil, err
		}
		p[i].SetBigInt(v)
	}
	return p, nil
}

// Assignment builds the full assignment for the given public inputs.
func Assignment(public []fr.Element) (*Circuit, error) {
	if len(public) != NbPublic {
		return nil, fmt.Errorf("want %d public inputs, got %d", NbPublic, len(public))
	}
	var c Circuit
	var acc fr.Element
	for i := range public {
		var sq, k fr.Element
		sq.Square(&public[i])
		k.SetUint64(uint64(i + 1))
		sq.Mul(&sq, &k)
		acc.Add(&acc, &sq)
		acc.Add(&acc, &public[i])
		c.P[i] = new(big.Int).Set(public[i].BigInt(new(big.Int)))
	}
	c.W = acc.BigInt(new(big.Int))
	return &c, nil
}

// Prove proves the statement for the given public inputs.
func (k *Keys) Prove(public []fr.Element) (*groth16bn254.Proof, error) {
	a, err := Assignment(public)
	if err != nil {
		return nil, err
	}
	w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
	if err != nil {
		return nil, fmt.Errorf("witness: %w", err)
	}
	return groth16bn254.Prove(k.CS, k.PK, w)
}

// ProofBytes is gnark's compressed encoding of proof (proof.WriteTo).
func ProofBytes(proof *groth16bn254.Proof) ([]byte, error) {
	var b bytes.Buffer
	if _, err := proof.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// VKBytes is gnark's compressed encoding of vk (vk.WriteTo).
func VKBytes(vk *groth16bn254.VerifyingKey) ([]byte, error) {
	var b bytes.Buffer
	if _, err := vk.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
