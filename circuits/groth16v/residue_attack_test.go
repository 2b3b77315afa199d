package groth16v

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"testing"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/leash-wallet/leash/wire"
)

// hinted returns case c's proof bytes with its residue hint.
func hinted(t testing.TB, f *fixture, c proofCase) []byte {
	t.Helper()
	b, err := f.verifier.AppendHint(c.bytes, c.public)
	if err != nil {
		t.Fatalf("%s: AppendHint: %v", c.name, err)
	}
	return b
}

// withHint returns proof bytes b (ProofSize, no hint) followed by h.
func withHint(b []byte, h *Hint) []byte {
	return append(slices.Clip(b[:ProofSize]), h.Bytes()...)
}

// verifyEverywhere checks b against public on both backends, through
// VerifyBytes and, when it decodes, Verify, and wants the error want (nil:
// accepted) from each.
func verifyEverywhere(t *testing.T, f *fixture, b []byte, public []fr.Element, want *wire.Error) {
	t.Helper()
	ok := func(err error) bool {
		if want == nil {
			return err == nil
		}
		return errors.Is(err, want)
	}
	for i, v := range f.verifiers {
		if err := v.VerifyBytes(b, public); !ok(err) {
			t.Fatalf("%s: VerifyBytes: got %v, want %v", backends[i], err, want)
		}
		p, err := decodeProof(b, backends[i])
		if err != nil {
			continue
		}
		if err := v.Verify(p, public); !ok(err) {
			t.Fatalf("%s: Verify: got %v, want %v", backends[i], err, want)
		}
	}
}

// A valid proof with its hint verifies on both backends; without it, as
// before.
func TestHintedProofs(t *testing.T) {
	f := getFixture(t)
	for _, c := range f.cases {
		b := hinted(t, f, c)
		if len(b) != ProofSize+HintSize {
			t.Fatalf("%s: %d bytes", c.name, len(b))
		}
		verifyEverywhere(t, f, b, c.public, nil)
		verifyEverywhere(t, f, c.bytes, c.public, nil)
		p, err := DecodeProof(b)
		if err != nil {
			t.Fatal(err)
		}
		if p.Hint == nil || string(p.Bytes()) != string(b) {
			t.Fatalf("%s: the hinted encoding does not round-trip", c.name)
		}
	}
}

// A well-formed hint that is wrong refuses the proof (proof_invalid), on
// both backends, and is never rescued by the full check (the proof itself
// is valid in every case here but the last two).
func TestWrongHintRefused(t *testing.T) {
	f := getFixture(t)
	c, other := f.cases[0], f.cases[1]
	good, err := f.verifier.Hint(c.proof, c.public)
	if err != nil {
		t.Fatal(err)
	}
	otherHint, err := f.verifier.Hint(other.proof, other.public)
	if err != nil {
		t.Fatal(err)
	}
	inv := wire.ErrProofInvalid
	// c·ζ for ζ a primitive cube root of unity: ζ^λ = 1 (3 | λ), so a
	// hint with c·ζ is another valid hint; with c·ω it is not.
	zeta := rootsOfUnity()[9] // ω⁹ has order 3
	cases := []struct {
		name string
		h    func() Hint
		want *wire.Error
	}{
		{"c+1", func() Hint { h := *good; var one bn254.E12; one.SetOne(); h.C.Add(&h.C, &one); return h }, inv},
		{"c·2", func() Hint { h := *good; h.C.Double(&h.C); return h }, inv},
		{"c·ω", func() Hint { h := *good; h.C.Mul(&h.C, &rootsOfUnity()[1]); return h }, inv},
		{"c⁻¹", func() Hint { h := *good; h.C.Inverse(&h.C); return h }, inv},
		{"c conjugate", func() Hint { h := *good; h.C.Conjugate(&h.C); return h }, inv},
		{"c = 1", func() Hint { h := *good; h.C.SetOne(); return h }, inv},
		{"c·ζ (another valid hint)", func() Hint { h := *good; h.C.Mul(&h.C, &zeta); return h }, nil},
		{"another proof's hint", func() Hint { return *otherHint }, inv},
	}
	for r := range rootsOfUnity() {
		if r == int(good.Root) {
			continue
		}
		cases = append(cases, struct {
			name string
			h    func() Hint
			want *wire.Error
		}{fmt.Sprintf("root %d", r), func() Hint { h := *good; h.Root = uint8(r); return h }, inv})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.h()
			verifyEverywhere(t, f, withHint(c.bytes, &h), c.public, tc.want)
		})
	}
	// A hint made for a valid proof, appended to a forgery: every tampered
	// proof and input of tamper_test.go that still encodes.
	for _, tc := range tampers(t, c) {
		if tc.code != inv || tc.noWire || len(tc.public) != len(c.public) {
			continue
		}
		t.Run("valid hint on "+tc.name, func(t *testing.T) {
			op, err := fromGnarkProof(&tc.proof)
			if err != nil {
				t.Fatal(err)
			}
			verifyEverywhere(t, f, withHint(op.Bytes(), good), tc.public, inv)
			// and the forgery's own best effort: no hint exists.
			if _, err := f.verifier.Hint(op, tc.public); !errors.Is(err, inv) {
				t.Fatalf("Hint of a forgery: got %v, want proof_invalid", err)
			}
		})
	}
}

// malformedHints are hinted proof bytes that DecodeProof must refuse as
// wire.Malformed, by name.
func malformedHints(valid []byte) map[string][]byte {
	out := map[string][]byte{}
	mod := func(f func(b []byte) []byte) []byte { return f(slices.Clone(valid)) }
	out["hint truncated by 1"] = valid[:len(valid)-1]
	out["hint half"] = valid[:ProofSize+HintSize/2]
	out["proof + 1 byte"] = valid[:ProofSize+1]
	out["proof + 2 bytes"] = valid[:ProofSize+2]
	out["hint + 1 byte"] = append(slices.Clone(valid), 0)
	out["two hints"] = append(slices.Clone(valid), valid[ProofSize:]...)
	out["version 0"] = mod(func(b []byte) []byte { b[ProofSize] = 0; return b })
	out["version 2"] = mod(func(b []byte) []byte { b[ProofSize] = 2; return b })
	out["root 27"] = mod(func(b []byte) []byte { b[ProofSize+1] = 27; return b })
	out["root 255"] = mod(func(b []byte) []byte { b[ProofSize+1] = 255; return b })
	out["c zero"] = mod(func(b []byte) []byte { clear(b[ProofSize+2:]); return b })
	pBytes := fp.Modulus().FillBytes(make([]byte, fp.Bytes))
	for i := range 12 {
		off := ProofSize + 2 + i*fp.Bytes
		out[fmt.Sprintf("c[%d] = p", i)] = mod(func(b []byte) []byte { copy(b[off:], pBytes); return b })
		out[fmt.Sprintf("c[%d] + p", i)] = mod(func(b []byte) []byte { // the same value, not canonical (x + p < 2²⁵⁵)
			v := new(big.Int).SetBytes(b[off : off+fp.Bytes])
			v.Add(v, fp.Modulus()).FillBytes(b[off : off+fp.Bytes])
			return b
		})
		out[fmt.Sprintf("c[%d] all ones", i)] = mod(func(b []byte) []byte {
			for j := off; j < off+fp.Bytes; j++ {
				b[j] = 0xff
			}
			return b
		})
	}
	return out
}

func TestDecodeHintMalformed(t *testing.T) {
	f := getFixture(t)
	c := f.cases[0]
	for name, b := range malformedHints(hinted(t, f, c)) {
		t.Run(name, func(t *testing.T) {
			for _, be := range backends {
				if _, err := decodeProof(b, be); !errors.Is(err, wire.ErrMalformed) {
					t.Fatalf("%s: got %v, want malformed", be, err)
				}
			}
			verifyEverywhere(t, f, b, c.public, wire.ErrMalformed)
		})
	}
}

// Verify takes a Proof from any source: a hint with an index out of the
// table, c = 0 or c not reduced is wire.Malformed, never a panic.
func TestVerifyHintFromAnySource(t *testing.T) {
	f := getFixture(t)
	c := f.cases[0]
	good, err := f.verifier.Hint(c.proof, c.public)
	if err != nil {
		t.Fatal(err)
	}
	unreduced := good.C
	unreduced.C1.B2.A1 = fp.Element{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}
	for name, h := range map[string]Hint{
		"root 27":     {C: good.C, Root: 27},
		"root 255":    {C: good.C, Root: 255},
		"c zero":      {Root: good.Root},
		"c unreduced": {C: unreduced, Root: good.Root},
	} {
		t.Run(name, func(t *testing.T) {
			for i, v := range f.verifiers {
				p := *c.proof
				p.Hint = &h
				if err := v.Verify(&p, c.public); !errors.Is(err, wire.ErrMalformed) {
					t.Fatalf("%s: got %v, want malformed", backends[i], err)
				}
			}
		})
	}
}
