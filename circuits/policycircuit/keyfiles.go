package policycircuit

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	groth16 "github.com/consensys/gnark/backend/groth16/bn254"
	cs "github.com/consensys/gnark/constraint/bn254"

	"github.com/leash-wallet/leash/internal/atomicfile"
)

// SetupR1CS runs a fresh Groth16 setup of r, sending progress lines to say
// every 5 s while it runs. Every circuit of the project (the policy circuit
// and the program circuits) is set up through it.
func SetupR1CS(r *cs.R1CS, say func(string)) (*groth16.ProvingKey, *groth16.VerifyingKey, error) {
	if say == nil {
		say = func(string) {}
	}
	say(fmt.Sprintf("running Groth16 setup over %d constraints", r.GetNbConstraints()))
	var pk groth16.ProvingKey
	var vk groth16.VerifyingKey
	done := make(chan struct{})
	go func() {
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
	err := groth16.Setup(r, &pk, &vk)
	close(done)
	if err != nil {
		return nil, nil, fmt.Errorf("groth16 setup: %w", err)
	}
	return &pk, &vk, nil
}

// WriteKeyFiles stores pk (raw, fast to load) and vk (compressed) as
// dir/pkName and dir/vkName, each replaced atomically.
func WriteKeyFiles(dir, pkName, vkName string, pk *groth16.ProvingKey, vk *groth16.VerifyingKey) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(dir, pkName), func(w io.Writer) error {
		_, err := pk.WriteRawTo(w)
		return err
	}); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, vkName), func(w io.Writer) error {
		_, err := vk.WriteTo(w)
		return err
	})
}

// ReadProvingKeyFile loads a proving key written by WriteKeyFiles.
func ReadProvingKeyFile(path string) (*groth16.ProvingKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var pk groth16.ProvingKey
	if _, err := pk.UnsafeReadFrom(bufio.NewReaderSize(f, 1<<20)); err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	return &pk, nil
}

func writeAtomic(path string, write func(io.Writer) error) error {
	return atomicfile.Replace(path, 0o644, write)
}

// ReadHintKeyFile reads the verifying key at path for a prover's residue
// hints (prover.Prover.WithHints and its twins): nil without an error when
// the file does not exist, as hints are optional (the signer verifies a
// proof without one the old way).
func ReadHintKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return b, err
}
