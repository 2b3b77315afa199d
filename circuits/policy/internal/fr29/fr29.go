package fr29

import "github.com/consensys/gnark-crypto/ecc/bn254/fr"

// Element is an element of BN254's scalar field in Montgomery form x·R mod
// r, R = 2²⁶¹, as 9 limbs of 29 bits, in [0, 2r).
type Element [9]uint64

// FromGnark sets z to e (gnark-crypto keeps e·2²⁵⁶ mod r in four words;
// they are split into limbs and moved to R with one multiplication).
func (z *Element) FromGnark(e *fr.Element) *Element {
	var raw Element
	for i := range raw {
		bit := i * limbBits
		word, off := bit/64, uint(bit%64)
		v := e[word] >> off
		if off+limbBits > 64 && word+1 < 4 {
			v |= e[word+1] << (64 - off)
		}
		raw[i] = v & mask
	}
	z.Mul(&raw, &fromGnarkFactor)
	return z
}

// Gnark returns x as gnark-crypto's fr.Element (canonical).
func (x *Element) Gnark() fr.Element {
	var t Element
	t.Mul(x, &toGnarkFactor) // x·2²⁵⁶/R = the value times 2²⁵⁶, below 2r
	t.reduce(&t)
	var e fr.Element
	for i := range t {
		bit := i * limbBits
		word, off := bit/64, uint(bit%64)
		e[word] |= t[i] << off
		if off+limbBits > 64 && word+1 < 4 {
			e[word+1] |= t[i] >> (64 - off)
		}
	}
	return e
}

// Equal reports whether x and y are the same field element.
func (x *Element) Equal(y *Element) bool {
	var a, b Element
	a.reduce(x)
	b.reduce(y)
	return a == b
}
