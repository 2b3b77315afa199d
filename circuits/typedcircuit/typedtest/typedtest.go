// Package typedtest provides the typed-data circuit's test fixtures: a
// Groth16 setup cached across the test processes of a run, the x402
// example policy and typed-data documents. It is for tests only.
package typedtest

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	groth16 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/typedcircuit"
)

// KeySet is a cached setup of the typed-data circuit.
type KeySet struct {
	Dir     string
	PK      *groth16.ProvingKey
	VKBytes []byte
}

var (
	once sync.Once
	ks   *KeySet
	kerr error
)

// Keys returns the cached setup (one setup per run, whatever the process).
func Keys(tb testing.TB) *KeySet {
	tb.Helper()
	once.Do(func() { ks, kerr = loadFrom("") })
	if kerr != nil {
		tb.Fatal(kerr)
	}
	return ks
}

// loadFrom reads (or makes, once per run) the setup cached under root
// (policytest.CachedSetup's default when empty).
func loadFrom(root string) (*KeySet, error) {
	r, err := typedcircuit.Compile()
	if err != nil {
		return nil, err
	}
	dir, err := policytest.CachedSetup(root, r, typedcircuit.ProvingKeyFile, typedcircuit.VerifyingKeyFile)
	if err != nil {
		return nil, err
	}
	pk, err := typedcircuit.ReadProvingKey(dir)
	if err != nil {
		return nil, err
	}
	vk, err := os.ReadFile(filepath.Join(dir, typedcircuit.VerifyingKeyFile))
	if err != nil {
		return nil, err
	}
	return &KeySet{Dir: dir, PK: pk, VKBytes: vk}, nil
}

var (
	otherOnce sync.Once
	other     *KeySet
	otherErr  error
)

// OtherKeys is a second, independent setup of the typed-data circuit,
// cached like Keys under another root: well-formed keys whose trapdoor is
// not the user's (a setup the agent host ran). A proof made with its PK
// verifies under its VK only.
func OtherKeys(tb testing.TB) *KeySet {
	tb.Helper()
	otherOnce.Do(func() {
		other, otherErr = loadFrom(filepath.Join(os.TempDir(), "leash-testkeys-other-typed"))
		if otherErr == nil && string(other.VKBytes) == string(Keys(tb).VKBytes) {
			otherErr = errors.New("typedtest: the second setup is the first one")
		}
	})
	if otherErr != nil {
		tb.Fatal(otherErr)
	}
	return other
}

// Policy loads examples/policy-x402.json.
func Policy(tb testing.TB) *policy.Policy {
	tb.Helper()
	p, err := policy.Decode(policytest.Example(tb, "policy-x402.json"))
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// The parties of examples/policy-x402.json.
var (
	DUSDC = policytest.Addr("0x5FC8d32690cc91D4c39d9d3abcBD16989F875707") // the devnet's TestUSDC
	Carol = policytest.Addr("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC") // a second allowed payee
)

// Now is a time inside the example policy's validity.
const Now = 1800000000

// Authorization is an x402 exact payment (EIP-3009
// TransferWithAuthorization) of 0.1 dUSDC from self to alice, valid until
// Now + 300, with nonce 0xabab…; edit changes the document before it is
// encoded.
func Authorization(edit func(doc map[string]any)) []byte {
	doc := map[string]any{
		"types": map[string]any{
			"EIP712Domain": []any{field("name", "string"), field("version", "string"), field("chainId", "uint256"), field("verifyingContract", "address")},
			"TransferWithAuthorization": []any{field("from", "address"), field("to", "address"), field("value", "uint256"),
				field("validAfter", "uint256"), field("validBefore", "uint256"), field("nonce", "bytes32")},
		},
		"primaryType": "TransferWithAuthorization",
		"domain":      map[string]any{"name": "Devnet USD Coin", "version": "2", "chainId": 1337, "verifyingContract": DUSDC.Hex()},
		"message": map[string]any{"from": policytest.Self.Hex(), "to": policytest.Alice.Hex(), "value": "100000", "validAfter": "0",
			"validBefore": "1800000300", "nonce": "0x" + strings.Repeat("ab", 32)},
	}
	if edit != nil {
		edit(doc)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return b
}

// Message sets message field k to v (an edit for Authorization).
func Message(k string, v any) func(map[string]any) {
	return func(d map[string]any) { d["message"].(map[string]any)[k] = v }
}

func field(name, typ string) map[string]any { return map[string]any{"name": name, "type": typ} }
