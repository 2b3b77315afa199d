package groth16v

import (
	"testing"

	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
)

func TestValidProofs(t *testing.T) {
	f := getFixture(t)
	for _, c := range f.cases {
		t.Run(c.name, func(t *testing.T) {
			if err := groth16bn254.Verify(c.proof, f.keys.VK, c.public); err != nil {
				t.Fatalf("gnark rejects a valid proof: %v", err)
			}
			if err := f.verifier.Verify(c.proof, c.public); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if err := f.verifier.VerifyBytes(c.bytes, c.public); err != nil {
				t.Fatalf("VerifyBytes: %v", err)
			}
			// The verifier is reusable: the Miller loop must not have
			// eaten its precomputed lines.
			for range 3 {
				if err := f.verifier.VerifyBytes(c.bytes, c.public); err != nil {
					t.Fatalf("VerifyBytes (again): %v", err)
				}
			}
		})
	}
}
