package policycircuit

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/wire"
)

func tagBig() *big.Int { return toBig(policy.CommitmentTag) }

func toBig(e fr.Element) *big.Int {
	var b big.Int
	e.BigInt(&b)
	return &b
}

// Assign builds the full witness for proving that tx obeys pol, given the
// window spend and time the proof is made against. It does not run the
// policy check: an out-of-policy transaction yields a witness the circuit
// refuses, which is how `leash prove --no-precheck` audits the circuit.
func Assign(pol *policy.Policy, tx *wire.Tx, spent *big.Int, t uint64) (*Circuit, error) {
	if len(tx.Data) > policy.DataCapacity {
		return nil, wire.Violation(policy.RuleCalldata, "calldata is %d bytes, the circuit's capacity is %d", len(tx.Data), policy.DataCapacity)
	}
	pub, err := policy.PublicInputs(pol.Commitment(), tx, spent, t)
	if err != nil {
		return nil, err
	}
	c := &Circuit{}
	pubVars := []*frontend.Variable{&c.Commitment, &c.ChainID, &c.Nonce, &c.To, &c.ValueHi, &c.ValueLo,
		&c.Gas, &c.MaxFeePerGas, &c.MaxPriorityFee, &c.DataDigest, &c.Time, &c.Spent}
	for i, v := range pubVars {
		*v = toBig(pub[i])
	}
	pre := pol.CommitmentPreimage()
	c.NotBefore, c.NotAfter, c.MaxValue = toBig(pre[2]), toBig(pre[3]), toBig(pre[4])
	c.WindowSeconds, c.WindowMax, c.FeeCap = toBig(pre[5]), toBig(pre[6]), toBig(pre[7])
	c.TargetsRoot, c.Salt = toBig(pre[8]), toBig(pre[9])

	m := pol.MembershipFor(tx)
	isToken := 0
	if m.IsToken {
		isToken = 1
	}
	c.IsToken, c.SelRoot, c.TokenCap, c.RecRoot = isToken, toBig(m.SelRoot), new(big.Int).Set(m.TokenCap), toBig(m.RecRoot)
	setPath(&c.TargetIndex, c.TargetPath[:], m.TargetPath)
	setPath(&c.SelIndex, c.SelPath[:], m.SelPath)
	setPath(&c.RecIndex, c.RecPath[:], m.RecPath)

	for i := range c.Data {
		c.Data[i] = 0
		if i < len(tx.Data) {
			c.Data[i] = tx.Data[i]
		}
	}
	c.DataLen = len(tx.Data)
	return c, nil
}

func setPath(index *frontend.Variable, dst []frontend.Variable, p policy.Proof) {
	*index = p.Index
	for i := range dst {
		dst[i] = toBig(p.Siblings[i])
	}
}
