package typedcircuit_test

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"

	"github.com/leash-wallet/leash/circuits/groth16v"
	"github.com/leash-wallet/leash/circuits/policy"
	pt "github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/typedcircuit"
	tt "github.com/leash-wallet/leash/circuits/typedcircuit/typedtest"
	"github.com/leash-wallet/leash/wasm/eip712"
	"github.com/leash-wallet/leash/wire"
)

func pow2(n uint) *big.Int       { return new(big.Int).Lsh(big.NewInt(1), n) }
func add(a, b *big.Int) *big.Int { return new(big.Int).Add(a, b) }

var r = fr.Modulus()

func msg(t testing.TB, doc []byte) *policy.TypedMessage {
	t.Helper()
	td, err := eip712.Decode(doc, eip712.V4)
	if err != nil {
		t.Fatal(err)
	}
	m, err := policy.ReadTyped(td)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func spent(v int64) *wire.State {
	st := &wire.State{Time: tt.Now}
	st.SetTokenSpent(tt.DUSDC, big.NewInt(v))
	return st
}

type tcase struct {
	name string
	edit func(map[string]any)
	st   *wire.State
	rule string
}

// cases is the agreement table: every rule a matched message can break, at
// and around its boundary.
func cases() []tcase {
	m := tt.Message
	return []tcase{
		{"an x402 payment", nil, nil, ""},
		{"to the second payee", m("to", tt.Carol.Hex()), nil, ""},
		{"the largest payment", m("value", "500000"), nil, ""},
		{"a zero payment", m("value", "0"), nil, ""},
		{"one above the largest", m("value", "500001"), nil, policy.RuleArg},
		{"value ≥ 2^128 (hi ≠ 0)", m("value", add(pow2(128), big.NewInt(5)).String()), nil, policy.RuleArg},
		{"to the attacker", m("to", pt.Bob.Hex()), nil, policy.RuleArg},
		{"from another account", m("from", pt.Alice.Hex()), nil, policy.RuleArg},
		{"validBefore at the limit", m("validBefore", "1800000600"), nil, ""},
		{"validBefore one past", m("validBefore", "1800000601"), nil, policy.RuleValidity},
		{"validBefore 2^64", m("validBefore", pow2(64).String()), nil, policy.RuleValidity},
		{"validBefore 2^255", m("validBefore", pow2(255).String()), nil, policy.RuleValidity},
		{"fills the window", m("value", "500000"), spent(4_500_000), ""},
		{"one over the window", m("value", "500000"), spent(4_500_001), policy.RuleTokenWindow},
		{"window full, zero payment", m("value", "0"), spent(5_000_000), ""},
		{"before the policy", nil, &wire.State{Time: 1000}, policy.RuleTime},
	}
}

func assign(t *testing.T, pol *policy.Policy, c tcase) *typedcircuit.Circuit {
	t.Helper()
	st := c.st
	if st == nil {
		st = &wire.State{Time: tt.Now}
	}
	a, err := typedcircuit.Assign(pol, msg(t, tt.Authorization(c.edit)), st, st.Time)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func solve(t *testing.T, a *typedcircuit.Circuit) error {
	t.Helper()
	ccs, err := typedcircuit.Compile()
	if err != nil {
		t.Fatal(err)
	}
	w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	_, err = ccs.Solve(w)
	return err
}

// TestCheckAndCircuitAgree runs CheckSignature and the circuit's solver on
// every case and requires the same verdict and the expected rule.
func TestCheckAndCircuitAgree(t *testing.T) {
	pol := tt.Policy(t)
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			st := c.st
			if st == nil {
				st = &wire.State{Time: tt.Now}
			}
			_, err := pol.CheckSignature(msg(t, tt.Authorization(c.edit)), st)
			if got := wire.CodeOf(err).Rule(); got != c.rule {
				t.Fatalf("check: rule %q (%v), want %q", got, err, c.rule)
			}
			if serr := solve(t, assign(t, pol, c)); (serr == nil) != (c.rule == "") {
				t.Fatalf("circuit solved=%v, check rule %q", serr == nil, c.rule)
			}
		})
	}
}

// TestCheatingWitnesses: witnesses a malicious prover could choose beyond
// what Assign builds; each starts from an honest witness that solves.
func TestCheatingWitnesses(t *testing.T) {
	pol := tt.Policy(t)
	half := func(v *big.Int) (*big.Int, *big.Int) {
		return new(big.Int).Rsh(v, 128), new(big.Int).And(v, new(big.Int).Sub(pow2(128), big.NewInt(1)))
	}
	bob := new(big.Int).SetBytes(pt.Bob[:])
	self := new(big.Int).SetBytes(pt.Self[:])
	// redigest makes the public struct digest agree with the witness's
	// words, so that only the rule constraints can refuse the cheat.
	redigest := func(cheat func(c *typedcircuit.Circuit)) func(c *typedcircuit.Circuit) {
		return func(c *typedcircuit.Circuit) {
			cheat(c)
			el := func(v frontend.Variable) fr.Element {
				var e fr.Element
				switch x := v.(type) {
				case *big.Int:
					e.SetBigInt(x)
				case int:
					e.SetInt64(int64(x))
				}
				return e
			}
			k := new(big.Int).Rsh(c.Key.(*big.Int), policy.KeyWordsShift)
			k.And(k, big.NewInt(15))
			xs := []fr.Element{el(c.DocName[0]), el(c.DocName[1]), el(c.DocVersion[0]), el(c.DocVersion[1]), el(c.TypeHash[0]), el(c.TypeHash[1]), el(k)}
			for i := range c.Hi {
				xs = append(xs, el(c.Hi[i]), el(c.Lo[i]))
			}
			d := policy.Hash(xs...)
			c.StructDigest = d.BigInt(new(big.Int))
		}
	}
	cheats := []struct {
		name  string
		edit  func(map[string]any)
		st    *wire.State
		cheat func(c *typedcircuit.Circuit)
	}{
		{"deadline wrapped below the field (lo = r - 1), digest agreeing", nil, nil, redigest(func(c *typedcircuit.Circuit) {
			c.Lo[4] = new(big.Int).Sub(r, big.NewInt(1))
		})},
		{"deadline past the limit, digest agreeing", nil, nil, redigest(func(c *typedcircuit.Circuit) { c.Lo[4] = big.NewInt(tt.Now + 601) })},
		{"deadline hi != 0, digest agreeing", nil, nil, redigest(func(c *typedcircuit.Circuit) { c.Hi[4] = 1 })},
		{"another name, digest agreeing", nil, nil, redigest(func(c *typedcircuit.Circuit) { c.DocName[1] = 7 })},
		{"another version, digest agreeing", nil, nil, redigest(func(c *typedcircuit.Circuit) { c.DocVersion[0] = 7 })},
		{"value above max, digest agreeing", nil, nil, redigest(func(c *typedcircuit.Circuit) { c.Lo[2] = big.NewInt(500001) })},
		{"payee is the attacker, digest agreeing", nil, nil, redigest(func(c *typedcircuit.Circuit) { c.Hi[1], c.Lo[1] = half(bob) })},
		{"payee moved: the witness says alice where the document says the attacker", tt.Message("to", pt.Bob.Hex()), nil, func(c *typedcircuit.Circuit) {
			c.Hi[1], c.Lo[1] = half(new(big.Int).SetBytes(pt.Alice[:]))
		}},
		{"from: the witness says self where the document says bob", tt.Message("from", pt.Bob.Hex()), nil, func(c *typedcircuit.Circuit) {
			c.Hi[0], c.Lo[0] = half(self)
		}},
		{"words shifted by one", nil, nil, func(c *typedcircuit.Circuit) {
			for i := len(c.Hi) - 1; i > 0; i-- {
				c.Hi[i], c.Lo[i] = c.Hi[i-1], c.Lo[i-1]
			}
			c.Hi[0], c.Lo[0] = 0, 0
		}},
		{"deadline wrapped below the field (lo = r - 1)", nil, nil, func(c *typedcircuit.Circuit) {
			c.Lo[4] = new(big.Int).Sub(r, big.NewInt(1))
		}},
		{"deadline flag cleared in meta", tt.Message("validBefore", "1900000000"), nil, func(c *typedcircuit.Circuit) {
			c.Meta = new(big.Int).SetBit(c.Meta.(*big.Int), 4, 0)
		}},
		{"maxValidity raised", tt.Message("validBefore", "1900000000"), nil, func(c *typedcircuit.Circuit) {
			c.MaxValidity = 1 << 30
		}},
		{"name flag cleared with another name in the document", nil, nil, func(c *typedcircuit.Circuit) {
			c.Meta = new(big.Int).SetBit(c.Meta.(*big.Int), policy.SigNameShift, 0)
			c.DocName = [2]frontend.Variable{1, 2}
		}},
		{"another name in the document", nil, nil, func(c *typedcircuit.Circuit) { c.DocName[1] = 7 }},
		{"another version in the document", nil, nil, func(c *typedcircuit.Circuit) { c.DocVersion[0] = 7 }},
		{"another type hash", nil, nil, func(c *typedcircuit.Circuit) { c.TypeHash[0] = 7 }},
		{"another verifying contract", nil, nil, func(c *typedcircuit.Circuit) { c.VerifyingContract = bob }},
		{"another chain id", nil, nil, func(c *typedcircuit.Circuit) { c.ChainID = 1 }},
		{"the payee's eq/set flag cleared", tt.Message("to", pt.Bob.Hex()), nil, func(c *typedcircuit.Circuit) {
			c.Key = new(big.Int).SetBit(c.Key.(*big.Int), policy.KeyFlagsShift+1*policy.FlagBits+1, 0)
		}},
		{"spend token swapped to one with room", tt.Message("value", "500000"), spent(4_600_000), func(c *typedcircuit.Circuit) {
			c.SpendToken, c.TokenSpent = bob, 0
		}},
		{"window max raised", tt.Message("value", "500000"), spent(4_600_000), func(c *typedcircuit.Circuit) {
			c.WindowMax = big.NewInt(1 << 40)
		}},
		{"tokenSpent = r - 1", nil, nil, func(c *typedcircuit.Circuit) { c.TokenSpent = new(big.Int).Sub(r, big.NewInt(1)) }},
		{"time + 2^64", nil, nil, func(c *typedcircuit.Circuit) { c.Time = add(big.NewInt(tt.Now), pow2(64)) }},
		{"chainId + 2^64", nil, nil, func(c *typedcircuit.Circuit) { c.ChainID = add(big.NewInt(1337), pow2(64)) }},
		{"verifyingContract + 2^160", nil, nil, func(c *typedcircuit.Circuit) {
			c.VerifyingContract = add(c.VerifyingContract.(*big.Int), pow2(160))
		}},
		{"spendToken + 2^160", nil, nil, func(c *typedcircuit.Circuit) { c.SpendToken = add(c.SpendToken.(*big.Int), pow2(160)) }},
		{"signaturesRoot of a policy without signatures (0)", nil, nil, func(c *typedcircuit.Circuit) { c.SignaturesRoot = 0 }},
	}
	for _, ch := range cheats {
		t.Run(ch.name, func(t *testing.T) {
			a := assign(t, pol, tcase{edit: ch.edit, st: ch.st})
			ch.cheat(a)
			if err := solve(t, a); err == nil {
				t.Fatal("the circuit accepted a cheating witness")
			}
		})
	}
	if err := solve(t, assign(t, pol, tcase{})); err != nil {
		t.Fatalf("honest witness refused: %v", err)
	}
}

// TestEveryRecipeProves: the Permit and both Permit2 recipes (nested
// structs, tokenArg spend, a domain without version) solve too.
func TestEveryRecipeProves(t *testing.T) {
	pol, docs := recipes(t)
	for name, doc := range docs {
		m := msg(t, doc)
		st := &wire.State{Time: tt.Now}
		if _, err := pol.CheckSignature(m, st); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		a, err := typedcircuit.Assign(pol, m, st, st.Time)
		if err != nil {
			t.Fatal(err)
		}
		if err := solve(t, a); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestProveVerify proves a payment with the cached setup and verifies it
// with the signer's verifier (groth16v) on the public inputs the signer
// computes; a proof for another message does not verify.
func TestProveVerify(t *testing.T) {
	ks := tt.Keys(t)
	pol := tt.Policy(t)
	st := &wire.State{Time: tt.Now}
	m := msg(t, tt.Authorization(nil))
	a, err := typedcircuit.Assign(pol, m, st, st.Time)
	if err != nil {
		t.Fatal(err)
	}
	proof, err := typedcircuit.Prove(ks.PK, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err := groth16v.NewVerifierFromBytes(ks.VKBytes, policy.NumSigPublicInputs)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := pol.SigPublicInputs(m, st, st.Time)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.VerifyBytes(proof, pub); err != nil {
		t.Fatalf("verify: %v", err)
	}
	other, _ := pol.SigPublicInputs(msg(t, tt.Authorization(tt.Message("value", "100001"))), st, st.Time)
	if err := v.VerifyBytes(proof, other); wire.CodeOf(err) != wire.ProofInvalid {
		t.Fatalf("a proof for another amount: %v", err)
	}
	// An out-of-policy message cannot be proven.
	bad, _ := typedcircuit.Assign(pol, msg(t, tt.Authorization(tt.Message("to", pt.Bob.Hex()))), st, st.Time)
	if _, err := typedcircuit.Prove(ks.PK, bad, nil); wire.CodeOf(err) != wire.Unsatisfiable {
		t.Fatalf("prove out of policy: %v", err)
	}
}

// TestSize pins the circuit's budget (issue 17: ≤ 30,000 constraints).
func TestSize(t *testing.T) {
	r, err := typedcircuit.Compile()
	if err != nil {
		t.Fatal(err)
	}
	if n := r.GetNbConstraints(); n > 30000 {
		t.Fatalf("%d constraints", n)
	}
	if n := r.GetNbPublicVariables() - 1; n != policy.NumSigPublicInputs {
		t.Fatalf("%d public inputs", n)
	}
}

func recipes(t *testing.T) (*policy.Policy, map[string][]byte) {
	t.Helper()
	b := string(pt.Example(t, "policy-x402.json"))
	permit2 := "0x000000000022D473030F116dDEE9F6B43aC78BA3"
	router := pt.Router.Hex()
	extra := `,
    { "domain": { "name": "Devnet USD Coin", "version": "2", "chainId": 1337, "verifyingContract": "` + tt.DUSDC.Hex() + `" },
      "primaryType": "Permit",
      "fields": { "owner": { "is": "self" }, "spender": { "eq": "` + router + `" }, "value": { "max": "2 dUSDC", "spend": true }, "nonce": "any", "deadline": "any" } },
    { "domain": { "name": "Permit2", "chainId": 1337, "verifyingContract": "` + permit2 + `" },
      "primaryType": "PermitTransferFrom",
      "fields": { "permitted.token": { "oneOf": ["` + tt.DUSDC.Hex() + `"] }, "permitted.amount": { "max": "1000000", "spend": { "tokenArg": 0 } },
                  "spender": { "eq": "` + router + `" }, "nonce": "any", "deadline": "any" } },
    { "domain": { "name": "Permit2", "chainId": 1337, "verifyingContract": "` + permit2 + `" },
      "primaryType": "PermitSingle",
      "fields": { "details.token": { "eq": "` + tt.DUSDC.Hex() + `" }, "details.amount": { "max": "2 dUSDC", "spend": "` + tt.DUSDC.Hex() + `" },
                  "details.expiration": "any", "details.nonce": "any", "spender": { "eq": "` + router + `" }, "sigDeadline": "any" } }
  ],
  "salt"`
	i := strings.LastIndex(b, "\n  ],\n  \"salt\"")
	if i < 0 {
		t.Fatal("example layout changed")
	}
	doc := b[:i] + extra + b[i+len("\n  ],\n  \"salt\""):]
	pol, err := policy.Decode([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	dom := func(name, version, contract string) (map[string]any, []any) {
		d := map[string]any{"name": name, "chainId": 1337, "verifyingContract": contract}
		ty := []any{f("name", "string")}
		if version != "" {
			d["version"] = version
			ty = append(ty, f("version", "string"))
		}
		return d, append(ty, f("chainId", "uint256"), f("verifyingContract", "address"))
	}
	mk := func(d map[string]any, dt []any, primary string, types map[string]any, message map[string]any) []byte {
		types["EIP712Domain"] = dt
		return mustJSON(map[string]any{"types": types, "primaryType": primary, "domain": d, "message": message})
	}
	du, dut := dom("Devnet USD Coin", "2", tt.DUSDC.Hex())
	p2, p2t := dom("Permit2", "", permit2)
	self := pt.Self.Hex()
	return pol, map[string][]byte{
		"Permit": mk(du, dut, "Permit", map[string]any{"Permit": []any{f("owner", "address"), f("spender", "address"), f("value", "uint256"), f("nonce", "uint256"), f("deadline", "uint256")}},
			map[string]any{"owner": self, "spender": router, "value": "2000000", "nonce": "0", "deadline": "1800000100"}),
		"PermitTransferFrom": mk(p2, p2t, "PermitTransferFrom", map[string]any{
			"PermitTransferFrom": []any{f("permitted", "TokenPermissions"), f("spender", "address"), f("nonce", "uint256"), f("deadline", "uint256")},
			"TokenPermissions":   []any{f("token", "address"), f("amount", "uint256")}},
			map[string]any{"permitted": map[string]any{"token": tt.DUSDC.Hex(), "amount": "1000000"}, "spender": router, "nonce": "5", "deadline": "1800000100"}),
		"PermitSingle": mk(p2, p2t, "PermitSingle", map[string]any{
			"PermitSingle":  []any{f("details", "PermitDetails"), f("spender", "address"), f("sigDeadline", "uint256")},
			"PermitDetails": []any{f("token", "address"), f("amount", "uint160"), f("expiration", "uint48"), f("nonce", "uint48")}},
			map[string]any{"details": map[string]any{"token": tt.DUSDC.Hex(), "amount": "1500000", "expiration": "1800000500", "nonce": "0"}, "spender": router, "sigDeadline": "1800000100"}),
	}
}

func f(name, typ string) map[string]any { return map[string]any{"name": name, "type": typ} }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
