package policycircuit_test

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policycircuit"
	pt "github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/wire"
)

var ether = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)

func eth(num, den int64) *big.Int {
	return new(big.Int).Div(new(big.Int).Mul(ether, big.NewInt(num)), big.NewInt(den))
}

func usdc(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1_000_000)) }

func pow2(n uint) *big.Int { return new(big.Int).Lsh(big.NewInt(1), n) }

func add(a, b *big.Int) *big.Int { return new(big.Int).Add(a, b) }

// baseTx is an in-policy plain transfer of 0.1 ETH to alice.
func baseTx() *wire.Tx {
	return &wire.Tx{ChainID: 1337, Nonce: 7, To: pt.Alice, Value: wire.NewQuantity(eth(1, 10)),
		Gas: 21000, MaxFeePerGas: wire.QuantityFromUint64(2e9), MaxPriorityFeePerGas: wire.QuantityFromUint64(1e9)}
}

const now = 1795564800

// baseState is an empty window at now.
func baseState() *wire.State { return &wire.State{Time: now} }

type tcase struct {
	name string
	tx   func() *wire.Tx
	st   func() *wire.State
	rule string // "" = in policy
}

func txWith(f func(t *wire.Tx)) func() *wire.Tx {
	return func() *wire.Tx { t := baseTx(); f(t); return t }
}

func callTx(to wire.Address, data []byte) func() *wire.Tx {
	return txWith(func(t *wire.Tx) { t.To, t.Value, t.Gas, t.Data = to, wire.Quantity{}, 100000, data })
}

func stWith(f func(s *wire.State)) func() *wire.State {
	return func() *wire.State { s := baseState(); f(s); return s }
}

func tokens(token wire.Address, spent *big.Int) func(s *wire.State) {
	return func(s *wire.State) { s.Tokens = []wire.TokenSpent{{Token: token, Spent: wire.NewQuantity(spent)}} }
}

var r = fr.Modulus()

// cases is the agreement table: every rule, at and around its boundary, and
// the neighbours of each attack of issue 12.
func cases() []tcase {
	st := baseState
	transfer := func(to wire.Address, amount *big.Int) func() *wire.Tx {
		return callTx(pt.USDC, pt.Calldata("transfer(address,uint256)", to, amount))
	}
	approve := func(spender wire.Address, amount *big.Int) func() *wire.Tx {
		return callTx(pt.USDC, pt.Calldata("approve(address,uint256)", spender, amount))
	}
	swap := func(amount *big.Int, in, out, to wire.Address) func() *wire.Tx {
		return callTx(pt.Router, pt.Swap(amount, in, out, to))
	}
	rawSwap := func(words ...any) func() *wire.Tx { return callTx(pt.Router, pt.Calldata(pt.SwapSig, words...)) }
	pool := func(token wire.Address, to wire.Address) func() *wire.Tx {
		return callTx(pt.Pool, pt.Calldata("swapExactIn(address,uint256,uint256,address,uint256)", token, usdc(10), 0, to, 99))
	}
	fee := func(gas uint64, maxFee *big.Int) func(t *wire.Tx) {
		return func(t *wire.Tx) {
			t.Gas, t.MaxFeePerGas, t.MaxPriorityFeePerGas = wire.Uint64(gas), wire.NewQuantity(maxFee), wire.NewQuantity(maxFee)
		}
	}
	return []tcase{
		{"plain transfer", txWith(func(t *wire.Tx) {}), st, ""},
		{"value at the per-tx cap", txWith(func(t *wire.Tx) { t.Value = wire.NewQuantity(eth(1, 1)) }), st, ""},
		{"value one wei over the cap", txWith(func(t *wire.Tx) { t.Value = wire.NewQuantity(add(eth(1, 1), big.NewInt(1))) }), st, policy.RuleValue},
		{"value with the high limb set", txWith(func(t *wire.Tx) { t.Value = wire.NewQuantity(pow2(128)) }), st, policy.RuleValue},
		{"window exactly full", txWith(func(t *wire.Tx) { t.Value = wire.NewQuantity(eth(1, 2)) }), stWith(func(s *wire.State) { s.Spent = wire.NewQuantity(eth(5, 2)) }), ""},
		{"window one wei over", txWith(func(t *wire.Tx) { t.Value = wire.NewQuantity(add(eth(1, 2), big.NewInt(1))) }), stWith(func(s *wire.State) { s.Spent = wire.NewQuantity(eth(5, 2)) }), policy.RuleWindow},
		{"window full, zero value", txWith(func(t *wire.Tx) { t.Value = wire.Quantity{} }), stWith(func(s *wire.State) { s.Spent = wire.NewQuantity(eth(3, 1)) }), ""},
		{"fee at the cap", txWith(fee(1_000_000, big.NewInt(1e10))), st, ""},
		{"fee one wei over the cap", txWith(fee(1, add(eth(1, 100), big.NewInt(1)))), st, policy.RuleFee},
		{"huge gas", txWith(func(t *wire.Tx) { t.Gas = 1 << 63 }), st, policy.RuleFee},
		{"fee window exactly full", txWith(fee(1_000_000, big.NewInt(1e10))), stWith(func(s *wire.State) { s.Fees = wire.NewQuantity(eth(4, 100)) }), ""},
		{"fee window one wei over (fee burning)", txWith(fee(1_000_000, big.NewInt(1e10))), stWith(func(s *wire.State) { s.Fees = wire.NewQuantity(add(eth(4, 100), big.NewInt(1))) }), policy.RuleFeeWindow},
		{"fee window full, zero-value no-op", txWith(func(t *wire.Tx) { t.Value = wire.Quantity{} }), stWith(func(s *wire.State) { s.Fees = wire.NewQuantity(eth(5, 100)) }), policy.RuleFeeWindow},
		{"count: the last transaction of the window", txWith(func(t *wire.Tx) {}), stWith(func(s *wire.State) { s.Txs = 19 }), ""},
		{"count: one past the window", txWith(func(t *wire.Tx) {}), stWith(func(s *wire.State) { s.Txs = 20 }), policy.RuleTxCount},
		{"count: far past", txWith(func(t *wire.Tx) {}), stWith(func(s *wire.State) { s.Txs = 1<<32 - 1 }), policy.RuleTxCount},
		{"wrong chain", txWith(func(t *wire.Tx) { t.ChainID = 1 }), st, policy.RuleChain},
		{"time at notBefore", txWith(func(t *wire.Tx) {}), stWith(func(s *wire.State) { s.Time = 1767225600 }), ""},
		{"time before notBefore", txWith(func(t *wire.Tx) {}), stWith(func(s *wire.State) { s.Time = 1767225599 }), policy.RuleTime},
		{"time at notAfter", txWith(func(t *wire.Tx) {}), stWith(func(s *wire.State) { s.Time = 1830297599 }), ""},
		{"time after notAfter", txWith(func(t *wire.Tx) {}), stWith(func(s *wire.State) { s.Time = 1830297600 }), policy.RuleTime},
		{"unknown target", txWith(func(t *wire.Tx) { t.To = pt.Bob }), st, policy.RuleTarget},
		{"a window-only token is no target", callTx(pt.WETH, pt.Calldata("transfer(address,uint256)", pt.Alice, 1)), st, policy.RuleTarget},
		{"plain transfer to a contract", txWith(func(t *wire.Tx) { t.To = pt.Router }), st, policy.RuleCall},
		{"call on a value-only target", callTx(pt.Alice, pt.Calldata("0x12345678")), st, policy.RuleCall},
		{"unknown selector", callTx(pt.USDC, pt.Calldata("0xdeadbeef", pt.Alice, 1)), st, policy.RuleCall},
		{"transferFrom is not listed", callTx(pt.USDC, pt.Calldata("transferFrom(address,address,uint256)", pt.Self, pt.Bob, 1)), st, policy.RuleCall},
		{"transfer with an extra word", callTx(pt.USDC, pt.Calldata("transfer(address,uint256)", pt.Alice, 1, 0)), st, policy.RuleCall},
		{"transfer with a word missing", callTx(pt.USDC, pt.Calldata("transfer(address,uint256)", pt.Alice)), st, policy.RuleCall},
		{"swap with a 3-token path (9 words)", rawSwap(usdc(1), 0, 160, pt.Self, 1, 3, pt.USDC, pt.WETH, pt.USDC), st, policy.RuleCalldata},
		{"calldata of 3 bytes", callTx(pt.Router, []byte{0x38, 0xed, 0x17}), st, policy.RuleCalldata},
		{"calldata with a trailing byte", callTx(pt.USDC, append(pt.Calldata("transfer(address,uint256)", pt.Alice, 1), 0)), st, policy.RuleCalldata},
		{"calldata a byte short", callTx(pt.USDC, pt.Calldata("transfer(address,uint256)", pt.Alice, 1)[:67]), st, policy.RuleCalldata},
		{"erc20 transfer to a recipient", transfer(pt.Alice, usdc(100)), st, ""},
		{"erc20 transfer at the per-call max", transfer(pt.Alice, usdc(1000)), st, ""},
		{"erc20 transfer one over the max", transfer(pt.Alice, add(usdc(1000), big.NewInt(1))), st, policy.RuleArg},
		{"erc20 transfer with the high half set (hi != 0 on a max word)", transfer(pt.Alice, add(pow2(128), big.NewInt(5))), st, policy.RuleArg},
		{"erc20 transfer to the attacker", transfer(pt.Bob, big.NewInt(1)), st, policy.RuleArg},
		{"erc20 transfer to the spender", transfer(pt.Router, big.NewInt(1)), st, policy.RuleArg},
		{"erc20 transfer, recipient with dirty high bytes", callTx(pt.USDC, dirty(pt.Calldata("transfer(address,uint256)", pt.Alice, 1), 4)), st, policy.RuleArg},
		{"erc20 transfer, recipient = alice + r (wraps mod r)", callTx(pt.USDC, pt.Calldata("transfer(address,uint256)", add(r, new(big.Int).SetBytes(pt.Alice[:])), 1)), st, policy.RuleArg},
		{"erc20 approve the router", approve(pt.Router, usdc(5)), st, ""},
		{"erc20 approve the attacker", approve(pt.Bob, usdc(5)), st, policy.RuleArg},
		{"erc20 approve over the max", approve(pt.Router, pow2(64)), st, policy.RuleArg},
		{"token window exactly full", transfer(pt.Alice, usdc(500)), stWith(tokens(pt.USDC, usdc(2000))), ""},
		{"token window one over (repeated transfers)", transfer(pt.Alice, add(usdc(500), big.NewInt(1))), stWith(tokens(pt.USDC, usdc(2000))), policy.RuleTokenWindow},
		{"approvals count toward the window", approve(pt.Router, usdc(600)), stWith(tokens(pt.USDC, usdc(2000))), policy.RuleTokenWindow},
		{"another token's window does not count", transfer(pt.Alice, usdc(600)), stWith(tokens(pt.WETH, eth(2, 1))), ""},
		{"swap to self", swap(usdc(100), pt.USDC, pt.WETH, pt.Self), st, ""},
		{"swap WETH to USDC counts in WETH", swap(big.NewInt(1e9), pt.WETH, pt.USDC, pt.Self), stWith(tokens(pt.WETH, add(eth(2, 1), big.NewInt(-1e9)))), ""},
		{"swap WETH over its window", swap(big.NewInt(1e9), pt.WETH, pt.USDC, pt.Self), stWith(tokens(pt.WETH, add(eth(2, 1), big.NewInt(-1e9+1)))), policy.RuleTokenWindow},
		{"swap USDC over its window", swap(usdc(600), pt.USDC, pt.WETH, pt.Self), stWith(tokens(pt.USDC, usdc(2000))), policy.RuleTokenWindow},
		{"router recipient attack: swap to the attacker", swap(usdc(100), pt.USDC, pt.WETH, pt.Bob), st, policy.RuleArg},
		{"swap to the router itself", swap(usdc(100), pt.USDC, pt.WETH, pt.Router), st, policy.RuleArg},
		{"swap from a token not allowed", swap(usdc(100), pt.Bob, pt.WETH, pt.Self), st, policy.RuleArg},
		{"swap into a token not allowed", swap(usdc(100), pt.USDC, pt.Bob, pt.Self), st, policy.RuleArg},
		{"swap over the amount max", swap(add(usdc(1000), big.NewInt(1)), pt.USDC, pt.WETH, pt.Self), st, policy.RuleArg},
		{"swap with a non-canonical array offset", rawSwap(usdc(1), 0, 192, pt.Self, 1, 2, pt.USDC, pt.WETH), st, policy.RuleArg},
		{"swap whose length word says 1", rawSwap(usdc(1), 0, 160, pt.Self, 1, 1, pt.USDC, pt.WETH), st, policy.RuleArg},
		{"swap with the recipient in the deadline's place", rawSwap(usdc(1), 0, 160, pt.Bob, pt.Self, 2, pt.USDC, pt.WETH), st, policy.RuleArg},
		{"policy proof at the pool's program-only swap", pool(pt.USDC, pt.Self), st, policy.RuleProgramOnly},
		{"policy proof at the pool, attacker recipient", pool(pt.USDC, pt.Bob), st, policy.RuleProgramOnly},
	}
}

func dirty(b []byte, i int) []byte { b[i] = 1; return b }

// TestPrecheckAndCircuitAgree runs the native pre-check and the circuit's
// solver on every case and requires the same verdict, and the expected rule.
func TestPrecheckAndCircuitAgree(t *testing.T) {
	pol := pt.Policy(t)
	ccs, err := policycircuit.Compile()
	if err != nil {
		t.Fatal(err)
	}
	cs := cases()
	if len(cs) < 50 {
		t.Fatalf("only %d cases", len(cs))
	}
	seen := map[string]bool{}
	for _, c := range cs {
		seen[c.rule] = true
		t.Run(c.name, func(t *testing.T) {
			tx, st := c.tx(), c.st()
			nativeErr := pol.Check(tx, st)
			if got := wire.CodeOf(nativeErr).Rule(); got != c.rule {
				t.Fatalf("pre-check: rule %q (%v), want %q", got, nativeErr, c.rule)
			}
			a, err := policycircuit.Assign(pol, tx, st, st.Time)
			if err != nil {
				// Only a transaction no call names cannot be assigned.
				switch wire.CodeOf(err).Rule() {
				case policy.RuleCalldata, policy.RuleTarget, policy.RuleCall:
					if c.rule == wire.CodeOf(err).Rule() {
						return
					}
				}
				t.Fatalf("assign: %v", err)
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
	for _, rule := range policy.Rules {
		if !seen[rule] {
			t.Errorf("no case for rule %s", rule)
		}
	}
}

// TestCircuitRules gives every rule the circuit can be handed a witness for
// a passing and a failing assignment, in gnark's style.
func TestCircuitRules(t *testing.T) {
	pol := pt.Policy(t)
	assert := test.NewAssert(t)
	byRule := map[string]tcase{}
	var valid []tcase
	for _, c := range cases() {
		if c.rule == "" {
			valid = append(valid, c)
		} else if _, ok := byRule[c.rule]; !ok || tryAssign(pol, byRule[c.rule]) == nil {
			byRule[c.rule] = c
		}
	}
	for i, rule := range policy.Rules {
		bad := byRule[rule]
		good := valid[i%len(valid)]
		opts := []test.TestingOption{test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16), test.NoFuzzing(),
			test.WithValidAssignment(assign(t, pol, good))}
		invalid := tryAssign(pol, bad)
		switch rule {
		case policy.RuleCalldata, policy.RuleTarget, policy.RuleCall:
			// No witness names a call for these; cheat one from a valid case.
			invalid = assign(t, pol, good)
			cheatFor(rule)(invalid)
		}
		if invalid == nil {
			t.Fatalf("no invalid assignment for rule %s", rule)
		}
		opts = append(opts, test.WithInvalidAssignment(invalid))
		assert.Run(func(assert *test.Assert) {
			assert.CheckCircuit(&policycircuit.Circuit{}, opts...)
		}, rule)
	}
}

// cheatFor returns a witness change that breaks rule where no honest
// witness exists: a calldata length the digest does not bind, a `to` that is
// not the target's, a selector that is not the call's.
func cheatFor(rule string) func(c *policycircuit.Circuit) {
	switch rule {
	case policy.RuleCalldata:
		return func(c *policycircuit.Circuit) { c.Hi[7] = 1 } // a word past the call's length
	case policy.RuleTarget:
		return func(c *policycircuit.Circuit) { c.To = new(big.Int).SetBytes(pt.Bob[:]) }
	default:
		return func(c *policycircuit.Circuit) { c.CallKey = add(c.CallKey.(*big.Int), big.NewInt(1)) }
	}
}

func assign(t *testing.T, pol *policy.Policy, c tcase) *policycircuit.Circuit {
	st := c.st()
	a, err := policycircuit.Assign(pol, c.tx(), st, st.Time)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func tryAssign(pol *policy.Policy, c tcase) *policycircuit.Circuit {
	st := c.st()
	a, err := policycircuit.Assign(pol, c.tx(), st, st.Time)
	if err != nil {
		return nil
	}
	return a
}

// TestCheatingWitnesses tries witnesses a malicious prover could choose,
// beyond what Assign builds, and requires the circuit to refuse them. Each
// starts from an honest witness that solves, so a refusal is the cheat's.
func TestCheatingWitnesses(t *testing.T) {
	pol := pt.Policy(t)
	transfer := func(to wire.Address, amount *big.Int) func() *wire.Tx {
		return callTx(pt.USDC, pt.Calldata("transfer(address,uint256)", to, amount))
	}
	swapSelf := callTx(pt.Router, pt.Swap(usdc(100), pt.USDC, pt.WETH, pt.Self))
	swapBob := callTx(pt.Router, pt.Swap(usdc(100), pt.USDC, pt.WETH, pt.Bob))
	plain := txWith(func(t *wire.Tx) {})
	half := func(a wire.Address) (*big.Int, *big.Int) {
		v := new(big.Int).SetBytes(a[:])
		return new(big.Int).Rsh(v, 128), new(big.Int).And(v, new(big.Int).Sub(pow2(128), big.NewInt(1)))
	}
	ccs, err := policycircuit.Compile()
	if err != nil {
		t.Fatal(err)
	}
	type cheat struct {
		name  string
		tx    func() *wire.Tx
		st    func() *wire.State
		cheat func(c *policycircuit.Circuit)
	}
	cheats := []cheat{
		{"recipient moved: the witness says self where the calldata says the attacker", swapBob, baseState, func(c *policycircuit.Circuit) {
			// The honest witness for swapBob does not solve; put self in the
			// witness's word 3 (the digest binds the real word).
			c.Hi[3], c.Lo[3] = half(pt.Self)
		}},
		{"words shifted by one position", swapSelf, baseState, func(c *policycircuit.Circuit) {
			for i := len(c.Hi) - 1; i > 0; i-- {
				c.Hi[i], c.Lo[i] = c.Hi[i-1], c.Lo[i-1]
			}
			c.Hi[0], c.Lo[0] = 0, 0
		}},
		{"non-canonical array offset accepted by changing the rule operand", swapSelf, baseState, func(c *policycircuit.Circuit) {
			c.Ops[2][1] = 192
			c.Lo[2] = 192
		}},
		{"spendToken swapped to a token with room", swapSelf, stWith(tokens(pt.USDC, usdc(2450))), func(c *policycircuit.Circuit) {
			c.SpendToken = new(big.Int).SetBytes(pt.WETH[:])
			c.TokenSpent = 0
		}},
		{"tokenSpent claimed on a call that spends nothing", plain, baseState, func(c *policycircuit.Circuit) { c.TokenSpent = 5 }},
		{"spendToken claimed on a call that spends nothing", plain, baseState, func(c *policycircuit.Circuit) {
			c.SpendToken = new(big.Int).SetBytes(pt.USDC[:])
		}},
		{"raise the window max", transfer(pt.Alice, usdc(600)), stWith(tokens(pt.USDC, usdc(2000))), func(c *policycircuit.Circuit) {
			c.WindowMax = usdc(1_000_000)
		}},
		{"a program-only call through the policy circuit", callTx(pt.Pool, pt.Calldata("swapExactIn(address,uint256,uint256,address,uint256)", pt.USDC, 1, 0, pt.Self, 9)), baseState,
			func(c *policycircuit.Circuit) {}},
		{"clear the programOnly bit of the key", callTx(pt.Pool, pt.Calldata("swapExactIn(address,uint256,uint256,address,uint256)", pt.USDC, 1, 0, pt.Self, 9)), baseState,
			func(c *policycircuit.Circuit) {
				c.CallKey = new(big.Int).SetBit(c.CallKey.(*big.Int), policy.KeyProgramOnlyShift, 0)
			}},
		{"clear the recipient's eq flag", swapBob, baseState, func(c *policycircuit.Circuit) {
			c.CallKey = new(big.Int).SetBit(c.CallKey.(*big.Int), policy.KeyFlagsShift+3*policy.FlagBits, 0)
		}},
		{"max word with hi != 0 and a small lo", transfer(pt.Alice, add(pow2(128), big.NewInt(5))), baseState, func(c *policycircuit.Circuit) {}},
		{"an empty set path", transfer(pt.Bob, big.NewInt(1)), baseState, func(c *policycircuit.Circuit) { c.SetIndex[0] = 1 }},
		{"set member with a wrapped word (hi >= 2^32)", transfer(pt.Alice, big.NewInt(1)), baseState, func(c *policycircuit.Circuit) {
			v := add(r, new(big.Int).SetBytes(pt.Alice[:]))
			c.Hi[0], c.Lo[0] = new(big.Int).Rsh(v, 128), new(big.Int).And(v, new(big.Int).Sub(pow2(128), big.NewInt(1)))
		}},
		{"raise the per-tx cap", txWith(func(t *wire.Tx) { t.Value = wire.NewQuantity(eth(2, 1)) }), baseState, func(c *policycircuit.Circuit) { c.MaxValuePerTx = eth(5, 1) }},
		{"a wrong notAfter", plain, baseState, func(c *policycircuit.Circuit) { c.NotAfter = uint64(1) << 62 }},
		{"the reserved maxValidity set", plain, baseState, func(c *policycircuit.Circuit) { c.MaxValidity = 1 }},
		// A public input ≥ 2^k (what a verifier that reduces or truncates its
		// inputs might take for the in-range value).
		{"to + 2^160", plain, baseState, func(c *policycircuit.Circuit) { c.To = add(c.To.(*big.Int), pow2(160)) }},
		{"nonce + 2^64", plain, baseState, func(c *policycircuit.Circuit) { c.Nonce = add(big.NewInt(7), pow2(64)) }},
		{"chainId + 2^64", plain, baseState, func(c *policycircuit.Circuit) { c.ChainID = add(big.NewInt(1337), pow2(64)) }},
		{"gas + 2^64", plain, baseState, func(c *policycircuit.Circuit) { c.Gas = add(big.NewInt(21000), pow2(64)) }},
		{"time + 2^64", plain, baseState, func(c *policycircuit.Circuit) { c.Time = add(big.NewInt(now), pow2(64)) }},
		{"valueLo + 2^128", plain, baseState, func(c *policycircuit.Circuit) { c.ValueLo = add(eth(1, 10), pow2(128)) }},
		{"valueHi = 1", plain, baseState, func(c *policycircuit.Circuit) { c.ValueHi = 1 }},
		{"maxFeePerGas + 2^128", plain, baseState, func(c *policycircuit.Circuit) { c.MaxFeePerGas = add(big.NewInt(2e9), pow2(128)) }},
		{"priority fee + 2^128", plain, baseState, func(c *policycircuit.Circuit) { c.MaxPriorityFee = add(big.NewInt(1e9), pow2(128)) }},
		{"spent = r - 1 (a negative spend)", plain, baseState, func(c *policycircuit.Circuit) { c.Spent = new(big.Int).Sub(r, big.NewInt(1)) }},
		{"feesSpent = r - 1", plain, baseState, func(c *policycircuit.Circuit) { c.FeesSpent = new(big.Int).Sub(r, big.NewInt(1)) }},
		{"txCount + 2^32", plain, stWith(func(s *wire.State) { s.Txs = 3 }), func(c *policycircuit.Circuit) { c.TxCount = add(big.NewInt(3), pow2(32)) }},
		{"txCount = r - 1", plain, baseState, func(c *policycircuit.Circuit) { c.TxCount = new(big.Int).Sub(r, big.NewInt(1)) }},
		{"tokenSpent = r - 1", transfer(pt.Alice, usdc(1)), baseState, func(c *policycircuit.Circuit) { c.TokenSpent = new(big.Int).Sub(r, big.NewInt(1)) }},
		{"spendToken + 2^160", transfer(pt.Alice, usdc(1)), baseState, func(c *policycircuit.Circuit) { c.SpendToken = add(c.SpendToken.(*big.Int), pow2(160)) }},
	}
	for _, ch := range cheats {
		t.Run(ch.name, func(t *testing.T) {
			st := ch.st()
			a, err := policycircuit.Assign(pol, ch.tx(), st, st.Time)
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
	// The honest witnesses the cheats start from do solve.
	for _, tx := range []func() *wire.Tx{swapSelf, plain, transfer(pt.Alice, usdc(1))} {
		st := baseState()
		a, _ := policycircuit.Assign(pol, tx(), st, st.Time)
		w, _ := frontend.NewWitness(a, ecc.BN254.ScalarField())
		if _, err := ccs.Solve(w); err != nil {
			t.Fatalf("honest witness refused: %v", err)
		}
	}
}
