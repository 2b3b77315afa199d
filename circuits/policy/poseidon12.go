package policy

import "github.com/consensys/gnark-crypto/ecc/bn254/fr"

// spongeWidth is the width of the sponge's permutation.
const spongeWidth = 12

// permute12 is the Poseidon2 permutation over BN254's scalar field with
// width 12, 8 full and 57 partial rounds and the S-box x⁵: the permutation
// of gnark-crypto's poseidon2.NewPermutation(12, 8, 57) (the HorizenLabs
// parameters), which gnark's std/permutation/poseidon2 computes in circuits
// with NewPoseidon2FromParameters(api, 12, 8, 57). Its constants are the
// generated literals of poseidon12_constants.go.
//
// Structure (Poseidon2, eprint 2023/323, t = 4k): the external matrix
// circ(2·M4, M4, M4) first (M4 on each block of four lanes, then each lane
// plus the sum of its column over the blocks); half of the full rounds
// (round keys on every lane, S-box on every lane, the external matrix); the
// partial rounds (round key and S-box on lane 0, then the internal matrix
// 1 + diag(μ − 1)); the other half of the full rounds.
func permute12(x *[spongeWidth]fr.Element) {
	external12(x)
	for r := range p12FullRounds / 2 {
		fullRound12(x, &p12Full[r])
	}
	for r := range p12PartialRounds {
		x[0].Add(&x[0], &p12Partial[r])
		sbox(&x[0])
		// (1 + diag(μ − 1))·x: x_i·(μ_i − 1) + Σx.
		var s fr.Element
		for i := range x {
			s.Add(&s, &x[i])
		}
		for i := range x {
			x[i].Mul(&x[i], &p12DiagM1[i]).Add(&x[i], &s)
		}
	}
	for r := p12FullRounds / 2; r < p12FullRounds; r++ {
		fullRound12(x, &p12Full[r])
	}
}

func fullRound12(x *[spongeWidth]fr.Element, k *[spongeWidth]fr.Element) {
	for i := range x {
		x[i].Add(&x[i], &k[i])
		sbox(&x[i])
	}
	external12(x)
}

// external12 is circ(2·M4, M4, M4): M4 on each block of four lanes, then
// each lane plus the sum of its column over the three blocks.
func external12(x *[spongeWidth]fr.Element) {
	for b := 0; b < spongeWidth; b += 4 {
		m4((*[4]fr.Element)(x[b : b+4]))
	}
	var sum [4]fr.Element
	for b := 0; b < spongeWidth; b += 4 {
		for j := range sum {
			sum[j].Add(&sum[j], &x[b+j])
		}
	}
	for b := 0; b < spongeWidth; b += 4 {
		for j := range sum {
			x[b+j].Add(&x[b+j], &sum[j])
		}
	}
}

// m4 multiplies x by M4 = ((5 7 1 3) (4 6 1 1) (1 3 5 7) (1 1 4 6)), with
// the additions of the Poseidon2 paper (appendix B).
func m4(x *[4]fr.Element) {
	var t0, t1, t2, t3, t4, t5, t6, t7 fr.Element
	t0.Add(&x[0], &x[1])
	t1.Add(&x[2], &x[3])
	t2.Double(&x[1]).Add(&t2, &t1)
	t3.Double(&x[3]).Add(&t3, &t0)
	t4.Double(&t1).Double(&t4).Add(&t4, &t3)
	t5.Double(&t0).Double(&t5).Add(&t5, &t2)
	t6.Add(&t3, &t5)
	t7.Add(&t2, &t4)
	x[0], x[1], x[2], x[3] = t6, t5, t7, t4
}

// SpongeRate is how many elements one permutation of the sponge absorbs.
const SpongeRate = spongeWidth - 1

// Hash is the Poseidon2 sponge over the width-12 permutation (capacity one
// element, rate eleven): the state starts as (n, 0, …, 0) with n = len(xs)
// (every use in Leash has a fixed arity; the length separates arities), each
// block of eleven elements is added to lanes 1–11 and the state permuted,
// and the output is lane 1. Commitments, leaves and the calldata digest use
// it; Merkle nodes use Compress.
func Hash(xs ...fr.Element) fr.Element {
	if fastField {
		return hash29(xs)
	}
	return hashFr(xs)
}

// hashFr is Hash over gnark-crypto's fr.
func hashFr(xs []fr.Element) fr.Element {
	var st [spongeWidth]fr.Element
	st[0].SetUint64(uint64(len(xs)))
	for i := 0; i < len(xs) || i == 0; i += SpongeRate {
		for j := 0; j < SpongeRate && i+j < len(xs); j++ {
			st[1+j].Add(&st[1+j], &xs[i+j])
		}
		permute12(&st)
	}
	return st[1]
}
