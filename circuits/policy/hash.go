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
	if fastField {
		return compress29(left, right)
	}
	return compressFr(left, right)
}

// compressFr is Compress over gnark-crypto's fr.
func compressFr(left, right fr.Element) fr.Element {
	x := [2]fr.Element{left, right}
	permute(&x)
	var out fr.Element
	out.Add(&x[1], &right)
	return out
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

// Calldata is a transaction's calldata split the way the circuit reads it:
// its length, its selector and Words words, each as two 128-bit halves
// (a word is hi·2^128 + lo). Words past the calldata are zero.
type Calldata struct {
	Len      int
	Selector uint64 // 0 for empty calldata
	Hi, Lo   [Words]*big.Int
}

// SplitCalldata reads data as the circuit does. It returns false when the
// calldata has no canonical shape: it must be empty or a selector and
// 0 to Words whole 32-byte words.
func SplitCalldata(data []byte) (*Calldata, bool) {
	n := len(data)
	if n > DataCapacity || (n > 0 && (n < 4 || (n-4)%32 != 0)) {
		return nil, false
	}
	c := &Calldata{Len: n}
	if n > 0 {
		c.Selector = uint64(data[0])<<24 | uint64(data[1])<<16 | uint64(data[2])<<8 | uint64(data[3])
	}
	for i := 0; i < Words; i++ {
		c.Hi[i], c.Lo[i] = new(big.Int), new(big.Int)
		if off := 4 + 32*i; off < n {
			c.Hi[i].SetBytes(data[off : off+16])
			c.Lo[i].SetBytes(data[off+16 : off+32])
		}
	}
	return c, true
}

// Words returns the number of words after the selector.
func (c *Calldata) Words() int {
	if c.Len == 0 {
		return 0
	}
	return (c.Len - 4) / 32
}

// Word returns word i as one integer.
func (c *Calldata) Word(i int) *big.Int {
	return new(big.Int).Add(new(big.Int).Lsh(c.Hi[i], HalfBits), c.Lo[i])
}

// Digest is the public calldata digest
// D = Hash(len, selector, hi0, lo0, …, hi7, lo7).
func (c *Calldata) Digest() fr.Element {
	xs := make([]fr.Element, 0, DigestElems)
	xs = append(xs, ElemU64(uint64(c.Len)), ElemU64(c.Selector))
	for i := 0; i < Words; i++ {
		xs = append(xs, Elem(c.Hi[i]), Elem(c.Lo[i]))
	}
	return Hash(xs...)
}

// DataDigest is the public calldata digest of data. It returns false when
// the calldata has no canonical shape (SplitCalldata).
func DataDigest(data []byte) (fr.Element, bool) {
	c, ok := SplitCalldata(data)
	if !ok {
		return fr.Element{}, false
	}
	return c.Digest(), true
}
