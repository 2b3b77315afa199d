package bn

import bn254 "github.com/consensys/gnark-crypto/ecc/bn254"

// fp2One is 1.
var fp2One = Fp2{A0: fpOne}

// SetOne sets z = 1.
func (z *Fp2) SetOne() *Fp2 { z.A0 = fpOne; z.A1 = Fp{}; return z }

// SetZero sets z = 0.
func (z *Fp2) SetZero() *Fp2 { *z = Fp2{}; return z }

// MulByElement sets z = x·y for y in Fp.
func (z *Fp2) MulByElement(x *Fp2, y *Fp) {
	z.A0.Mul(&x.A0, y)
	z.A1.Mul(&x.A1, y)
}

// Halve sets z = x/2.
func (z *Fp2) Halve(x *Fp2) {
	z.A0.Halve(&x.A0)
	z.A1.Halve(&x.A1)
}

// Inverse sets z = 1/x (0 for 0): (x₀ − x₁u)/(x₀² + x₁²).
func (z *Fp2) Inverse(x *Fp2) {
	var t0, t1 Fp
	t0.Square(&x.A0)
	t1.Square(&x.A1)
	t0.Add(&t0, &t1)
	t0.Inverse(&t0)
	z.A0.Mul(&x.A0, &t0)
	t1.Mul(&x.A1, &t0)
	z.A1.Neg(&t1)
}

// Equal reports whether x = y.
func (x *Fp2) Equal(y *Fp2) bool { return x.A0.Equal(&y.A0) && x.A1.Equal(&y.A1) }

// IsZero reports whether x = 0.
func (x *Fp2) IsZero() bool { return x.A0.IsZero() && x.A1.IsZero() }

// FromGnark sets z to gnark-crypto's e.
func (z *Fp2) FromGnark(e *bn254.E2) *Fp2 {
	z.A0.FromGnark(&e.A0)
	z.A1.FromGnark(&e.A1)
	return z
}

// Gnark returns x as gnark-crypto's E2.
func (x *Fp2) Gnark() bn254.E2 { return bn254.E2{A0: x.A0.Gnark(), A1: x.A1.Gnark()} }
