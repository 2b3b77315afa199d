package typedcircuit

import (
	"path/filepath"
	"sync"

	groth16 "github.com/consensys/gnark/backend/groth16/bn254"
	cs "github.com/consensys/gnark/constraint/bn254"

	"github.com/leash-wallet/leash/circuits/policycircuit"
)

// Key file names inside a keys directory (beside policy.pk and policy.vk).
const (
	ProvingKeyFile   = "typed.pk"
	VerifyingKeyFile = "typed.vk"
)

var compiled = sync.OnceValues(func() (*cs.R1CS, error) { return policycircuit.CompileR1CS(&Circuit{}, "typed-data circuit") })

// Compile returns the compiled constraint system (memoized per process).
func Compile() (*cs.R1CS, error) { return compiled() }

// Keys is a Groth16 key pair for the typed-data circuit.
type Keys struct {
	PK *groth16.ProvingKey
	VK *groth16.VerifyingKey
}

// Setup runs a fresh Groth16 setup (on the user's side, like the policy
// circuit's: whoever runs it could forge proofs).
func Setup(progress func(string)) (*Keys, error) {
	r, err := Compile()
	if err != nil {
		return nil, err
	}
	pk, vk, err := policycircuit.SetupR1CS(r, progress)
	if err != nil {
		return nil, err
	}
	return &Keys{PK: pk, VK: vk}, nil
}

// Write stores the keys as DIR/typed.pk and DIR/typed.vk, atomically.
func (k *Keys) Write(dir string) error {
	return policycircuit.WriteKeyFiles(dir, ProvingKeyFile, VerifyingKeyFile, k.PK, k.VK)
}

// ReadProvingKey loads DIR/typed.pk.
func ReadProvingKey(dir string) (*groth16.ProvingKey, error) {
	return policycircuit.ReadProvingKeyFile(filepath.Join(dir, ProvingKeyFile))
}
