package verify_test

import (
	"bytes"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	groth16 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/leash-wallet/leash/bench/policyv1"
	"github.com/leash-wallet/leash/circuits/groth16v"
	"github.com/leash-wallet/leash/circuits/groth16v/gnarkconv"
	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/verify"
)

// BenchmarkVerify is the signer's full check: decode, every native check,
// public inputs, pairing.
func BenchmarkVerify(b *testing.B) {
	pol := policytest.Policy(b)
	st := policytest.State(b)
	_, _, vk := policytest.Keys(b)
	p := policytest.Proposal(b, pol, policytest.Tx(b, "tx-ok-erc20"), st)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := verify.Verify(p, pol, vk, st, verify.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyV1Baseline is what a v1 signer's check cost, measured in
// the same run: v1's public inputs and the pairing for a proof of the frozen
// policy circuit v1 (bench/policyv1; v1's native policy check is not kept,
// which favours v1).
func BenchmarkVerifyV1Baseline(b *testing.B) {
	base := policyv1.Example()
	ccs, err := policyv1.Compile()
	if err != nil {
		b.Fatal(err)
	}
	pk, vk, err := policyv1.Keys()
	if err != nil {
		b.Fatal(err)
	}
	tx := base.Tx()
	w, _ := frontend.NewWitness(base.Assign(tx, new(big.Int), 1795564800), ecc.BN254.ScalarField())
	proof, err := groth16.Prove(ccs, pk, w)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := proof.WriteTo(&buf); err != nil {
		b.Fatal(err)
	}
	var vkBuf bytes.Buffer
	if _, err := vk.WriteTo(&vkBuf); err != nil {
		b.Fatal(err)
	}
	v, err := groth16v.NewVerifierFromBytes(vkBuf.Bytes(), policyv1.NumPublicInputs)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := v.VerifyBytes(buf.Bytes(), base.PublicInputs(tx, new(big.Int), 1795564800)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGnarkVerifyBaseline is gnark's bare groth16 bn254 Verify on the
// same proof and public inputs: the floor our checks add to.
func BenchmarkGnarkVerifyBaseline(b *testing.B) {
	pol := policytest.Policy(b)
	st := policytest.State(b)
	_, _, vk := policytest.Keys(b)
	p := policytest.Proposal(b, pol, policytest.Tx(b, "tx-ok-erc20"), st)
	proof, err := verify.DecodeProof(p.Proof)
	if err != nil {
		b.Fatal(err)
	}
	var gvk groth16.VerifyingKey
	if _, err := gvk.ReadFrom(bytes.NewReader(vk.Bytes())); err != nil {
		b.Fatal(err)
	}
	gproof := gnarkconv.Proof(proof)
	pub, _ := pol.PublicInputs(&p.Tx, st, p.Time)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := groth16.Verify(gproof, &gvk, pub); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodePolicy(b *testing.B) {
	raw := policytest.Example(b, "policy.json")
	for i := 0; i < b.N; i++ {
		if _, err := policy.Decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}
