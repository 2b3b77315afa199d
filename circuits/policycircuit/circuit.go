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

	// The calldata is exactly the call's: its length (0, or 4 + 32k) and
	// selector, and the 16 halves, bound by the public digest.
	notTV := api.Sub(1, isTV)
	digest := []frontend.Variable{api.Mul(notTV, api.Add(4, api.Mul(32, k))), api.Mul(notTV, sel)}
	for i := range c.Hi {
		digest = append(digest, c.Hi[i], c.Lo[i])
	}
	api.AssertIsEqual(hash(digest...), c.DataDigest)

	// Word rules, the spend token and its window.
	RuledWords{
		KeyBits: kb, Ops: &c.Ops, Hi: &c.Hi, Lo: &c.Lo,
		SetRoots: &c.SetRoots, SetIndex: &c.SetIndex, SetPath: &c.SetPath,
		Target: c.To, CallToken: c.CallToken, SpendToken: c.SpendToken, TokenSpent: c.TokenSpent,
		WindowMax: c.WindowMax, WindowIndex: c.WindowIndex, WindowPath: c.WindowPath[:], TokenWindowsRoot: c.TokenWindowsRoot,
	}.Constrain(api, hs)

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
