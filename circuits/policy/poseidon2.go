package policy

//go:generate go run poseidon2_gen.go
//go:generate go run poseidon12_gen.go

import "github.com/consensys/gnark-crypto/ecc/bn254/fr"

// permute is the Poseidon2 permutation over BN254's scalar field with width
// 2, 6 full and 50 partial rounds and the S-box x⁵: the permutation of
// gnark-crypto's poseidon2.NewPermutation(2, 6, 50), which gnark's
// std/permutation/poseidon2 computes in circuits. Its round keys are the
// generated literals of poseidon2_constants.go, so nothing is derived when
// the package starts (the WASM signer's cold start).
//
// Structure (Grassi, Khovratovich, Schofnegger, "Poseidon2", eprint
// 2023/323, width t = 2): the external matrix circ(2, 1) first; then half of
// the full rounds (round keys on both lanes, S-box on both, external
// matrix); the partial rounds (round key and S-box on lane 0 only, then the
// internal matrix [[2, 1], [1, 3]]); and the other half of the full rounds.
func permute(x *[2]fr.Element) {
	a, b := x[0], x[1]
	external(&a, &b)
	for r := range p2FullRounds / 2 {
		fullRound(&a, &b, &p2Full[r])
	}
	for r := range p2PartialRounds {
		a.Add(&a, &p2Partial[r])
		sbox(&a)
		// [[2, 1], [1, 3]]·(a, b) = (a + s, 2b + s) with s = a + b.
		var s fr.Element
		s.Add(&a, &b)
		a.Add(&a, &s)
		b.Double(&b).Add(&b, &s)
	}
	for r := p2FullRounds / 2; r < p2FullRounds; r++ {
		fullRound(&a, &b, &p2Full[r])
	}
	x[0], x[1] = a, b
}

func fullRound(a, b *fr.Element, k *[2]fr.Element) {
	a.Add(a, &k[0])
	b.Add(b, &k[1])
	sbox(a)
	sbox(b)
	external(a, b)
}

// external multiplies (a, b) by circ(2, 1): (2a + b, a + 2b) = (a + s, b + s)
// with s = a + b.
func external(a, b *fr.Element) {
	var s fr.Element
	s.Add(a, b)
	a.Add(a, &s)
	b.Add(b, &s)
}

// sbox sets x to x⁵.
func sbox(x *fr.Element) {
	var x2 fr.Element
	x2.Square(x)
	x2.Square(&x2)
	x.Mul(x, &x2)
}
