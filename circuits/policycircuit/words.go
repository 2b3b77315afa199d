package policycircuit

import (
	"github.com/consensys/gnark/frontend"

	"github.com/leash-wallet/leash/circuits/policy"
)

// RuledWords is what the rules of a call leaf read: the leaf's key bits and
// operands, the words (as halves), the oneOf set paths and the spend
// token's window. The policy circuit checks calldata words with it and the
// typed-data circuit a struct's fields, so both enforce the same rules
// with the same constraints.
type RuledWords struct {
	KeyBits  []frontend.Variable // policy.KeyBits bits of the call key
	Ops      *[policy.Words][2]frontend.Variable
	Hi, Lo   *[policy.Words]frontend.Variable
	SetRoots *[policy.SetsPerCall]frontend.Variable
	SetIndex *[policy.SetsPerCall]frontend.Variable
	SetPath  *[policy.SetsPerCall][policy.SetDepth]frontend.Variable
	// Target is the token of spend mode "target" (the transaction's `to`,
	// or a signature's verifying contract); CallToken the leaf's fixed token.
	Target, CallToken      frontend.Variable
	SpendToken, TokenSpent frontend.Variable // public inputs
	WindowMax, WindowIndex frontend.Variable
	WindowPath             []frontend.Variable
	TokenWindowsRoot       frontend.Variable
}

// Constrain enforces every word's rule (eq, oneOf sets, max/min, spend,
// tokenArg), that SpendToken is the token the leaf's spend mode names
// (0, with TokenSpent 0 and no spend, when it spends nothing), and that
// TokenSpent plus the spend words fits that token's committed window.
func (w RuledWords) Constrain(api frontend.API, hs *Hasher) {
	inRange := func(x frontend.Variable, n int) { api.ToBinary(x, n) }
	kb := w.KeyBits
	m1, m2 := kb[policy.KeySpendShift], kb[policy.KeySpendShift+1]
	var spend, tokVal, tokHi frontend.Variable = 0, 0, 0
	var setVal, setHi, setUsed [policy.SetsPerCall]frontend.Variable
	for j := range setVal {
		setVal[j], setHi[j], setUsed[j] = 0, 0, 0
	}
	two128 := pow2(policy.HalfBits)
	for i := range w.Hi {
		f := kb[policy.KeyFlagsShift+i*policy.FlagBits : policy.KeyFlagsShift+(i+1)*policy.FlagBits]
		eq, rg, sp, ta := f[0], f[3], f[4], f[5]
		hi, lo := w.Hi[i], w.Lo[i]
		api.AssertIsEqual(api.Mul(eq, api.Sub(hi, w.Ops[i][0])), 0)
		api.AssertIsEqual(api.Mul(eq, api.Sub(lo, w.Ops[i][1])), 0)
		api.AssertIsEqual(api.Mul(api.Add(rg, sp), hi), 0) // integer words are below 2^128
		inRange(api.Mul(rg, api.Sub(w.Ops[i][0], lo)), policy.HalfBits)
		inRange(api.Mul(rg, api.Sub(lo, w.Ops[i][1])), policy.HalfBits)
		spend = api.Add(spend, api.Mul(sp, lo))
		word := api.Add(api.Mul(hi, two128), lo)
		for j := range setVal {
			s := f[1+j]
			setVal[j] = api.Add(setVal[j], api.Mul(s, word))
			setHi[j] = api.Add(setHi[j], api.Mul(s, hi))
			setUsed[j] = api.Add(setUsed[j], s)
		}
		tokVal = api.Add(tokVal, api.Mul(ta, word))
		tokHi = api.Add(tokHi, api.Mul(ta, hi))
	}

	// oneOf: the flagged word is an address (hi < 2^32, so the word is
	// below 2^160 and cannot wrap) whose leaf 2^160 + address is in the set.
	for j := range setVal {
		inRange(setHi[j], policy.SetHiBits)
		root := hs.Merkle(api.Add(setVal[j], pow2(policy.AddressBits)), w.SetIndex[j], w.SetPath[j][:])
		api.AssertIsEqual(api.Mul(setUsed[j], api.Sub(root, w.SetRoots[j])), 0)
	}

	// The spend token: the target, the policy's token or the address in the
	// tokenArg word; 0 (with tokenSpent 0) when the call spends nothing.
	inRange(tokHi, policy.SetHiBits)
	m12 := api.Mul(m1, m2)
	has := api.Sub(api.Add(m1, m2), m12)
	token := api.Add(api.Mul(api.Sub(m1, m12), w.Target), api.Mul(api.Sub(m2, m12), w.CallToken), api.Mul(m12, tokVal))
	api.AssertIsEqual(w.SpendToken, token)
	notHas := api.Sub(1, has)
	api.AssertIsEqual(api.Mul(notHas, w.TokenSpent), 0)
	api.AssertIsEqual(api.Mul(notHas, spend), 0)
	winRoot := hs.Merkle(hs.Hash(token, w.WindowMax), w.WindowIndex, w.WindowPath)
	api.AssertIsEqual(api.Mul(has, api.Sub(winRoot, w.TokenWindowsRoot)), 0)
	inRange(api.Mul(has, api.Sub(w.WindowMax, api.Add(w.TokenSpent, spend))), policy.ValueBits)
}
