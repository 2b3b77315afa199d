package policyv1_test

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	groth16 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/frontend"

	"github.com/leash-wallet/leash/bench/policyv1"
)

// TestBaselineProves: the frozen v1 circuit still proves the baseline
// transfer and refuses an over-cap one, so the benchmark baseline is a real
// v1 proof (11,941 constraints, as v1's docs said).
func TestBaselineProves(t *testing.T) {
	b := policyv1.Example()
	ccs, err := policyv1.Compile()
	if err != nil {
		t.Fatal(err)
	}
	if n := ccs.GetNbConstraints(); n != 11941 {
		t.Fatalf("%d constraints, v1 had 11,941", n)
	}
	tx := b.Tx()
	w, err := frontend.NewWitness(b.Assign(tx, new(big.Int), 1795564800), ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ccs.Solve(w); err != nil {
		t.Fatalf("the baseline witness does not solve: %v", err)
	}
	over := b.Tx()
	over.Value.Mul(&over.Value.Int, big.NewInt(100))
	w2, _ := frontend.NewWitness(b.Assign(over, new(big.Int), 1795564800), ecc.BN254.ScalarField())
	if _, err := ccs.Solve(w2); err == nil {
		t.Fatal("an over-cap transfer solves")
	}
	if testing.Short() {
		return
	}
	pk, vk, err := policyv1.Keys()
	if err != nil {
		t.Fatal(err)
	}
	proof, err := groth16.Prove(ccs, pk, w)
	if err != nil {
		t.Fatal(err)
	}
	if err := groth16.Verify(proof, vk, b.PublicInputs(tx, new(big.Int), 1795564800)); err != nil {
		t.Fatal(err)
	}
}
