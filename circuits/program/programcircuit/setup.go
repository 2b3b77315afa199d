package programcircuit

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

	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/circuits/program"
)

// NewCircuit returns an empty circuit of template t, for compiling.
func NewCircuit(t program.Template) (frontend.Circuit, error) {
	switch t {
	case program.Threshold:
		return &ThresholdCircuit{}, nil
	case program.MLP:
		return &MLPCircuit{}, nil
	}
	return nil, fmt.Errorf("no circuit for template %q", t.Name)
}

var compiled sync.Map // template id → func() (*cs.R1CS, error)

// Compile returns template t's compiled constraint system (memoized per
// process).
func Compile(t program.Template) (*cs.R1CS, error) {
	f, _ := compiled.LoadOrStore(t.ID, sync.OnceValues(func() (*cs.R1CS, error) {
		c, err := NewCircuit(t)
		if err != nil {
			return nil, err
		}
		ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
		if err != nil {
			return nil, fmt.Errorf("compile %s program circuit: %w", t.Name, err)
		}
		r, ok := ccs.(*cs.R1CS)
		if !ok {
			return nil, fmt.Errorf("compile %s program circuit: unexpected constraint system %T", t.Name, ccs)
		}
		if len(r.CommitmentInfo.(constraint.Groth16Commitments)) != 0 {
			return nil, fmt.Errorf("%s program circuit must not use BSB22 commitments", t.Name)
		}
		return r, nil
	}))
	return f.(func() (*cs.R1CS, error))()
}

// Info describes a template's circuit, as printed by `leash program info`.
type Info struct {
	Template     string `json:"template"`
	ID           uint64 `json:"id"`
	Inputs       int    `json:"inputs"`
	Constraints  int    `json:"constraints"`
	PublicInputs int    `json:"publicInputs"`
}

// GetInfo compiles template t's circuit and reports its size.
func GetInfo(t program.Template) (Info, error) {
	r, err := Compile(t)
	if err != nil {
		return Info{}, err
	}
	return Info{Template: t.Name, ID: t.ID, Inputs: t.Inputs, Constraints: r.GetNbConstraints(),
		PublicInputs: r.GetNbPublicVariables() - 1}, nil
}

// ProvingKeyFile and VerifyingKeyFile name template t's keys in a keys
// directory: program-<template>.pk and .vk.
func ProvingKeyFile(t program.Template) string   { return "program-" + t.Name + ".pk" }
func VerifyingKeyFile(t program.Template) string { return "program-" + t.Name + ".vk" }

// Keys is a Groth16 key pair for one template's circuit.
type Keys struct {
	Template program.Template
	PK       *groth16.ProvingKey
	VK       *groth16.VerifyingKey
}

// Setup runs a fresh Groth16 setup of template t's circuit. Whoever runs it
// learns the trapdoor and could forge proofs: it must run on the user's
// side, never on the agent host (DESIGN.md G6).
func Setup(t program.Template, progress func(string)) (*Keys, error) {
	if progress != nil {
		progress(fmt.Sprintf("compiling the %s program circuit", t.Name))
	}
	r, err := Compile(t)
	if err != nil {
		return nil, err
	}
	pk, vk, err := policycircuit.SetupR1CS(r, progress)
	if err != nil {
		return nil, err
	}
	return &Keys{Template: t, PK: pk, VK: vk}, nil
}

// Write stores the keys in dir, atomically.
func (k *Keys) Write(dir string) error {
	return policycircuit.WriteKeyFiles(dir, ProvingKeyFile(k.Template), VerifyingKeyFile(k.Template), k.PK, k.VK)
}

// ReadProvingKey loads template t's proving key from dir.
func ReadProvingKey(dir string, t program.Template) (*groth16.ProvingKey, error) {
	return policycircuit.ReadProvingKeyFile(filepath.Join(dir, ProvingKeyFile(t)))
}
