package fr29

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// edges are the values at the ends of the field and of the limbs: 0, 1,
// r−1, r−2, (r±1)/2, powers of two around the 29- and 64-bit boundaries.
func edges() []fr.Element {
	var out []fr.Element
	add := func(x *big.Int) {
		var e fr.Element
		e.SetBigInt(x)
		out = append(out, e)
	}
	q := fr.Modulus()
	for _, v := range []int64{0, 1, 2, 3} {
		add(big.NewInt(v))
		add(new(big.Int).Sub(q, big.NewInt(v+1)))
	}
	for _, b := range []uint{28, 29, 58, 63, 64, 128, 232, 252, 253} {
		add(new(big.Int).Lsh(big.NewInt(1), b))
		add(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), b), big.NewInt(1)))
	}
	add(new(big.Int).Rsh(q, 1))
	add(new(big.Int).Add(new(big.Int).Rsh(q, 1), big.NewInt(1)))
	// Elements whose Montgomery words are extreme.
	out = append(out, fr.Element{1, 0, 0, 0}, fr.Element{0, 0, 0, 1}, fr.Element{^uint64(0), 0, 0, 0})
	return out
}

func random(t testing.TB) fr.Element {
	var e fr.Element
	if _, err := e.SetRandom(); err != nil {
		t.Fatal(err)
	}
	return e
}

// weak returns the other representative of e in [0, 2r): its Montgomery
// form plus r. The operations must accept the weakly reduced form.
func weak(e *fr.Element) Element {
	var z Element
	z.FromGnark(e)
	z.reduce(&z)
	var c uint64
	var w Element
	for i := range z {
		c += z[i] + rLimbs[i]
		w[i] = c & mask
		c >>= limbBits
	}
	return w
}

// check compares every operation on (a, b) with gnark-crypto's, for the
// canonical and the weakly reduced forms of the operands.
func check(t testing.TB, a, b fr.Element) {
	t.Helper()
	var x0, y0 Element
	x0.FromGnark(&a)
	y0.FromGnark(&b)
	if got := x0.Gnark(); got != a {
		t.Fatalf("round trip of %s gave %s", a.String(), got.String())
	}
	for _, xs := range [][2]Element{{x0, y0}, {weak(&a), y0}, {x0, weak(&b)}, {weak(&a), weak(&b)}} {
		x, y := xs[0], xs[1]
		var want fr.Element
		var z Element
		for _, op := range []struct {
			name string
			do   func()
			ref  func()
		}{
			{"mul", func() { z.Mul(&x, &y) }, func() { want.Mul(&a, &b) }},
			{"square", func() { z.Square(&x) }, func() { want.Square(&a) }},
			{"add", func() { z.Add(&x, &y) }, func() { want.Add(&a, &b) }},
			{"double", func() { z.Double(&x) }, func() { want.Double(&a) }},
			{"sub", func() { z.Sub(&x, &y) }, func() { want.Sub(&a, &b) }},
		} {
			op.do()
			op.ref()
			for i, l := range z {
				if l>>limbBits != 0 {
					t.Fatalf("%s(%s, %s): limb %d = %#x is not below 2²⁹", op.name, a.String(), b.String(), i, l)
				}
			}
			if !lessThanTwoR(&z) {
				t.Fatalf("%s(%s, %s) is not below 2r", op.name, a.String(), b.String())
			}
			if got := z.Gnark(); got != want {
				t.Fatalf("%s(%s, %s) = %s, gnark-crypto %s", op.name, a.String(), b.String(), got.String(), want.String())
			}
		}
	}
	if w := weak(&a); !x0.Equal(&w) {
		t.Fatalf("%s: the weak form is not Equal", a.String())
	}
}

// lessThanTwoR reports whether z < 2r as an integer.
func lessThanTwoR(z *Element) bool {
	for i := len(z) - 1; i >= 0; i-- {
		if z[i] != twoRLimbs[i] {
			return z[i] < twoRLimbs[i]
		}
	}
	return false
}

func TestMatchesGnarkCryptoEdges(t *testing.T) {
	es := edges()
	for _, a := range es {
		for _, b := range es {
			check(t, a, b)
		}
	}
}

func TestMatchesGnarkCryptoRandom(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for range n {
		check(t, random(t), random(t))
	}
}

func TestOne(t *testing.T) {
	var o fr.Element
	o.SetOne()
	var z Element
	z.FromGnark(&o)
	if !z.Equal(&one) {
		t.Fatal("FromGnark(1) is not one")
	}
	if e := one.Gnark(); !e.IsOne() {
		t.Fatalf("one.Gnark() = %s", e.String())
	}
}

// elem reads a canonical fr.Element from 32 bytes (reduced mod r).
func elem(b []byte) fr.Element {
	var e fr.Element
	e.SetBigInt(new(big.Int).SetBytes(b))
	return e
}

func FuzzFr29(f *testing.F) {
	f.Add(make([]byte, 64))
	seed := make([]byte, 64)
	for i := range seed {
		seed[i] = byte(0x9e * (i + 1))
	}
	f.Add(seed)
	q := fr.Modulus().Bytes()
	f.Add(append(append([]byte{}, q...), q...))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 64 {
			b = append(b, make([]byte, 64-len(b))...)
		}
		a, c := elem(b[:32]), elem(b[32:64])
		check(t, a, c)
	})
}
