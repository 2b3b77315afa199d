package groth16v

import (
	"reflect"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/leash-wallet/leash/circuits/groth16v/internal/bn"
)

func TestValidProofs(t *testing.T) {
	f := getFixture(t)
	for _, c := range f.cases {
		t.Run(c.name, func(t *testing.T) {
			if err := groth16bn254.Verify(c.gnark, f.keys.VK, c.public); err != nil {
				t.Fatalf("gnark rejects a valid proof: %v", err)
			}
			for i, v := range f.verifiers {
				if err := v.Verify(c.proof, c.public); err != nil {
					t.Fatalf("%s: Verify: %v", backends[i], err)
				}
				if err := v.VerifyBytes(c.bytes, c.public); err != nil {
					t.Fatalf("%s: VerifyBytes: %v", backends[i], err)
				}
				// The verifier is reusable: the Miller loop must not have
				// eaten its precomputed lines.
				for range 3 {
					if err := v.VerifyBytes(c.bytes, c.public); err != nil {
						t.Fatalf("%s: VerifyBytes (again): %v", backends[i], err)
					}
				}
			}
		})
	}
}

// The fused loop of each backend must agree with gnark-crypto's
// MillerLoopFixedQ after the final exponentiation, for the proof's own
// points and for unrelated ones, and leave the precomputed tables intact.
func TestFusedMillerLoopMatchesGnark(t *testing.T) {
	f := getFixture(t)
	_, _, g1, g2 := bn254.Generators()
	var nd, ng bn254.G2Affine
	nd.Neg(&f.keys.VK.G2.Delta)
	ng.Neg(&f.keys.VK.G2.Gamma)
	negDelta, negGamma := bn254.PrecomputeLines(nd), bn254.PrecomputeLines(ng)
	for bi, v := range f.verifiers {
		name := backends[bi].String()
		for _, c := range f.cases {
			var s1, s2 bn254.G1Affine
			s1.Double(&c.proof.Ar)
			s2.Add(&g1, &c.proof.Krs)
			for _, s := range []*bn254.G1Affine{&s1, &s2, {}} { // {} is infinity
				gotFE := fusedPairing(v, &c.proof.Ar, &c.proof.Bs, &c.proof.Krs, s)
				ls := []lines{bn254.PrecomputeLines(c.proof.Bs), negDelta, negGamma}
				want, err := bn254.MillerLoopFixedQ([]bn254.G1Affine{c.proof.Ar, c.proof.Krs, *s}, ls)
				if err != nil {
					t.Fatal(err)
				}
				wantFE := bn254.FinalExponentiation(&want)
				if !gotFE.Equal(&wantFE) {
					t.Fatalf("%s: %s: fused Miller loop disagrees with MillerLoopFixedQ", name, c.name)
				}
			}
			// A different G2 point too (the generator).
			gotFE := fusedPairing(v, &c.proof.Ar, &g2, &c.proof.Krs, &s1)
			want, err := bn254.MillerLoopFixedQ([]bn254.G1Affine{c.proof.Ar, c.proof.Krs, s1},
				[]lines{bn254.PrecomputeLines(g2), negDelta, negGamma})
			if err != nil {
				t.Fatal(err)
			}
			wantFE := bn254.FinalExponentiation(&want)
			if !gotFE.Equal(&wantFE) {
				t.Fatalf("%s: %s: fused Miller loop disagrees for B = generator", name, c.name)
			}
		}
		// And the precomputed tables are untouched.
		switch p := v.pairing.(type) {
		case *gnarkPairing:
			if p.negDelta != negDelta || p.negGamma != negGamma {
				t.Fatal("gnark: a fixed line table was modified")
			}
		case *bnPairing:
			if *bn.LinesFromGnark(&negDelta) != *p.negDelta || *bn.LinesFromGnark(&negGamma) != *p.negGamma {
				t.Fatal("bn: a fixed line table was modified")
			}
		}
	}
}

// The comb tables and MSM agree with gnark's MultiExp, for both ways of
// building the tables, on edge scalars, for repeated bases (which exercise
// P + P and P − P inside the MSM) and for a base at infinity.
func TestCombMSM(t *testing.T) {
	f := getFixture(t)
	_, _, g1, _ := bn254.Generators()
	bases := append([]bn254.G1Affine{}, f.keys.VK.G1.K[1:]...)
	bases = append(bases, bases[0], bases[1], bn254.G1Affine{}, g1)
	var rm1, two63, big1, zero fr.Element
	rm1.SetOne()
	rm1.Neg(&rm1)
	two63.SetUint64(1 << 63)
	big1.SetString("12345678901234567890123456789012345678901234567890")
	vectors := [][]fr.Element{}
	for _, x := range []fr.Element{zero, rm1, two63, big1} {
		v := make([]fr.Element, len(bases))
		for i := range v {
			v[i] = x
		}
		vectors = append(vectors, v)
	}
	for range 5 {
		v := make([]fr.Element, len(bases))
		for i := range v {
			v[i].MustSetRandom()
		}
		vectors = append(vectors, v)
	}
	// s and −s on the same point: the MSM passes through P − P.
	v := make([]fr.Element, len(bases))
	v[0].MustSetRandom()
	v[len(bases)-4].Neg(&v[0])
	vectors = append(vectors, v)
	// Scalars below 2⁶⁴ (backendBN's short tables), alone, mixed with
	// large ones, equal on the repeated base (P + P through the short
	// tables), and s, −s with s short.
	small, mixed, equal, negSmall := make([]fr.Element, len(bases)), make([]fr.Element, len(bases)),
		make([]fr.Element, len(bases)), make([]fr.Element, len(bases))
	for i := range bases {
		small[i].SetUint64(uint64(i+1) * 0x9e3779b97f4a7c15)
		if i%2 == 0 {
			mixed[i].SetUint64(uint64(i) + 1<<63 + 12345)
		} else {
			mixed[i].MustSetRandom()
		}
		equal[i].SetUint64(0xffffffffffffffff)
	}
	negSmall[0].SetUint64(77)
	negSmall[len(bases)-4].Neg(&negSmall[0])
	vectors = append(vectors, small, mixed, equal, negSmall)

	tables := newCombTables(bases)
	bnComb := newBNComb(bases)
	if slow := newBNCombFromGnark(bases); !reflect.DeepEqual(canonicalComb(bnComb), canonicalComb(slow)) {
		t.Fatal("backendBN's comb tables differ between the two builds")
	}
	jac := make([]combTable, len(bases))
	for i := range bases {
		if bases[i].IsInfinity() {
			continue
		}
		var teeth [combTeeth]bn254.G1Affine
		for k := range teeth {
			var acc bn254.G1Jac
			acc.FromAffine(&bases[i])
			for range k * combSpacing {
				acc.DoubleAssign()
			}
			teeth[k].FromJacobian(&acc)
		}
		fillJacobian(&jac[i], teeth[:])
		if jac[i] != tables[i] {
			t.Fatalf("base %d: affine and Jacobian table builds differ", i)
		}
	}
	for n, x := range vectors {
		var want bn254.G1Jac
		if _, err := want.MultiExp(bases, x, ecc.MultiExpConfig{}); err != nil {
			t.Fatal(err)
		}
		got := combMSM(tables, x)
		if !got.Equal(&want) {
			t.Fatalf("vector %d: comb MSM disagrees with MultiExp", n)
		}
		gotBN := bnComb.msm(x)
		var wantAff bn254.G1Affine
		wantAff.FromJacobian(&want)
		if g := bnJacToAffine(&gotBN); !g.Equal(&wantAff) {
			t.Fatalf("vector %d: backendBN's comb MSM disagrees with MultiExp", n)
		}
	}
}

// canonicalComb lists every table entry as gnark's affine point.
func canonicalComb(c *bnComb) [][]bn254.G1Affine {
	var out [][]bn254.G1Affine
	for _, set := range [][]*[combSize]bn.G1Packed{c.long, c.short} {
		for _, t := range set {
			var row []bn254.G1Affine
			if t != nil {
				for m := 1; m < combSize; m++ {
					var j bn.G1Jac
					j.SetInfinity()
					j.AddMixedPacked(&t[m])
					row = append(row, bnJacToAffine(&j))
				}
			}
			out = append(out, row)
		}
	}
	return out
}

// bnJacToAffine converts a package-bn Jacobian point to gnark's affine.
func bnJacToAffine(s *bn.G1Jac) bn254.G1Affine {
	if s.IsInfinity() {
		return bn254.G1Affine{}
	}
	var zi, z2, x, y bn.Fp
	zi.Inverse(&s.Z)
	z2.Square(&zi)
	x.Mul(&s.X, &z2)
	z2.Mul(&z2, &zi)
	y.Mul(&s.Y, &z2)
	return bn254.G1Affine{X: x.Gnark(), Y: y.Gnark()}
}

// fusedPairing is the backend's fused Miller loop and final
// exponentiation, as gnark-crypto's GT.
func fusedPairing(v *Verifier, a *bn254.G1Affine, b *bn254.G2Affine, c, s *bn254.G1Affine) bn254.GT {
	switch p := v.pairing.(type) {
	case *bnPairing:
		ml := p.fusedMillerLoop(a, b, c, s)
		var fe bn.Fp12
		fe.FinalExponentiation(&ml)
		return fe.Gnark()
	case *gnarkPairing:
		ml := p.fusedMillerLoop(a, b, c, s, nil)
		return bn254.FinalExponentiation(&ml)
	}
	panic("unknown pairing backend")
}
