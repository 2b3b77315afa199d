package policyv1

import (
	"math/big"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/permutation/poseidon2"
)

// Circuit is the universal policy circuit v1, frozen as it was at phase0
// (circuits/policycircuit before policy v2), for benchmarks only. The public
// inputs are the 12 of protocol v1.
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

	// The policy (private), opened against Commitment.
	NotBefore, NotAfter      frontend.Variable
	MaxValue                 frontend.Variable
	WindowSeconds, WindowMax frontend.Variable
	FeeCap                   frontend.Variable
	TargetsRoot, Salt        frontend.Variable

	// The target `to`: its leaf fields and Merkle path.
	IsToken, SelRoot, TokenCap, RecRoot frontend.Variable
	TargetIndex                         frontend.Variable
	TargetPath                          [targetDepth]frontend.Variable
	SelIndex                            frontend.Variable
	SelPath                             [selectorDepth]frontend.Variable
	RecIndex                            frontend.Variable
	RecPath                             [recipientDepth]frontend.Variable

	// The calldata, byte by byte, and its length.
	Data    [dataCapacity]frontend.Variable
	DataLen frontend.Variable
}

var two = big.NewInt(2)

func pow2(n int) *big.Int { return new(big.Int).Exp(two, big.NewInt(int64(n)), nil) }

// Define enforces every v1 rule. Range checks use plain binary
// decomposition (no api.Commit, no commitment-based range checker) so the
// proof is standard Groth16 that independent verifiers accept.
func (c *Circuit) Define(api frontend.API) error {
	perm, err := poseidon2.NewPoseidon2(api)
	if err != nil {
		return err
	}
	hash := func(xs ...frontend.Variable) frontend.Variable {
		var h frontend.Variable = 0
		for _, x := range xs {
			h = perm.Compress(h, x)
		}
		return h
	}
	merkle := func(leaf, index frontend.Variable, path []frontend.Variable) frontend.Variable {
		bits := api.ToBinary(index, len(path))
		cur := leaf
		for i, sib := range path {
			left := api.Select(bits[i], sib, cur)
			right := api.Sub(api.Add(sib, cur), left)
			cur = perm.Compress(left, right)
		}
		return cur
	}
	// inRange asserts 0 ≤ x < 2^n, so that for operands already below 2^n,
	// b − a in range means a ≤ b.
	inRange := func(x frontend.Variable, n int) { api.ToBinary(x, n) }

	// The commitment opens to the policy; the public chain id is its chain.
	api.AssertIsEqual(c.Commitment, hash(toBig(tag), c.ChainID, c.NotBefore, c.NotAfter,
		c.MaxValue, c.WindowSeconds, c.WindowMax, c.FeeCap, c.TargetsRoot, c.Salt))

	// Calldata: bytes, packing, digest, length.
	packed := make([]frontend.Variable, 0, dataChunks+1)
	packed = append(packed, c.DataLen)
	for i := 0; i < dataChunks; i++ {
		var chunk frontend.Variable = 0
		for j := 0; j < chunkBytes; j++ {
			b := c.Data[i*chunkBytes+j]
			inRange(b, 8)
			chunk = api.Add(api.Mul(chunk, 256), b)
		}
		packed = append(packed, chunk)
	}
	api.AssertIsEqual(c.DataDigest, hash(packed...))
	isEmpty := api.IsZero(c.DataLen)
	inRange(api.Mul(api.Sub(1, isEmpty), api.Sub(c.DataLen, 4)), 9) // empty, or at least a selector
	inRange(api.Sub(dataCapacity, c.DataLen), 9)                    // fits the capacity

	// The selector, or the plain-transfer sentinel for empty calldata.
	sel := api.Add(be(api, c.Data[0:4]), api.Mul(isEmpty, valueTransferSelector))

	// `to` is an allowlisted target, and (to, selector) is allowed.
	api.AssertIsBoolean(c.IsToken)
	addrFlag := api.Add(c.To, api.Mul(c.IsToken, pow2(160)))
	leaf := hash(addrFlag, c.SelRoot, c.TokenCap, c.RecRoot)
	api.AssertIsEqual(merkle(leaf, c.TargetIndex, c.TargetPath[:]), c.TargetsRoot)
	api.AssertIsEqual(merkle(api.Add(sel, 1), c.SelIndex, c.SelPath[:]), c.SelRoot)

	// ERC-20 transfer/approve on a token with rules: exact ABI shape, amount
	// cap, allowlisted recipient or spender.
	isTransfer := api.IsZero(api.Sub(sel, selectorTransfer))
	isApprove := api.IsZero(api.Sub(sel, selectorApprove))
	isERC20 := api.Mul(c.IsToken, api.Add(isTransfer, isApprove))
	api.AssertIsEqual(api.Mul(isERC20, api.Sub(c.DataLen, 68)), 0)
	api.AssertIsEqual(api.Mul(isERC20, sum(api, c.Data[4:16])), 0)  // address word's high bytes
	api.AssertIsEqual(api.Mul(isERC20, sum(api, c.Data[36:52])), 0) // amount below 2^128
	arg := be(api, c.Data[16:36])
	amount := be(api, c.Data[52:68])
	inRange(api.Mul(isERC20, api.Sub(c.TokenCap, amount)), valueBits)
	kind := api.Add(kindRecipient, isApprove)
	recLeaf := api.Add(api.Mul(kind, pow2(160)), arg)
	recRoot := merkle(recLeaf, c.RecIndex, c.RecPath[:])
	api.AssertIsEqual(api.Mul(isERC20, api.Sub(recRoot, c.RecRoot)), 0)

	// Native value: per-transaction cap and window cap (caps are < 2^128).
	api.AssertIsEqual(c.ValueHi, 0)
	inRange(api.Sub(c.MaxValue, c.ValueLo), valueBits)
	inRange(api.Sub(c.WindowMax, api.Add(c.Spent, c.ValueLo)), valueBits)

	// Fee cap: gas × maxFeePerGas; and priority fee ≤ max fee.
	inRange(api.Sub(c.FeeCap, api.Mul(c.Gas, c.MaxFeePerGas)), feeBits)
	inRange(api.Sub(c.MaxFeePerGas, c.MaxPriorityFee), 128)

	// Time window.
	inRange(api.Sub(c.Time, c.NotBefore), timeBits)
	inRange(api.Sub(c.NotAfter, c.Time), timeBits)

	// Bind the remaining fields with real constraints: a public input that
	// appears in no constraint would not be bound by the proof at all.
	inRange(c.Nonce, 64)
	inRange(c.Gas, 64)
	return nil
}

// be packs bytes big-endian.
func be(api frontend.API, bs []frontend.Variable) frontend.Variable {
	var v frontend.Variable = 0
	for _, b := range bs {
		v = api.Add(api.Mul(v, 256), b)
	}
	return v
}

func sum(api frontend.API, bs []frontend.Variable) frontend.Variable {
	var v frontend.Variable = 0
	for _, b := range bs {
		v = api.Add(v, b)
	}
	return v
}
