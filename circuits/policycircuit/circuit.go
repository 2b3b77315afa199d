package policycircuit

import (
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/leash-wallet/leash/circuits/policy"
)

// Circuit is the universal policy circuit (v2). One circuit and one setup
// serve every policy: the policy is a private witness bound by the public
// commitment C. The public inputs are, in order, exactly
// policy.PublicInputNames, and each is range-checked here (a verifier that
// reduces its inputs modulo r cannot be fooled by an input ≥ 2^k).
type Circuit struct {
	Commitment     frontend.Variable `gnark:",public"`
	ChainID        frontend.Variable `gnark:",public"`
	Nonce          frontend.Variable `gnark:",public"`
	To             frontend.Variable `gnark:",public"`
	ValueHi        frontend.Variable `gnark:",public"`
	ValueLo        frontend.Variable `gnark:",public"`
	Gas            frontend.Variable `gnark:",public"`
	MaxFeePerGas   frontend.Variable `gnark:",public"`
	MaxPriorityFee frontend.Variable `gnark:",public"`
	DataDigest     frontend.Variable `gnark:",public"`
	Time           frontend.Variable `gnark:",public"`
	Spent          frontend.Variable `gnark:",public"`
	FeesSpent      frontend.Variable `gnark:",public"`
	TxCount        frontend.Variable `gnark:",public"`
	SpendToken     frontend.Variable `gnark:",public"`
	TokenSpent     frontend.Variable `gnark:",public"`

	// The policy (private), opened against Commitment.
	Account, NotBefore, NotAfter      frontend.Variable
	MaxValuePerTx, MaxFeePerTx        frontend.Variable
	WindowSeconds, WindowMaxValue     frontend.Variable
	WindowMaxFees, WindowMaxTxs       frontend.Variable
	TargetsRoot, TokenWindowsRoot     frontend.Variable
	SignaturesRoot, MaxValidity, Salt frontend.Variable
	CallsRoot, TargetIndex            frontend.Variable
	TargetPath                        [policy.TargetDepth]frontend.Variable
	CallKey, CallToken, CallIndex     frontend.Variable
	Ops                               [policy.Words][2]frontend.Variable
	SetRoots, SetIndex                [policy.SetsPerCall]frontend.Variable
	CallPath                          [policy.CallDepth]frontend.Variable
	SetPath                           [policy.SetsPerCall][policy.SetDepth]frontend.Variable
	WindowMax, WindowIndex            frontend.Variable
	WindowPath                        [policy.TokenDepth]frontend.Variable
	Hi, Lo                            [policy.Words]frontend.Variable // the calldata words' halves

	// AllowProgramOnly is a compile-time switch, not a witness: the
	// standalone policy circuit (false) refuses calls marked programOnly;
	// program circuits embed the policy circuit with it set.
	AllowProgramOnly bool `gnark:"-"`
}

func pow2(n int) *big.Int { return new(big.Int).Lsh(big.NewInt(1), uint(n)) }

// Define enforces every v2 rule. Range checks use plain binary
// decomposition (no api.Commit, no commitment-based range checker) so the
// proof is standard Groth16 that independent verifiers accept.
func (c *Circuit) Define(api frontend.API) error {
	_, err := c.Constrain(api)
	return err
}

// Call is what the policy circuit read out of the call that allows the
// transaction, for circuits that embed it: the 32-bit selector, the number
// of calldata words and whether it is a plain value transfer.
type Call struct {
	Selector, Words, TransferValue frontend.Variable
}

// Constrain adds every constraint of Define and returns the call, so that a
// program circuit can require its own function on top.
func (c *Circuit) Constrain(api frontend.API) (Call, error) {
	hs, err := NewHasher(api)
	if err != nil {
		return Call{}, err
	}
	hash, merkle := hs.Hash, hs.Merkle
	// inRange asserts 0 ≤ x < 2^n, so that for operands already below 2^n,
	// b − a in range means a ≤ b.
	inRange := func(x frontend.Variable, n int) { api.ToBinary(x, n) }

	// Every public input the rules read is range-checked here.
	inRange(c.ChainID, policy.TimeBits)
	inRange(c.Nonce, 64)
	inRange(c.To, policy.AddressBits)
	api.AssertIsEqual(c.ValueHi, 0)
	inRange(c.ValueLo, policy.ValueBits)
	inRange(c.Gas, 64)
	inRange(c.MaxFeePerGas, 128)
	inRange(c.MaxPriorityFee, 128)
	inRange(c.Time, policy.TimeBits)
	inRange(c.Spent, policy.ValueBits)
	inRange(c.FeesSpent, policy.FeeBits)
	inRange(c.TxCount, policy.TxCountBits)
	inRange(c.SpendToken, policy.AddressBits)
	inRange(c.TokenSpent, policy.ValueBits)

	// The commitment opens to the policy; the public chain id is its chain.
	api.AssertIsEqual(c.Commitment, hash(toBig(policy.CommitmentTag), c.ChainID, c.Account, c.NotBefore, c.NotAfter,
		c.MaxValuePerTx, c.MaxFeePerTx, c.WindowSeconds, c.WindowMaxValue, c.WindowMaxFees, c.WindowMaxTxs,
		c.TargetsRoot, c.TokenWindowsRoot, c.SignaturesRoot, c.MaxValidity, c.Salt))

	// `to` is a target, and the call is one of its calls.
	api.AssertIsEqual(merkle(hash(c.To, c.CallsRoot), c.TargetIndex, c.TargetPath[:]), c.TargetsRoot)
	leaf := make([]frontend.Variable, 0, policy.CallLeafElems)
	leaf = append(leaf, c.CallKey)
	for i := range c.Ops {
		leaf = append(leaf, c.Ops[i][0], c.Ops[i][1])
	}
	leaf = append(leaf, c.SetRoots[0], c.SetRoots[1], c.CallToken)
	api.AssertIsEqual(merkle(hash(leaf...), c.CallIndex, c.CallPath[:]), c.CallsRoot)

	// The call key: selector (or the transfer-value bit), words, programOnly,
	// spend mode, and the flags of every word.
	kb := api.ToBinary(c.CallKey, policy.KeyBits)
	sel := api.FromBinary(kb[:32]...)
	isTV := kb[32]
	k := api.FromBinary(kb[policy.KeyWordsShift:policy.KeyProgramOnlyShift]...)
	if !c.AllowProgramOnly {
		api.AssertIsEqual(kb[policy.KeyProgramOnlyShift], 0)
	}
	m1, m2 := kb[policy.KeySpendShift], kb[policy.KeySpendShift+1]

	// The calldata is exactly the call's: its length (0, or 4 + 32k) and
	// selector, and the 16 halves, bound by the public digest.
	notTV := api.Sub(1, isTV)
	digest := []frontend.Variable{api.Mul(notTV, api.Add(4, api.Mul(32, k))), api.Mul(notTV, sel)}
	for i := range c.Hi {
		digest = append(digest, c.Hi[i], c.Lo[i])
	}
	api.AssertIsEqual(hash(digest...), c.DataDigest)

	// Word rules.
	var spend, tokVal, tokHi frontend.Variable = 0, 0, 0
	var setVal, setHi, setUsed [policy.SetsPerCall]frontend.Variable
	for j := range setVal {
		setVal[j], setHi[j], setUsed[j] = 0, 0, 0
	}
	two128 := pow2(policy.HalfBits)
	for i := range c.Hi {
		f := kb[policy.KeyFlagsShift+i*policy.FlagBits : policy.KeyFlagsShift+(i+1)*policy.FlagBits]
		eq, rg, sp, ta := f[0], f[3], f[4], f[5]
		hi, lo := c.Hi[i], c.Lo[i]
		api.AssertIsEqual(api.Mul(eq, api.Sub(hi, c.Ops[i][0])), 0)
		api.AssertIsEqual(api.Mul(eq, api.Sub(lo, c.Ops[i][1])), 0)
		api.AssertIsEqual(api.Mul(api.Add(rg, sp), hi), 0) // integer words are below 2^128
		inRange(api.Mul(rg, api.Sub(c.Ops[i][0], lo)), policy.HalfBits)
		inRange(api.Mul(rg, api.Sub(lo, c.Ops[i][1])), policy.HalfBits)
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
		root := merkle(api.Add(setVal[j], pow2(policy.AddressBits)), c.SetIndex[j], c.SetPath[j][:])
		api.AssertIsEqual(api.Mul(setUsed[j], api.Sub(root, c.SetRoots[j])), 0)
	}

	// The spend token: the target, the policy's token or the address in the
	// tokenArg word; 0 (with tokenSpent 0) when the call spends nothing.
	inRange(tokHi, policy.SetHiBits)
	m12 := api.Mul(m1, m2)
	has := api.Sub(api.Add(m1, m2), m12)
	token := api.Add(api.Mul(api.Sub(m1, m12), c.To), api.Mul(api.Sub(m2, m12), c.CallToken), api.Mul(m12, tokVal))
	api.AssertIsEqual(c.SpendToken, token)
	notHas := api.Sub(1, has)
	api.AssertIsEqual(api.Mul(notHas, c.TokenSpent), 0)
	api.AssertIsEqual(api.Mul(notHas, spend), 0)
	winRoot := merkle(hash(token, c.WindowMax), c.WindowIndex, c.WindowPath[:])
	api.AssertIsEqual(api.Mul(has, api.Sub(winRoot, c.TokenWindowsRoot)), 0)
	inRange(api.Mul(has, api.Sub(c.WindowMax, api.Add(c.TokenSpent, spend))), policy.ValueBits)

	// Native value: per-transaction cap and window cap.
	inRange(api.Sub(c.MaxValuePerTx, c.ValueLo), policy.ValueBits)
	inRange(api.Sub(c.WindowMaxValue, api.Add(c.Spent, c.ValueLo)), policy.ValueBits)

	// Fees: gas × maxFeePerGas within the per-transaction cap and, with the
	// fees already committed, within the fee window; priority ≤ max fee.
	fee := api.Mul(c.Gas, c.MaxFeePerGas)
	inRange(api.Sub(c.MaxFeePerTx, fee), policy.FeeBits)
	inRange(api.Sub(c.WindowMaxFees, api.Add(c.FeesSpent, fee)), policy.FeeBits)
	inRange(api.Sub(c.MaxFeePerGas, c.MaxPriorityFee), 128)

	// Count: this transaction fits the window's count.
	inRange(api.Sub(c.WindowMaxTxs, api.Add(c.TxCount, 1)), policy.TxCountBits)

	// Time window.
	inRange(api.Sub(c.Time, c.NotBefore), policy.TimeBits)
	inRange(api.Sub(c.NotAfter, c.Time), policy.TimeBits)
	return Call{Selector: sel, Words: k, TransferValue: isTV}, nil
}
