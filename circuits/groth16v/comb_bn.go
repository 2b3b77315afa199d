package groth16v

import (
	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/leash-wallet/leash/circuits/groth16v/internal/bn"
)

// The comb MSM of backendBN: the tables of comb.go (8 teeth, spacing 32)
// in package bn's representation (packed: 72 bytes a point), plus short tables (8 teeth, spacing 8)
// for scalars below 2⁶⁴, which are common among the policy circuit's
// inputs (chain id, nonce, gas, fees, time). A short scalar is added only in
// the last 8 columns of the shared doubling loop (column k carries weight
// 2^k there too), so it costs at most 8 mixed additions instead of 32.
const shortSpacing = 8 // combTeeth·shortSpacing = 64

type bnComb struct {
	long, short []*[combSize]bn.G1Packed // nil for a base at infinity
}

// newBNComb builds the long and short tables of every base in package bn's
// arithmetic: one chain of doublings per base gives both sets of teeth,
// one batch inversion makes them affine, then the tables fill layer by
// layer of popcount, T[m] = T[m without its lowest bit] + tooth, with
// affine additions sharing one inversion per layer across all tables.
func newBNComb(bases []bn254.G1Affine) *bnComb {
	n := len(bases)
	c := &bnComb{long: make([]*[combSize]bn.G1Packed, n), short: make([]*[combSize]bn.G1Packed, n)}
	// Teeth: long 2^(32t)·P and short 2^(8t)·P, t < 8, in Jacobian.
	type job struct {
		table  *[combSize]bn.G1 // while building
		packed *[combSize]bn.G1Packed
		teeth  [combTeeth]bn.G1
	}
	var jobs []*job
	var jac []bn.G1Jac
	var owners []*bn.G1
	for i := range bases {
		if bases[i].IsInfinity() {
			continue
		}
		var p bn.G1
		p.FromGnark(&bases[i])
		long, short := &job{table: new([combSize]bn.G1), packed: new([combSize]bn.G1Packed)},
			&job{table: new([combSize]bn.G1), packed: new([combSize]bn.G1Packed)}
		c.long[i], c.short[i] = long.packed, short.packed
		jobs = append(jobs, long, short)
		var acc bn.G1Jac
		acc.SetInfinity()
		acc.AddMixed(&p)
		for d := 0; d <= (combTeeth-1)*combSpacing; d++ {
			if d > 0 {
				acc.Double()
			}
			if d%combSpacing == 0 {
				jac = append(jac, acc)
				owners = append(owners, &long.teeth[d/combSpacing])
			}
			if d%shortSpacing == 0 && d/shortSpacing < combTeeth {
				jac = append(jac, acc)
				owners = append(owners, &short.teeth[d/shortSpacing])
			}
		}
	}
	zs := make([]bn.Fp, len(jac))
	for i := range jac {
		zs[i] = jac[i].Z
	}
	if !bn.BatchInvert(zs) { // a multiple of a G1 point below r is never the infinity
		return newBNCombFromGnark(bases)
	}
	for i := range jac {
		var z2, z3 bn.Fp
		z2.Square(&zs[i])
		z3.Mul(&z2, &zs[i])
		owners[i].X.Mul(&jac[i].X, &z2)
		owners[i].Y.Mul(&jac[i].Y, &z3)
	}
	for _, j := range jobs {
		for k := 0; k < combTeeth; k++ {
			j.table[1<<k] = j.teeth[k]
		}
	}
	// Layers. The addends are distinct non-zero multiples s·P, s′ ≠ ±s
	// (both below r), so x₁ ≠ x₂; should a denominator vanish anyway, the
	// tables are built by the gnark-crypto path instead.
	type add struct {
		t    *[combSize]bn.G1
		m    int
		a, b *bn.G1
	}
	var adds []add
	var den []bn.Fp
	for pop := 2; pop <= combTeeth; pop++ {
		adds, den = adds[:0], den[:0]
		for _, j := range jobs {
			for m := 1; m < combSize; m++ {
				if popcount(m) != pop {
					continue
				}
				low := m & -m
				a, b := &j.table[m^low], &j.teeth[trailingZeros(low)]
				var d bn.Fp
				d.Sub(&b.X, &a.X)
				adds = append(adds, add{j.table, m, a, b})
				den = append(den, d)
			}
		}
		if !bn.BatchInvert(den) {
			return newBNCombFromGnark(bases)
		}
		for k, ad := range adds {
			var lambda, x3, y3 bn.Fp
			lambda.Sub(&ad.b.Y, &ad.a.Y)
			lambda.Mul(&lambda, &den[k])
			x3.Square(&lambda)
			x3.Sub(&x3, &ad.a.X)
			x3.Sub(&x3, &ad.b.X)
			y3.Sub(&ad.a.X, &x3)
			y3.Mul(&y3, &lambda)
			y3.Sub(&y3, &ad.a.Y)
			ad.t[ad.m] = bn.G1{X: x3, Y: y3}
		}
	}
	for _, j := range jobs {
		for m := 1; m < combSize; m++ {
			j.packed[m].Pack(&j.table[m])
		}
	}
	return c
}

// newBNCombFromGnark builds the tables with comb.go's gnark-crypto code
// and converts them (the general path; never taken for points of G1).
func newBNCombFromGnark(bases []bn254.G1Affine) *bnComb {
	long := newCombTables(bases)
	short := newCombTablesSpacing(bases, shortSpacing)
	c := &bnComb{long: make([]*[combSize]bn.G1Packed, len(bases)), short: make([]*[combSize]bn.G1Packed, len(bases))}
	for i := range bases {
		if bases[i].IsInfinity() {
			continue
		}
		c.long[i], c.short[i] = new([combSize]bn.G1Packed), new([combSize]bn.G1Packed)
		for m := 1; m < combSize; m++ {
			var l, s bn.G1
			l.FromGnark(&long[i][m])
			s.FromGnark(&short[i][m])
			c.long[i][m].Pack(&l)
			c.short[i][m].Pack(&s)
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
						acc.AddMixedPacked(&c.short[i][m])
					}
				}
				continue
			}
			if m := combMask(l, k); m != 0 {
				acc.AddMixedPacked(&c.long[i][m])
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
