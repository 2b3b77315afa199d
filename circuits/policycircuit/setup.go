package policycircuit

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

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

var compiled = sync.OnceValues(func() (*cs.R1CS, error) {
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &Circuit{})
	if err != nil {
		return nil, fmt.Errorf("compile policy circuit: %w", err)
	}
	r, ok := ccs.(*cs.R1CS)
	if !ok {
		return nil, fmt.Errorf("compile policy circuit: unexpected constraint system %T", ccs)
	}
	if len(r.CommitmentInfo.(constraint.Groth16Commitments)) != 0 {
		return nil, fmt.Errorf("policy circuit must not use BSB22 commitments")
	}
	return r, nil
})

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
	say := func(s string) {
		if progress != nil {
			progress(s)
		}
	}
	say("compiling the policy circuit")
	r, err := Compile()
	if err != nil {
		return nil, err
	}
	say(fmt.Sprintf("running Groth16 setup over %d constraints", r.GetNbConstraints()))
	var pk groth16.ProvingKey
	var vk groth16.VerifyingKey
	done := make(chan struct{})
	go func() { // progress while the setup runs
		start := time.Now()
		tick := time.NewTicker(5 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				say(fmt.Sprintf("setup still running (%.0fs)", time.Since(start).Seconds()))
			}
		}
	}()
	err = groth16.Setup(r, &pk, &vk)
	close(done)
	if err != nil {
		return nil, fmt.Errorf("groth16 setup: %w", err)
	}
	return &Keys{PK: &pk, VK: &vk}, nil
}

// Write stores the keys as DIR/policy.pk and DIR/policy.vk, atomically.
func (k *Keys) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(dir, ProvingKeyFile), func(w io.Writer) error {
		_, err := k.PK.WriteRawTo(w)
		return err
	}); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, VerifyingKeyFile), func(w io.Writer) error {
		_, err := k.VK.WriteTo(w)
		return err
	})
}

// ReadProvingKey loads DIR/policy.pk.
func ReadProvingKey(dir string) (*groth16.ProvingKey, error) {
	f, err := os.Open(filepath.Join(dir, ProvingKeyFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var pk groth16.ProvingKey
	if _, err := pk.UnsafeReadFrom(bufio.NewReaderSize(f, 1<<20)); err != nil {
		return nil, fmt.Errorf("read %s: %w", ProvingKeyFile, err)
	}
	return &pk, nil
}

func writeAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err := write(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
