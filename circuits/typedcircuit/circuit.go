package typedcircuit

import (
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policycircuit"
)

// Circuit is the typed-data circuit. Its public inputs are, in order,
// policy.SigPublicInputNames.
type Circuit struct {
	Commitment        frontend.Variable `gnark:",public"`
	ChainID           frontend.Variable `gnark:",public"`
	VerifyingContract frontend.Variable `gnark:",public"`
	StructDigest      frontend.Variable `gnark:",public"`
	Time              frontend.Variable `gnark:",public"`
	SpendToken        frontend.Variable `gnark:",public"`
	TokenSpent        frontend.Variable `gnark:",public"`

	// The policy (private), opened against Commitment.
	PolicyChainID, Account, NotBefore, NotAfter frontend.Variable
	MaxValuePerTx, MaxFeePerTx                  frontend.Variable
	WindowSeconds, WindowMaxValue               frontend.Variable
	WindowMaxFees, WindowMaxTxs                 frontend.Variable
	TargetsRoot, TokenWindowsRoot               frontend.Variable
	SignaturesRoot, MaxValidity, Salt           frontend.Variable

	// The rule: its leaf fields and path.
	Key, CallToken, Meta   frontend.Variable
	Ops                    [policy.Words][2]frontend.Variable
	SetRoots, SetIndex     [policy.SetsPerCall]frontend.Variable
	SetPath                [policy.SetsPerCall][policy.SetDepth]frontend.Variable
	RuleName, RuleVersion  [2]frontend.Variable // halves of the ruled keccak(name), keccak(version); 0 when not ruled
	TypeHash               [2]frontend.Variable
	SigIndex               frontend.Variable
	SigPath                [policy.SignatureDepth]frontend.Variable
	WindowMax, WindowIndex frontend.Variable
	WindowPath             [policy.TokenDepth]frontend.Variable
	DocName, DocVersion    [2]frontend.Variable // the document's halves (0 when absent)
	Hi, Lo                 [policy.Words]frontend.Variable
}

// Define enforces the rule; range checks are plain binary decompositions
// (no BSB22 commitments), as in the policy circuit.
func (c *Circuit) Define(api frontend.API) error {
	hs, err := policycircuit.NewHasher(api)
	if err != nil {
		return err
	}
	inRange := func(x frontend.Variable, n int) { api.ToBinary(x, n) }

	inRange(c.ChainID, policy.TimeBits)
	inRange(c.VerifyingContract, policy.AddressBits)
	inRange(c.Time, policy.TimeBits)
	inRange(c.SpendToken, policy.AddressBits)
	inRange(c.TokenSpent, policy.ValueBits)

	// The commitment opens to the policy.
	api.AssertIsEqual(c.Commitment, hs.Hash(policy.CommitmentTag.BigInt(new(big.Int)), c.PolicyChainID, c.Account,
		c.NotBefore, c.NotAfter, c.MaxValuePerTx, c.MaxFeePerTx, c.WindowSeconds, c.WindowMaxValue, c.WindowMaxFees,
		c.WindowMaxTxs, c.TargetsRoot, c.TokenWindowsRoot, c.SignaturesRoot, c.MaxValidity, c.Salt))

	// The rule is a leaf of signaturesRoot, for this domain and type.
	leaf := make([]frontend.Variable, 0, policy.SigLeafElems)
	leaf = append(leaf, c.Key)
	for i := range c.Ops {
		leaf = append(leaf, c.Ops[i][0], c.Ops[i][1])
	}
	leaf = append(leaf, c.SetRoots[0], c.SetRoots[1], c.CallToken, c.Meta, c.ChainID, c.VerifyingContract,
		c.RuleName[0], c.RuleName[1], c.RuleVersion[0], c.RuleVersion[1], c.TypeHash[0], c.TypeHash[1])
	api.AssertIsEqual(hs.Merkle(hs.Hash(leaf...), c.SigIndex, c.SigPath[:]), c.SignaturesRoot)

	kb := api.ToBinary(c.Key, policy.KeyBits)
	k := api.FromBinary(kb[policy.KeyWordsShift:policy.KeyProgramOnlyShift]...)
	mb := api.ToBinary(c.Meta, policy.SigMetaBits)

	// The struct digest: the document's name, version, the rule's type hash,
	// the word count and the words.
	digest := []frontend.Variable{c.DocName[0], c.DocName[1], c.DocVersion[0], c.DocVersion[1], c.TypeHash[0], c.TypeHash[1], k}
	for i := range c.Hi {
		digest = append(digest, c.Hi[i], c.Lo[i])
	}
	api.AssertIsEqual(hs.Hash(digest...), c.StructDigest)
	for j := 0; j < 2; j++ {
		api.AssertIsEqual(api.Mul(mb[policy.SigNameShift], api.Sub(c.RuleName[j], c.DocName[j])), 0)
		api.AssertIsEqual(api.Mul(mb[policy.SigVersionShift], api.Sub(c.RuleVersion[j], c.DocVersion[j])), 0)
	}

	// The fields' rules, the spend token and its window: the policy
	// circuit's own gadget, with the verifying contract as the target.
	policycircuit.RuledWords{
		KeyBits: kb, Ops: &c.Ops, Hi: &c.Hi, Lo: &c.Lo,
		SetRoots: &c.SetRoots, SetIndex: &c.SetIndex, SetPath: &c.SetPath,
		Target: c.VerifyingContract, CallToken: c.CallToken, SpendToken: c.SpendToken, TokenSpent: c.TokenSpent,
		WindowMax: c.WindowMax, WindowIndex: c.WindowIndex, WindowPath: c.WindowPath[:], TokenWindowsRoot: c.TokenWindowsRoot,
	}.Constrain(api, hs)

	// Deadlines: below 2^64 and at most time + maxValidity.
	inRange(c.MaxValidity, 33)
	limit := api.Add(c.Time, c.MaxValidity)
	for i := range c.Hi {
		d := mb[i]
		api.AssertIsEqual(api.Mul(d, c.Hi[i]), 0)
		inRange(api.Mul(d, c.Lo[i]), policy.TimeBits)
		inRange(api.Mul(d, api.Sub(limit, c.Lo[i])), policy.TimeBits+1)
	}

	// The policy's time window.
	inRange(api.Sub(c.Time, c.NotBefore), policy.TimeBits)
	inRange(api.Sub(c.NotAfter, c.Time), policy.TimeBits)
	return nil
}
