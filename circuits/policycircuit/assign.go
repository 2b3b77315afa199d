package policycircuit

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/wire"
)

func toBig(e fr.Element) *big.Int { return e.BigInt(new(big.Int)) }

// ToBig is a field element as a witness value.
func ToBig(e fr.Element) *big.Int { return toBig(e) }

// SetPath assigns a Merkle proof to a circuit's index and sibling variables.
func SetPath(index *frontend.Variable, dst []frontend.Variable, p policy.Proof) {
	setPath(index, dst, p)
}

// Assign builds the full witness for proving that tx obeys pol, given the
// window state st and the time t the proof is made against. It does not
// run the policy check: an out-of-policy transaction yields a witness the
// circuit refuses, which is how `leash prove --no-precheck` audits the
// circuit. Only a transaction whose calldata has no canonical shape, or
// that no call of the policy names, cannot be assigned.
func Assign(pol *policy.Policy, tx *wire.Tx, st *wire.State, t uint64) (*Circuit, error) {
	pub, err := pol.PublicInputs(tx, st, t)
	if err != nil {
		return nil, err
	}
	m, err := pol.Locate(tx)
	if err != nil {
		return nil, err
	}
	c := &Circuit{}
	for i, v := range c.publicVars() {
		*v = toBig(pub[i])
	}
	pre := pol.CommitmentPreimage()
	for i, v := range c.policyVars() {
		*v = toBig(pre[i+2]) // after the tag and the chain id
	}
	w := pol.Witness(m)
	c.CallsRoot = toBig(w.CallsRoot)
	setPath(&c.TargetIndex, c.TargetPath[:], w.TargetPath)
	setPath(&c.CallIndex, c.CallPath[:], w.CallPath)
	leaf := m.Call.LeafPreimage()
	c.CallKey = toBig(leaf[0])
	for i := range c.Ops {
		c.Ops[i][0], c.Ops[i][1] = toBig(leaf[1+2*i]), toBig(leaf[2+2*i])
	}
	for j := range c.SetRoots {
		c.SetRoots[j] = toBig(leaf[1+2*policy.Words+j])
		setPath(&c.SetIndex[j], c.SetPath[j][:], w.SetPaths[j])
	}
	c.CallToken = toBig(leaf[len(leaf)-1])
	c.WindowMax = new(big.Int).Set(w.WindowMax)
	setPath(&c.WindowIndex, c.WindowPath[:], w.WindowPath)
	for i := range c.Hi {
		c.Hi[i], c.Lo[i] = new(big.Int).Set(m.Data.Hi[i]), new(big.Int).Set(m.Data.Lo[i])
	}
	return c, nil
}

// publicVars lists the public inputs in policy.PublicInputNames order.
func (c *Circuit) publicVars() []*frontend.Variable {
	return []*frontend.Variable{&c.Commitment, &c.ChainID, &c.Nonce, &c.To, &c.ValueHi, &c.ValueLo, &c.Gas,
		&c.MaxFeePerGas, &c.MaxPriorityFee, &c.DataDigest, &c.Time, &c.Spent, &c.FeesSpent, &c.TxCount,
		&c.SpendToken, &c.TokenSpent}
}

// policyVars lists the private policy fields in commitment-preimage order,
// after the tag and the chain id (which is public).
func (c *Circuit) policyVars() []*frontend.Variable {
	return []*frontend.Variable{&c.Account, &c.NotBefore, &c.NotAfter, &c.MaxValuePerTx, &c.MaxFeePerTx,
		&c.WindowSeconds, &c.WindowMaxValue, &c.WindowMaxFees, &c.WindowMaxTxs, &c.TargetsRoot,
		&c.TokenWindowsRoot, &c.SignaturesRoot, &c.MaxValidity, &c.Salt}
}

func setPath(index *frontend.Variable, dst []frontend.Variable, p policy.Proof) {
	*index = p.Index
	for i := range dst {
		dst[i] = toBig(p.Siblings[i])
	}
}
