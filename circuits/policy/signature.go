package policy

import (
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/leash-wallet/leash/wasm/eip712"
	"github.com/leash-wallet/leash/wasm/ethkey"
	"github.com/leash-wallet/leash/wire"
)

// SignatureRule is one typed-data (EIP-712) rule as written in a policy
// document: the domain it signs for, the struct type and one rule per
// atomic field of the struct (nested structs flatten to their fields,
// "permitted.token"), with the same rule kinds as call arguments.
type SignatureRule struct {
	Label       string                    `json:"label,omitempty"` // for people, not committed
	Domain      SignatureDomain           `json:"domain"`
	PrimaryType string                    `json:"primaryType"`
	Types       map[string][]eip712.Field `json:"types,omitempty"` // optional for the well-known types
	Fields      map[string]Rule           `json:"fields"`
	Acknowledge []string                  `json:"acknowledge,omitempty"` // not committed
}

// SignatureDomain is the EIP-712 domain a rule allows: chainId and
// verifyingContract always, name and version only when given (then the
// domain must carry exactly them).
type SignatureDomain struct {
	Name              *string      `json:"name,omitempty"`
	Version           *string      `json:"version,omitempty"`
	ChainID           uint64       `json:"chainId"`
	VerifyingContract wire.Address `json:"verifyingContract"`
}

// KnownTypes are the struct types a rule may name without listing
// `types`: EIP-3009's authorizations (x402 "exact"), EIP-2612's Permit and
// Permit2's PermitTransferFrom and PermitSingle, as their contracts hash
// them.
var KnownTypes = map[string]map[string][]eip712.Field{
	"TransferWithAuthorization": {"TransferWithAuthorization": eip3009Fields},
	"ReceiveWithAuthorization":  {"ReceiveWithAuthorization": eip3009Fields},
	"Permit": {"Permit": {{Name: "owner", Type: "address"}, {Name: "spender", Type: "address"},
		{Name: "value", Type: "uint256"}, {Name: "nonce", Type: "uint256"}, {Name: "deadline", Type: "uint256"}}},
	"PermitTransferFrom": {
		"PermitTransferFrom": {{Name: "permitted", Type: "TokenPermissions"}, {Name: "spender", Type: "address"},
			{Name: "nonce", Type: "uint256"}, {Name: "deadline", Type: "uint256"}},
		"TokenPermissions": {{Name: "token", Type: "address"}, {Name: "amount", Type: "uint256"}},
	},
	"PermitSingle": {
		"PermitSingle": {{Name: "details", Type: "PermitDetails"}, {Name: "spender", Type: "address"},
			{Name: "sigDeadline", Type: "uint256"}},
		"PermitDetails": {{Name: "token", Type: "address"}, {Name: "amount", Type: "uint160"},
			{Name: "expiration", Type: "uint48"}, {Name: "nonce", Type: "uint48"}},
	},
}

var eip3009Fields = []eip712.Field{{Name: "from", Type: "address"}, {Name: "to", Type: "address"},
	{Name: "value", Type: "uint256"}, {Name: "validAfter", Type: "uint256"}, {Name: "validBefore", Type: "uint256"},
	{Name: "nonce", Type: "bytes32"}}

// DeadlineFields are the field names (the last segment of a path) bounded
// to at most maxValidity seconds after the signer's clock.
var DeadlineFields = []string{"validBefore", "deadline", "expiration", "sigDeadline"}

// NonceField is the field name (last segment) of a struct's replay nonce.
const NonceField = "nonce"

// SigRule is a signature rule in its committed form. Its CallRule holds the
// word rules exactly as a call's (Target is the verifying contract, the
// token of `"spend": true`); the rest is the domain, the type and which
// words are deadlines and the nonce.
type SigRule struct {
	*CallRule
	Rule        *SignatureRule
	ChainID     uint64
	Contract    wire.Address
	NameHash    *[32]byte // nil: any name
	VersionHash *[32]byte // nil: any version
	TypeHash    [32]byte
	EncodedType string
	Types       map[string][]eip712.Field
	Deadlines   uint8 // bit i: word i is a deadline
	NonceWord   int
	leaf        fr.Element
}

// sigMeta packs the deadline mask (bits 0–7) and whether the name (bit 8)
// and version (bit 9) are ruled.
func (sr *SigRule) meta() uint64 {
	m := uint64(sr.Deadlines)
	if sr.NameHash != nil {
		m |= 1 << SigNameShift
	}
	if sr.VersionHash != nil {
		m |= 1 << SigVersionShift
	}
	return m
}

// Meta returns the rule's meta element: the deadline mask and the
// name/version flags.
func (sr *SigRule) Meta() uint64 { return sr.meta() }

// HashHalves splits a 32-byte hash into its two 128-bit halves (0, 0 for nil).
func HashHalves(h *[32]byte) (hi, lo *big.Int) {
	if h == nil {
		return new(big.Int), new(big.Int)
	}
	return new(big.Int).SetBytes(h[:16]), new(big.Int).SetBytes(h[16:])
}

// SigLeafElems is the number of elements a signature leaf hashes.
const SigLeafElems = CallLeafElems + 8

// SigLeafPreimage is what a signature rule's leaf hashes: its call leaf's
// preimage, then meta, chainId, verifyingContract, the halves of the
// name's and the version's keccak (0 when not ruled) and of the type hash.
func (sr *SigRule) SigLeafPreimage() []fr.Element {
	out := sr.CallRule.LeafPreimage()
	nh, nl := HashHalves(sr.NameHash)
	vh, vl := HashHalves(sr.VersionHash)
	th, tl := HashHalves(&sr.TypeHash)
	return append(out, ElemU64(sr.meta()), ElemU64(sr.ChainID), ElemBytes(sr.Contract[:]),
		Elem(nh), Elem(nl), Elem(vh), Elem(vl), Elem(th), Elem(tl))
}

// signatures compiles the signatures list and maxValidity.
func (c *compiler) signatures() []*SigRule {
	p := c.p
	if len(p.Signatures) == 0 {
		if p.MaxValidity != 0 {
			c.add("maxValidity: only signatures use it; leave it out or add signatures")
		}
		return nil
	}
	if p.MaxValidity == 0 {
		c.add("maxValidity: required with signatures (the longest a signed authorization may stay valid, in seconds)")
	}
	if p.MaxValidity > MaxValidityLimit {
		c.add("maxValidity: %d seconds is above %d", p.MaxValidity, MaxValidityLimit)
	}
	if len(p.Signatures) > MaxSignatures {
		c.add("signatures: %d rules, the circuit holds at most %d", len(p.Signatures), MaxSignatures)
		return nil
	}
	var out []*SigRule
	for i := range p.Signatures {
		if sr := c.signature(i); sr != nil {
			out = append(out, sr)
		}
	}
	return out
}

func (c *compiler) signature(i int) *SigRule {
	r := &c.p.Signatures[i]
	where := fmt.Sprintf("signatures[%d]", i)
	before := len(c.probs)
	d := &r.Domain
	if d.ChainID == 0 {
		c.add("%s.domain.chainId: required (not zero)", where)
	}
	if d.ChainID >= 1<<TimeBits-1 {
		c.add("%s.domain.chainId: above 2^64", where)
	}
	if d.VerifyingContract == (wire.Address{}) {
		c.add("%s.domain.verifyingContract: required (not the zero address)", where)
	}
	if r.Fields == nil {
		c.add("%s.fields: required: one rule per field of %s (\"any\" where there is no constraint)", where, clip(r.PrimaryType))
	}
	types := r.Types
	if types == nil {
		types = KnownTypes[r.PrimaryType]
		if types == nil {
			names := make([]string, 0, len(KnownTypes))
			for k := range KnownTypes {
				names = append(names, k)
			}
			sort.Strings(names)
			c.add("%s.types: required for primaryType %q (known without types: %s)", where, clip(r.PrimaryType), strings.Join(names, ", "))
			return nil
		}
	}
	if _, ok := types[r.PrimaryType]; !ok || r.PrimaryType == "EIP712Domain" {
		c.add("%s.primaryType: %q is not a struct of types", where, clip(r.PrimaryType))
		return nil
	}
	if _, ok := types["EIP712Domain"]; ok {
		c.add("%s.types: EIP712Domain is given by domain, not types", where)
		return nil
	}
	leaves, err := Flatten(types, r.PrimaryType)
	if err != nil {
		c.add("%s.types: %v", where, err)
		return nil
	}
	if len(c.probs) > before {
		return nil
	}
	td := &eip712.TypedData{Types: types}
	sr := &SigRule{Rule: r, ChainID: d.ChainID, Contract: d.VerifyingContract, Types: types, NonceWord: -1,
		EncodedType: td.EncodeType(r.PrimaryType)}
	copy(sr.TypeHash[:], ethkey.Keccak256([]byte(sr.EncodedType)))
	if d.Name != nil {
		h := [32]byte(ethkey.Keccak256([]byte(*d.Name)))
		sr.NameHash = &h
	}
	if d.Version != nil {
		h := [32]byte(ethkey.Keccak256([]byte(*d.Version)))
		sr.VersionHash = &h
	}
	cr := &CallRule{Target: d.VerifyingContract, Fn: r.PrimaryType, Name: r.PrimaryType, TokenArg: -1,
		Where: where + ".fields", Acks: r.Acknowledge}
	used := map[string]bool{}
	for k, lf := range leaves {
		rule, ok := r.Fields[lf.Path]
		if !ok {
			c.add("%s.fields.%s: missing: every field needs a rule (%s; write \"any\" where there is no constraint)", where, lf.Path, lf.Type)
			continue
		}
		used[lf.Path] = true
		if rule.HasArray {
			c.add("%s.fields.%s: array rules do not apply to typed-data fields", where, lf.Path)
			continue
		}
		cr.Slots = append(cr.Slots, Slot{Name: lf.Path, Param: lf.Type, Type: lf.Type, Rule: &rule, Set: -1})
		last := lf.Path[strings.LastIndexByte(lf.Path, '.')+1:]
		for _, dl := range DeadlineFields {
			if last == dl {
				if !strings.HasPrefix(lf.Type, "uint") {
					c.add("%s.fields.%s: a deadline must be an unsigned integer (it is %s)", where, lf.Path, lf.Type)
				}
				sr.Deadlines |= 1 << k
			}
		}
		if last == NonceField {
			if sr.NonceWord >= 0 {
				c.add("%s.fields.%s: a second nonce (the replay record needs exactly one)", where, lf.Path)
			}
			sr.NonceWord = k
		}
	}
	for _, name := range sortedKeys(r.Fields) {
		if !used[name] {
			c.add("%s.fields.%s: %s has no such field", where, clip(name), clip(r.PrimaryType))
		}
	}
	if sr.NonceWord < 0 && len(c.probs) == before {
		c.add("%s: %s has no field named nonce; the signer records each (domain, nonce) to refuse replays", where, clip(r.PrimaryType))
	}
	if len(c.probs) > before {
		return nil
	}
	cr.Words = len(cr.Slots)
	for k := range cr.Slots {
		c.slotRule(cr.Where, cr, k)
	}
	c.spend(cr.Where, cr)
	if len(c.probs) > before {
		return nil
	}
	sr.CallRule = cr
	return sr
}

func sortedKeys(m map[string]Rule) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// FieldLeaf is one atomic field of a flattened struct.
type FieldLeaf struct {
	Path string // "permitted.token"
	Type string // an atomic EIP-712 type
}

// Flatten lists the atomic fields of struct name in the order EIP-712
// encodes them (nested structs depth first). It refuses what cannot be
// ruled word by word (string, bytes, arrays: their encoding is a hash),
// unknown types, recursion and more than Words fields.
func Flatten(types map[string][]eip712.Field, name string) ([]FieldLeaf, error) {
	var out []FieldLeaf
	var walk func(name, prefix string, depth int) error
	walk = func(name, prefix string, depth int) error {
		if depth > 4 {
			return fmt.Errorf("%s: structs nested deeper than 4", name)
		}
		fields, ok := types[name]
		if !ok {
			return fmt.Errorf("unknown type %q", clip(name))
		}
		seen := map[string]bool{}
		for _, f := range fields {
			if f.Name == "" || seen[f.Name] || strings.ContainsAny(f.Name, ".[]") {
				return fmt.Errorf("%s: field name %q is empty, repeated or not plain", name, clip(f.Name))
			}
			seen[f.Name] = true
			path := prefix + f.Name
			if _, isStruct := types[f.Type]; isStruct {
				if err := walk(f.Type, path+".", depth+1); err != nil {
					return err
				}
				continue
			}
			if !ruleableAtomic(f.Type) {
				return fmt.Errorf("%s: %s is %s, which cannot be ruled word by word (string, bytes and arrays hash to a word; refused)", name, path, clip(f.Type))
			}
			out = append(out, FieldLeaf{Path: path, Type: f.Type})
			if len(out) > Words {
				return fmt.Errorf("%s has more than %d atomic fields, the circuit holds %d", name, Words, Words)
			}
		}
		return nil
	}
	if err := walk(name, "", 0); err != nil {
		return nil, err
	}
	return out, nil
}

func ruleableAtomic(t string) bool {
	switch {
	case t == "address" || t == "bool":
		return true
	case strings.HasPrefix(t, "uint"), strings.HasPrefix(t, "int"), strings.HasPrefix(t, "bytes") && t != "bytes":
		if strings.ContainsAny(t, "[]") {
			return false
		}
		tail := strings.TrimLeft(t, "abcdefghijklmnopqrstuvwxyz")
		if tail == "" {
			return strings.HasPrefix(t, "uint") || strings.HasPrefix(t, "int") // uint, int mean 256
		}
		var n int
		if _, err := fmt.Sscanf(tail, "%d", &n); err != nil || fmt.Sprint(n) != tail {
			return false
		}
		if strings.HasPrefix(t, "bytes") {
			return n >= 1 && n <= 32
		}
		return n >= 8 && n <= 256 && n%8 == 0
	}
	return false
}

// build computes the rule's call key, sets and leaf.
func (sr *SigRule) build() {
	sr.CallRule.build()
	sr.leaf = Hash(sr.SigLeafPreimage()...)
}

// Signatures returns the signature rules in committed order.
func (p *Policy) SignatureRules() []*SigRule { return append([]*SigRule(nil), p.sigs...) }

// SignaturesRoot is the committed root of the signature rules: 0 when the
// policy has none (so that a policy without signatures commits as before
// and no signature can be proven under it), else the depth-4 tree root.
func (p *Policy) SignaturesRoot() fr.Element {
	if len(p.sigs) == 0 {
		return fr.Element{}
	}
	return p.sigTree.Root()
}

// finishSignatures sorts the compiled rules by leaf and builds their tree;
// it reports a duplicate rule.
func (c *compiler) finishSignatures(sigs []*SigRule) {
	for _, sr := range sigs {
		sr.build()
	}
	sort.Slice(sigs, func(a, b int) bool { return sigs[a].leaf.Cmp(&sigs[b].leaf) < 0 })
	elems := make([]fr.Element, len(sigs))
	for i, sr := range sigs {
		elems[i] = sr.leaf
		if i > 0 && sigs[i-1].leaf.Equal(&sr.leaf) {
			c.add("%s: the same rule as another entry", strings.TrimSuffix(sr.Where, ".fields"))
		}
	}
	c.p.sigs = sigs
	c.p.sigTree = NewTree(SignatureDepth, elems)
}

// ---- matching a message -------------------------------------------------

// TypedMessage is a typed-data message as the leashed signer reads it from
// a decoded EIP-712 document: the domain's values, the type hash and the
// struct's atomic fields as words, in EIP-712 order. Build it with
// ReadTyped; the signer signs the digest of the same document.
type TypedMessage struct {
	ChainID         uint64
	Contract        wire.Address
	NameHash        *[32]byte // nil when the domain has no name
	VersionHash     *[32]byte // nil when the domain has no version
	TypeHash        [32]byte
	PrimaryType     string
	DomainSeparator [32]byte
	Paths           []string
	Types           []string
	Data            *Calldata // the words, as calldata words (Len = 4 + 32·len(Paths))
}

// domainOrder is the canonical EIP712Domain field order the signer accepts
// (a subsequence of it holding chainId and verifyingContract; no salt).
var domainOrder = []eip712.Field{{Name: "name", Type: "string"}, {Name: "version", Type: "string"},
	{Name: "chainId", Type: "uint256"}, {Name: "verifyingContract", Type: "address"}}

// ReadTyped reads a decoded v4 document into a TypedMessage. Refused
// (policy_violation:signature): a domain without chainId or
// verifyingContract, with salt or other fields, or out of the canonical
// order; a struct that cannot be ruled word by word.
func ReadTyped(td *eip712.TypedData) (*TypedMessage, error) {
	dom := td.Types["EIP712Domain"]
	k, has := 0, map[string]bool{}
	for _, f := range dom {
		for k < len(domainOrder) && domainOrder[k] != f {
			k++
		}
		if k == len(domainOrder) {
			return nil, wire.Violation(RuleSignature, "domain field %s %s is not allowed (only name, version, chainId, verifyingContract, in that order)", clip(f.Type), clip(f.Name))
		}
		has[f.Name] = true
	}
	if !has["chainId"] || !has["verifyingContract"] {
		return nil, wire.Violation(RuleSignature, "the domain must carry chainId and verifyingContract")
	}
	m := &TypedMessage{PrimaryType: td.PrimaryType}
	copy(m.DomainSeparator[:], td.DomainSeparator())
	cid, err := eip712.Integer(td.Domain["chainId"])
	if err != nil || cid.Sign() <= 0 || cid.BitLen() > 63 {
		return nil, wire.Violation(RuleSignature, "domain chainId is not a chain id")
	}
	m.ChainID = cid.Uint64()
	w, _ := eip712.EncodeAtomic("address", td.Domain["verifyingContract"]) // checked by Decode
	copy(m.Contract[:], w[12:])
	for _, f := range []struct {
		name string
		out  **[32]byte
	}{{"name", &m.NameHash}, {"version", &m.VersionHash}} {
		if has[f.name] {
			h, _ := eip712.EncodeAtomic("string", td.Domain[f.name])
			v := [32]byte(h)
			*f.out = &v
		}
	}
	if td.PrimaryType == "EIP712Domain" {
		return nil, wire.Violation(RuleSignature, "a bare domain is not a struct to sign")
	}
	copy(m.TypeHash[:], ethkey.Keccak256([]byte(td.EncodeType(td.PrimaryType))))
	leaves, err := Flatten(td.Types, td.PrimaryType)
	if err != nil {
		return nil, wire.Violation(RuleSignature, "%s: %v", clip(td.PrimaryType), err)
	}
	m.Data = &Calldata{Len: 4 + 32*len(leaves)}
	for i := range m.Data.Hi {
		m.Data.Hi[i], m.Data.Lo[i] = new(big.Int), new(big.Int)
	}
	for i, lf := range leaves {
		v := lookup(td.Message, lf.Path)
		word, err := eip712.EncodeAtomic(lf.Type, v)
		if err != nil {
			return nil, wire.Violation(RuleSignature, "%s: %v", lf.Path, err)
		}
		m.Data.Hi[i].SetBytes(word[:16])
		m.Data.Lo[i].SetBytes(word[16:])
		m.Paths = append(m.Paths, lf.Path)
		m.Types = append(m.Types, lf.Type)
	}
	return m, nil
}

func lookup(m map[string]any, path string) any {
	var cur any = m
	for _, seg := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = obj[seg]
	}
	return cur
}

// Digest is the public struct digest
// D = Hash(nameHi, nameLo, versionHi, versionLo, typeHi, typeLo, k, hi0, lo0, …, hi7, lo7),
// with (0, 0) for an absent name or version and k the number of words.
func (m *TypedMessage) Digest() fr.Element {
	xs := make([]fr.Element, 0, SigDigestElems)
	for _, h := range []*[32]byte{m.NameHash, m.VersionHash, &m.TypeHash} {
		hi, lo := HashHalves(h)
		xs = append(xs, Elem(hi), Elem(lo))
	}
	xs = append(xs, ElemU64(uint64(m.Data.Words())))
	for i := 0; i < Words; i++ {
		xs = append(xs, Elem(m.Data.Hi[i]), Elem(m.Data.Lo[i]))
	}
	return Hash(xs...)
}

// Nonce returns the replay key of a message matched by rule sr: the
// domain separator and the nonce word.
func (m *TypedMessage) Nonce(sr *SigRule) [64]byte {
	var out [64]byte
	copy(out[:32], m.DomainSeparator[:])
	m.Data.Word(sr.NonceWord).FillBytes(out[32:])
	return out
}

// SigMatch is the signature rule that allows a message, with its spend.
type SigMatch struct {
	*Match
	Rule *SigRule
	Msg  *TypedMessage
	idx  int
}

// matchesDomain reports whether m is for sr's domain and type.
func (sr *SigRule) matchesDomain(m *TypedMessage) bool {
	eq := func(rule, got *[32]byte) bool { return rule == nil || got != nil && *rule == *got }
	return sr.ChainID == m.ChainID && sr.Contract == m.Contract && sr.TypeHash == m.TypeHash &&
		sr.Words == m.Data.Words() && eq(sr.NameHash, m.NameHash) && eq(sr.VersionHash, m.VersionHash)
}

// LocateSignature finds the rule for m's domain and type (the first in
// committed order whose words pass, or else the first) and reads its
// spend, without checking the words. Error: policy_violation:signature.
func (p *Policy) LocateSignature(m *TypedMessage) (*SigMatch, []int, error) {
	var cands []int
	for i, sr := range p.sigs {
		if sr.matchesDomain(m) {
			cands = append(cands, i)
		}
	}
	if len(cands) == 0 {
		return nil, nil, wire.Violation(RuleSignature, "%s for %s on chain %d (this domain, name, version and type) is not an allowed signature; allowed: %s",
			clip(m.PrimaryType), m.Contract.Hex(), m.ChainID, p.allowedSignatures())
	}
	return p.sigMatch(cands[0], m), cands, nil
}

func (p *Policy) sigMatch(i int, m *TypedMessage) *SigMatch {
	sr := p.sigs[i]
	return &SigMatch{Match: newMatch(p, sr.CallRule, m.Data, m.Contract, -1, -1), Rule: sr, Msg: m, idx: i}
}

func (p *Policy) allowedSignatures() string {
	if len(p.sigs) == 0 {
		return "none (the policy has no signatures)"
	}
	var out []string
	for _, sr := range p.sigs {
		out = append(out, fmt.Sprintf("%s on %s (chain %d)", sr.Rule.PrimaryType, sr.Contract.Hex(), sr.ChainID))
	}
	return strings.Join(out, ", ")
}

// CheckSignature applies every rule to a typed-data message at st.Time with
// the window sums of st, in this order: time, signature (domain and type),
// arg (each field's rule), validity (deadlines ≤ time + maxValidity),
// token_window. The rule is MatchSignature's (the one the public inputs
// and the prover use). It is the native twin of the typed-data circuit.
func (p *Policy) CheckSignature(m *TypedMessage, st *wire.State) (*SigMatch, error) {
	if err := st.Check(); err != nil {
		return nil, wire.Errorf(wire.Malformed, "state: %s", wire.MessageOf(err))
	}
	now := st.Time
	if now < uint64(p.NotBefore) {
		return nil, wire.Violation(RuleTime, "the policy is valid from %d, the time is %d", p.NotBefore, now)
	}
	if now > uint64(p.NotAfter) {
		return nil, wire.Violation(RuleTime, "the policy expired at %d, the time is %d", p.NotAfter, now)
	}
	sm, err := p.MatchSignature(m)
	if err != nil {
		return nil, err
	}
	if err := sm.check(p, st); err != nil {
		return nil, err
	}
	return sm, nil
}

func (sm *SigMatch) check(p *Policy, st *wire.State) error {
	limit := st.Time + p.MaxValidity
	for i := 0; i < sm.Rule.Words; i++ {
		if sm.Rule.Deadlines&(1<<i) == 0 {
			continue
		}
		if v := sm.Data.Word(i); v.BitLen() > TimeBits || v.Uint64() > limit {
			return wire.Violation(RuleValidity, "%s is %s, more than maxValidity (%d s) after the signer's clock %d (at most %d)",
				sm.Rule.Slots[i].Name, v, p.MaxValidity, st.Time, limit)
		}
	}
	if sm.Spends {
		spent := st.TokenSpent(sm.SpendToken)
		if total := new(big.Int).Add(spent, sm.SpendAmount); total.Cmp(sm.Window.Max) > 0 {
			return wire.Violation(RuleTokenWindow, "%s already spent in the window plus %s is above its window cap %s (at most %s more would pass)",
				sm.Window.Format(spent), sm.Window.Format(sm.SpendAmount), sm.Window.Format(sm.Window.Max), sm.Window.Format(room(sm.Window.Max, spent)))
		}
	}
	return nil
}

// MatchSignature finds the rule for m's domain and type whose field rules
// m's words pass (the first in committed order), without the deadlines,
// windows or time. Errors: policy_violation:signature or arg.
func (p *Policy) MatchSignature(m *TypedMessage) (*SigMatch, error) {
	first, cands, err := p.LocateSignature(m)
	if err != nil {
		return nil, err
	}
	var firstErr error
	for _, i := range cands {
		sm := first
		if i != first.idx {
			sm = p.sigMatch(i, m)
		}
		if err := sm.checkWords(); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		return sm, nil
	}
	return nil, firstErr
}

// SigPublicInputs computes the public inputs of the typed-data circuit
// for m, in circuit order (SigPublicInputNames), with the signer's own
// window sums st and its skew-checked time t. The spend token and its sum
// follow from the rule that allows m's fields (MatchSignature; 0 for both
// when none does: its proof cannot verify anyway).
func (p *Policy) SigPublicInputs(m *TypedMessage, st *wire.State, t uint64) ([]fr.Element, error) {
	if err := st.Check(); err != nil {
		return nil, wire.Errorf(wire.Malformed, "state: %s", wire.MessageOf(err))
	}
	var token wire.Address
	tokenSpent := new(big.Int)
	if sm, err := p.MatchSignature(m); err == nil && sm.Spends {
		token, tokenSpent = sm.SpendToken, st.TokenSpent(sm.SpendToken)
	}
	var c fr.Element
	c.SetBytes(p.commitment[:])
	return []fr.Element{c, ElemU64(m.ChainID), ElemBytes(m.Contract[:]), m.Digest(), ElemU64(t),
		ElemBytes(token[:]), Elem(tokenSpent)}, nil
}

// CountSignature adds a matched signature's spend to st.
func (sm *SigMatch) Count(st *wire.State) {
	if sm.Spends {
		st.SetTokenSpent(sm.SpendToken, new(big.Int).Add(st.TokenSpent(sm.SpendToken), sm.SpendAmount))
	}
}

// SigWitness is everything the typed-data circuit needs besides the
// message: the rule's path in the signatures tree, and the set and
// token-window paths.
type SigWitness struct {
	SigPath Proof
	MembershipWitness
}

// SignatureWitness returns the Merkle paths of a signature match.
func (p *Policy) SignatureWitness(sm *SigMatch) SigWitness {
	w := SigWitness{SigPath: p.sigTree.Prove(sm.idx), MembershipWitness: p.memberWitness(sm.Match)}
	return w
}

// describeSignatures renders the signature rules for Describe.
func (p *Policy) describeSignatures(b *strings.Builder) {
	if len(p.sigs) == 0 {
		return
	}
	fmt.Fprintf(b, "- Typed-data signatures (EIP-712), each valid at most %s after it is signed (deadline fields), each nonce once:\n", FormatSeconds(p.MaxValidity))
	for _, sr := range p.sigs {
		dom := fmt.Sprintf("chain %d, contract %s", sr.ChainID, p.targetName(sr.Contract))
		if n := sr.Rule.Domain.Name; n != nil {
			dom += fmt.Sprintf(", name %q", *n)
		}
		if v := sr.Rule.Domain.Version; v != nil {
			dom += fmt.Sprintf(", version %q", *v)
		}
		fmt.Fprintf(b, "  - %s (%s):\n", sr.Rule.PrimaryType, dom)
		for i := range sr.Slots {
			fmt.Fprintf(b, "      - %s (%s): %s%s\n", sr.Slots[i].Name, sr.Slots[i].Type, p.DescribeWord(sr.CallRule, i), sr.Extra(p, i))
		}
	}
}

// Extra says what word i of a signature rule must be beyond its rule: a
// deadline bounded by maxValidity, the nonce used once.
func (sr *SigRule) Extra(p *Policy, i int) string {
	extra := ""
	if sr.Deadlines&(1<<i) != 0 {
		extra = fmt.Sprintf("; at most %s after signing", FormatSeconds(p.MaxValidity))
	}
	if i == sr.NonceWord {
		extra += "; used once (replay record)"
	}
	return extra
}
