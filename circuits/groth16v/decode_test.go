package groth16v

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/big"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/leash-wallet/leash/circuits/groth16v/testcircuit"
	"github.com/leash-wallet/leash/wire"
)

func TestDecodeProofMatchesGnark(t *testing.T) {
	f := getFixture(t)
	for _, c := range f.cases {
		if len(c.bytes) != ProofSize {
			t.Fatalf("%s: gnark wrote %d bytes, ProofSize is %d", c.name, len(c.bytes), ProofSize)
		}
		got, err := DecodeProof(c.bytes)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		want, err := decodeWithGnark(c.bytes)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Ar.Equal(&want.Ar) || !got.Bs.Equal(&want.Bs) || !got.Krs.Equal(&want.Krs) || len(want.Commitments) != 0 {
			t.Fatalf("%s: DecodeProof and gnark's ReadFrom disagree", c.name)
		}
		if !bytes.Equal(got.Bytes(), c.bytes) {
			t.Fatalf("%s: Proof.Bytes differs from gnark's WriteTo", c.name)
		}
	}
}

// malformedProofs are encodings DecodeProof must refuse, by name.
func malformedProofs(t *testing.T, valid []byte, proof *groth16bn254.Proof) map[string][]byte {
	t.Helper()
	_, _, g1, _ := bn254.Generators()
	m := map[string][]byte{
		"empty":     {},
		"truncated": valid[:ProofSize-1],
		"trailing":  append(slices.Clone(valid), 0),
		"double":    append(slices.Clone(valid), valid...),
	}
	var raw bytes.Buffer
	if _, err := proof.WriteRawTo(&raw); err != nil {
		t.Fatal(err)
	}
	m["uncompressed"] = raw.Bytes()

	set := func(name string, mut func(b []byte)) {
		b := slices.Clone(valid)
		mut(b)
		m[name] = b
	}
	// X = p with the compressed flag: not canonical.
	pBytes := fp.Modulus().FillBytes(make([]byte, fp.Bytes))
	set("A x=p", func(b []byte) { copy(b, pBytes); b[0] |= flagSmallest })
	set("C x=p", func(b []byte) { copy(b[96:], pBytes); b[96] |= flagLargest })
	set("B x1=p", func(b []byte) { copy(b[32:], pBytes); b[32] |= flagSmallest })
	set("A infinity", func(b []byte) { clear(b[:32]); b[0] = flagInfinity })
	set("B infinity", func(b []byte) { clear(b[32:96]); b[32] = flagInfinity })
	set("C infinity", func(b []byte) { clear(b[96:128]); b[96] = flagInfinity })
	set("A uncompressed flag", func(b []byte) { b[0] &^= flagMask })
	set("B uncompressed flag", func(b []byte) { b[32] &^= flagMask })
	set("commitment count 1", func(b []byte) { binary.BigEndian.PutUint32(b[128:], 1) })
	set("commitment count max", func(b []byte) { binary.BigEndian.PutUint32(b[128:], 0xffffffff) })
	set("pok not infinity", func(b []byte) { g := g1.Bytes(); copy(b[132:], g[:]) })
	set("pok infinity with garbage", func(b []byte) { b[163] = 1 })
	// An X with no point above it (x³ + 3 not a square).
	for x := uint64(1); ; x++ {
		var e, y2 fp.Element
		e.SetUint64(x)
		y2.Square(&e).Mul(&y2, &e).Add(&y2, new(fp.Element).SetUint64(3))
		if y2.Legendre() == -1 {
			set("A not on curve", func(b []byte) {
				xb := e.Bytes()
				copy(b, xb[:])
				b[0] |= flagSmallest
			})
			break
		}
	}
	// B on the twist but outside G2.
	off := offSubgroupG2(t)
	offBytes := off.Bytes()
	set("B outside G2", func(b []byte) { copy(b[32:96], offBytes[:]) })
	// A well-formed proof that carries a BSB22 commitment.
	withC := *proof
	withC.Commitments = []bn254.G1Affine{g1}
	withC.CommitmentPok = g1
	var wc bytes.Buffer
	if _, err := withC.WriteTo(&wc); err != nil {
		t.Fatal(err)
	}
	m["with commitment"] = wc.Bytes()
	return m
}

func TestDecodeProofMalformed(t *testing.T) {
	f := getFixture(t)
	c := f.cases[0]
	for name, b := range malformedProofs(t, c.bytes, c.gnark) {
		if _, err := DecodeProof(b); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("%s: got %v, want malformed", name, err)
		}
		for i, be := range backends {
			if _, err := decodeProof(b, be); !errors.Is(err, wire.ErrMalformed) {
				t.Errorf("%s: decodeProof(%s): got %v, want malformed", name, be, err)
			}
			if err := f.verifiers[i].VerifyBytes(b, c.public); !errors.Is(err, wire.ErrMalformed) {
				t.Errorf("%s: VerifyBytes (%s): got %v, want malformed", name, be, err)
			}
		}
	}
}

func TestDecodeVerifyingKey(t *testing.T) {
	f := getFixture(t)
	b, err := testcircuit.VKBytes(f.keys.VK)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != VKSize(testcircuit.NbPublic) {
		t.Fatalf("gnark wrote %d bytes, VKSize is %d", len(b), VKSize(testcircuit.NbPublic))
	}
	// Same key as gnark's own ReadFrom, the same bytes again, and usable by
	// gnark's Verify.
	got, err := DecodeVerifyingKey(b, testcircuit.NbPublic)
	if err != nil {
		t.Fatal(err)
	}
	var want groth16bn254.VerifyingKey
	if _, err := want.ReadFrom(bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	if !got.G1.Alpha.Equal(&want.G1.Alpha) || !got.G1.Beta.Equal(&want.G1.Beta) || !got.G1.Delta.Equal(&want.G1.Delta) ||
		!got.G2.Beta.Equal(&want.G2.Beta) || !got.G2.Gamma.Equal(&want.G2.Gamma) || !got.G2.Delta.Equal(&want.G2.Delta) ||
		!slices.EqualFunc(got.G1.K, want.G1.K, func(a, b bn254.G1Affine) bool { return a.Equal(&b) }) {
		t.Fatal("DecodeVerifyingKey and gnark's ReadFrom disagree")
	}
	if !bytes.Equal(got.Bytes(), b) {
		t.Fatal("VerifyingKey.Bytes differs from gnark's WriteTo")
	}
	if err := groth16bn254.Verify(f.cases[1].gnark, toGnarkVK(t, got), f.cases[1].public); err != nil {
		t.Fatalf("gnark's Verify with the decoded key: %v", err)
	}
	v, err := NewVerifierFromBytes(b, testcircuit.NbPublic)
	if err != nil {
		t.Fatal(err)
	}
	if v.NbPublic() != testcircuit.NbPublic {
		t.Fatalf("NbPublic = %d", v.NbPublic())
	}
	c := f.cases[0]
	if err := v.VerifyBytes(c.bytes, c.public); err != nil {
		t.Fatalf("verifier from bytes rejects a valid proof: %v", err)
	}

	bad := map[string][]byte{
		"empty":        {},
		"truncated":    b[:len(b)-1],
		"trailing":     append(slices.Clone(b), 0),
		"header only":  b[:vkHeaderSize],
		"count huge":   withUint32(b, vkHeaderSize, 0xffffffff),
		"count 0":      withUint32(b, vkHeaderSize, 0),
		"count +1":     withUint32(b, vkHeaderSize, testcircuit.NbPublic+2),
		"committed":    withUint32(b, len(b)-8, 1),
		"commitments":  withUint32(b, len(b)-4, 1),
		"alpha not G1": withBytes(b, 0, []byte{flagSmallest}), // x = 0 with flag: x³+3 = 3 is not a square in Fp
		"K raw flag":   withFlag(b, vkHeaderSize+4, 0),
		"beta2 outside G2": func() []byte {
			off := offSubgroupG2(t)
			ob := off.Bytes()
			c := slices.Clone(b)
			copy(c[64:128], ob[:])
			return c
		}(),
	}
	for name, bb := range bad {
		if _, err := DecodeVerifyingKey(bb, testcircuit.NbPublic); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("%s: got %v, want malformed", name, err)
		}
	}
	for _, n := range []int{-1, 0, testcircuit.NbPublic - 1, testcircuit.NbPublic + 1, MaxPublic + 1} {
		if _, err := DecodeVerifyingKey(b, n); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("nbPublic %d: got %v, want malformed", n, err)
		}
	}
}

func withUint32(b []byte, off int, v uint32) []byte {
	c := slices.Clone(b)
	binary.BigEndian.PutUint32(c[off:], v)
	return c
}

func withFlag(b []byte, off int, flag byte) []byte {
	c := slices.Clone(b)
	c[off] = c[off]&^flagMask | flag
	return c
}

func withBytes(b []byte, off int, v []byte) []byte {
	c := slices.Clone(b)
	clear(c[off : off+fp.Bytes])
	copy(c[off:], v)
	return c
}

func TestNewVerifierRejects(t *testing.T) {
	f := getFixture(t)

	mut := func(m func(vk *VerifyingKey)) *VerifyingKey {
		vk := *f.vk
		vk.G1.K = slices.Clone(vk.G1.K)
		m(&vk)
		return &vk
	}
	var offG1 bn254.G1Affine
	offG1.X.SetOne()
	offG1.Y.SetOne()
	// (A key with BSB22 commitments cannot be expressed in VerifyingKey;
	// DecodeVerifyingKey refuses their encoding, see TestDecodeVerifyingKey.)
	cases := map[string]*VerifyingKey{
		"nil":           nil,
		"no K":          mut(func(vk *VerifyingKey) { vk.G1.K = nil }),
		"K off curve":   mut(func(vk *VerifyingKey) { vk.G1.K[3] = offG1 }),
		"alpha inf":     mut(func(vk *VerifyingKey) { vk.G1.Alpha = bn254.G1Affine{} }),
		"alpha off":     mut(func(vk *VerifyingKey) { vk.G1.Alpha = offG1 }),
		"beta inf":      mut(func(vk *VerifyingKey) { vk.G2.Beta = bn254.G2Affine{} }),
		"delta inf":     mut(func(vk *VerifyingKey) { vk.G2.Delta = bn254.G2Affine{} }),
		"gamma outside": mut(func(vk *VerifyingKey) { vk.G2.Gamma = offSubgroupG2(t) }),
		"too many K":    mut(func(vk *VerifyingKey) { vk.G1.K = make([]bn254.G1Affine, MaxPublic+2) }),
	}
	for name, vk := range cases {
		if _, err := NewVerifier(vk); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("%s: got %v, want malformed", name, err)
		}
	}
}

// testdata/proofs holds a committed proof encoding (valid.bin) and encodings
// that must be refused (expfail_*.bin). They decode independently of the
// per-run keys. Regenerate with LEASH_UPDATE_TESTDATA=1.
func TestTestdata(t *testing.T) {
	dir := filepath.Join("testdata", "proofs")
	switch os.Getenv("LEASH_UPDATE_TESTDATA") {
	case "1":
		writeTestdata(t, dir)
	case "hints":
		writeHintTestdata(t, dir)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.bin"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata in %s (%v)", dir, err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		_, err = DecodeProof(b)
		name := filepath.Base(file)
		switch {
		case strings.HasPrefix(name, "expfail_"):
			if !errors.Is(err, wire.ErrMalformed) {
				t.Errorf("%s: got %v, want malformed", name, err)
			}
		default:
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
}

func writeTestdata(t *testing.T, dir string) {
	f := getFixture(t)
	c := f.cases[0]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("valid.bin", c.bytes)
	for name, b := range malformedProofs(t, c.bytes, c.gnark) {
		write("expfail_"+strings.NewReplacer(" ", "_", "=", "_").Replace(name)+".bin", b)
	}
	writeHintTestdata(t, dir)
}

// writeHintTestdata writes a hinted valid proof and the malformed hints
// (LEASH_UPDATE_TESTDATA=hints writes only these), and the fuzz seeds.
func writeHintTestdata(t *testing.T, dir string) {
	f := getFixture(t)
	c := f.cases[0]
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h := hinted(t, f, c)
	write("valid_hinted.bin", h)
	names := strings.NewReplacer(" ", "_", "=", "_", "[", "", "]", "", "+", "plus")
	for name, b := range malformedHints(h) {
		if strings.HasPrefix(name, "c[") && !strings.HasPrefix(name, "c[0]") && !strings.HasPrefix(name, "c[11]") {
			continue // the first and last coefficients stand for all twelve
		}
		write("expfail_"+names.Replace(name)+".bin", b)
	}
	// Seeds for FuzzDecodeProof in the native corpus format.
	corpus := filepath.Join("testdata", "fuzz", "FuzzDecodeProof")
	if err := os.MkdirAll(corpus, 0o755); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.bin"))
	for _, file := range files {
		b, _ := os.ReadFile(file)
		seed := "go test fuzz v1\n[]byte(" + strconvQuote(b) + ")\n"
		name := strings.TrimSuffix(filepath.Base(file), ".bin")
		if err := os.WriteFile(filepath.Join(corpus, "seed_"+name), []byte(seed), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Both backends' G2 subgroup checks give the same verdicts on proofs whose
// B is a point of G2, a random twist point, or a G2 point plus a point of
// the cofactor part.
func TestDecodeProofBackendsAgree(t *testing.T) {
	f := getFixture(t)
	c := f.cases[0]
	_, _, _, g2 := bn254.Generators()
	off := offSubgroupG2(t)
	var offJ, rOff bn254.G2Jac
	offJ.FromAffine(&off)
	rOff.ScalarMultiplication(&offJ, fr.Modulus()) // in the cofactor part, not ∞
	var rOffA bn254.G2Affine
	rOffA.FromJacobian(&rOff)
	in, out := 0, 0
	for i := int64(1); i <= 24; i++ {
		var b bn254.G2Affine
		switch i % 3 {
		case 0:
			b.ScalarMultiplication(&g2, big.NewInt(i*7919))
		case 1:
			var u bn254.E2
			u.A0.SetInt64(i)
			u.A1.SetInt64(3 * i)
			b = bn254.MapToCurve2(&u)
		default:
			b.ScalarMultiplication(&g2, big.NewInt(i))
			b.Add(&b, &rOffA)
		}
		p := *c.gnark
		p.Bs = b
		buf, err := testcircuit.ProofBytes(&p)
		if err != nil {
			t.Fatal(err)
		}
		q0, e0 := decodeProof(buf, backendGnark)
		q1, e1 := decodeProof(buf, backendBN)
		if wire.CodeOf(e0) != wire.CodeOf(e1) || (e0 == nil && *q0 != *q1) {
			t.Fatalf("B %d: gnark says %v, bn says %v", i, e0, e1)
		}
		if e0 == nil {
			in++
		} else {
			out++
		}
	}
	if in < 8 || out < 8 {
		t.Fatalf("weak test: %d accepted, %d refused", in, out)
	}
}

// The two backends' point decoders agree on random compressed encodings:
// canonical or not, with or without a point above X, either flag.
func TestDecodePointsBackendsAgree(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	roots := [2]int{} // random G2 encodings are (almost) never in G2: both refuse
	for i := range 600 {
		flag := byte(flagSmallest)
		if i%2 == 1 {
			flag = flagLargest
		}
		var b1 [bn254.SizeOfG1AffineCompressed]byte
		var b2 [bn254.SizeOfG2AffineCompressed]byte
		rng.Read(b1[:])
		rng.Read(b2[:])
		b1[0] = b1[0]&^flagMask | flag
		b2[0] = b2[0]&^flagMask | flag
		if i%5 == 0 { // small X: canonical for sure
			b1[0], b1[1] = flag, 0
			b2[0], b2[1], b2[32] = flag, 0, 0
		}
		var p0, p1 bn254.G1Affine
		e0 := setG1(&p0, b1[:], "A", backendGnark)
		e1 := setG1(&p1, b1[:], "A", backendBN)
		if wire.CodeOf(e0) != wire.CodeOf(e1) || (e0 == nil && p0 != p1) {
			t.Fatalf("G1 %x: gnark %v, bn %v", b1, e0, e1)
		}
		var q0, q1 bn254.G2Affine
		f0 := setG2(&q0, b2[:], "B", backendGnark)
		f1 := setG2(&q1, b2[:], "B", backendBN)
		if wire.CodeOf(f0) != wire.CodeOf(f1) || (f0 == nil && q0 != q1) {
			t.Fatalf("G2 %x: gnark %v, bn %v", b2, f0, f1)
		}
		if e0 == nil {
			roots[0]++
		}
		if f0 == nil {
			roots[1]++
		}
	}
	// Valid points of both groups, both flags (re-encoded).
	_, _, g1, g2 := bn254.Generators()
	for i := int64(1); i <= 40; i++ {
		var p bn254.G1Affine
		var q bn254.G2Affine
		p.ScalarMultiplication(&g1, big.NewInt(i*i+3))
		q.ScalarMultiplication(&g2, big.NewInt(i*i+3))
		if i%2 == 0 { // the other root, the other flag
			p.Neg(&p)
			q.Neg(&q)
		}
		pb, qb := p.Bytes(), q.Bytes()
		var p1 bn254.G1Affine
		var q1 bn254.G2Affine
		if err := setG1(&p1, pb[:], "A", backendBN); err != nil || p1 != p {
			t.Fatalf("G1 point %d: %v", i, err)
		}
		if err := setG2(&q1, qb[:], "B", backendBN); err != nil || q1 != q {
			t.Fatalf("G2 point %d: %v", i, err)
		}
	}
	if roots[0] < 100 {
		t.Fatalf("weak test: %d decodable G1 encodings of 600", roots[0])
	}
}
