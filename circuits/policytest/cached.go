package policytest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"syscall"

	cs "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/logger"

	"github.com/leash-wallet/leash/circuits/policycircuit"
)

// CachedSetup returns a directory holding pkFile and vkFile, a Groth16
// setup of r, cached under root (the system temp dir's leash-testkeys when
// empty) in a directory named by the hash of the compiled
// circuit and shared by every test process of a run (a file lock makes one
// process do the setup). Circuits other than the policy circuit (the
// typed-data circuit) cache their keys with it.
func CachedSetup(root string, r *cs.R1CS, pkFile, vkFile string) (string, error) {
	logger.Disable()
	var buf bytes.Buffer
	if _, err := r.WriteTo(&buf); err != nil {
		return "", err
	}
	sum := sha256.Sum256(buf.Bytes())
	if root == "" {
		root = filepath.Join(os.TempDir(), "leash-testkeys")
	}
	dir := filepath.Join(root, hex.EncodeToString(sum[:8]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(filepath.Join(dir, vkFile)); err == nil {
		if _, err := os.Stat(filepath.Join(dir, pkFile)); err == nil {
			return dir, nil
		}
	}
	pk, vk, err := policycircuit.SetupR1CS(r, nil)
	if err != nil {
		return "", err
	}
	if err := policycircuit.WriteKeyFiles(dir, pkFile, vkFile, pk, vk); err != nil {
		return "", err
	}
	return dir, nil
}
