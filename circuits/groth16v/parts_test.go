package groth16v

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"

	"github.com/leash-wallet/leash/circuits/groth16v/internal/bn"
)

// BenchmarkParts times the pieces of one verification, to see where the
// time goes (run it under GOOS=js GOARCH=wasm too, see doc.go).
func BenchmarkParts(b *testing.B) {
	f := getFixture(b)
	c := f.cases[2] // policy-sized inputs
	v := f.verifier
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, err := DecodeProof(c.bytes); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode-g1", func(b *testing.B) {
		for b.Loop() {
			var p bn254.G1Affine
			if _, err := p.SetBytes(c.bytes[:32]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode-g2", func(b *testing.B) {
		for b.Loop() {
			var p bn254.G2Affine
			if _, err := p.SetBytes(c.bytes[32:96]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("g2-subgroup", func(b *testing.B) {
		for b.Loop() {
			c.proof.Bs.IsInSubGroup()
		}
	})
	b.Run("msm-comb", func(b *testing.B) {
		for b.Loop() {
			msmOnly(v, c.public)
		}
	})
	b.Run("msm-gnark", func(b *testing.B) {
		for b.Loop() {
			var r bn254.G1Jac
			r.MultiExp(f.keys.VK.G1.K[1:], c.public, ecc.MultiExpConfig{})
		}
	})
	b.Run("lines-B", func(b *testing.B) {
		for b.Loop() {
			bn254.PrecomputeLines(c.proof.Bs)
		}
	})
	var nd, ng bn254.G2Affine
	nd.Neg(&f.keys.VK.G2.Delta)
	ng.Neg(&f.keys.VK.G2.Gamma)
	negDelta, negGamma := bn254.PrecomputeLines(nd), bn254.PrecomputeLines(ng)
	ls := make([]lines, 3)
	b.Run("miller-3-gnark", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			ls[0], ls[1], ls[2] = negDelta, negDelta, negGamma
			b.StartTimer()
			bn254.MillerLoopFixedQ([]bn254.G1Affine{c.proof.Ar, c.proof.Krs, c.proof.Ar}, ls)
		}
	})
	ls[0], ls[1], ls[2] = negDelta, negDelta, negGamma
	ml, err := bn254.MillerLoopFixedQ([]bn254.G1Affine{c.proof.Ar, c.proof.Krs, c.proof.Ar}, ls)
	if err != nil {
		b.Fatal(err)
	}
	var sum bn254.G1Affine
	sum.Double(&c.proof.Krs)
	b.Run("miller-fused", func(b *testing.B) {
		for b.Loop() {
			millerOnly(v, &c.proof.Ar, &c.proof.Bs, &c.proof.Krs, &sum)
		}
	})
	b.Run("final-exp-gnark", func(b *testing.B) {
		for b.Loop() {
			bn254.FinalExponentiation(&ml)
		}
	})
	var mlOurs bn.Fp12
	mlOurs.FromGnark(&ml)
	b.Run("final-exp", func(b *testing.B) {
		for b.Loop() {
			var r bn.Fp12
			r.FinalExponentiation(&mlOurs)
		}
	})
	b.Run("fp-mul-1000", func(b *testing.B) {
		var x, y fp.Element
		x.SetUint64(3)
		y.SetUint64(5)
		for b.Loop() {
			for range 1000 {
				x.Mul(&x, &y)
			}
		}
	})
	b.Run("verify-bytes", func(b *testing.B) {
		for b.Loop() {
			if err := v.VerifyBytes(c.bytes, c.public); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("new-verifier", func(b *testing.B) {
		for b.Loop() {
			if _, err := NewVerifier(f.vk); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("comb-tables", func(b *testing.B) {
		for b.Loop() {
			newCombTables(f.keys.VK.G1.K[1:])
		}
	})
}
