package groth16v

import (
	"bytes"
	"slices"
	"strconv"
	"testing"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/leash-wallet/leash/circuits/groth16v/testcircuit"
	"github.com/leash-wallet/leash/wire"
)

func strconvQuote(b []byte) string { return strconv.Quote(string(b)) }

// FuzzDecodeProof: DecodeProof never panics, decodes alike with both
// backends' G2 subgroup checks, refuses with wire.Malformed only, and what
// it accepts re-encodes to the same bytes (one encoding per proof and
// hint; the proof part is gnark's encoding) and can be verified without
// panicking, with the same verdict through Verify and VerifyBytes. Seeds:
// testdata/fuzz/FuzzDecodeProof and the fixture's valid proofs, with and
// without their residue hints.
func FuzzDecodeProof(f *testing.F) {
	fx := getFixture(f)
	for _, c := range fx.cases {
		f.Add(c.bytes)
		f.Add(hinted(f, fx, c))
	}
	pub := fx.cases[0].public
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := DecodeProof(b)
		for _, be := range backends { // the two G2 subgroup checks agree
			q, e := decodeProof(b, be)
			if wire.CodeOf(e) != wire.CodeOf(err) || (err == nil && !bytes.Equal(q.Bytes(), p.Bytes())) {
				t.Fatalf("decodeProof(%s) says %v, DecodeProof says %v", be, e, err)
			}
		}
		if err != nil {
			if wire.CodeOf(err) != wire.Malformed {
				t.Fatalf("uncoded or miscoded error: %v", err)
			}
			return
		}
		again, err := testcircuit.ProofBytes(toGnarkProof(p)) // gnark's encoder
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		if !bytes.Equal(again, b[:ProofSize]) || !bytes.Equal(p.Bytes(), b) {
			t.Fatalf("accepted a non-canonical encoding")
		}
		if (p.Hint != nil) != (len(b) == ProofSize+HintSize) {
			t.Fatalf("a hint of %d bytes decoded as %v", len(b)-ProofSize, p.Hint)
		}
		var codes []wire.Code
		for _, v := range fx.verifiers {
			e1 := v.Verify(p, pub)
			e2 := v.VerifyBytes(b, pub)
			if wire.CodeOf(e1) != wire.CodeOf(e2) {
				t.Fatalf("Verify says %v, VerifyBytes says %v", e1, e2)
			}
			codes = append(codes, wire.CodeOf(e1))
		}
		if codes[0] != codes[1] {
			t.Fatalf("the backends disagree: %v", codes)
		}
	})
}

// FuzzVerifyingKey: DecodeVerifyingKey never panics, refuses with
// wire.Malformed only, and what it accepts is gnark's encoding of the same
// key (gnark's ReadFrom agrees, and vk.Bytes() gives the input back).
func FuzzVerifyingKey(f *testing.F) {
	fx := getFixture(f)
	b, err := testcircuit.VKBytes(fx.keys.VK)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b, 12)
	f.Add(b[:300], 12)
	f.Fuzz(func(t *testing.T, b []byte, n int) {
		vk, err := DecodeVerifyingKey(b, n)
		if err != nil {
			if wire.CodeOf(err) != wire.Malformed {
				t.Fatalf("uncoded or miscoded error: %v", err)
			}
			return
		}
		if !bytes.Equal(vk.Bytes(), b) {
			t.Fatalf("accepted a non-canonical encoding")
		}
		if _, err := NewVerifier(vk); err != nil {
			if wire.CodeOf(err) != wire.Malformed {
				t.Fatalf("NewVerifier: %v", err)
			}
			return
		}
		// A usable key: gnark reads the same one from the same bytes.
		var g groth16bn254.VerifyingKey
		if _, err := g.ReadFrom(bytes.NewReader(b)); err != nil {
			t.Fatalf("accepted a key gnark refuses: %v", err)
		}
		if !slices.EqualFunc(g.G1.K, vk.G1.K, func(a, b bn254.G1Affine) bool { return a.Equal(&b) }) ||
			!g.G1.Alpha.Equal(&vk.G1.Alpha) || !g.G2.Beta.Equal(&vk.G2.Beta) ||
			!g.G2.Gamma.Equal(&vk.G2.Gamma) || !g.G2.Delta.Equal(&vk.G2.Delta) {
			t.Fatalf("DecodeVerifyingKey and gnark's ReadFrom disagree")
		}
	})
}
