package bn

import (
	"testing"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
)

// Field benchmarks, ours against gnark-crypto's, 1000 operations per op:
//
//	PATH=$PATH:$(go env GOROOT)/lib/wasm GOOS=js GOARCH=wasm \
//	    go test -run '^$' -bench . ./circuits/groth16v/internal/bn

func BenchmarkFpMul(b *testing.B) {
	v := testFp(8)
	var x, y Fp
	x.FromGnark(&v[6])
	y.FromGnark(&v[7])
	gx, gy := v[6], v[7]
	b.Run("ours", func(b *testing.B) {
		for b.Loop() {
			for range 1000 {
				x.Mul(&x, &y)
			}
		}
	})
	b.Run("gnark", func(b *testing.B) {
		for b.Loop() {
			for range 1000 {
				gx.Mul(&gx, &gy)
			}
		}
	})
}

func BenchmarkFpSquare(b *testing.B) {
	v := testFp(8)
	var x Fp
	x.FromGnark(&v[6])
	gx := v[6]
	b.Run("ours", func(b *testing.B) {
		for b.Loop() {
			for range 1000 {
				x.Square(&x)
			}
		}
	})
	b.Run("gnark", func(b *testing.B) {
		for b.Loop() {
			for range 1000 {
				gx.Square(&gx)
			}
		}
	})
}

func BenchmarkFpAdd(b *testing.B) {
	v := testFp(8)
	var x, y Fp
	x.FromGnark(&v[6])
	y.FromGnark(&v[7])
	gx, gy := v[6], v[7]
	b.Run("ours", func(b *testing.B) {
		for b.Loop() {
			for range 1000 {
				x.Add(&x, &y)
			}
		}
	})
	b.Run("gnark", func(b *testing.B) {
		for b.Loop() {
			for range 1000 {
				gx.Add(&gx, &gy)
			}
		}
	})
}

func BenchmarkFp2Mul(b *testing.B) {
	v := testFp(8)
	var x, y Fp2
	x.A0.FromGnark(&v[4])
	x.A1.FromGnark(&v[5])
	y.A0.FromGnark(&v[6])
	y.A1.FromGnark(&v[7])
	gx := bn254.E2{A0: v[4], A1: v[5]}
	gy := bn254.E2{A0: v[6], A1: v[7]}
	b.Run("ours", func(b *testing.B) {
		for b.Loop() {
			for range 1000 {
				x.Mul(&x, &y)
			}
		}
	})
	b.Run("gnark", func(b *testing.B) {
		for b.Loop() {
			for range 1000 {
				gx.Mul(&gx, &gy)
			}
		}
	})
}

var _ fp.Element
