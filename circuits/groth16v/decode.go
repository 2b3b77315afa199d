package groth16v

import (
	"bytes"
	"encoding/binary"
	"errors"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"

	"github.com/leash-wallet/leash/circuits/groth16v/internal/bn"
	"github.com/leash-wallet/leash/wire"
)

// ProofSize is the length of gnark's compressed encoding (proof.WriteTo) of
// a BN254 Groth16 proof without BSB22 commitments:
//
//	A (G1, 32) | B (G2, 64) | C (G1, 32) | uint32 0 (no commitments) | PoK (G1 infinity, 32)
const ProofSize = bn254.SizeOfG1AffineCompressed*3 + bn254.SizeOfG2AffineCompressed + 4

// The two top bits of a compressed point's first byte (gnark-crypto's
// encoding, shared with zcash's BLS12-381 format).
const (
	flagMask     = 0b11 << 6
	flagSmallest = 0b10 << 6
	flagLargest  = 0b11 << 6
	flagInfinity = 0b01 << 6
)

// DecodeProof decodes gnark's compressed proof bytes strictly: exactly
// ProofSize bytes, every point compressed, canonical, on the curve, in its
// prime-order subgroup (the G2 check included) and not the point at
// infinity, no BSB22 commitment, and a proof-of-knowledge slot that is the
// encoded infinity; or those ProofSize bytes followed by a residue hint of
// exactly HintSize bytes (version 1, a root index below 27, c canonical
// and not zero). Anything else is wire.Malformed.
func DecodeProof(b []byte) (*Proof, error) {
	return decodeProof(b, defaultBackend)
}

// decodeProof is DecodeProof with backend be's point decoding (square
// roots and the G2 subgroup check). The cheap layout checks come first, so
// garbage costs no square root.
func decodeProof(b []byte, be backend) (*Proof, error) {
	var hint *Hint
	switch len(b) {
	case ProofSize:
	case ProofSize + HintSize:
		h, err := decodeHint(b[ProofSize:])
		if err != nil {
			return nil, err
		}
		hint, b = h, b[:ProofSize]
	default:
		return nil, wire.Errorf(wire.Malformed, "proof: %d bytes, want %d (or %d with a residue hint)", len(b), ProofSize, ProofSize+HintSize)
	}
	const (
		offB   = bn254.SizeOfG1AffineCompressed
		offC   = offB + bn254.SizeOfG2AffineCompressed
		offN   = offC + bn254.SizeOfG1AffineCompressed
		offPok = offN + 4
	)
	if n := binary.BigEndian.Uint32(b[offN:offPok]); n != 0 {
		return nil, wire.Errorf(wire.Malformed, "proof: carries %d BSB22 commitments, want none", n)
	}
	var inf [bn254.SizeOfG1AffineCompressed]byte
	inf[0] = flagInfinity
	if !bytes.Equal(b[offPok:], inf[:]) {
		return nil, wire.Errorf(wire.Malformed, "proof: commitment proof of knowledge must be empty")
	}
	for _, pt := range [3]struct {
		first byte
		name  string
	}{{b[0], "A"}, {b[offB], "B"}, {b[offC], "C"}} {
		if err := checkFlag(pt.first, pt.name); err != nil {
			return nil, err
		}
	}
	p := Proof{Hint: hint}
	if err := setG1(&p.Ar, b[:offB], "A", be); err != nil {
		return nil, err
	}
	if err := setG2(&p.Bs, b[offB:offC], "B", be); err != nil {
		return nil, err
	}
	if err := setG1(&p.Krs, b[offC:offN], "C", be); err != nil {
		return nil, err
	}
	return &p, nil
}

func checkFlag(first byte, name string) error {
	switch first & flagMask {
	case flagSmallest, flagLargest:
		return nil
	case flagInfinity:
		return wire.Errorf(wire.Malformed, "proof: %s is the point at infinity", name)
	default:
		return wire.Errorf(wire.Malformed, "proof: %s is not compressed", name)
	}
}

// setG1 decodes a compressed G1 point: X canonical, the curve equation
// has a root (and, trivially for BN254's G1, the subgroup). backendGnark
// uses gnark-crypto's SetBytes; backendBN takes the square root in package
// bn (decompressBN).
func setG1(p *bn254.G1Affine, b []byte, name string, be backend) error {
	if err := checkFlag(b[0], name); err != nil {
		return err
	}
	var n int
	var err error
	if be == backendBN {
		n, err = len(b), decompressG1BN(p, b)
	} else {
		n, err = p.SetBytes(b)
	}
	if err != nil {
		return wire.Errorf(wire.Malformed, "proof: %s: %v", name, err)
	}
	if n != len(b) {
		return wire.Errorf(wire.Malformed, "proof: %s: consumed %d bytes, want %d", name, n, len(b))
	}
	return nil
}

// setG2 decodes a compressed G2 point: X canonical, the twist equation
// has a root, and the point is in the r-torsion subgroup. backendGnark
// lets gnark-crypto's SetBytes do it all; backendBN does the square root
// and the subgroup check (the same criterion) in package bn, twice as fast
// in WebAssembly.
func setG2(p *bn254.G2Affine, b []byte, name string, be backend) error {
	if err := checkFlag(b[0], name); err != nil {
		return err
	}
	var n int
	var err error
	if be == backendBN {
		n, err = len(b), decompressG2BN(p, b)
	} else {
		n, err = p.SetBytes(b)
	}
	if err != nil {
		return wire.Errorf(wire.Malformed, "proof: %s: %v", name, err)
	}
	if n != len(b) {
		return wire.Errorf(wire.Malformed, "proof: %s: consumed %d bytes, want %d", name, n, len(b))
	}
	return nil
}

// errNoRoot is the error for a compressed X with no point above it.
var errNoRoot = errors.New("invalid compressed coordinate: square root doesn't exist")

// decompressG1BN decodes a compressed G1 point (flags already checked to
// be smallest or largest) as gnark-crypto's SetBytes does: X canonical
// (gnark-crypto's SetBytesCanonical), y = √(x³ + 3) or no point, the root
// whose lexicographic order matches the flag. G1 has cofactor 1: the point
// is in the group.
func decompressG1BN(p *bn254.G1Affine, b []byte) error {
	var bufX [fp.Bytes]byte
	copy(bufX[:], b[:fp.Bytes])
	largest := b[0]&flagMask == flagLargest
	bufX[0] &^= flagMask
	if err := p.X.SetBytesCanonical(bufX[:]); err != nil {
		return err
	}
	var x, y2, y, three bn.Fp
	x.FromGnark(&p.X)
	three.SetUint64(3)
	y2.Square(&x)
	y2.Mul(&y2, &x)
	y2.Add(&y2, &three)
	if !y.Sqrt(&y2) {
		return errNoRoot
	}
	if y.LexicographicallyLargest() != largest {
		y.Neg(&y)
	}
	p.Y = y.Gnark()
	return nil
}

// decompressG2BN is decompressG1BN on the twist y² = x³ + 3/ξ (X is
// x₁ | x₀), followed by the G2 subgroup check.
func decompressG2BN(p *bn254.G2Affine, b []byte) error {
	var bufX [fp.Bytes]byte
	copy(bufX[:], b[:fp.Bytes])
	largest := b[0]&flagMask == flagLargest
	bufX[0] &^= flagMask
	if err := p.X.A1.SetBytesCanonical(bufX[:]); err != nil {
		return err
	}
	if err := p.X.A0.SetBytesCanonical(b[fp.Bytes : 2*fp.Bytes]); err != nil {
		return err
	}
	var q bn.G2
	var y2 bn.Fp2
	q.X.FromGnark(&p.X)
	bt := bn.BTwist()
	y2.Square(&q.X)
	y2.Mul(&y2, &q.X)
	y2.Add(&y2, &bt)
	if !q.Y.Sqrt(&y2) {
		return errNoRoot
	}
	if q.Y.LexicographicallyLargest() != largest {
		q.Y.Neg(&q.Y)
	}
	p.Y = q.Y.Gnark()
	if !q.IsInSubGroup() {
		return errors.New("invalid point: subgroup check failed")
	}
	return nil
}

// g2InSubGroup reports whether p (not the point at infinity) is on the
// twist and in G2, with backend be's arithmetic.
func g2InSubGroup(p *bn254.G2Affine, be backend) bool {
	if be == backendBN {
		var q bn.G2
		q.FromGnark(p)
		return q.IsInSubGroup()
	}
	return p.IsInSubGroup()
}

// vkHeaderSize is the compressed [α]₁,[β]₁,[β]₂,[γ]₂,[δ]₁,[δ]₂ prefix of a
// verifying key.
const vkHeaderSize = 3*bn254.SizeOfG1AffineCompressed + 3*bn254.SizeOfG2AffineCompressed

// VKSize is the length of gnark's compressed encoding (vk.WriteTo) of a
// verifying key with nbPublic public inputs and no BSB22 commitments.
func VKSize(nbPublic int) int {
	return vkHeaderSize + 4 + (nbPublic+1)*bn254.SizeOfG1AffineCompressed + 4 + 4
}

// DecodeVerifyingKey decodes gnark's compressed verifying-key bytes
// (vk.WriteTo) for a circuit with exactly nbPublic public inputs and no
// BSB22 commitments. The exact length is checked before anything is decoded,
// so a hostile length prefix cannot make it allocate; every point must be
// compressed (or the encoded infinity), canonical, on its curve and in its
// subgroup. There is one encoding per key: vk.Bytes() is b.
func DecodeVerifyingKey(b []byte, nbPublic int) (*VerifyingKey, error) {
	return decodeVK(b, nbPublic)
}

// NewVerifierFromBytes decodes a verifying key as DecodeVerifyingKey does
// and builds its Verifier, without repeating the group checks.
func NewVerifierFromBytes(vkBytes []byte, nbPublic int) (*Verifier, error) {
	vk, err := decodeVK(vkBytes, nbPublic)
	if err != nil {
		return nil, err
	}
	return newVerifier(vk, false)
}

// decodeVK parses [α]₁,[β]₁,[β]₂,[γ]₂,[δ]₁,[δ]₂, uint32 n, [K₀…Kₙ₋₁]₁,
// then the empty commitment lists (uint32 0, uint32 0).
func decodeVK(b []byte, nbPublic int) (*VerifyingKey, error) {
	if nbPublic < 0 || nbPublic > MaxPublic {
		return nil, wire.Errorf(wire.Malformed, "verifying key: %d public inputs, at most %d", nbPublic, MaxPublic)
	}
	if len(b) < vkHeaderSize+4 {
		return nil, wire.Errorf(wire.Malformed, "verifying key: %d bytes, too short", len(b))
	}
	if n := binary.BigEndian.Uint32(b[vkHeaderSize:]); n != uint32(nbPublic+1) {
		return nil, wire.Errorf(wire.Malformed, "verifying key: %d public inputs, want %d", int64(n)-1, nbPublic)
	}
	if want := VKSize(nbPublic); len(b) != want {
		return nil, wire.Errorf(wire.Malformed, "verifying key: %d bytes, want %d", len(b), want)
	}
	tail := b[len(b)-8:]
	if binary.BigEndian.Uint32(tail[:4]) != 0 || binary.BigEndian.Uint32(tail[4:]) != 0 {
		return nil, wire.Errorf(wire.Malformed, "verifying key: BSB22 commitments are not supported")
	}
	var vk VerifyingKey
	r := vkReader{b: b}
	r.g1(&vk.G1.Alpha, "α₁")
	r.g1(&vk.G1.Beta, "β₁")
	r.g2(&vk.G2.Beta, "β₂")
	r.g2(&vk.G2.Gamma, "γ₂")
	r.g1(&vk.G1.Delta, "δ₁")
	r.g2(&vk.G2.Delta, "δ₂")
	r.off += 4 // the count, checked above
	vk.G1.K = make([]bn254.G1Affine, nbPublic+1)
	for i := range vk.G1.K {
		r.g1(&vk.G1.K[i], "K")
	}
	if r.err != nil {
		return nil, r.err
	}
	if r.off != len(b)-8 {
		return nil, wire.Errorf(wire.Malformed, "verifying key: layout error")
	}
	return &vk, nil
}

// vkReader decodes consecutive compressed points, keeping the first error.
type vkReader struct {
	b   []byte
	off int
	err error
}

func (r *vkReader) point(size int, name string, set func([]byte) (int, error)) {
	if r.err != nil {
		return
	}
	buf := r.b[r.off : r.off+size]
	if f := buf[0] & flagMask; f != flagSmallest && f != flagLargest && f != flagInfinity {
		r.err = wire.Errorf(wire.Malformed, "verifying key: %s is not compressed", name)
		return
	}
	n, err := set(buf) // SetBytes: canonical, on the curve, in the subgroup
	if err != nil {
		r.err = wire.Errorf(wire.Malformed, "verifying key: %s: %v", name, err)
		return
	}
	if n != size {
		r.err = wire.Errorf(wire.Malformed, "verifying key: %s: consumed %d bytes, want %d", name, n, size)
		return
	}
	r.off += size
}

func (r *vkReader) g1(p *bn254.G1Affine, name string) {
	r.point(bn254.SizeOfG1AffineCompressed, name, p.SetBytes)
}

func (r *vkReader) g2(p *bn254.G2Affine, name string) {
	r.point(bn254.SizeOfG2AffineCompressed, name, p.SetBytes)
}
