package typedcircuit

import (
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/wire"
)

var toBig, setPath = policycircuit.ToBig, policycircuit.SetPath

// Assign builds the full witness for proving that m obeys pol's rule for
// its domain and type, with the window state st and time t. It does not
// check the words (an out-of-policy message yields a witness the circuit
// refuses); only a message no rule names cannot be assigned
// (policy_violation:signature).
func Assign(pol *policy.Policy, m *policy.TypedMessage, st *wire.State, t uint64) (*Circuit, error) {
	pub, err := pol.SigPublicInputs(m, st, t)
	if err != nil {
		return nil, err
	}
	sm, _, err := pol.LocateSignature(m)
	if err != nil {
		return nil, err
	}
	if ok, err := pol.MatchSignature(m); err == nil {
		sm = ok // the rule whose field rules pass, when one does
	}
	c := &Circuit{}
	for i, v := range c.publicVars() {
		*v = toBig(pub[i])
	}
	pre := pol.CommitmentPreimage()
	for i, v := range c.policyVars() {
		*v = toBig(pre[i+1]) // after the tag
	}
	w := pol.SignatureWitness(sm)
	setPath(&c.SigIndex, c.SigPath[:], w.SigPath)
	leaf := sm.Rule.SigLeafPreimage()
	c.Key = toBig(leaf[0])
	for i := range c.Ops {
		c.Ops[i][0], c.Ops[i][1] = toBig(leaf[1+2*i]), toBig(leaf[2+2*i])
	}
	for j := range c.SetRoots {
		c.SetRoots[j] = toBig(leaf[1+2*policy.Words+j])
		setPath(&c.SetIndex[j], c.SetPath[j][:], w.SetPaths[j])
	}
	n := policy.CallLeafElems
	c.CallToken = toBig(leaf[n-1])
	c.Meta = toBig(leaf[n])
	c.RuleName = [2]frontend.Variable{toBig(leaf[n+3]), toBig(leaf[n+4])}
	c.RuleVersion = [2]frontend.Variable{toBig(leaf[n+5]), toBig(leaf[n+6])}
	c.TypeHash = [2]frontend.Variable{toBig(leaf[n+7]), toBig(leaf[n+8])}
	nh, nl := policy.HashHalves(m.NameHash)
	vh, vl := policy.HashHalves(m.VersionHash)
	c.DocName = [2]frontend.Variable{nh, nl}
	c.DocVersion = [2]frontend.Variable{vh, vl}
	c.WindowMax = new(big.Int).Set(w.WindowMax)
	setPath(&c.WindowIndex, c.WindowPath[:], w.WindowPath)
	for i := range c.Hi {
		c.Hi[i], c.Lo[i] = new(big.Int).Set(m.Data.Hi[i]), new(big.Int).Set(m.Data.Lo[i])
	}
	return c, nil
}

// publicVars lists the public inputs in policy.SigPublicInputNames order.
func (c *Circuit) publicVars() []*frontend.Variable {
	return []*frontend.Variable{&c.Commitment, &c.ChainID, &c.VerifyingContract, &c.StructDigest, &c.Time,
		&c.SpendToken, &c.TokenSpent}
}

// policyVars lists the private policy fields in commitment-preimage order,
// after the tag.
func (c *Circuit) policyVars() []*frontend.Variable {
	return []*frontend.Variable{&c.PolicyChainID, &c.Account, &c.NotBefore, &c.NotAfter, &c.MaxValuePerTx, &c.MaxFeePerTx,
		&c.WindowSeconds, &c.WindowMaxValue, &c.WindowMaxFees, &c.WindowMaxTxs, &c.TargetsRoot,
		&c.TokenWindowsRoot, &c.SignaturesRoot, &c.MaxValidity, &c.Salt}
}
