package groth16v

import (
	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/leash-wallet/leash/circuits/groth16v/internal/bn"
)

// The check S = K₀ + Σ xᵢKᵢ, e(A, B)·e(C, −δ)·e(S, −γ) = e(α, β) has two
// backends with the same algorithms (comb tables for the MSM, one fused
// Miller loop, one final exponentiation of the same power as
// gnark-crypto's, compared with e(α, β)) on different field arithmetic:
//
//   - backendGnark: gnark-crypto's tower (4×64-bit limbs), with assembly on
//     amd64 and arm64; the native choice.
//   - backendBN: package internal/bn (9×29-bit limbs), written for
//     WebAssembly, where Go emulates 64×64→128-bit products: about twice
//     as fast as gnark-crypto's there, about four times slower natively.
//     It also decodes the proof's points (square roots, the G2 subgroup
//     check) in package bn, and adds short comb tables for inputs below
//     2⁶⁴ (comb_bn.go).
//
// Measured with BenchmarkBackends (VerifyBytes, both backends
// interleaved): natively bn/gnark ≈ 3.9, in WASM under Node ≈ 0.63.
//
// defaultBackend (backend_wasm.go, backend_other.go) picks per GOARCH;
// the tests run every verdict on both backends, natively and in WASM.
type backend int

const (
	backendGnark backend = iota
	backendBN
)

// backends lists every backend, for tests.
var backends = []backend{backendGnark, backendBN}

func (b backend) String() string {
	if b == backendBN {
		return "bn"
	}
	return "gnark"
}

// pairingCheck is a backend's precomputed key part and its check.
type pairingCheck interface {
	// check reports whether e(A, B)·e(C, −δ)·e(S, −γ) = e(α, β) with
	// S = K₀ + Σ xᵢKᵢ, for a proof whose points are in their groups and
	// not the point at infinity, and len(public) = nbPublic.
	check(p *Proof, public []fr.Element) bool
	// checkHint is check by a residue hint (residue.go), without the
	// final exponentiation.
	checkHint(p *Proof, public []fr.Element, h *Hint) bool
	// residue is f·g⁻¹ (residue.go), from which the prover's hint is
	// made.
	residue(p *Proof, public []fr.Element) bn254.E12
}

// mlAlphaBeta is g, the Miller loop value of (α, β) as package bn computes
// it: the residue check compares with it, so both backends and every
// prover must use this one.
func mlAlphaBeta(alpha *bn254.G1Affine, beta *bn254.G2Affine) bn254.E12 {
	var a bn.G1
	var b bn.G2
	a.FromGnark(alpha)
	b.FromGnark(beta)
	ml := bn.MillerLoop(&a, &b, nil)
	return ml.Gnark()
}
