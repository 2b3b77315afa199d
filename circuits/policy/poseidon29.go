package policy

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/leash-wallet/leash/circuits/policy/internal/fr29"
)

// The Poseidon2 permutations over fr29 (9 limbs of 29 bits), the same
// functions as permute and permute12 step for step, for the WASM signer:
// there gnark-crypto's 64-bit-limb fr emulates 64×64→128-bit products and
// one width-12 permutation costs 185 µs against 125 µs here; natively
// gnark-crypto's assembly is three times faster than fr29 (33 against
// 103 µs), so fastField (fastfield_js.go, fastfield_other.go) picks fr29
// under GOOS=js only. Both are tested equal to gnark-crypto's permutation
// on every platform (poseidon29_test.go). The round keys are the generated
// fr29 literals of poseidon2_constants.go and poseidon12_constants.go.

// compress29 is Compress computed over fr29.
func compress29(left, right fr.Element) fr.Element {
	var x [2]fr29.Element
	x[0].FromGnark(&left)
	x[1].FromGnark(&right)
	r := x[1]
	permute29(&x)
	x[1].Add(&x[1], &r)
	return x[1].Gnark()
}

// hash29 is Hash computed over fr29.
func hash29(xs []fr.Element) fr.Element {
	var st [spongeWidth]fr29.Element
	n := fr.NewElement(uint64(len(xs)))
	st[0].FromGnark(&n)
	for i := 0; i < len(xs) || i == 0; i += SpongeRate {
		for j := 0; j < SpongeRate && i+j < len(xs); j++ {
			var e fr29.Element
			e.FromGnark(&xs[i+j])
			st[1+j].Add(&st[1+j], &e)
		}
		permute12_29(&st)
	}
	return st[1].Gnark()
}

// permute29 is permute over fr29.
func permute29(x *[2]fr29.Element) {
	a, b := x[0], x[1]
	external29(&a, &b)
	for r := range p2FullRounds / 2 {
		fullRound29(&a, &b, &p2Full29[r])
	}
	for r := range p2PartialRounds {
		a.Add(&a, &p2Partial29[r])
		sbox29(&a)
		// [[2, 1], [1, 3]]·(a, b) = (a + s, 2b + s) with s = a + b.
		var s fr29.Element
		s.Add(&a, &b)
		a.Add(&a, &s)
		b.Double(&b)
		b.Add(&b, &s)
	}
	for r := p2FullRounds / 2; r < p2FullRounds; r++ {
		fullRound29(&a, &b, &p2Full29[r])
	}
	x[0], x[1] = a, b
}

// fullRound29 is fullRound over fr29.
func fullRound29(a, b *fr29.Element, k *[2]fr29.Element) {
	a.Add(a, &k[0])
	b.Add(b, &k[1])
	sbox29(a)
	sbox29(b)
	external29(a, b)
}

// external29 is external over fr29.
func external29(a, b *fr29.Element) {
	var s fr29.Element
	s.Add(a, b)
	a.Add(a, &s)
	b.Add(b, &s)
}

// sbox29 sets x to x⁵.
func sbox29(x *fr29.Element) {
	var x2 fr29.Element
	x2.Square(x)
	x2.Square(&x2)
	x.Mul(x, &x2)
}

// permute12_29 is permute12 over fr29.
func permute12_29(x *[spongeWidth]fr29.Element) {
	external12_29(x)
	for r := range p12FullRounds / 2 {
		fullRound12_29(x, &p12Full29[r])
	}
	for r := range p12PartialRounds {
		x[0].Add(&x[0], &p12Partial29[r])
		sbox29(&x[0])
		// (1 + diag(μ − 1))·x: x_i·(μ_i − 1) + Σx.
		var s fr29.Element
		for i := range x {
			s.Add(&s, &x[i])
		}
		for i := range x {
			x[i].Mul(&x[i], &p12DiagM129[i])
			x[i].Add(&x[i], &s)
		}
	}
	for r := p12FullRounds / 2; r < p12FullRounds; r++ {
		fullRound12_29(x, &p12Full29[r])
	}
}

// fullRound12_29 is fullRound12 over fr29.
func fullRound12_29(x *[spongeWidth]fr29.Element, k *[spongeWidth]fr29.Element) {
	for i := range x {
		x[i].Add(&x[i], &k[i])
		sbox29(&x[i])
	}
	external12_29(x)
}

// external12_29 is external12 over fr29.
func external12_29(x *[spongeWidth]fr29.Element) {
	for b := 0; b < spongeWidth; b += 4 {
		m4_29((*[4]fr29.Element)(x[b : b+4]))
	}
	var sum [4]fr29.Element
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

// m4_29 is m4 over fr29.
func m4_29(x *[4]fr29.Element) {
	var t0, t1, t2, t3, t4, t5, t6, t7 fr29.Element
	t0.Add(&x[0], &x[1])
	t1.Add(&x[2], &x[3])
	t2.Double(&x[1])
	t2.Add(&t2, &t1)
	t3.Double(&x[3])
	t3.Add(&t3, &t0)
	t4.Double(&t1)
	t4.Double(&t4)
	t4.Add(&t4, &t3)
	t5.Double(&t0)
	t5.Double(&t5)
	t5.Add(&t5, &t2)
	t6.Add(&t3, &t5)
	t7.Add(&t2, &t4)
	x[0], x[1], x[2], x[3] = t6, t5, t7, t4
}
