package groth16v

import (
	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// Fixed-base multi-scalar multiplication by Lim–Lee comb tables.
//
// A scalar s < 2^(combTeeth·combSpacing) is cut into combTeeth teeth of
// combSpacing bits. For base point P the table holds, for every non-zero
// combTeeth-bit mask m, the point Σ_{t∈m} 2^(t·combSpacing)·P. Then
//
//	s·P = Σ_{k=spacing-1..0} 2^k · T[m_k],  m_k = Σ_t bit(s, t·spacing+k)·2^t,
//
// so one comb costs combSpacing-1 doublings and at most combSpacing mixed
// additions. The doublings are shared by all the points of the MSM, so n
// inputs cost 31 doublings and ≤ 32·n mixed additions, against ~254
// doublings for any variable-base method. The tables are built once, when
// the verifying key is loaded.
const (
	combTeeth   = 8
	combSpacing = 32 // combTeeth·combSpacing = 256 ≥ 254 = bits of fr
	combSize    = 1 << combTeeth
)

// combTable is the table of one base point; entry 0 (the empty mask) is
// the point at infinity and is never read.
type combTable [combSize]bn254.G1Affine

// newCombTables builds one table per base point.
func newCombTables(bases []bn254.G1Affine) []combTable {
	return newCombTablesSpacing(bases, combSpacing)
}

// newCombTablesSpacing builds the tables for teeth spacing bits apart
// (scalars below 2^(8·spacing)).
func newCombTablesSpacing(bases []bn254.G1Affine, spacing int) []combTable {
	n := len(bases)
	tables := make([]combTable, n)
	if n == 0 {
		return tables
	}
	// teeth[i][t] = 2^(t·spacing)·bases[i], batch-normalised to affine.
	teethJac := make([]bn254.G1Jac, n*combTeeth)
	for i := range bases {
		var acc bn254.G1Jac
		acc.FromAffine(&bases[i])
		for t := 0; t < combTeeth; t++ {
			if t > 0 {
				for j := 0; j < spacing; j++ {
					acc.DoubleAssign()
				}
			}
			teethJac[i*combTeeth+t] = acc
		}
	}
	teeth := batchToAffine(teethJac)

	for i := range bases {
		if bases[i].IsInfinity() {
			continue // every entry stays (0, 0), the infinity
		}
		if !fillAffine(&tables[i], teeth[i*combTeeth:(i+1)*combTeeth]) {
			fillJacobian(&tables[i], teeth[i*combTeeth:(i+1)*combTeeth])
		}
	}
	return tables
}

// fillAffine fills a table layer by layer of popcount, T[m] =
// T[m without its lowest bit] + teeth[lowest bit], with affine additions
// that share one inversion per layer. The base is not the point at
// infinity, so the addends are distinct non-zero multiples s·P, s' ≠ ±s
// (all s < 2²⁵⁶/2^spacing < r), and x₁ ≠ x₂; should a denominator vanish anyway it
// reports false and the caller uses the Jacobian path.
func fillAffine(t *combTable, teeth []bn254.G1Affine) bool {
	for k := 0; k < combTeeth; k++ {
		t[1<<k] = teeth[k]
	}
	var ms []int
	var den []fp.Element
	for pop := 2; pop <= combTeeth; pop++ {
		ms, den = ms[:0], den[:0]
		for m := 1; m < combSize; m++ {
			if popcount(m) != pop {
				continue
			}
			low := m & -m
			a, b := &t[m^low], &teeth[trailingZeros(low)]
			var d fp.Element
			d.Sub(&b.X, &a.X)
			if d.IsZero() {
				return false
			}
			ms = append(ms, m)
			den = append(den, d)
		}
		inv := fp.BatchInvert(den)
		for j, m := range ms {
			low := m & -m
			a, b := &t[m^low], &teeth[trailingZeros(low)]
			var lambda, x3, y3 fp.Element
			lambda.Sub(&b.Y, &a.Y).Mul(&lambda, &inv[j])
			x3.Square(&lambda).Sub(&x3, &a.X).Sub(&x3, &b.X)
			y3.Sub(&a.X, &x3).Mul(&y3, &lambda).Sub(&y3, &a.Y)
			t[m].X, t[m].Y = x3, y3
		}
	}
	return true
}

// fillJacobian is the general path: Jacobian additions, then one batch
// normalisation.
func fillJacobian(t *combTable, teeth []bn254.G1Affine) {
	var row [combSize]bn254.G1Jac
	row[0].X.SetOne()
	row[0].Y.SetOne() // Z = 0: infinity
	for m := 1; m < combSize; m++ {
		low := m & -m
		row[m] = row[m^low]
		row[m].AddMixed(&teeth[trailingZeros(low)])
	}
	copy(t[:], batchToAffine(row[:]))
}

func popcount(x int) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

func trailingZeros(x int) int {
	n := 0
	for x&1 == 0 {
		x >>= 1
		n++
	}
	return n
}

// batchToAffine converts Jacobian points to affine with one inversion.
// Points at infinity (Z = 0) become (0, 0), gnark-crypto's affine infinity.
func batchToAffine(p []bn254.G1Jac) []bn254.G1Affine {
	zs := make([]fp.Element, len(p))
	for i := range p {
		zs[i] = p[i].Z
	}
	zinv := fp.BatchInvert(zs) // zero stays zero
	out := make([]bn254.G1Affine, len(p))
	for i := range p {
		var z2, z3 fp.Element
		z2.Square(&zinv[i])
		z3.Mul(&z2, &zinv[i])
		out[i].X.Mul(&p[i].X, &z2)
		out[i].Y.Mul(&p[i].Y, &z3)
	}
	return out
}

// combMSM returns Σ scalars[i]·bases[i] for the bases the tables were built
// from. len(scalars) must equal len(tables).
func combMSM(tables []combTable, scalars []fr.Element) bn254.G1Jac {
	// Regular (non-Montgomery) little-endian limbs of each scalar.
	var small [16][4]uint64
	limbs := small[:0]
	if len(scalars) > len(small) {
		limbs = make([][4]uint64, 0, len(scalars))
	}
	for i := range scalars {
		limbs = append(limbs, scalars[i].Bits())
	}

	var acc bn254.G1Jac
	acc.X.SetOne()
	acc.Y.SetOne() // Z = 0: infinity
	for k := combSpacing - 1; k >= 0; k-- {
		if k != combSpacing-1 {
			acc.DoubleAssign()
		}
		for i := range limbs {
			m := combMask(&limbs[i], k)
			if m != 0 {
				acc.AddMixed(&tables[i][m])
			}
		}
	}
	return acc
}

// combMask gathers bits k, k+spacing, k+2·spacing, … of s into a mask.
// With spacing 32, tooth t lives in limb t/2 at offset (t%2)·32 + k.
func combMask(s *[4]uint64, k int) int {
	m := 0
	for t := 0; t < combTeeth; t++ {
		bit := (s[t>>1] >> (uint(t&1)*32 + uint(k))) & 1
		m |= int(bit) << t
	}
	return m
}
