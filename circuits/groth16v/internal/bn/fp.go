package bn

import (
	"encoding/binary"

	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
)

// Fp is an element of the BN254 base field in Montgomery form x·R mod p,
// R = 2²⁶¹, as 9 limbs of 29 bits (each limb below 2²⁹). Every operation
// takes and returns values in [0, 2p) ("weakly reduced"); Equal, IsZero
// and the conversions reduce to [0, p) first.
type Fp [9]uint64

// Fp2 is A0 + A1·u with u² = −1.
type Fp2 struct{ A0, A1 Fp }

// SetOne sets z = 1.
func (z *Fp) SetOne() *Fp { *z = fpOne; return z }

// SetZero sets z = 0.
func (z *Fp) SetZero() *Fp { *z = Fp{}; return z }

// Neg sets z = −x.
func (z *Fp) Neg(x *Fp) *Fp {
	var zero Fp
	z.Sub(&zero, x)
	return z
}

// Halve sets z = x/2.
func (z *Fp) Halve(x *Fp) {
	t := *x
	if t[0]&1 == 1 {
		var c uint64
		for i := range t {
			c += t[i] + pLimbs[i]
			t[i] = c & mask
			c >>= limbBits
		}
	}
	for i := 0; i < len(t)-1; i++ {
		z[i] = t[i]>>1 | (t[i+1]&1)<<(limbBits-1)
	}
	z[len(t)-1] = t[len(t)-1] >> 1
}

// Equal reports whether x and y are the same field element.
func (x *Fp) Equal(y *Fp) bool {
	var a, b Fp
	a.reduce(x)
	b.reduce(y)
	return a == b
}

// IsZero reports whether x is 0.
func (x *Fp) IsZero() bool {
	var a Fp
	a.reduce(x)
	return a == Fp{}
}

// Inverse sets z = 1/x (0 for x = 0) with gnark-crypto's fp inversion
// (binary extended Euclid, no 128-bit products): in WASM 5.6 µs against
// 18.9 µs for x^(p−2) here (BenchmarkAB fp-inverse, load ~1.4); the two
// conversions cost a multiplication each.
func (z *Fp) Inverse(x *Fp) {
	g := x.Gnark()
	g.Inverse(&g)
	z.FromGnark(&g)
}

// inverseExp sets z = x^(p−2) = 1/x (0 for x = 0): the reference for
// Inverse's test.
func (z *Fp) inverseExp(x *Fp) { z.exp(x, &pMinus2) }

// exp sets z = x^e with a 4-bit fixed window (e in little-endian words).
func (z *Fp) exp(x *Fp, e *[4]uint64) {
	var tab [16]Fp
	tab[0] = fpOne
	tab[1] = *x
	for i := 2; i < 16; i++ {
		tab[i].Mul(&tab[i-1], x)
	}
	acc := fpOne
	for i := len(e) - 1; i >= 0; i-- {
		for s := 60; s >= 0; s -= 4 {
			acc.Square(&acc)
			acc.Square(&acc)
			acc.Square(&acc)
			acc.Square(&acc)
			if d := (e[i] >> uint(s)) & 15; d != 0 {
				acc.Mul(&acc, &tab[d])
			}
		}
	}
	*z = acc
}

// Exponents of the square roots (p ≡ 3 mod 4).
var (
	pPlus1Over4  = [4]uint64{0x4f082305b61f3f52, 0x65e05aa45a1c72a3, 0x6e14116da0605617, 0xc19139cb84c680a}
	pMinus3Over4 = [4]uint64{0x4f082305b61f3f51, 0x65e05aa45a1c72a3, 0x6e14116da0605617, 0xc19139cb84c680a}
	pMinus1Over2 = [4]uint64{0x9e10460b6c3e7ea3, 0xcbc0b548b438e546, 0xdc2822db40c0ac2e, 0x183227397098d014}
)

// Sqrt sets z to a square root of x, x^((p+1)/4), and reports whether x
// is a square (if not, z is unspecified).
func (z *Fp) Sqrt(x *Fp) bool {
	var r, c Fp
	r.exp(x, &pPlus1Over4)
	c.Square(&r)
	if !c.Equal(x) {
		return false
	}
	*z = r
	return true
}

// LexicographicallyLargest reports whether x > (p−1)/2 (as canonical
// integers), gnark-crypto's rule for the sign of a compressed point's y.
func (x *Fp) LexicographicallyLargest() bool {
	w := x.regular()
	for i := 3; i >= 0; i-- {
		if w[i] != pMinus1Over2[i] {
			return w[i] > pMinus1Over2[i]
		}
	}
	return false
}

// pMinus2 is p − 2 in little-endian 64-bit words.
var pMinus2 = [4]uint64{0x3c208c16d87cfd45, 0x97816a916871ca8d, 0xb85045b68181585d, 0x30644e72e131a029}

// fromRegular sets z to the Montgomery form of the canonical value in
// little-endian 64-bit words w (w < p).
func (z *Fp) fromRegular(w *[4]uint64) {
	var raw Fp
	for i := range raw {
		bit := i * limbBits
		word, off := bit/64, uint(bit%64)
		v := w[word] >> off
		if off+limbBits > 64 && word+1 < 4 {
			v |= w[word+1] << (64 - off)
		}
		raw[i] = v & mask
	}
	z.Mul(&raw, &rSquare)
}

// regular returns the canonical value of x in little-endian 64-bit words.
func (x *Fp) regular() [4]uint64 {
	var one, t Fp
	one[0] = 1
	t.Mul(x, &one) // x/R < 2p
	t.reduce(&t)
	var w [4]uint64
	for i := range t {
		bit := i * limbBits
		word, off := bit/64, uint(bit%64)
		w[word] |= t[i] << off
		if off+limbBits > 64 && word+1 < 4 {
			w[word+1] |= t[i] >> (64 - off)
		}
	}
	return w
}

// FromGnark sets z to the element e of gnark-crypto's fp.
func (z *Fp) FromGnark(e *fp.Element) *Fp {
	w := e.Bits()
	z.fromRegular(&w)
	return z
}

// Gnark returns x as a gnark-crypto fp.Element.
func (x *Fp) Gnark() fp.Element {
	w := x.regular()
	var b [32]byte
	for i := range w {
		binary.BigEndian.PutUint64(b[24-8*i:], w[i])
	}
	var e fp.Element
	e.SetBytes(b[:]) // canonical input: no reduction happens
	return e
}

// SetUint64 sets z = v.
func (z *Fp) SetUint64(v uint64) *Fp {
	w := [4]uint64{v}
	z.fromRegular(&w)
	return z
}
