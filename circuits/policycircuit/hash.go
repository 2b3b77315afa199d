package policycircuit

import (
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/permutation/poseidon2"

	"github.com/leash-wallet/leash/circuits/policy"
)

// Hasher is the in-circuit twin of the native hashes of circuits/policy:
// Hash is policy.Hash (the Poseidon2 sponge over the width-12 permutation,
// 460 constraints a block of eleven elements) and Compress is
// policy.Compress (the width-2 compression of Merkle nodes, 187
// constraints). Program circuits use it for their commitments too.
type Hasher struct {
	api     frontend.API
	p2, p12 *poseidon2.Permutation
}

// NewHasher returns the hashes for api.
func NewHasher(api frontend.API) (*Hasher, error) {
	p2, err := poseidon2.NewPoseidon2(api)
	if err != nil {
		return nil, err
	}
	p12, err := poseidon2.NewPoseidon2FromParameters(api, policy.SpongeRate+1, 8, 57)
	if err != nil {
		return nil, err
	}
	return &Hasher{api: api, p2: p2, p12: p12}, nil
}

// Hash is policy.Hash: the state starts as (len(xs), 0, …, 0), each block of
// eleven elements is added to lanes 1–11 and the state permuted; lane 1 out.
func (h *Hasher) Hash(xs ...frontend.Variable) frontend.Variable {
	st := make([]frontend.Variable, policy.SpongeRate+1)
	st[0] = len(xs)
	for i := 1; i < len(st); i++ {
		st[i] = 0
	}
	for i := 0; i < len(xs) || i == 0; i += policy.SpongeRate {
		for j := 0; j < policy.SpongeRate && i+j < len(xs); j++ {
			st[1+j] = h.api.Add(st[1+j], xs[i+j])
		}
		if err := h.p12.Permutation(st); err != nil {
			panic(err) // the width is fixed above
		}
	}
	return st[1]
}

// Compress is policy.Compress.
func (h *Hasher) Compress(left, right frontend.Variable) frontend.Variable {
	return h.p2.Compress(left, right)
}

// Merkle is the root policy.RootFrom computes from leaf and its path, with
// the leaf's index decomposed into len(path) bits (so the index is range
// checked).
func (h *Hasher) Merkle(leaf, index frontend.Variable, path []frontend.Variable) frontend.Variable {
	bits := h.api.ToBinary(index, len(path))
	cur := leaf
	for i, sib := range path {
		left := h.api.Select(bits[i], sib, cur)
		right := h.api.Sub(h.api.Add(sib, cur), left)
		cur = h.Compress(left, right)
	}
	return cur
}
