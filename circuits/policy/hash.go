package policy

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// Compress is the Poseidon2 2→1 compression: the right lane of
// P(left, right) plus right (feed-forward), where P is Poseidon2 with
// gnark-crypto's default BN254 parameters (width 2, 6 full rounds, 50
// partial rounds; see permute), the same ones gnark's
// std/permutation/poseidon2 uses in circuits. Merkle nodes use it directly.
func Compress(left, right fr.Element) fr.Element {
	x := [2]fr.Element{left, right}
	permute(&x)
	var out fr.Element
	out.Add(&x[1], &right)
	return out
}

// Hash is the Merkle–Damgård fold of Compress over xs from a zero state:
// h = C(…C(C(0, x0), x1)…, xn). Every use in Leash has a fixed arity, so no
// length padding is needed.
func Hash(xs ...fr.Element) fr.Element {
	var h fr.Element
	for _, x := range xs {
		h = Compress(h, x)
	}
	return h
}

// Elem converts a non-negative integer below the field modulus.
func Elem(x *big.Int) fr.Element {
	var e fr.Element
	e.SetBigInt(x)
	return e
}

// ElemU64 converts a uint64.
func ElemU64(x uint64) fr.Element {
	var e fr.Element
	e.SetUint64(x)
	return e
}

// ElemBytes interprets b as a big-endian integer; len(b) ≤ 31 so it is
// always below the modulus.
func ElemBytes(b []byte) fr.Element {
	return Elem(new(big.Int).SetBytes(b))
}

// PackData splits calldata into DataChunks field elements of ChunkBytes
// bytes each, big-endian within a chunk, zero-padded at the end. It returns
// false when data exceeds DataCapacity.
func PackData(data []byte) ([DataChunks]fr.Element, bool) {
	var out [DataChunks]fr.Element
	if len(data) > DataCapacity {
		return out, false
	}
	var buf [DataCapacity]byte
	copy(buf[:], data)
	for i := range out {
		out[i] = ElemBytes(buf[i*ChunkBytes : (i+1)*ChunkBytes])
	}
	return out, true
}

// DataDigest is the public calldata digest D = Hash(len, chunk0, …, chunk8).
// It returns false when data exceeds DataCapacity.
func DataDigest(data []byte) (fr.Element, bool) {
	chunks, ok := PackData(data)
	if !ok {
		return fr.Element{}, false
	}
	xs := make([]fr.Element, 0, DataChunks+1)
	xs = append(xs, ElemU64(uint64(len(data))))
	xs = append(xs, chunks[:]...)
	return Hash(xs...), true
}
