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

func BenchmarkTower(b *testing.B) {
	vals := randE12(nil, 3)
	var cyc bn254.E12
	cyc.Conjugate(&vals[1])
	var inv bn254.E12
	inv.Inverse(&vals[1])
	cyc.Mul(&cyc, &inv)
	inv.FrobeniusSquare(&cyc)
	cyc.Mul(&cyc, &inv)
	var x, y, xc Fp12
	x.FromGnark(&vals[1])
	y.FromGnark(&vals[2])
	xc.FromGnark(&cyc)
	gx, gy := vals[1], vals[2]
	b.Run("fp12-mul/ours", func(b *testing.B) {
		for b.Loop() {
			x.Mul(&x, &y)
		}
	})
	b.Run("fp12-mul/gnark", func(b *testing.B) {
		for b.Loop() {
			gx.Mul(&gx, &gy)
		}
	})
	b.Run("fp12-square/ours", func(b *testing.B) {
		for b.Loop() {
			x.Square(&x)
		}
	})
	b.Run("fp12-square/gnark", func(b *testing.B) {
		for b.Loop() {
			gx.Square(&gx)
		}
	})
	b.Run("cyclo-square/ours", func(b *testing.B) {
		for b.Loop() {
			xc.CyclotomicSquare(&xc)
		}
	})
	b.Run("cyclo-square/gnark", func(b *testing.B) {
		for b.Loop() {
			cyc.CyclotomicSquare(&cyc)
		}
	})
	b.Run("mulby034/ours", func(b *testing.B) {
		for b.Loop() {
			x.MulBy034(&y.C0.B0, &y.C1.B0, &y.C1.B1)
		}
	})
	b.Run("mulby034/gnark", func(b *testing.B) {
		for b.Loop() {
			gx.MulBy034(&gy.C0.B0, &gy.C1.B0, &gy.C1.B1)
		}
	})
	five := [5]Fp2{y.C0.B0, y.C0.B1, y.C0.B2, y.C1.B0, y.C1.B1}
	gfive := [5]bn254.E2{gy.C0.B0, gy.C0.B1, gy.C0.B2, gy.C1.B0, gy.C1.B1}
	b.Run("mulby01234/ours", func(b *testing.B) {
		for b.Loop() {
			x.MulBy01234(&five)
		}
	})
	b.Run("mulby01234/gnark", func(b *testing.B) {
		for b.Loop() {
			gx.MulBy01234(&gfive)
		}
	})
	b.Run("expt/ours", func(b *testing.B) {
		for b.Loop() {
			xc.Expt(&xc)
		}
	})
	b.Run("expt/gnark", func(b *testing.B) {
		for b.Loop() {
			cyc.Expt(&cyc)
		}
	})
	b.Run("fp2-add/ours", func(b *testing.B) {
		for b.Loop() {
			for range 1000 {
				x.C0.B0.Add(&x.C0.B0, &y.C0.B0)
			}
		}
	})
	b.Run("fp2-add/gnark", func(b *testing.B) {
		for b.Loop() {
			for range 1000 {
				gx.C0.B0.Add(&gx.C0.B0, &gy.C0.B0)
			}
		}
	})
	b.Run("fp2-square/ours", func(b *testing.B) {
		for b.Loop() {
			for range 1000 {
				x.C0.B0.Square(&x.C0.B0)
			}
		}
	})
	b.Run("fp2-square/gnark", func(b *testing.B) {
		for b.Loop() {
			for range 1000 {
				gx.C0.B0.Square(&gx.C0.B0)
			}
		}
	})
}
