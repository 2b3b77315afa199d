package programverify_test

import (
	"testing"

	groth16 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/leash-wallet/leash/circuits/groth16v/gnarkconv"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programtest"
	"github.com/leash-wallet/leash/circuits/program/programverify"
	"github.com/leash-wallet/leash/circuits/verify"
)

// BenchmarkVerify is the signer's full check of an MLP program proposal:
// every native check, the re-read of the 8 oracle answers at B through the
// chain interface (an in-memory chain here, so the RPC round trip is
// excluded), the public inputs and the pairing.
func BenchmarkVerify(b *testing.B) { benchVerify(b, "mlp") }

// BenchmarkVerifyThreshold is the same for the threshold template.
func BenchmarkVerifyThreshold(b *testing.B) { benchVerify(b, "threshold") }

func benchVerify(b *testing.B, name string) {
	s := programtest.Shared(b, name)
	p := s.Result.Proposal
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Verify(p, programverify.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGnarkVerifyBaseline is gnark's bare Groth16 verify of the same
// MLP proof and public inputs: the floor Verify adds to.
func BenchmarkGnarkVerifyBaseline(b *testing.B) {
	s := programtest.Shared(b, "mlp")
	p := s.Result.Proposal
	proof, err := verify.DecodeProof(p.Proof)
	if err != nil {
		b.Fatal(err)
	}
	pub, err := program.PublicInputs(s.Policy, &p.Tx, s.State, p.Time, &program.Claim{
		Commitment: s.Pin.Commitment, Template: s.Program.Tmpl(), Oracle: s.Pin.Oracle, MaxInputAge: s.Pin.MaxInputAge,
		Block: s.Block, Inputs: s.Inputs})
	if err != nil {
		b.Fatal(err)
	}
	gvk := gnarkVK(b, s.Keys.VK)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := groth16.Verify(gnarkconv.Proof(proof), gvk, pub); err != nil {
			b.Fatal(err)
		}
	}
}
