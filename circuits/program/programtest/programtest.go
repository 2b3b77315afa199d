package programtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	groth16 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/logger"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programcircuit"
	"github.com/leash-wallet/leash/circuits/program/programverify"
)

// Example returns the bytes of examples/programs/<name>.
func Example(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(policytest.Root(), "examples", "programs", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Program loads examples/programs/<name>.json.
func Program(tb testing.TB, name string) *program.Program {
	tb.Helper()
	p, err := program.Decode(Example(tb, name+".json"))
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return p
}

// Policy loads examples/programs/policy.json.
func Policy(tb testing.TB) *policy.Policy {
	tb.Helper()
	p, err := policy.Decode(Example(tb, "policy.json"))
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// KeySet is a cached setup of one template's circuit.
type KeySet struct {
	Dir string
	PK  *groth16.ProvingKey
	VK  *programverify.VerifyingKey
}

var (
	mu    sync.Mutex
	cache = map[uint64]*KeySet{}
)

// Keys returns a setup of template t's circuit, cached in the system temp
// dir under the hash of the compiled circuit and shared by every test
// process of a run (a file lock makes one process do the setup).
func Keys(tb testing.TB, t program.Template) *KeySet {
	tb.Helper()
	ks, err := LoadKeys(t)
	if err != nil {
		tb.Fatal(err)
	}
	return ks
}

// LoadKeys is Keys without a testing.TB (for Examples).
func LoadKeys(t program.Template) (*KeySet, error) {
	mu.Lock()
	defer mu.Unlock()
	if ks, ok := cache[t.ID]; ok {
		return ks, nil
	}
	ks, err := loadKeys(t)
	if err != nil {
		return nil, err
	}
	cache[t.ID] = ks
	return ks, nil
}

func loadKeys(t program.Template) (*KeySet, error) {
	logger.Disable()
	ccs, err := programcircuit.Compile(t)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := ccs.WriteTo(&buf); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(buf.Bytes())
	dir := filepath.Join(os.TempDir(), "leash-testkeys", "program-"+t.Name+"-"+hex.EncodeToString(sum[:8]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return nil, err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	vkPath := filepath.Join(dir, programcircuit.VerifyingKeyFile(t))
	vkBytes, err := os.ReadFile(vkPath)
	if err != nil {
		keys, err := programcircuit.Setup(t, nil)
		if err != nil {
			return nil, err
		}
		if err := keys.Write(dir); err != nil {
			return nil, err
		}
		if vkBytes, err = os.ReadFile(vkPath); err != nil {
			return nil, err
		}
	}
	vk, err := programverify.LoadVerifyingKey(vkBytes, t)
	if err != nil {
		return nil, fmt.Errorf("cached %s: %w", vkPath, err)
	}
	pk, err := programcircuit.ReadProvingKey(dir, t)
	if err != nil {
		return nil, err
	}
	return &KeySet{Dir: dir, PK: pk, VK: vk}, nil
}

// Prices returns n answers around 3,000 with 8 decimals, deterministic in
// seed: a gentle walk with a final move of last (in basis points).
func Prices(n int, lastBps int64) []*big.Int {
	out := make([]*big.Int, n)
	p := int64(3000_00000000)
	for i := range out {
		if i == n-1 {
			p += p * lastBps / 10000
		} else {
			p += int64((i%3)-1) * 2_00000000
		}
		out[i] = big.NewInt(p)
	}
	return out
}

// OtherSetupKey returns a well-formed verifying key of the same circuit as
// vkBytes from another setup (its alpha doubled): what issue 12's attack 6
// pins. It decodes and verifies like any key of the circuit; only its hash
// (and every proof) differs.
func OtherSetupKey(vkBytes []byte) ([]byte, error) {
	var vk groth16.VerifyingKey
	if _, err := vk.ReadFrom(bytes.NewReader(vkBytes)); err != nil {
		return nil, err
	}
	vk.G1.Alpha.Double(&vk.G1.Alpha)
	var buf bytes.Buffer
	if _, err := vk.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
