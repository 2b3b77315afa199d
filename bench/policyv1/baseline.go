// Package policyv1 is the universal policy circuit v1, frozen as it was
// before policy v2, kept only as the baseline that the benchmarks of the v2
// circuit measure against in the same run (`make bench`, `make
// bench-wasm`). No signer, prover or CLI uses it, and its policy model is
// not kept: Baseline builds the one witness the benchmarks prove, a plain
// value transfer under a one-target policy, with the v1 encoding (the
// Poseidon2 and Merkle primitives are circuits/policy's, unchanged by v2).
package policyv1

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/wire"
)

// The v1 capacities.
const (
	targetDepth           = 10
	selectorDepth         = 4
	recipientDepth        = 8
	chunkBytes            = 31
	dataChunks            = 9
	dataCapacity          = dataChunks * chunkBytes
	valueBits             = 128
	feeBits               = 192
	timeBits              = 64
	valueTransferSelector = uint64(1) << 32
	selectorTransfer      = uint64(0xa9059cbb)
	selectorApprove       = uint64(0x095ea7b3)
	kindRecipient         = 1
)

// NumPublicInputs is v1's public-input count.
const NumPublicInputs = 12

var tag = policy.ElemBytes([]byte("leash.policy.v1"))

func toBig(e fr.Element) *big.Int { return e.BigInt(new(big.Int)) }

// fold is v1's hash: the Merkle–Damgård fold of the width-2 compression
// from a zero state (v2 hashes with the width-4 sponge, policy.Hash).
func fold(xs ...fr.Element) fr.Element {
	var h fr.Element
	for _, x := range xs {
		h = policy.Compress(h, x)
	}
	return h
}

// Baseline is the v1 policy the benchmarks use: chain 1337, a 0.1 ETH-class
// plain transfer allowed to one target, caps as examples/policy.json had.
type Baseline struct {
	ChainID   uint64
	Target    wire.Address
	NotBefore uint64
	NotAfter  uint64
	MaxValue  *big.Int
	Window    uint64
	WindowMax *big.Int
	FeeCap    *big.Int
	Salt      fr.Element
}

// Example is the baseline policy of the benchmarks.
func Example() *Baseline {
	alice, _ := wire.ParseAddress("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
	var salt fr.Element
	salt.SetUint64(0x664952faba26c746)
	e18 := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	return &Baseline{ChainID: 1337, Target: alice, NotBefore: 1767225600, NotAfter: 1830297599, MaxValue: e18,
		Window: 86400, WindowMax: new(big.Int).Mul(e18, big.NewInt(3)), FeeCap: new(big.Int).Div(e18, big.NewInt(100)), Salt: salt}
}

// trees returns the selectors tree (valueTransfer only) and the targets tree.
func (b *Baseline) trees() (sel, targets *policy.Tree) {
	sel = policy.NewTree(selectorDepth, []fr.Element{policy.ElemU64(valueTransferSelector + 1)})
	var zero fr.Element
	leaf := fold(policy.ElemBytes(b.Target[:]), sel.Root(), zero, zero)
	return sel, policy.NewTree(targetDepth, []fr.Element{leaf})
}

// Commitment is C of the baseline policy (the v1 encoding).
func (b *Baseline) Commitment() fr.Element {
	_, targets := b.trees()
	return fold(tag, policy.ElemU64(b.ChainID), policy.ElemU64(b.NotBefore), policy.ElemU64(b.NotAfter),
		policy.Elem(b.MaxValue), policy.ElemU64(b.Window), policy.Elem(b.WindowMax), policy.Elem(b.FeeCap), targets.Root(), b.Salt)
}

// PublicInputs is v1's x = PI(T, C, S, t) for a plain transfer tx (what a
// v1 signer computed): the calldata digest over 9 empty 31-byte chunks.
func (b *Baseline) PublicInputs(tx *wire.Tx, spent *big.Int, t uint64) []fr.Element {
	xs := make([]fr.Element, dataChunks+1)
	xs[0] = policy.ElemU64(uint64(len(tx.Data)))
	digest := fold(xs...)
	v := &tx.Value.Int
	mask := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))
	return []fr.Element{b.Commitment(), policy.ElemU64(uint64(tx.ChainID)), policy.ElemU64(uint64(tx.Nonce)),
		policy.ElemBytes(tx.To[:]), policy.Elem(new(big.Int).Rsh(v, 128)), policy.Elem(new(big.Int).And(v, mask)),
		policy.ElemU64(uint64(tx.Gas)), policy.Elem(&tx.MaxFeePerGas.Int), policy.Elem(&tx.MaxPriorityFeePerGas.Int),
		digest, policy.ElemU64(t), policy.Elem(spent)}
}

// Assign is the v1 witness of a plain transfer tx to the target (empty
// calldata) at spent and t.
func (b *Baseline) Assign(tx *wire.Tx, spent *big.Int, t uint64) *Circuit {
	pub := b.PublicInputs(tx, spent, t)
	c := &Circuit{}
	for i, v := range []*frontend.Variable{&c.Commitment, &c.ChainID, &c.Nonce, &c.To, &c.ValueHi, &c.ValueLo,
		&c.Gas, &c.MaxFeePerGas, &c.MaxPriorityFee, &c.DataDigest, &c.Time, &c.Spent} {
		*v = toBig(pub[i])
	}
	sel, targetsTree := b.trees()
	c.NotBefore, c.NotAfter, c.MaxValue = b.NotBefore, b.NotAfter, b.MaxValue
	c.WindowSeconds, c.WindowMax, c.FeeCap = b.Window, b.WindowMax, b.FeeCap
	c.TargetsRoot, c.Salt = toBig(targetsTree.Root()), toBig(b.Salt)
	c.IsToken, c.SelRoot, c.TokenCap, c.RecRoot = 0, toBig(sel.Root()), 0, 0
	setPath(&c.TargetIndex, c.TargetPath[:], targetsTree.Prove(0))
	setPath(&c.SelIndex, c.SelPath[:], sel.Prove(0))
	setPath(&c.RecIndex, c.RecPath[:], policy.EmptyProof(recipientDepth))
	for i := range c.Data {
		c.Data[i] = 0
	}
	c.DataLen = len(tx.Data)
	return c
}

func setPath(index *frontend.Variable, dst []frontend.Variable, p policy.Proof) {
	*index = p.Index
	for i := range dst {
		dst[i] = toBig(p.Siblings[i])
	}
}

// Tx is the baseline transaction: 0.1 ETH to the target.
func (b *Baseline) Tx() *wire.Tx {
	return &wire.Tx{ChainID: wire.Uint64(b.ChainID), Nonce: 7, To: b.Target, Value: wire.NewQuantity(new(big.Int).Div(b.MaxValue, big.NewInt(10))),
		Gas: 21000, MaxFeePerGas: wire.QuantityFromUint64(2e9), MaxPriorityFeePerGas: wire.QuantityFromUint64(1e9)}
}
