package groth16v

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/leash-wallet/leash/circuits/groth16v/testcircuit"
	"github.com/leash-wallet/leash/wire"
)

// offSubgroupG2 returns a point on the twist E'(Fp²) that is not in G2 (the
// twist's cofactor is large, so a random point is almost never in G2).
func offSubgroupG2(t *testing.T) bn254.G2Affine {
	t.Helper()
	_, _, _, g2 := bn254.Generators()
	var b, x3 bn254.E2 // b' = y² − x³ of the generator
	b.Square(&g2.Y)
	x3.Square(&g2.X).Mul(&x3, &g2.X)
	b.Sub(&b, &x3)
	for i := uint64(1); ; i++ {
		var p bn254.G2Affine
		p.X.A0.SetUint64(i)
		p.X.A1.SetUint64(7)
		var y2 bn254.E2
		y2.Square(&p.X).Mul(&y2, &p.X).Add(&y2, &b)
		if y2.Legendre() != 1 {
			continue
		}
		p.Y.Sqrt(&y2)
		if !p.IsOnCurve() {
			t.Fatal("constructed point is off the twist")
		}
		if !p.IsInSubGroup() {
			return p
		}
	}
}

type tamper struct {
	name   string
	proof  groth16bn254.Proof
	public []fr.Element
	code   *wire.Error // expected code of groth16v
	noWire bool        // the compressed encoding cannot carry this change
}

func tampers(t *testing.T, c proofCase) []tamper {
	_, _, g1, g2 := bn254.Generators()
	var out []tamper
	add := func(name string, code *wire.Error, mp func(*groth16bn254.Proof), mx func([]fr.Element) []fr.Element) {
		p := *c.gnark
		if mp != nil {
			mp(&p)
		}
		x := slices.Clone(c.public)
		if mx != nil {
			x = mx(x)
		}
		// Only X travels in the compressed encoding: a changed Y decodes
		// back to a point on the curve.
		noWire := name == "A off curve" || name == "B off curve"
		out = append(out, tamper{name, p, x, code, noWire})
	}
	inv, mal := wire.ErrProofInvalid, wire.ErrMalformed

	add("A+G", inv, func(p *groth16bn254.Proof) { p.Ar.Add(&p.Ar, &g1) }, nil)
	add("2A", inv, func(p *groth16bn254.Proof) { p.Ar.Double(&p.Ar) }, nil)
	add("-A", inv, func(p *groth16bn254.Proof) { p.Ar.Neg(&p.Ar) }, nil)
	add("B+G2", inv, func(p *groth16bn254.Proof) { p.Bs.Add(&p.Bs, &g2) }, nil)
	add("-B", inv, func(p *groth16bn254.Proof) { p.Bs.Neg(&p.Bs) }, nil)
	add("C+G", inv, func(p *groth16bn254.Proof) { p.Krs.Add(&p.Krs, &g1) }, nil)
	add("-C", inv, func(p *groth16bn254.Proof) { p.Krs.Neg(&p.Krs) }, nil)
	add("A<->C", inv, func(p *groth16bn254.Proof) { p.Ar, p.Krs = p.Krs, p.Ar }, nil)
	add("A=G", inv, func(p *groth16bn254.Proof) { p.Ar = g1 }, nil)
	add("B=G2", inv, func(p *groth16bn254.Proof) { p.Bs = g2 }, nil)
	add("A off curve", mal, func(p *groth16bn254.Proof) { p.Ar.Y.Add(&p.Ar.Y, new(fpOne).v()) }, nil)
	add("C off curve", mal, func(p *groth16bn254.Proof) { p.Krs.X.Add(&p.Krs.X, new(fpOne).v()) }, nil)
	add("B off curve", mal, func(p *groth16bn254.Proof) { p.Bs.Y.A0.Add(&p.Bs.Y.A0, new(fpOne).v()) }, nil)
	off := offSubgroupG2(t)
	add("B outside G2", mal, func(p *groth16bn254.Proof) { p.Bs = off }, nil)
	add("A infinity", mal, func(p *groth16bn254.Proof) { p.Ar = bn254.G1Affine{} }, nil)
	add("B infinity", mal, func(p *groth16bn254.Proof) { p.Bs = bn254.G2Affine{} }, nil)
	add("C infinity", mal, func(p *groth16bn254.Proof) { p.Krs = bn254.G1Affine{} }, nil)
	add("commitment", mal, func(p *groth16bn254.Proof) { p.Commitments = []bn254.G1Affine{g1} }, nil)
	add("too few inputs", mal, nil, func(x []fr.Element) []fr.Element { return x[:len(x)-1] })
	add("too many inputs", mal, nil, func(x []fr.Element) []fr.Element { return append(x, fr.Element{}) })
	add("no inputs", mal, nil, func(x []fr.Element) []fr.Element { return nil })
	for i := range c.public {
		add(fmt.Sprintf("x%d+1", i), inv, nil, func(x []fr.Element) []fr.Element {
			x[i].Add(&x[i], new(fr.Element).SetOne())
			return x
		})
		add(fmt.Sprintf("x%d=r-1", i), inv, nil, func(x []fr.Element) []fr.Element {
			if x[i].IsZero() {
				x[i].SetOne()
			} else {
				x[i].SetZero()
			}
			x[i].Neg(&x[i])
			return x
		})
		if j := (i + 1) % len(c.public); !c.public[i].Equal(&c.public[j]) {
			add(fmt.Sprintf("swap x%d,x%d", i, j), inv, nil, func(x []fr.Element) []fr.Element {
				x[i], x[j] = x[j], x[i]
				return x
			})
		}
	}
	return out
}

type fpOne struct{ bn254.G1Affine }

func (o *fpOne) v() *fp.Element { o.X.SetOne(); return &o.X }

// Every tampered proof or input is rejected by gnark's own Verify and by
// groth16v, with the documented code.
func TestTamperedAgreesWithGnark(t *testing.T) {
	f := getFixture(t)
	for _, c := range f.cases[:3] {
		for _, tc := range tampers(t, c) {
			t.Run(c.name+"/"+tc.name, func(t *testing.T) {
				p := tc.proof
				gerr := groth16bn254.Verify(&p, f.keys.VK, tc.public)
				if gerr == nil {
					t.Fatalf("gnark accepts the tampered proof")
				}
				// Our type cannot carry commitments: the conversion
				// refuses them as DecodeProof does.
				for i, v := range f.verifiers {
					op, err := fromGnarkProof(&p)
					if err == nil {
						err = v.Verify(op, tc.public)
					}
					if !errors.Is(err, tc.code) {
						t.Fatalf("%s: Verify: got %v, want code %s (gnark says %v)", backends[i], err, tc.code.Code, gerr)
					}
					// The same through the wire encoding, where it exists.
					if len(p.Commitments) == 0 && !tc.noWire {
						if b, err := testcircuit.ProofBytes(&p); err == nil {
							if err := v.VerifyBytes(b, tc.public); err == nil {
								t.Fatalf("%s: VerifyBytes accepts the tampered proof", backends[i])
							} else if wire.CodeOf(err) != wire.Malformed && wire.CodeOf(err) != wire.ProofInvalid {
								t.Fatalf("%s: VerifyBytes: uncoded error %v", backends[i], err)
							}
						}
					}
				}
			})
		}
	}
}

// A proof made for another key (another setup of the same circuit) fails
// under this key, and the other key's verifier accepts only its own.
func TestWrongKey(t *testing.T) {
	f := getFixture(t)
	for bi, be := range backends {
		testWrongKey(t, f, be, f.verifiers[bi])
	}
}

func testWrongKey(t *testing.T, f *fixture, be backend, verifier *Verifier) {
	other, err := newVerifierBackend(fromGnarkVK(f.other.VK), true, be)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range f.cases[:2] {
		if err := other.VerifyBytes(c.bytes, c.public); !errors.Is(err, wire.ErrProofInvalid) {
			t.Fatalf("%s: other key: got %v, want proof_invalid", c.name, err)
		}
		if err := groth16bn254.Verify(c.gnark, f.other.VK, c.public); err == nil {
			t.Fatalf("%s: gnark accepts a proof under the wrong key", c.name)
		}
		gp, err := f.other.Prove(c.public)
		if err != nil {
			t.Fatal(err)
		}
		p, err := fromGnarkProof(gp)
		if err != nil {
			t.Fatal(err)
		}
		if err := other.Verify(p, c.public); err != nil {
			t.Fatalf("%s: other key rejects its own proof: %v", c.name, err)
		}
		if err := verifier.Verify(p, c.public); !errors.Is(err, wire.ErrProofInvalid) {
			t.Fatalf("%s: %s: got %v for the other key's proof, want proof_invalid", be, c.name, err)
		}
	}
}

// Every single-bit flip of a valid proof's bytes is rejected with a coded
// error. gnark (ReadFrom + Verify) rejects every flip in A, B, C and the
// commitment count too; it ignores the commitment proof-of-knowledge slot
// when the key has no commitments, where groth16v insists on the encoded
// infinity. gnark's ReadFrom is not run on a flipped commitment count: it
// allocates as many points as the count says before reading them (a flip of
// the top bit asks for 2³¹ points and exhausts memory), which is one reason
// DecodeProof checks the exact length first.
func TestBitFlips(t *testing.T) {
	f := getFixture(t)
	c := f.cases[0]
	const pokStart = ProofSize - bn254.SizeOfG1AffineCompressed
	const countStart = pokStart - 4
	for i := range c.bytes {
		for bit := range 8 {
			b := slices.Clone(c.bytes)
			b[i] ^= 1 << bit
			for bi, v := range f.verifiers {
				err := v.VerifyBytes(b, c.public)
				if err == nil {
					t.Fatalf("%s: byte %d bit %d: accepted", backends[bi], i, bit)
				}
				if code := wire.CodeOf(err); code != wire.Malformed && code != wire.ProofInvalid {
					t.Fatalf("%s: byte %d bit %d: uncoded error %v", backends[bi], i, bit, err)
				}
			}
			if i >= countStart {
				continue
			}
			if p, gerr := decodeWithGnark(b); gerr == nil {
				if groth16bn254.Verify(p, f.keys.VK, c.public) == nil {
					t.Fatalf("byte %d bit %d: gnark accepts", i, bit)
				}
			}
		}
	}
}
