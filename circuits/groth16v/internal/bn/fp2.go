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

// Sqrt sets z to a square root of x and reports whether x is a square in
// Fp2 (if not, z is unspecified). For p ≡ 3 mod 4, with n = x₀² + x₁² the
// norm: α = √n, δ = (x₀ + α)/2 or (x₀ − α)/2 (whichever is a square),
// z = √δ + x₁/(2√δ)·u; one exponentiation δ^((p−3)/4) gives both √δ and
// 1/√δ. The result is checked by squaring.
func (z *Fp2) Sqrt(x *Fp2) bool {
	var r Fp2
	if x.A1.IsZero() {
		// x ∈ Fp: √x₀, or √(−x₀)·u since −1 is not a square.
		if r.A0.Sqrt(&x.A0) {
			r.A1 = Fp{}
		} else {
			var n Fp
			n.Neg(&x.A0)
			if !r.A1.Sqrt(&n) {
				return false
			}
			r.A0 = Fp{}
		}
	} else {
		var n, alpha, d, c, t Fp
		n.Square(&x.A0)
		t.Square(&x.A1)
		n.Add(&n, &t)
		if !alpha.Sqrt(&n) {
			return false
		}
		found := false
		for _, sign := range [2]bool{false, true} {
			if sign {
				d.Sub(&x.A0, &alpha)
			} else {
				d.Add(&x.A0, &alpha)
			}
			d.Halve(&d)
			c.exp(&d, &pMinus3Over4) // 1/√δ when δ is a square
			r.A0.Mul(&c, &d)         // √δ candidate
			t.Square(&r.A0)
			if t.Equal(&d) && !d.IsZero() {
				t.Halve(&c) // 1/(2√δ)
				r.A1.Mul(&x.A1, &t)
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	var check Fp2
	check.Square(&r)
	if !check.Equal(x) {
		return false
	}
	*z = r
	return true
}

// LexicographicallyLargest is gnark-crypto's order on Fp2 for the sign of
// a compressed point's y: by x₁ unless x₁ = 0, then by x₀.
func (x *Fp2) LexicographicallyLargest() bool {
	if x.A1.IsZero() {
		return x.A0.LexicographicallyLargest()
	}
	return x.A1.LexicographicallyLargest()
}

// BTwist returns the twist coefficient b' = 3/ξ.
func BTwist() Fp2 { return bTwist }
