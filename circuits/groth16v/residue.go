package groth16v

import (
	"math/big"
	"sync"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/leash-wallet/leash/wire"
)

// The residue check: the pairing equation without the final
// exponentiation, with a hint from the prover (Novakovic–Eagen, "On
// Proving Pairings", eprint 2024/640).
//
// Let f be the verifier's fused Miller loop value of (A, B), (C, −δ),
// (S, −γ) and g the Miller loop value of (α, β) (both exactly as this
// package computes them: bn.MillerLoop's lines and normalisation), and
// h = (p¹²−1)/r. The proof is valid iff (f·g⁻¹)^h = 1 (the final
// exponentiation gnark-crypto computes is the power h·m with gcd(m, r) = 1,
// see TestResidueFacts). With λ = 6x₀ + 2 + p − p² + p³, a multiple of r,
// the prover sends c ∈ Fp¹² and an index i < 27 into rootsOfUnity(), the
// 27th roots of unity, such that
//
//	f · wᵢ · c^(−λ) = g,  c ≠ 0.
//
// Soundness: then (f·g⁻¹·wᵢ)^h = c^(λh) = c^((λ/r)(p¹²−1)) = 1, and
// wᵢ^h = 1 since 27 | h (v₃(h) = 3), so (f·g⁻¹)^h = 1: the proof
// satisfies the Groth16 equation, whatever c and i the prover chose.
// Completeness: f·g⁻¹·w is a λ-th power iff (f·g⁻¹·w)^(h/3) = 1, as
// gcd(λ, p¹²−1) = 3r; one of w ∈ {1, ω, ω²} makes it so (residueHint).
//
// The verifier's cost is c⁻¹ (one inversion), 21 multiplications riding on
// the Miller loop's squarings (one per non-zero digit of 6x₀ + 2), three
// Frobenius maps and a few multiplications, instead of the final
// exponentiation.

// HintSize is the length of the residue hint that may follow a proof's
// ProofSize bytes (see DecodeProof):
//
//	version (1, hintVersion) | root index i (1, < 27) | c (Fp¹², 384)
//
// c is encoded as gnark-crypto's GT (E12.Bytes): twelve canonical
// big-endian Fp elements, C1.B2.A1 first and C0.B0.A0 last.
const HintSize = 2 + bn254.SizeOfGT

// hintVersion names the Miller function the hint is for: this package's
// fused loop (bn.MillerLoop's lines, in the order of its pairs). A verifier
// whose Miller loop normalises lines differently must use another version.
const hintVersion = 1

// Hint is a residue hint: c and the index i of wᵢ = ωⁱ in rootsOfUnity.
type Hint struct {
	C    bn254.E12 // not zero
	Root uint8     // < nbRoots, an index into rootsOfUnity
}

// nbRoots is the number of roots of unity a hint may name.
const nbRoots = 27

// rootsOfUnity returns ω⁰ … ω²⁶, the 27th roots of unity a hint may name
// (TestResidueRoots: each to the 27th is 1, pairwise distinct), with ω a
// primitive 27th root of unity of Fp¹²: (x + v)^((p¹²−1)/27) for the first
// small x ∈ Fp that gives one (x = 4). It lies in Fp⁶, as a single
// coefficient times v² (27 | p³ − 1). Built on first use, not at package
// initialisation (the signer's cold start).
var rootsOfUnity = sync.OnceValue(func() *[nbRoots]bn254.E12 {
	var omega bn254.E12
	omega.C0.B2.A0 = fpFromDecimal("14575647121260056643040829741727939144766740444292635087944888540654853119234")
	omega.C0.B2.A1 = fpFromDecimal("17901468175745608075464130567042817464035672792514948922809226238494494320457")
	var r [nbRoots]bn254.E12
	r[0].SetOne()
	for i := 1; i < len(r); i++ {
		r[i].Mul(&r[i-1], &omega)
	}
	return &r
})

// seedX is the BN254 seed x₀.
const seedX = 4965661367192848881

func fpFromDecimal(s string) fp.Element {
	var e fp.Element
	if _, err := e.SetString(s); err != nil {
		panic(err) // constants
	}
	return e
}

// residueExps holds the prover's exponents (big integers, built once).
type residueExps struct {
	hThird *big.Int // h/3
	rootOf *big.Int // z ↦ z^rootOf takes z with z^(h/3) = 1 to a λ-th root, up to a 27th root of unity
	sylow  *big.Int // z ↦ z^sylow projects onto the 27-Sylow subgroup
	lambda *big.Int
}

var (
	expsOnce sync.Once
	exps     residueExps
)

// residueConstants computes the exponents. With N = p¹²−1 = 27·M
// (3 ∤ M), λ = 3r·λ′ (gcd(λ′, N) = 1) and gcd(r, N/r) = 1, a λ-th root of
// z is y with y^(3r) = z^(1/λ′): take u = z^(λ′⁻¹ mod N), then its r-th
// root v = u^(r⁻¹ mod N/r), then a cube root: on the M-part by the inverse
// of 3 mod M, on the 27-part by a search among the powers of ω.
func residueConstants() *residueExps {
	expsOnce.Do(func() {
		p := fp.Modulus()
		r := fr.Modulus()
		one := big.NewInt(1)
		n := new(big.Int).Exp(p, big.NewInt(12), nil)
		n.Sub(n, one)
		h := new(big.Int).Div(n, r)
		lambda := new(big.Int).SetUint64(seedX)
		lambda.Mul(lambda, big.NewInt(6))
		lambda.Add(lambda, big.NewInt(2))
		p2 := new(big.Int).Mul(p, p)
		p3 := new(big.Int).Mul(p2, p)
		lambda.Add(lambda, p)
		lambda.Sub(lambda, p2)
		lambda.Add(lambda, p3)
		lp := new(big.Int).Div(lambda, new(big.Int).Mul(r, big.NewInt(3)))
		a1 := new(big.Int).ModInverse(lp, n)
		nr := new(big.Int).Div(n, r)
		a2 := new(big.Int).ModInverse(r, nr)
		m := new(big.Int).Div(n, big.NewInt(27))
		inv3 := new(big.Int).ModInverse(big.NewInt(3), m)
		// Idempotents of Z/N = Z/27 × Z/M: eM ≡ 1 (mod M), ≡ 0 (mod 27).
		eM := new(big.Int).Mul(big.NewInt(27), new(big.Int).ModInverse(big.NewInt(27), m))
		e27 := new(big.Int).Mul(m, new(big.Int).ModInverse(m, big.NewInt(27)))
		root := new(big.Int).Mul(a1, a2)
		root.Mul(root, eM)
		root.Mul(root, inv3)
		root.Mod(root, n)
		sylow := new(big.Int).Mul(a1, a2)
		sylow.Mul(sylow, e27)
		sylow.Mod(sylow, n)
		exps = residueExps{hThird: new(big.Int).Div(h, big.NewInt(3)), rootOf: root, sylow: sylow, lambda: lambda}
	})
	return &exps
}

// residueHint computes the hint for F = f·g⁻¹ (the prover's side). It
// returns false if F^h ≠ 1, i.e. the proof is not valid: then no hint
// exists.
func residueHint(f *bn254.E12) (Hint, bool) {
	e := residueConstants()
	// Pick w ∈ {1, ω, ω²} with (F·w)^(h/3) = 1.
	var z bn254.E12
	idx := -1
	roots := rootsOfUnity()
	for i := range 3 {
		var t bn254.E12
		z.Mul(f, &roots[i])
		t.Exp(z, e.hThird)
		if t.IsOne() {
			idx = i
			break
		}
	}
	if idx < 0 {
		return Hint{}, false
	}
	// c = (the λ-th root on the M-part) · (the cube root on the 27-part).
	var c, s bn254.E12
	c.Exp(z, e.rootOf)
	s.Exp(z, e.sylow) // a cube in the 27-Sylow subgroup: ω^(3j)
	found := false
	for j := range 9 {
		if s.Equal(&roots[3*j]) {
			c.Mul(&c, &roots[j])
			found = true
			break
		}
	}
	if !found || c.IsZero() {
		return Hint{}, false // not reached when z^(h/3) = 1
	}
	return Hint{C: c, Root: uint8(idx)}, true
}

// Bytes is the hint's encoding (HintSize bytes).
func (h *Hint) Bytes() []byte {
	out := make([]byte, 0, HintSize)
	out = append(out, hintVersion, h.Root)
	c := h.C.Bytes()
	return append(out, c[:]...)
}

// decodeHint decodes HintSize bytes strictly: the version, an index below
// 27, c canonical and not zero. Anything else is wire.Malformed.
func decodeHint(b []byte) (*Hint, error) {
	if len(b) != HintSize {
		return nil, wire.Errorf(wire.Malformed, "proof hint: %d bytes, want %d", len(b), HintSize)
	}
	if b[0] != hintVersion {
		return nil, wire.Errorf(wire.Malformed, "proof hint: version %d, want %d", b[0], hintVersion)
	}
	if b[1] >= nbRoots {
		return nil, wire.Errorf(wire.Malformed, "proof hint: root index %d, want < %d", b[1], nbRoots)
	}
	h := Hint{Root: b[1]}
	if err := h.C.SetBytes(b[2:]); err != nil {
		return nil, wire.Errorf(wire.Malformed, "proof hint: c: %v", err)
	}
	if h.C.IsZero() {
		return nil, wire.Errorf(wire.Malformed, "proof hint: c is zero")
	}
	return &h, nil
}

// Hint computes the residue hint of a valid proof, for the prover to
// append to the proof's bytes (AppendHint). It costs a few exponentiations
// in Fp¹² (tens of milliseconds natively), once per proof. A proof that
// does not verify has no hint: wire.ErrProofInvalid.
func (v *Verifier) Hint(proof *Proof, public []fr.Element) (*Hint, error) {
	if err := checkProof(proof, v.backend); err != nil {
		return nil, err
	}
	if len(public) != v.nbPublic {
		return nil, wire.Errorf(wire.Malformed, "public inputs: got %d, want %d", len(public), v.nbPublic)
	}
	f := v.pairing.residue(proof, public)
	h, ok := residueHint(&f)
	if !ok {
		return nil, wire.Errorf(wire.ProofInvalid, "pairing check failed: no residue hint")
	}
	return &h, nil
}

// AppendHint returns proofBytes (DecodeProof's encoding, without a hint)
// followed by the proof's residue hint, for a prover that holds the
// verifying key. proofBytes must verify against public:
// wire.ErrProofInvalid otherwise.
func (v *Verifier) AppendHint(proofBytes []byte, public []fr.Element) ([]byte, error) {
	if len(proofBytes) != ProofSize {
		return nil, wire.Errorf(wire.Malformed, "proof: %d bytes, want %d (no hint yet)", len(proofBytes), ProofSize)
	}
	p, err := decodeProof(proofBytes, v.backend)
	if err != nil {
		return nil, err
	}
	h, err := v.Hint(p, public)
	if err != nil {
		return nil, err
	}
	p.Hint = h
	return p.Bytes(), nil
}
