package policy

import (
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// Tree is a fixed-depth binary Merkle tree over field-element leaves, with
// Compress as the node hash and zero for empty leaves. Leaves are never zero
// (each kind of leaf is built so), so an empty slot proves nothing.
type Tree struct {
	depth  int
	levels [][]fr.Element // levels[0] = leaves (padded lazily), levels[depth] = root
}

// zeroHashes()[i] is the root of an all-empty subtree of height i,
// computed on first use.
var zeroHashes = sync.OnceValue(func() []fr.Element {
	z := make([]fr.Element, 33)
	for i := 1; i < len(z); i++ {
		z[i] = Compress(z[i-1], z[i-1])
	}
	return z
})

// NewTree builds a tree of the given depth; len(leaves) ≤ 2^depth.
func NewTree(depth int, leaves []fr.Element) *Tree {
	if len(leaves) > 1<<depth {
		panic("policy: too many leaves for tree depth") // callers validate first
	}
	t := &Tree{depth: depth, levels: make([][]fr.Element, depth+1)}
	t.levels[0] = append([]fr.Element(nil), leaves...)
	for lvl := 0; lvl < depth; lvl++ {
		cur := t.levels[lvl]
		next := make([]fr.Element, (len(cur)+1)/2)
		for i := range next {
			l := cur[2*i]
			r := zeroHashes()[lvl]
			if 2*i+1 < len(cur) {
				r = cur[2*i+1]
			}
			next[i] = Compress(l, r)
		}
		if len(next) == 0 {
			next = nil
		}
		t.levels[lvl+1] = next
	}
	return t
}

// Root returns the tree's root.
func (t *Tree) Root() fr.Element {
	if len(t.levels[t.depth]) == 0 {
		return zeroHashes()[t.depth]
	}
	return t.levels[t.depth][0]
}

// Proof is a Merkle path: the sibling at each level from the leaf up, and the
// leaf index whose bit i says whether the node at level i is a right child.
type Proof struct {
	Index    uint64
	Siblings []fr.Element
}

// Prove returns the path of leaf i.
func (t *Tree) Prove(i int) Proof {
	p := Proof{Index: uint64(i), Siblings: make([]fr.Element, t.depth)}
	idx := i
	for lvl := 0; lvl < t.depth; lvl++ {
		sib := idx ^ 1
		if sib < len(t.levels[lvl]) {
			p.Siblings[lvl] = t.levels[lvl][sib]
		} else {
			p.Siblings[lvl] = zeroHashes()[lvl]
		}
		idx >>= 1
	}
	return p
}

// EmptyProof is a well-formed path for a tree of the given depth that proves
// nothing; the circuit uses it where a membership check does not apply.
func EmptyProof(depth int) Proof {
	return Proof{Siblings: make([]fr.Element, depth)}
}

// RootFrom recomputes the root from a leaf and its path (the native twin of
// the circuit's gadget).
func RootFrom(leaf fr.Element, p Proof) fr.Element {
	cur := leaf
	for lvl, sib := range p.Siblings {
		if p.Index>>lvl&1 == 1 {
			cur = Compress(sib, cur)
		} else {
			cur = Compress(cur, sib)
		}
	}
	return cur
}
