package policycircuit

import (
	"fmt"
	"path/filepath"
	"sync"

	"github.com/consensys/gnark-crypto/ecc"
	groth16 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/constraint"
	cs "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/leash-wallet/leash/circuits/policy"
)

// Key file names inside a keys directory.
const (
	ProvingKeyFile   = "policy.pk"
	VerifyingKeyFile = "policy.vk"
)

var compiled = sync.OnceValues(func() (*cs.R1CS, error) { return CompileR1CS(&Circuit{}, "policy circuit") })

// CompileR1CS compiles a circuit of the project to an R1CS over BN254,
// refusing BSB22 commitments (independent verifiers must accept plain
// Groth16). what names it in errors.
func CompileR1CS(c frontend.Circuit, what string) (*cs.R1CS, error) {
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", what, err)
	}
	r, ok := ccs.(*cs.R1CS)
	if !ok {
		return nil, fmt.Errorf("compile %s: unexpected constraint system %T", what, ccs)
	}
	if len(r.CommitmentInfo.(constraint.Groth16Commitments)) != 0 {
		return nil, fmt.Errorf("%s must not use BSB22 commitments", what)
	}
	return r, nil
}

// Compile returns the compiled constraint system (memoized per process).
func Compile() (*cs.R1CS, error) { return compiled() }

// Info describes the circuit, as printed by `leash circuit info`.
type Info struct {
	Constraints      int `json:"constraints"`
	PublicInputs     int `json:"publicInputs"`
	CalldataCapacity int `json:"calldataCapacity"`
}

// GetInfo compiles the circuit and reports its size.
func GetInfo() (Info, error) {
	r, err := Compile()
	if err != nil {
		return Info{}, err
	}
	return Info{Constraints: r.GetNbConstraints(), PublicInputs: r.GetNbPublicVariables() - 1,
		CalldataCapacity: policy.DataCapacity}, nil
}

// Keys is a Groth16 key pair for the policy circuit.
type Keys struct {
	PK *groth16.ProvingKey
	VK *groth16.VerifyingKey
}

// Setup runs a fresh Groth16 setup. Whoever runs it learns the trapdoor
// and could forge proofs: it must run on the user's side, never on the agent
// host (DESIGN.md G6). progress, if not nil, receives short status lines.
func Setup(progress func(string)) (*Keys, error) {
	if progress != nil {
		progress("compiling the policy circuit")
	}
	r, err := Compile()
	if err != nil {
		return nil, err
	}
	pk, vk, err := SetupR1CS(r, progress)
	if err != nil {
		return nil, err
	}
	return &Keys{PK: pk, VK: vk}, nil
}

// Write stores the keys as DIR/policy.pk and DIR/policy.vk, atomically.
func (k *Keys) Write(dir string) error {
	return WriteKeyFiles(dir, ProvingKeyFile, VerifyingKeyFile, k.PK, k.VK)
}

// ReadProvingKey loads DIR/policy.pk.
func ReadProvingKey(dir string) (*groth16.ProvingKey, error) {
	return ReadProvingKeyFile(filepath.Join(dir, ProvingKeyFile))
}
