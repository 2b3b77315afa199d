// Package policytest provides shared test fixtures: the example files, a
// Groth16 setup of the policy circuit cached across the test processes of a
// run, and ready-made proposals. It is for tests only.
package policytest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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

// Calldata encodes a call for tests: the selector of sig (a canonical
// signature or 0x selector) and each argument as one 32-byte word: a
// wire.Address, a *big.Int, an int or a uint64. Dynamic arrays are written
// out by the caller, word by word (offset, length, elements).
func Calldata(sig string, words ...any) []byte {
	sel, err := policy.ParseSelector(sig)
	if err != nil {
		panic(err)
	}
	out := []byte{byte(sel >> 24), byte(sel >> 16), byte(sel >> 8), byte(sel)}
	for _, w := range words {
		var word [32]byte
		switch v := w.(type) {
		case wire.Address:
			copy(word[12:], v[:])
		case *big.Int:
			v.FillBytes(word[:])
		case int:
			new(big.Int).SetInt64(int64(v)).FillBytes(word[:])
		case uint64:
			new(big.Int).SetUint64(v).FillBytes(word[:])
		default:
			panic(fmt.Sprintf("policytest.Calldata: unsupported word %T", w))
		}
		out = append(out, word[:]...)
	}
	return out
}

// Addr parses an address, panicking on error (tests only).
func Addr(s string) wire.Address {
	a, err := wire.ParseAddress(s)
	if err != nil {
		panic(err)
	}
	return a
}

// The addresses of examples/policy.json.
var (
	Self   = Addr("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266") // the account (examples/mnemonic.txt, index 0)
	Alice  = Addr("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
	Bob    = Addr("0x90F79bf6EB2c4f870365E785982E1f101E93b906") // not in the policy: the attacker
	USDC   = Addr("0x5FbDB2315678afecb367f032d93F642f64180aa3")
	WETH   = Addr("0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0")
	Router = Addr("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512")
	Pool   = Addr("0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9")
)

// SwapSig is the router swap of examples/policy.json.
const SwapSig = "swapExactTokensForTokens(uint256,uint256,address[],address,uint256)"

// Swap is the calldata of SwapSig(amountIn, 0, [in, out], to, deadline),
// canonically encoded.
func Swap(amountIn *big.Int, in, out, to wire.Address) []byte {
	return Calldata(SwapSig, amountIn, 0, 160, to, 1900000000, 2, in, out)
}

// Prover returns a prover for pol with the cached keys, whose proofs carry
// their residue hints (groth16v), as the agent host's do.
func Prover(tb testing.TB, pol *policy.Policy) *prover.Prover {
	tb.Helper()
	_, keys, vk := Keys(tb)
	p, err := prover.New(pol, keys.PK)
	if err != nil {
		tb.Fatal(err)
	}
	if p, err = p.WithHints(vk.Bytes()); err != nil {
		tb.Fatal(err)
	}
	return p
}

// Proposal proves tx against pol for the given state, failing the test on error.
func Proposal(tb testing.TB, pol *policy.Policy, tx *wire.Tx, st *wire.State) *wire.Proposal {
	tb.Helper()
	p, err := Prover(tb, pol).Prove(prover.Request{Tx: tx, State: st})
	if err != nil {
		tb.Fatalf("prove: %v", err)
	}
	return p
}
