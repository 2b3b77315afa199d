//go:build !js

package policyv1

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/consensys/gnark-crypto/ecc"
	groth16 "github.com/consensys/gnark/backend/groth16/bn254"
	cs "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/leash-wallet/leash/circuits/policycircuit"
)

var compiled = sync.OnceValues(func() (*cs.R1CS, error) {
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &Circuit{})
	if err != nil {
		return nil, err
	}
	return ccs.(*cs.R1CS), nil
})

// Compile returns the v1 constraint system (memoized).
func Compile() (*cs.R1CS, error) { return compiled() }

// Keys returns a Groth16 setup of the v1 circuit, cached in the system temp
// dir under the hash of the compiled circuit (as circuits/policytest does)
// and shared by the processes of a run.
func Keys() (*groth16.ProvingKey, *groth16.VerifyingKey, error) {
	ccs, err := Compile()
	if err != nil {
		return nil, nil, err
	}
	var buf bytes.Buffer
	if _, err := ccs.WriteTo(&buf); err != nil {
		return nil, nil, err
	}
	sum := sha256.Sum256(buf.Bytes())
	dir := filepath.Join(os.TempDir(), "leash-testkeys", "policy-v1-"+hex.EncodeToString(sum[:8]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, err
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, nil, err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return nil, nil, err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	const pkName, vkName = "policy-v1.pk", "policy-v1.vk"
	if _, err := os.Stat(filepath.Join(dir, vkName)); err != nil {
		pk, vk, err := policycircuit.SetupR1CS(ccs, nil)
		if err != nil {
			return nil, nil, err
		}
		if err := policycircuit.WriteKeyFiles(dir, pkName, vkName, pk, vk); err != nil {
			return nil, nil, err
		}
	}
	pk, err := policycircuit.ReadProvingKeyFile(filepath.Join(dir, pkName))
	if err != nil {
		return nil, nil, err
	}
	vkBytes, err := os.ReadFile(filepath.Join(dir, vkName))
	if err != nil {
		return nil, nil, err
	}
	var vk groth16.VerifyingKey
	if _, err := vk.ReadFrom(bytes.NewReader(vkBytes)); err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", vkName, err)
	}
	return pk, &vk, nil
}
