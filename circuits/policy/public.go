package policy

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/leash-wallet/leash/wire"
)

// NumPublicInputs is the length of the public-input vector of the universal
// policy circuit (v1).
const NumPublicInputs = 12

// PublicInputNames names the public inputs in circuit order.
var PublicInputNames = [NumPublicInputs]string{
	"commitment", "chainId", "nonce", "to", "valueHi", "valueLo", "gas",
	"maxFeePerGas", "maxPriorityFeePerGas", "dataDigest", "time", "spent",
}

// PublicInputs computes x = PI(T, C, S, t), the public-input vector of the
// universal policy circuit, in circuit order. The signer calls it with its
// own commitment, its own window spend and its own clock; nothing here comes
// from a proposal except the transaction itself.
func PublicInputs(c wire.Hash32, tx *wire.Tx, spent *big.Int, t uint64) ([]fr.Element, error) {
	if err := tx.Check(); err != nil {
		return nil, err
	}
	var cElem fr.Element
	if err := cElem.SetBytesCanonical(c[:]); err != nil {
		return nil, wire.Errorf(wire.Malformed, "policy commitment is not a canonical field element")
	}
	if spent.Sign() < 0 || spent.BitLen() > ValueBits {
		return nil, wire.Errorf(wire.Malformed, "window spend out of range")
	}
	digest, ok := DataDigest(tx.Data)
	if !ok {
		return nil, wire.Violation(RuleCalldata, "calldata is %d bytes, the circuit's capacity is %d", len(tx.Data), DataCapacity)
	}
	v := &tx.Value.Int
	hi := new(big.Int).Rsh(v, 128)
	lo := new(big.Int).And(v, new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1)))
	return []fr.Element{
		cElem,
		ElemU64(uint64(tx.ChainID)),
		ElemU64(uint64(tx.Nonce)),
		ElemBytes(tx.To[:]),
		Elem(hi),
		Elem(lo),
		ElemU64(uint64(tx.Gas)),
		Elem(&tx.MaxFeePerGas.Int),
		Elem(&tx.MaxPriorityFeePerGas.Int),
		digest,
		ElemU64(t),
		Elem(spent),
	}, nil
}
