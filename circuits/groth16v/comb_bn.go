package groth16v

import (
	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/leash-wallet/leash/circuits/groth16v/internal/bn"
)

// The comb MSM of backendBN: the tables of comb.go (8 teeth, spacing 32)
// in package bn's representation, plus short tables (8 teeth, spacing 8)
// for scalars below 2⁶⁴, which are common among the policy circuit's
// inputs (chain id, nonce, gas, fees, time). A short scalar is added only in
// the last 8 columns of the shared doubling loop (column k carries weight
// 2^k there too), so it costs at most 8 mixed additions instead of 32.
const shortSpacing = 8 // combTeeth·shortSpacing = 64

type bnComb struct {
	long, short []*[combSize]bn.G1 // nil for a base at infinity
}

func newBNComb(bases []bn254.G1Affine) *bnComb {
	long := newCombTables(bases)
	short := newCombTablesSpacing(bases, shortSpacing)
	c := &bnComb{long: make([]*[combSize]bn.G1, len(bases)), short: make([]*[combSize]bn.G1, len(bases))}
	for i := range bases {
		if bases[i].IsInfinity() {
			continue
		}
		c.long[i], c.short[i] = new([combSize]bn.G1), new([combSize]bn.G1)
		for m := 1; m < combSize; m++ {
			c.long[i][m].FromGnark(&long[i][m])
			c.short[i][m].FromGnark(&short[i][m])
		}
	}
	return c
}

// msm returns Σ scalars[i]·bases[i]; len(scalars) must be the number of
// bases.
func (c *bnComb) msm(scalars []fr.Element) bn.G1Jac {
	var small [16][4]uint64
	limbs := small[:0]
	if len(scalars) > len(small) {
		limbs = make([][4]uint64, 0, len(scalars))
	}
	for i := range scalars {
		limbs = append(limbs, scalars[i].Bits())
	}
	var acc bn.G1Jac
	acc.SetInfinity()
	for k := combSpacing - 1; k >= 0; k-- {
		if k != combSpacing-1 {
			acc.Double()
		}
		for i := range limbs {
			l := &limbs[i]
			if c.long[i] == nil {
				continue
			}
			if l[1]|l[2]|l[3] == 0 {
				if k < shortSpacing {
					if m := shortMask(l[0], k); m != 0 {
						acc.AddMixed(&c.short[i][m])
					}
				}
				continue
			}
			if m := combMask(l, k); m != 0 {
				acc.AddMixed(&c.long[i][m])
			}
		}
	}
	return acc
}

// shortMask gathers bits k, k+8, …, k+56 of s.
func shortMask(s uint64, k int) int {
	m := 0
	for t := 0; t < combTeeth; t++ {
		m |= int((s>>(uint(t*shortSpacing+k)))&1) << t
	}
	return m
}
