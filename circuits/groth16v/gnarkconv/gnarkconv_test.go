package gnarkconv_test

import (
	"bytes"
	"errors"
	"testing"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/leash-wallet/leash/circuits/groth16v"
	"github.com/leash-wallet/leash/circuits/groth16v/gnarkconv"
	"github.com/leash-wallet/leash/circuits/groth16v/testcircuit"
	"github.com/leash-wallet/leash/wire"
)

// Keys and proofs survive the round trip through both types: the same
// bytes under both encoders, accepted by both verifiers.
func TestRoundTrip(t *testing.T) {
	keys, err := testcircuit.Setup()
	if err != nil {
		t.Fatal(err)
	}
	pub, err := testcircuit.RandomPublic()
	if err != nil {
		t.Fatal(err)
	}
	gp, err := keys.Prove(pub)
	if err != nil {
		t.Fatal(err)
	}

	vk, err := gnarkconv.FromVerifyingKey(keys.VK)
	if err != nil {
		t.Fatal(err)
	}
	vkBytes, err := testcircuit.VKBytes(keys.VK)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(vk.Bytes(), vkBytes) {
		t.Fatal("converted key encodes differently")
	}
	p, err := gnarkconv.FromProof(gp)
	if err != nil {
		t.Fatal(err)
	}
	proofBytes, err := testcircuit.ProofBytes(gp)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(p.Bytes(), proofBytes) {
		t.Fatal("converted proof encodes differently")
	}

	v, err := groth16v.NewVerifier(vk)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Verify(p, pub); err != nil {
		t.Fatalf("groth16v rejects the converted proof: %v", err)
	}
	back, err := gnarkconv.VerifyingKey(vk)
	if err != nil {
		t.Fatal(err)
	}
	if err := groth16bn254.Verify(gnarkconv.Proof(p), back, pub); err != nil {
		t.Fatalf("gnark rejects the round-tripped proof and key: %v", err)
	}
	if b, _ := testcircuit.VKBytes(back); !bytes.Equal(b, vkBytes) {
		t.Fatal("round-tripped key encodes differently")
	}

	_, _, g1, _ := bn254.Generators()
	withC := *gp
	withC.Commitments = []bn254.G1Affine{g1}
	if _, err := gnarkconv.FromProof(&withC); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("proof with a commitment: got %v, want malformed", err)
	}
	withPok := *gp
	withPok.CommitmentPok = g1
	if _, err := gnarkconv.FromProof(&withPok); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("proof with a commitment PoK: got %v, want malformed", err)
	}
	vkC := *keys.VK
	vkC.PublicAndCommitmentCommitted = [][]int{{1}}
	if _, err := gnarkconv.FromVerifyingKey(&vkC); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("key with commitments: got %v, want malformed", err)
	}
}
