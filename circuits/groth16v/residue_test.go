package groth16v

import (
	"math/big"
	"runtime"
	"testing"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// TestResidueFacts checks with math/big the number theory the residue
// check stands on (residue.go): r | λ, v₃(h) = 3, gcd(λ, p¹²−1) = 3r,
// gcd(λ/(3r), p¹²−1) = 1, gcd(r, (p¹²−1)/r) = 1, 27 | p⁶−1 (the roots
// of unity lie in Fp⁶), and gcd(m, r) = 1 for the extra power m =
// 2x₀(6x₀²+3x₀+1) of gnark-crypto's final exponentiation (so the old and
// the residue checks accept the same proofs).
func TestResidueFacts(t *testing.T) {
	p, r := fp.Modulus(), fr.Modulus()
	one := big.NewInt(1)
	n := new(big.Int).Exp(p, big.NewInt(12), nil)
	n.Sub(n, one)
	h := new(big.Int).Div(n, r)
	if new(big.Int).Mod(n, r).Sign() != 0 {
		t.Fatal("r ∤ p¹²−1")
	}
	lambda := residueConstants().lambda
	if new(big.Int).Mod(lambda, r).Sign() != 0 {
		t.Fatal("r ∤ λ")
	}
	v3, q := 0, new(big.Int).Set(h)
	three := big.NewInt(3)
	for new(big.Int).Mod(q, three).Sign() == 0 {
		q.Div(q, three)
		v3++
	}
	if v3 != 3 {
		t.Fatalf("v₃(h) = %d, want 3", v3)
	}
	three_r := new(big.Int).Mul(r, three)
	if g := new(big.Int).GCD(nil, nil, lambda, n); g.Cmp(three_r) != 0 {
		t.Fatalf("gcd(λ, p¹²−1) = %v, want 3r", g)
	}
	if g := new(big.Int).GCD(nil, nil, new(big.Int).Div(lambda, three_r), n); g.Cmp(one) != 0 {
		t.Fatalf("gcd(λ/3r, p¹²−1) = %v, want 1", g)
	}
	if g := new(big.Int).GCD(nil, nil, r, h); g.Cmp(one) != 0 {
		t.Fatalf("gcd(r, h) = %v, want 1", g)
	}
	p6 := new(big.Int).Exp(p, big.NewInt(6), nil)
	if new(big.Int).Mod(p6.Sub(p6, one), big.NewInt(27)).Sign() != 0 {
		t.Fatal("27 ∤ p⁶−1")
	}
	x := new(big.Int).SetUint64(seedX)
	m := new(big.Int).Mul(x, x)
	m.Mul(m, big.NewInt(6))
	m.Add(m, new(big.Int).Mul(x, three))
	m.Add(m, one)
	m.Mul(m, new(big.Int).Lsh(x, 1))
	if g := new(big.Int).GCD(nil, nil, m, r); g.Cmp(one) != 0 {
		t.Fatalf("gcd(m, r) = %v", g)
	}
	// λ's first term is the Miller loop's 6x₀ + 2.
	e := new(big.Int).Mul(x, big.NewInt(6))
	e.Add(e, big.NewInt(2))
	var naf big.Int
	for i := len(bn254.LoopCounter) - 1; i >= 0; i-- {
		naf.Lsh(&naf, 1)
		naf.Add(&naf, big.NewInt(int64(bn254.LoopCounter[i])))
	}
	if naf.Cmp(e) != 0 {
		t.Fatalf("LoopCounter is %v, want 6x₀+2 = %v", &naf, e)
	}
}

// TestResidueRoots: the hint's table holds the 27 distinct 27th roots of
// unity, ω primitive.
func TestResidueRoots(t *testing.T) {
	for i := range rootsOfUnity() {
		var w bn254.E12
		w.Exp(rootsOfUnity()[i], big.NewInt(27))
		if !w.IsOne() {
			t.Fatalf("ω^%d to the 27th is not 1", i)
		}
		for j := range i {
			if rootsOfUnity()[i].Equal(&rootsOfUnity()[j]) {
				t.Fatalf("ω^%d = ω^%d", i, j)
			}
		}
	}
	var w9 bn254.E12
	w9.Exp(rootsOfUnity()[1], big.NewInt(9))
	if w9.IsOne() {
		t.Fatal("ω is not primitive")
	}
}

// TestResidueHint: for every valid proof of the fixture, the hint
// satisfies c^λ = f·g⁻¹·wᵢ exactly and passes the residue check on both
// backends; both backends compute the same f·g⁻¹ exactly.
func TestResidueHint(t *testing.T) {
	fx := getFixture(t)
	lambda := residueConstants().lambda
	for _, c := range fx.cases {
		if c.public == nil {
			continue
		}
		f0 := fx.verifiers[0].pairing.residue(c.proof, c.public)
		f1 := fx.verifiers[1].pairing.residue(c.proof, c.public)
		if !f0.Equal(&f1) {
			t.Fatalf("%s: the backends' Miller loops differ", c.name)
		}
		h, err := fx.verifier.Hint(c.proof, c.public)
		if err != nil {
			t.Fatalf("%s: hint: %v", c.name, err)
		}
		var lhs, rhs bn254.E12
		lhs.Exp(h.C, lambda)
		rhs.Mul(&f0, &rootsOfUnity()[h.Root])
		if !lhs.Equal(&rhs) {
			t.Fatalf("%s: c^λ ≠ f·g⁻¹·w", c.name)
		}
		for i, v := range fx.verifiers {
			if !v.pairing.checkHint(c.proof, c.public, h) {
				t.Fatalf("%s: backend %s refuses the hint", c.name, backends[i])
			}
		}
	}
}

// TestResidueHintRandom: for random F with F^h = 1 (F = y^r, y random),
// residueHint finds c and w ∈ {1, ω, ω²} with c^λ = F·w exactly, and each
// of the three roots is needed for some F; for F with F^h ≠ 1 (y itself)
// there is no hint.
func TestResidueHintRandom(t *testing.T) {
	n := 24
	if testing.Short() || runtime.GOARCH == "wasm" {
		n = 6 // a hint costs ~0.2 s in WASM; the native run covers all three roots
	}
	lambda := residueConstants().lambda
	seen := map[uint8]bool{}
	for i := range n {
		var y, f bn254.E12
		if _, err := y.SetRandom(); err != nil {
			t.Fatal(err)
		}
		f.Exp(y, fr.Modulus())
		h, ok := residueHint(&f)
		if !ok {
			t.Fatalf("%d: no hint for F in the subgroup of order h", i)
		}
		var lhs, rhs bn254.E12
		lhs.Exp(h.C, lambda)
		rhs.Mul(&f, &rootsOfUnity()[h.Root])
		if !lhs.Equal(&rhs) || h.Root > 2 {
			t.Fatalf("%d: c^λ ≠ F·w (root %d)", i, h.Root)
		}
		seen[h.Root] = true
		if i < 4 {
			if _, ok := residueHint(&y); ok {
				t.Fatalf("%d: a hint for a random F, F^h ≠ 1", i)
			}
		}
	}
	if n >= 24 && len(seen) != 3 {
		t.Fatalf("roots used: %v, want 0, 1 and 2 (probability of missing one in 24: < 2⁻¹²)", seen)
	}
}
