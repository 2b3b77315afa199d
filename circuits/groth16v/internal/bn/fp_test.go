package bn

import (
	"math/big"
	"math/rand"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
)

// testFp returns edge values and random elements of gnark's fp.
func testFp(n int) []fp.Element {
	var pm1, pm2, two fp.Element
	pm1.SetOne().Neg(&pm1)
	two.SetUint64(2)
	pm2.Neg(&two)
	var half fp.Element
	half.SetOne().Halve()
	vals := []fp.Element{{}, *new(fp.Element).SetOne(), two, pm1, pm2, half}
	rng := rand.New(rand.NewSource(int64(n)))
	for len(vals) < n {
		var e fp.Element
		var b [32]byte
		rng.Read(b[:])
		e.SetBytes(b[:])
		vals = append(vals, e)
	}
	return vals
}

// unreduced returns x + p when that is below 2p (the other
// representation of the same element), else x.
func unreduced(x Fp) Fp {
	var s Fp
	var c uint64
	for i := range x {
		c += x[i] + pLimbs[i]
		s[i] = c & mask
		c >>= limbBits
	}
	v := limbsToBig(&s)
	if v.Cmp(new(big.Int).Lsh(fp.Modulus(), 1)) < 0 {
		return s
	}
	return x
}

func limbsToBig(x *Fp) *big.Int {
	v := new(big.Int)
	for i := len(x) - 1; i >= 0; i-- {
		v.Lsh(v, limbBits)
		v.Add(v, new(big.Int).SetUint64(x[i]))
	}
	return v
}

// checkRange fails unless x is weakly reduced: limbs below 2²⁹, value < 2p.
func checkRange(t *testing.T, what string, x *Fp) {
	t.Helper()
	for i := range x {
		if x[i] > mask {
			t.Fatalf("%s: limb %d = %#x not normalised", what, i, x[i])
		}
	}
	if limbsToBig(x).Cmp(new(big.Int).Lsh(fp.Modulus(), 1)) >= 0 {
		t.Fatalf("%s: value ≥ 2p", what)
	}
}

func TestFpAgainstGnark(t *testing.T) {
	vals := testFp(60)
	for i := range vals {
		a := &vals[i]
		var x Fp
		x.FromGnark(a)
		if g := x.Gnark(); !g.Equal(a) {
			t.Fatalf("round trip %s", a)
		}
		for _, xv := range []Fp{x, unreduced(x)} {
			for j := range vals {
				b := &vals[j]
				var y Fp
				y.FromGnark(b)
				for _, yv := range []Fp{y, unreduced(y)} {
					var want fp.Element
					var z Fp
					check := func(op string) {
						t.Helper()
						checkRange(t, op, &z)
						if g := z.Gnark(); !g.Equal(&want) {
							t.Fatalf("%s(%s, %s) = %s, want %s", op, a, b, g.String(), want.String())
						}
					}
					z.Mul(&xv, &yv)
					want.Mul(a, b)
					check("mul")
					z.Add(&xv, &yv)
					want.Add(a, b)
					check("add")
					z.Sub(&xv, &yv)
					want.Sub(a, b)
					check("sub")
					if z.Equal(&x) != want.Equal(a) {
						t.Fatal("equal")
					}
				}
			}
			var z Fp
			var want fp.Element
			z.Square(&xv)
			want.Square(a)
			if g := z.Gnark(); !g.Equal(&want) {
				t.Fatalf("square %s", a)
			}
			checkRange(t, "square", &z)
			z.Double(&xv)
			want.Double(a)
			if g := z.Gnark(); !g.Equal(&want) {
				t.Fatalf("double %s", a)
			}
			checkRange(t, "double", &z)
			z.Neg(&xv)
			want.Neg(a)
			if g := z.Gnark(); !g.Equal(&want) {
				t.Fatalf("neg %s", a)
			}
			checkRange(t, "neg", &z)
			z.Halve(&xv)
			want.Set(a).Halve()
			if g := z.Gnark(); !g.Equal(&want) {
				t.Fatalf("halve %s", a)
			}
			checkRange(t, "halve", &z)
			z.Inverse(&xv)
			want.Inverse(a)
			if g := z.Gnark(); !g.Equal(&want) {
				t.Fatalf("inverse %s", a)
			}
			if xv.IsZero() != a.IsZero() {
				t.Fatal("iszero")
			}
		}
	}
}

// TestFpMulBounds: the largest limbs and values Mul accepts (below 2²⁵⁷)
// do not overflow a column and give a result below 2p.
func TestFpMulBounds(t *testing.T) {
	var big257 Fp
	for i := range big257 {
		big257[i] = mask
	}
	big257[8] = 1<<(257-8*limbBits) - 1 // 2²⁵⁷ − 1
	v := limbsToBig(&big257)
	var z Fp
	z.Mul(&big257, &big257)
	checkRange(t, "mul max", &z)
	P := fp.Modulus()
	rinv := new(big.Int).ModInverse(new(big.Int).Lsh(big.NewInt(1), 9*limbBits), P)
	want := new(big.Int).Mul(v, v)
	want.Mul(want, rinv).Mod(want, P)
	got := limbsToBig(&z)
	got.Mod(got, P)
	if got.Cmp(want) != 0 {
		t.Fatal("mul max value")
	}
	z.Square(&big257)
	checkRange(t, "square max", &z)
	got = limbsToBig(&z)
	if got.Mod(got, P).Cmp(want) != 0 {
		t.Fatal("square max value")
	}
}

func linGnark(a int64, x *fp.Element, b int64, y *fp.Element) fp.Element {
	var ca, cb, t, u fp.Element
	ca.SetInt64(a)
	cb.SetInt64(b)
	t.Mul(&ca, x)
	u.Mul(&cb, y)
	t.Add(&t, &u)
	return t
}

// TestFpInverse checks Inverse against gnark-crypto's and x^(p−2) on edge
// values (0, 1, 2, p−1, p−2, 1/2, each in both representations below 2p)
// and random ones.
func TestFpInverse(t *testing.T) {
	for _, e := range testFp(2000) {
		var x Fp
		x.FromGnark(&e)
		var want fp.Element
		want.Inverse(&e)
		for _, in := range []Fp{x, unreduced(x)} {
			var z, r Fp
			z.Inverse(&in)
			checkRange(t, "Inverse", &z)
			if got := z.Gnark(); got != want {
				t.Fatalf("1/%s = %s, gnark-crypto %s", e.String(), got.String(), want.String())
			}
			r.inverseExp(&in)
			if !r.Equal(&z) {
				t.Fatalf("1/%s differs from %s^(p-2)", e.String(), e.String())
			}
		}
	}
}
