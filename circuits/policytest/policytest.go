// Package policytest provides shared test fixtures: the example files, a
// Groth16 setup of the policy circuit cached across the test processes of a
// run, and ready-made proposals. It is for tests only.
package policytest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"

	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/logger"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/wire"
)

// Root is the repository root.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Example returns the bytes of examples/<name>.
func Example(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(Root(), "examples", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Policy loads examples/policy.json.
func Policy(tb testing.TB) *policy.Policy {
	tb.Helper()
	p, err := policy.Decode(Example(tb, "policy.json"))
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// Tx loads examples/<name>.json.
func Tx(tb testing.TB, name string) *wire.Tx {
	tb.Helper()
	t, err := wire.DecodeTx(Example(tb, name+".json"))
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return t
}

// State loads examples/state.json.
func State(tb testing.TB) *wire.State {
	tb.Helper()
	s, err := wire.DecodeState(Example(tb, "state.json"))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

type fixture struct {
	dir  string
	keys *policycircuit.Keys
	vk   *verify.VerifyingKey
	err  error
}

var (
	once sync.Once
	fx   fixture
)

// Keys returns a setup of the current policy circuit. Keys are cached in the
// system temp dir under the hash of the compiled circuit, shared by every
// test process of a run (a file lock makes one process do the setup).
func Keys(tb testing.TB) (dir string, keys *policycircuit.Keys, vk *verify.VerifyingKey) {
	tb.Helper()
	once.Do(func() { fx = loadKeys() })
	if fx.err != nil {
		tb.Fatal(fx.err)
	}
	return fx.dir, fx.keys, fx.vk
}

func loadKeys() fixture {
	logger.Disable()
	ccs, err := policycircuit.Compile()
	if err != nil {
		return fixture{err: err}
	}
	var buf bytes.Buffer
	if _, err := ccs.WriteTo(&buf); err != nil {
		return fixture{err: err}
	}
	sum := sha256.Sum256(buf.Bytes())
	dir := filepath.Join(os.TempDir(), "leash-testkeys", hex.EncodeToString(sum[:8]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fixture{err: err}
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fixture{err: err}
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return fixture{err: err}
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)

	vkBytes, err := os.ReadFile(filepath.Join(dir, policycircuit.VerifyingKeyFile))
	if err != nil {
		keys, err := policycircuit.Setup(nil)
		if err != nil {
			return fixture{err: err}
		}
		if err := keys.Write(dir); err != nil {
			return fixture{err: err}
		}
		if vkBytes, err = os.ReadFile(filepath.Join(dir, policycircuit.VerifyingKeyFile)); err != nil {
			return fixture{err: err}
		}
	}
	vk, err := verify.LoadVerifyingKey(vkBytes)
	if err != nil {
		return fixture{err: err}
	}
	var gvk groth16bn254.VerifyingKey // gnark's own type, for the prover side
	if _, err := gvk.ReadFrom(bytes.NewReader(vkBytes)); err != nil {
		return fixture{err: err}
	}
	pk, err := policycircuit.ReadProvingKey(dir)
	if err != nil {
		return fixture{err: err}
	}
	return fixture{dir: dir, keys: &policycircuit.Keys{PK: pk, VK: &gvk}, vk: vk}
}

// Prover returns a prover for pol with the cached keys.
func Prover(tb testing.TB, pol *policy.Policy) *prover.Prover {
	tb.Helper()
	_, keys, _ := Keys(tb)
	p, err := prover.New(pol, keys.PK)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// Proposal proves tx against pol for the given state, failing the test on error.
func Proposal(tb testing.TB, pol *policy.Policy, tx *wire.Tx, st *wire.State) *wire.Proposal {
	tb.Helper()
	p, err := Prover(tb, pol).Prove(prover.Request{Tx: tx, Spent: new(big.Int).Set(&st.Spent.Int), Time: st.Time})
	if err != nil {
		tb.Fatalf("prove: %v", err)
	}
	return p
}
