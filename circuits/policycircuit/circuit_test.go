package policycircuit_test

import (
	"encoding/hex"
	"math/big"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/wire"
)

var (
	alice  = mustAddr("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
	bob    = mustAddr("0x90F79bf6EB2c4f870365E785982E1f101E93b906")
	token  = mustAddr("0x5FbDB2315678afecb367f032d93F642f64180aa3")
	router = mustAddr("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512")
	ether  = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
)

func mustAddr(s string) wire.Address {
	a, err := wire.ParseAddress(s)
	if err != nil {
		panic(err)
	}
	return a
}

func eth(num, den int64) *big.Int {
	return new(big.Int).Div(new(big.Int).Mul(ether, big.NewInt(num)), big.NewInt(den))
}

func word(b []byte) string { return strings.Repeat("0", 64-2*len(b)) + hex.EncodeToString(b) }

func erc20Call(sel string, to wire.Address, amount *big.Int) []byte {
	b, _ := hex.DecodeString(sel + word(to[:]) + word(amount.Bytes()))
	return b
}

// baseTx is an in-policy plain transfer of 0.1 ETH to alice.
func baseTx() *wire.Tx {
	return &wire.Tx{ChainID: 1337, Nonce: 7, To: alice, Value: wire.NewQuantity(eth(1, 10)),
		Gas: 21000, MaxFeePerGas: wire.QuantityFromUint64(2e9), MaxPriorityFeePerGas: wire.QuantityFromUint64(1e9)}
}

type tcase struct {
	name  string
	tx    func() *wire.Tx
	spent *big.Int
	time  uint64
	rule  string // "" = in policy
}

const now = 1795564800

func cases() []tcase {
	pol := func(f func(t *wire.Tx)) func() *wire.Tx {
		return func() *wire.Tx { t := baseTx(); f(t); return t }
	}
	tokenTx := func(data []byte) func() *wire.Tx {
		return pol(func(t *wire.Tx) { t.To, t.Value, t.Gas, t.Data = token, wire.Quantity{}, 100000, data })
	}
	routerTx := func(n int) func() *wire.Tx {
		return pol(func(t *wire.Tx) {
			t.To, t.Value, t.Gas = router, wire.Quantity{}, 100000
			t.Data = append([]byte{0x38, 0xed, 0x17, 0x39}, make([]byte, n-4)...)
		})
	}
	zero := new(big.Int)
	capAmt := big.NewInt(1_000_000_000)
	return []tcase{
		{"plain transfer", pol(func(t *wire.Tx) {}), zero, now, ""},
		{"value at the per-tx cap", pol(func(t *wire.Tx) { t.Value = wire.NewQuantity(eth(1, 1)) }), zero, now, ""},
		{"value one wei over the cap", pol(func(t *wire.Tx) { t.Value = wire.NewQuantity(new(big.Int).Add(eth(1, 1), big.NewInt(1))) }), zero, now, policy.RuleValue},
		{"value with the high limb set", pol(func(t *wire.Tx) { t.Value = wire.NewQuantity(new(big.Int).Lsh(big.NewInt(1), 128)) }), zero, now, policy.RuleValue},
		{"window exactly full", pol(func(t *wire.Tx) { t.Value = wire.NewQuantity(eth(1, 2)) }), eth(5, 2), now, ""},
		{"window one wei over", pol(func(t *wire.Tx) { t.Value = wire.NewQuantity(new(big.Int).Add(eth(1, 2), big.NewInt(1))) }), eth(5, 2), now, policy.RuleWindow},
		{"window already full, zero value", pol(func(t *wire.Tx) { t.Value = wire.Quantity{} }), eth(3, 1), now, ""},
		{"fee at the cap", pol(func(t *wire.Tx) {
			t.Gas = 1_000_000
			t.MaxFeePerGas = wire.QuantityFromUint64(1e10)
		}), zero, now, ""},
		{"fee one wei over the cap", pol(func(t *wire.Tx) {
			t.Gas = 1
			t.MaxFeePerGas = wire.NewQuantity(new(big.Int).Add(eth(1, 100), big.NewInt(1)))
		}), zero, now, policy.RuleFee},
		{"huge gas", pol(func(t *wire.Tx) { t.Gas = 1 << 63 }), zero, now, policy.RuleFee},
		{"wrong chain", pol(func(t *wire.Tx) { t.ChainID = 1 }), zero, now, policy.RuleChain},
		{"time at notBefore", pol(func(t *wire.Tx) {}), zero, 1767225600, ""},
		{"time before notBefore", pol(func(t *wire.Tx) {}), zero, 1767225599, policy.RuleTime},
		{"time at notAfter", pol(func(t *wire.Tx) {}), zero, 1830297599, ""},
		{"time after notAfter", pol(func(t *wire.Tx) {}), zero, 1830297600, policy.RuleTime},
		{"unknown target", pol(func(t *wire.Tx) { t.To = bob }), zero, now, policy.RuleTarget},
		{"plain transfer to a contract without valueTransfer", pol(func(t *wire.Tx) { t.To = router }), zero, now, policy.RuleSelector},
		{"call on a value-only target", pol(func(t *wire.Tx) { t.Data = []byte{1, 2, 3, 4} }), zero, now, policy.RuleSelector},
		{"unknown selector", routerTxSel(0xdeadbeef), zero, now, policy.RuleSelector},
		{"allowed selector by hex", routerTxSel(0x7ff36ab5), zero, now, ""},
		{"swap with 8 words (260 bytes)", routerTx(260), zero, now, ""},
		{"calldata at capacity (279 bytes)", routerTx(279), zero, now, ""},
		{"calldata over capacity (280 bytes)", routerTx(280), zero, now, policy.RuleCalldata},
		{"calldata of 3 bytes", pol(func(t *wire.Tx) { t.To, t.Data = router, []byte{0x38, 0xed, 0x17} }), zero, now, policy.RuleCalldata},
		{"erc20 transfer to a recipient", tokenTx(erc20Call("a9059cbb", alice, big.NewInt(100))), zero, now, ""},
		{"erc20 transfer at the token cap", tokenTx(erc20Call("a9059cbb", alice, capAmt)), zero, now, ""},
		{"erc20 transfer over the token cap", tokenTx(erc20Call("a9059cbb", alice, new(big.Int).Add(capAmt, big.NewInt(1)))), zero, now, policy.RuleERC20Amount},
		{"erc20 transfer of 2^200", tokenTx(erc20Call("a9059cbb", alice, new(big.Int).Lsh(big.NewInt(1), 200))), zero, now, policy.RuleCalldata},
		{"erc20 transfer to a stranger", tokenTx(erc20Call("a9059cbb", bob, big.NewInt(1))), zero, now, policy.RuleERC20Recipient},
		{"erc20 transfer to the spender", tokenTx(erc20Call("a9059cbb", router, big.NewInt(1))), zero, now, policy.RuleERC20Recipient},
		{"erc20 approve the spender", tokenTx(erc20Call("095ea7b3", router, big.NewInt(5))), zero, now, ""},
		{"erc20 approve a recipient", tokenTx(erc20Call("095ea7b3", alice, big.NewInt(5))), zero, now, policy.RuleERC20Spender},
		{"erc20 approve over the cap", tokenTx(erc20Call("095ea7b3", router, new(big.Int).Lsh(big.NewInt(1), 64))), zero, now, policy.RuleERC20Amount},
		{"erc20 transfer with dirty address bytes", tokenTx(dirty(erc20Call("a9059cbb", alice, big.NewInt(1)), 4)), zero, now, policy.RuleCalldata},
		{"erc20 transfer with a trailing byte", tokenTx(append(erc20Call("a9059cbb", alice, big.NewInt(1)), 0)), zero, now, policy.RuleCalldata},
		{"erc20 transfer truncated", tokenTx(erc20Call("a9059cbb", alice, big.NewInt(1))[:67]), zero, now, policy.RuleCalldata},
		{"erc20 transferFrom (not allowed)", tokenTx(erc20Call("23b872dd", alice, big.NewInt(1))), zero, now, policy.RuleSelector},
		{"plain transfer to a token", tokenTx(nil), zero, now, policy.RuleSelector},
	}
}

func routerTxSel(sel uint32) func() *wire.Tx {
	return func() *wire.Tx {
		t := baseTx()
		t.To, t.Value, t.Gas = router, wire.Quantity{}, 100000
		t.Data = []byte{byte(sel >> 24), byte(sel >> 16), byte(sel >> 8), byte(sel), 0, 0, 0, 1}
		return t
	}
}

func dirty(b []byte, i int) []byte { b[i] = 1; return b }

// TestPrecheckAndCircuitAgree runs the native pre-check and the circuit's
// solver on every case and requires the same verdict, and the expected rule.
func TestPrecheckAndCircuitAgree(t *testing.T) {
	pol := policytest.Policy(t)
	ccs, err := policycircuit.Compile()
	if err != nil {
		t.Fatal(err)
	}
	cs := cases()
	if len(cs) < 30 {
		t.Fatalf("only %d cases", len(cs))
	}
	for _, c := range cs {
		t.Run(c.name, func(t *testing.T) {
			tx := c.tx()
			nativeErr := pol.Check(tx, c.spent, c.time)
			if got := wire.CodeOf(nativeErr).Rule(); got != c.rule {
				t.Fatalf("pre-check: rule %q (%v), want %q", got, nativeErr, c.rule)
			}
			a, err := policycircuit.Assign(pol, tx, c.spent, c.time)
			if err != nil {
				// Only a transaction too large for the circuit cannot be assigned.
				if c.rule != policy.RuleCalldata || wire.CodeOf(err).Rule() != policy.RuleCalldata {
					t.Fatalf("assign: %v", err)
				}
				return
			}
			w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
			if err != nil {
				t.Fatal(err)
			}
			_, solveErr := ccs.Solve(w)
			if (solveErr == nil) != (c.rule == "") {
				t.Fatalf("circuit solved=%v, pre-check rule %q", solveErr == nil, c.rule)
			}
		})
	}
}

// TestCircuitRules gives every rule a passing and a failing assignment, in
// gnark's style.
func TestCircuitRules(t *testing.T) {
	pol := policytest.Policy(t)
	assert := test.NewAssert(t)
	byRule := map[string]tcase{}
	var valid []tcase
	for _, c := range cases() {
		if c.rule == "" {
			valid = append(valid, c)
		} else if _, ok := byRule[c.rule]; !ok {
			byRule[c.rule] = c
		}
	}
	for _, rule := range policy.Rules {
		bad, ok := byRule[rule]
		if !ok {
			t.Fatalf("no failing case for rule %s", rule)
		}
		good := valid[len(byRule)%len(valid)]
		opts := []test.TestingOption{test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16), test.NoFuzzing(),
			test.WithValidAssignment(assign(t, pol, good))}
		if a := tryAssign(pol, bad); a != nil {
			opts = append(opts, test.WithInvalidAssignment(a))
		}
		assert.Run(func(assert *test.Assert) {
			assert.CheckCircuit(&policycircuit.Circuit{}, opts...)
		}, rule)
	}
}

func assign(t *testing.T, pol *policy.Policy, c tcase) *policycircuit.Circuit {
	a, err := policycircuit.Assign(pol, c.tx(), c.spent, c.time)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func tryAssign(pol *policy.Policy, c tcase) *policycircuit.Circuit {
	a, err := policycircuit.Assign(pol, c.tx(), c.spent, c.time)
	if err != nil {
		return nil
	}
	return a
}

// TestCheatingWitnesses tries witnesses a malicious prover could choose,
// beyond what Assign builds, and requires the circuit to refuse them.
func TestCheatingWitnesses(t *testing.T) {
	pol := policytest.Policy(t)
	overCap := func() *wire.Tx {
		t := baseTx()
		t.To, t.Value, t.Gas = token, wire.Quantity{}, 100000
		t.Data = erc20Call("a9059cbb", alice, big.NewInt(2_000_000_000))
		return t
	}
	cheats := []struct {
		name  string
		tx    func() *wire.Tx
		cheat func(c *policycircuit.Circuit)
	}{
		{"claim the token is not a token", overCap, func(c *policycircuit.Circuit) { c.IsToken = 0 }},
		{"raise the token cap", overCap, func(c *policycircuit.Circuit) { c.TokenCap = new(big.Int).Lsh(big.NewInt(1), 100) }},
		{"raise the per-tx cap", func() *wire.Tx {
			t := baseTx()
			t.Value = wire.NewQuantity(eth(2, 1))
			return t
		}, func(c *policycircuit.Circuit) { c.MaxValue = eth(5, 1) }},
		{"non-byte calldata to fake a selector", routerTxSel(0xdeadbeef), func(c *policycircuit.Circuit) {
			// 0xdeadbeef → 0x7ff36ab5 in the first word, with the difference pushed into byte 4 so
			// the packed chunk (and so the digest) is unchanged.
			c.Data[0], c.Data[1], c.Data[2], c.Data[3] = 0x7f, 0xf3, 0x6a, 0xb5
			diff := new(big.Int).Sub(big.NewInt(0xdeadbeef), big.NewInt(0x7ff36ab5))
			c.Data[4] = diff.Mul(diff, big.NewInt(1<<8))
		}},
		{"an empty selector path", routerTxSel(0xdeadbeef), func(c *policycircuit.Circuit) { c.SelIndex = 1 }},
		{"a wrong time", func() *wire.Tx { return baseTx() }, func(c *policycircuit.Circuit) { c.NotAfter = uint64(1) << 62 }},
	}
	ccs, err := policycircuit.Compile()
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range cheats {
		t.Run(ch.name, func(t *testing.T) {
			a, err := policycircuit.Assign(pol, ch.tx(), new(big.Int), now)
			if err != nil {
				t.Fatal(err)
			}
			ch.cheat(a)
			w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ccs.Solve(w); err == nil {
				t.Fatal("the circuit accepted a cheating witness")
			}
		})
	}
}
