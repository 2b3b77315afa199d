package policy

import (
	"bytes"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/leash-wallet/leash/wire"
)

// Version is the policy format version this package reads.
const Version = 1

// Policy is a validated spending policy. Build one with Decode; the fields
// are then normalized (targets sorted by address, selectors and recipients
// sorted) and must not be modified.
type Policy struct {
	Version       int         `json:"version"`
	Name          string      `json:"name,omitempty"`
	ChainID       uint64      `json:"chainId"`
	NotBefore     Timestamp   `json:"notBefore"`
	NotAfter      Timestamp   `json:"notAfter"`
	MaxValuePerTx Amount      `json:"maxValuePerTx"`
	Window        Window      `json:"window"`
	MaxFeePerTx   Amount      `json:"maxFeePerTx"`
	Targets       []Target    `json:"targets"`
	Salt          wire.Hash32 `json:"salt"`

	commitment wire.Hash32
	tree       *Tree
	leaves     []targetLeaf
}

// Window is the rolling spending window.
type Window struct {
	Seconds  uint64 `json:"seconds"`
	MaxValue Amount `json:"maxValue"`
}

// Target is one allowlisted contract or account.
type Target struct {
	Address       wire.Address `json:"address"`
	Label         string       `json:"label,omitempty"`
	ValueTransfer bool         `json:"valueTransfer,omitempty"`
	Selectors     []string     `json:"selectors,omitempty"`
	ERC20         *ERC20Rule   `json:"erc20,omitempty"`
}

// ERC20Rule caps transfer/approve amounts of a token and allowlists who may
// receive tokens (transfer) or an allowance (approve).
type ERC20Rule struct {
	MaxAmount  Amount         `json:"maxAmount"`
	Recipients []wire.Address `json:"recipients,omitempty"`
	Spenders   []wire.Address `json:"spenders,omitempty"`
}

// targetLeaf is the committed form of a target.
type targetLeaf struct {
	addr      wire.Address
	selectors []uint64 // sorted; ValueTransferSelector for plain transfers
	isToken   bool
	tokenCap  *big.Int
	recips    []fr.Element // sorted recipient/spender leaves
	selTree   *Tree
	recTree   *Tree
	leaf      fr.Element
}

// Decode strictly parses and validates a policy document.
func Decode(data []byte) (*Policy, error) {
	var p Policy
	if err := wire.DecodeStrict(data, (*policyJSON)(&p), "policy"); err != nil {
		return nil, err
	}
	if err := p.normalize(); err != nil {
		return nil, err
	}
	return &p, nil
}

// policyJSON decodes without re-entering Policy's own methods.
type policyJSON Policy

// Problems is the list of everything wrong with a policy document.
type Problems []string

func (ps Problems) Error() string { return strings.Join(ps, "; ") }

// normalize validates p, sorts it into canonical order and computes its
// trees and commitment.
func (p *Policy) normalize() error {
	var probs Problems
	add := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }

	if p.Version != Version {
		add("version: %d is not supported (want %d)", p.Version, Version)
	}
	if p.ChainID == 0 {
		add("chainId: required and non-zero")
	}
	if p.NotAfter == 0 {
		add("notAfter: required")
	}
	if p.NotBefore > p.NotAfter {
		add("notBefore (%d) is after notAfter (%d)", p.NotBefore, p.NotAfter)
	}
	checkBits := func(name string, v *big.Int, bits int) {
		if v.BitLen() > bits {
			add("%s: %s overflows the circuit's %d-bit range", name, v, bits)
		}
	}
	checkBits("maxValuePerTx", &p.MaxValuePerTx.Int, ValueBits)
	checkBits("window.maxValue", &p.Window.MaxValue.Int, ValueBits)
	checkBits("maxFeePerTx", &p.MaxFeePerTx.Int, FeeBits)
	if p.Window.Seconds == 0 {
		add("window.seconds: required and non-zero")
	}
	if p.Window.Seconds > 1<<40 {
		add("window.seconds: %d is unreasonably long", p.Window.Seconds)
	}
	var saltBig big.Int
	saltBig.SetBytes(p.Salt[:])
	if saltBig.Sign() == 0 {
		add("salt: required; use 32 random bytes below the BN254 field modulus (leash policy salt prints one)")
	} else if saltBig.Cmp(fr.Modulus()) >= 0 {
		add("salt: must be below the BN254 scalar field modulus (use 31 random bytes)")
	}
	if len(p.Targets) == 0 {
		add("targets: at least one target is required")
	}
	if len(p.Targets) > MaxTargets {
		add("targets: %d targets, the circuit holds at most %d", len(p.Targets), MaxTargets)
	}

	seen := map[wire.Address]int{}
	p.leaves = make([]targetLeaf, 0, len(p.Targets))
	for i := range p.Targets {
		t := &p.Targets[i]
		where := fmt.Sprintf("targets[%d] (%s)", i, t.Address.Hex())
		if j, dup := seen[t.Address]; dup {
			add("%s: duplicate target, already listed as targets[%d]", where, j)
			continue
		}
		seen[t.Address] = i
		leaf := targetLeaf{addr: t.Address, tokenCap: new(big.Int)}
		sels := map[uint64]string{}
		if t.ValueTransfer {
			sels[ValueTransferSelector] = "valueTransfer"
		}
		for k, s := range t.Selectors {
			v, err := ParseSelector(s)
			if err != nil {
				add("%s.selectors[%d]: %v", where, k, err)
				continue
			}
			if prev, dup := sels[uint64(v)]; dup {
				add("%s.selectors[%d]: %q is the same selector as %q (0x%08x)", where, k, s, prev, v)
				continue
			}
			sels[uint64(v)] = s
		}
		if len(sels) == 0 {
			add("%s: allows nothing; set valueTransfer or list selectors", where)
		}
		if len(sels) > MaxSelectors {
			add("%s: %d selector entries, the circuit holds at most %d (valueTransfer counts as one)", where, len(sels), MaxSelectors)
		}
		for v := range sels {
			leaf.selectors = append(leaf.selectors, v)
		}
		sort.Slice(leaf.selectors, func(a, b int) bool { return leaf.selectors[a] < leaf.selectors[b] })

		if r := t.ERC20; r != nil {
			leaf.isToken = true
			leaf.tokenCap = new(big.Int).Set(&r.MaxAmount.Int)
			if r.MaxAmount.BitLen() > ValueBits {
				add("%s.erc20.maxAmount: overflows the circuit's %d-bit range", where, ValueBits)
			}
			for _, set := range []struct {
				name  string
				kind  int64
				addrs []wire.Address
			}{{"recipients", KindRecipient, r.Recipients}, {"spenders", KindSpender, r.Spenders}} {
				dup := map[wire.Address]bool{}
				for k, a := range set.addrs {
					if dup[a] {
						add("%s.erc20.%s[%d]: duplicate address %s", where, set.name, k, a.Hex())
						continue
					}
					dup[a] = true
					leaf.recips = append(leaf.recips, RecipientLeaf(set.kind, a))
				}
			}
			if len(leaf.recips) > MaxRecipients {
				add("%s.erc20: %d recipients and spenders, the circuit holds at most %d", where, len(leaf.recips), MaxRecipients)
			}
			sort.Slice(leaf.recips, func(a, b int) bool { return leaf.recips[a].Cmp(&leaf.recips[b]) < 0 })
		}
		p.leaves = append(p.leaves, leaf)
	}
	if len(probs) > 0 {
		return wire.Errorf(wire.Malformed, "policy: %w", probs)
	}

	sort.Slice(p.leaves, func(a, b int) bool { return bytes.Compare(p.leaves[a].addr[:], p.leaves[b].addr[:]) < 0 })
	sort.Slice(p.Targets, func(a, b int) bool { return bytes.Compare(p.Targets[a].Address[:], p.Targets[b].Address[:]) < 0 })
	leafElems := make([]fr.Element, len(p.leaves))
	for i := range p.leaves {
		l := &p.leaves[i]
		selLeaves := make([]fr.Element, len(l.selectors))
		for k, s := range l.selectors {
			selLeaves[k] = SelectorLeaf(s)
		}
		l.selTree = NewTree(SelectorDepth, selLeaves)
		l.recTree = NewTree(RecipientDepth, l.recips)
		var recRoot fr.Element
		if l.isToken {
			recRoot = l.recTree.Root()
		}
		l.leaf = TargetLeaf(l.addr, l.isToken, l.selTree.Root(), l.tokenCap, recRoot)
		leafElems[i] = l.leaf
	}
	p.tree = NewTree(TargetDepth, leafElems)
	c := Hash(p.CommitmentPreimage()...)
	p.commitment = wire.Hash32(c.Bytes())
	return nil
}

// SelectorLeaf is the selector tree leaf for selector s (never zero).
func SelectorLeaf(s uint64) fr.Element { return ElemU64(s + 1) }

// RecipientLeaf is the recipients tree leaf: kind·2^160 + address (never zero).
func RecipientLeaf(kind int64, a wire.Address) fr.Element {
	v := new(big.Int).Lsh(big.NewInt(kind), 160)
	v.Add(v, new(big.Int).SetBytes(a[:]))
	return Elem(v)
}

// TargetLeaf is the targets tree leaf
// Hash(address + isToken·2^160, selectorsRoot, tokenCap, recipientsRoot).
func TargetLeaf(addr wire.Address, isToken bool, selRoot fr.Element, tokenCap *big.Int, recRoot fr.Element) fr.Element {
	a := new(big.Int).SetBytes(addr[:])
	if isToken {
		a.Add(a, new(big.Int).Lsh(big.NewInt(1), 160))
	}
	return Hash(Elem(a), selRoot, Elem(tokenCap), recRoot)
}

// CommitmentTag is the domain tag that opens the commitment preimage.
var CommitmentTag = ElemBytes([]byte("leash.policy.v1"))

// CommitmentPreimage is the canonical encoding of the policy, in order:
// tag, chainId, notBefore, notAfter, maxValuePerTx, window.seconds,
// window.maxValue, maxFeePerTx, targetsRoot, salt.
func (p *Policy) CommitmentPreimage() []fr.Element {
	var salt fr.Element
	salt.SetBytes(p.Salt[:])
	return []fr.Element{
		CommitmentTag,
		ElemU64(p.ChainID),
		ElemU64(uint64(p.NotBefore)),
		ElemU64(uint64(p.NotAfter)),
		Elem(&p.MaxValuePerTx.Int),
		ElemU64(p.Window.Seconds),
		Elem(&p.Window.MaxValue.Int),
		Elem(&p.MaxFeePerTx.Int),
		p.tree.Root(),
		salt,
	}
}

// Commitment returns C, the Poseidon2 commitment to the policy.
func (p *Policy) Commitment() wire.Hash32 { return p.commitment }

// TargetsRoot returns the root of the targets tree.
func (p *Policy) TargetsRoot() fr.Element { return p.tree.Root() }

// Membership is everything the circuit needs to show that a transaction's
// (to, selector, ERC-20 argument) are allowed by the policy.
type Membership struct {
	Found      bool // to is a target
	IsToken    bool
	SelRoot    fr.Element
	TokenCap   *big.Int
	RecRoot    fr.Element
	TargetPath Proof
	SelFound   bool
	SelPath    Proof
	RecFound   bool
	RecPath    Proof
}

// membership looks up the witness data for (to, selector, erc20 argument).
// Absent entries get empty paths, which the circuit will refuse.
func (p *Policy) membership(to wire.Address, sel uint64, recipLeaf *fr.Element) Membership {
	m := Membership{TokenCap: new(big.Int), TargetPath: EmptyProof(TargetDepth),
		SelPath: EmptyProof(SelectorDepth), RecPath: EmptyProof(RecipientDepth)}
	i := sort.Search(len(p.leaves), func(i int) bool { return bytes.Compare(p.leaves[i].addr[:], to[:]) >= 0 })
	if i == len(p.leaves) || p.leaves[i].addr != to {
		return m
	}
	l := &p.leaves[i]
	m.Found, m.IsToken, m.SelRoot, m.TokenCap = true, l.isToken, l.selTree.Root(), l.tokenCap
	if l.isToken {
		m.RecRoot = l.recTree.Root()
	}
	m.TargetPath = p.tree.Prove(i)
	if k := indexOf(l.selectors, sel); k >= 0 {
		m.SelFound, m.SelPath = true, l.selTree.Prove(k)
	}
	if recipLeaf != nil {
		for k := range l.recips {
			if l.recips[k].Equal(recipLeaf) {
				m.RecFound, m.RecPath = true, l.recTree.Prove(k)
			}
		}
	}
	return m
}

func indexOf(xs []uint64, v uint64) int {
	for i, x := range xs {
		if x == v {
			return i
		}
	}
	return -1
}
