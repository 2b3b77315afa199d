package policy

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/leash-wallet/leash/wire"
)

// Word types beyond the ABI's, as Slot.Type names them.
const (
	typeWord   = "word"   // a 0x selector's argument: the type is unknown
	typeOffset = "offset" // a dynamic array's head word (forced)
	typeLength = "length" // a dynamic array's length word (forced)
)

var maxHalf = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), HalfBits), big.NewInt(1))

// call compiles targets[…].calls[k]; it returns nil when it has problems.
func (c *compiler) call(targetWhere string, t *Target, k int) *CallRule {
	call := &t.Calls[k]
	where := fmt.Sprintf("%s.calls[%d]", targetWhere, k)
	cr := &CallRule{Target: t.Address, Fn: call.Fn, ProgramOnly: call.ProgramOnly, TokenArg: -1, Where: where,
		Acks: call.Acknowledge}
	before := len(c.probs)
	switch {
	case call.Fn == TransferValue:
		cr.Selector = ValueTransferSelector
		if len(call.Args) > 0 {
			c.add("%s.args: transfer-value has no arguments", where)
		}
	case strings.HasPrefix(call.Fn, "0x") || strings.HasPrefix(call.Fn, "0X"):
		sel, err := ParseSelector(call.Fn)
		if err != nil {
			c.add("%s.fn: %v", where, err)
			return nil
		}
		cr.Selector = uint64(sel)
		if call.Args == nil {
			c.add("%s.args: a 0x selector needs explicit args (its argument types are unknown): one rule per calldata word, or [] for none", where)
			return nil
		}
		for i := range call.Args {
			if call.Args[i].HasArray {
				c.add("%s.args[%d]: array rules need a signature (the types of a 0x selector's words are unknown)", where, i)
				continue
			}
			cr.Slots = append(cr.Slots, Slot{Name: fmt.Sprintf("args[%d]", i), Param: typeWord, Type: typeWord, Rule: &call.Args[i], Set: -1})
		}
	default:
		name, types, err := parseSignature(call.Fn)
		if err != nil {
			c.add("%s.fn: selector %q: %v", where, clip(call.Fn), err)
			return nil
		}
		cr.Name = name
		cr.Selector = uint64(signatureSelector(call.Fn))
		c.layout(where, cr, types, call.Args)
	}
	if len(c.probs) > before {
		return nil
	}
	if len(cr.Slots) > Words {
		c.add("%s: the calldata is %d words, the circuit holds %d", where, len(cr.Slots), Words)
		return nil
	}
	cr.Words = len(cr.Slots)
	for i := range cr.Slots {
		c.slotRule(where, cr, i)
	}
	c.spend(where, cr)
	if len(c.probs) > before {
		return nil
	}
	return cr
}

// layout assigns the signature's words their canonical positions: static
// parameters flatten into the head, each dynamic array takes a head word
// (its offset, forced) and in the tail a length word (forced) and its
// elements, in parameter order.
func (c *compiler) layout(where string, cr *CallRule, types []*abiType, args []Rule) {
	head := 0
	for _, t := range types {
		if why := t.ruleable(); why != "" {
			c.add("%s.fn: %s", where, why)
			return
		}
		head += t.words()
	}
	if head > Words {
		c.add("%s.fn: %d head words, the circuit holds %d calldata words", where, head, Words)
		return
	}
	if len(args) != head {
		c.add("%s.args: %s has %d calldata head words, so it needs %d rules (got %d); write \"any\" explicitly where there is no constraint",
			where, clip(cr.Fn), head, head, len(args))
		return
	}
	type tail struct {
		head  int // index of the offset slot
		param int
		elem  []*abiType
		rules []Rule
	}
	var tails []tail
	ai := 0
	for pi, t := range types {
		if t.kind == kindDynArray {
			r := &args[ai]
			if !r.HasArray {
				c.add("%s.args[%d]: parameter %d is %s: rule it with {\"array\": [one rule per element word]}", where, ai, pi, t)
				return
			}
			elem := t.elem.staticWords(nil)
			if len(r.Array)%len(elem) != 0 {
				c.add("%s.args[%d].array: %d rules for elements of %d words each", where, ai, len(r.Array), len(elem))
				return
			}
			tails = append(tails, tail{head: len(cr.Slots), param: ai, elem: elem, rules: r.Array})
			cr.Slots = append(cr.Slots, Slot{Name: fmt.Sprintf("args[%d] (offset)", ai), Param: t.String(), Type: typeOffset, Set: -1})
			ai++
			continue
		}
		for _, w := range t.staticWords(nil) {
			if args[ai].HasArray {
				c.add("%s.args[%d]: only a dynamic array parameter takes an array rule (this word is %s)", where, ai, w)
				return
			}
			cr.Slots = append(cr.Slots, Slot{Name: fmt.Sprintf("args[%d]", ai), Param: t.String(), Type: w.String(), Rule: &args[ai], Set: -1})
			ai++
		}
	}
	for _, tl := range tails {
		if len(cr.Slots)+1+len(tl.rules) > Words {
			c.add("%s: the calldata is %d words with args[%d]'s %d element words, the circuit holds %d",
				where, len(cr.Slots)+1+len(tl.rules), tl.param, len(tl.rules), Words)
			return
		}
		n := len(tl.rules) / len(tl.elem)
		cr.Slots[tl.head].Ops = [2]*big.Int{new(big.Int), big.NewInt(int64(32 * len(cr.Slots)))}
		cr.Slots[tl.head].Flags = FlagEq
		cr.Slots = append(cr.Slots, Slot{Name: fmt.Sprintf("args[%d] (length)", tl.param), Param: cr.Slots[tl.head].Param, Type: typeLength,
			Ops: [2]*big.Int{new(big.Int), big.NewInt(int64(n))}, Flags: FlagEq, Set: -1})
		for j := range tl.rules {
			w := tl.elem[j%len(tl.elem)]
			if tl.rules[j].HasArray {
				c.add("%s.args[%d].array[%d]: an element word takes a word rule, not an array", where, tl.param, j)
				return
			}
			cr.Slots = append(cr.Slots, Slot{Name: fmt.Sprintf("args[%d].array[%d]", tl.param, j), Param: cr.Slots[tl.head].Param,
				Type: w.String(), Rule: &tl.rules[j], Set: -1})
		}
	}
}

// slotRule turns slot i's rule into flags and operands, checking it fits
// the word's type.
func (c *compiler) slotRule(where string, cr *CallRule, i int) {
	s := &cr.Slots[i]
	if s.Rule == nil { // forced offset or length
		return
	}
	r := s.Rule
	field := where + "." + strings.ReplaceAll(s.Name, " ", "")
	typ := s.Type
	isAddr := typ == "address" || typ == typeWord
	isUint := strings.HasPrefix(typ, "uint") || typ == typeWord
	s.Ops = [2]*big.Int{new(big.Int), new(big.Int)}
	switch {
	case r.Any:
	case r.Eq != nil:
		v, err := c.eqValue(r.Eq, typ)
		if err != nil {
			c.add("%s.eq: %v", field, err)
			return
		}
		s.Flags |= FlagEq
		s.Ops = split(v)
	case r.Is != "":
		if !isAddr {
			c.add("%s: {\"is\": \"self\"} needs an address word, this one is %s", field, typ)
			return
		}
		s.Flags |= FlagEq
		s.Ops = split(new(big.Int).SetBytes(c.p.Account[:]))
	case r.OneOf != nil:
		if !isAddr {
			c.add("%s: oneOf needs an address word, this one is %s", field, typ)
			return
		}
		if len(r.OneOf) == 0 || len(r.OneOf) > MaxSetSize {
			c.add("%s.oneOf: %d addresses, a set holds 1 to %d", field, len(r.OneOf), MaxSetSize)
			return
		}
		dup := map[wire.Address]bool{}
		for k, a := range r.OneOf {
			if dup[a] {
				c.add("%s.oneOf[%d]: duplicate address %s", field, k, a.Hex())
				return
			}
			dup[a] = true
		}
		n := 0
		for _, set := range cr.Sets {
			if set != nil {
				n++
			}
		}
		if n == SetsPerCall {
			c.add("%s: a call may use at most %d oneOf sets", field, SetsPerCall)
			return
		}
		cr.Sets[n] = &CallSet{Word: i, Members: append([]wire.Address(nil), r.OneOf...)}
		s.Set = n
		s.Flags |= FlagSetA << n
	default: // max and/or min
		if !isUint {
			c.add("%s: max/min compare unsigned integers, this word is %s", field, typ)
			return
		}
		hi, lo := new(big.Int).Set(maxHalf), new(big.Int)
		if r.Max != nil {
			v, err := c.intValue(*r.Max, typ)
			if err != nil {
				c.add("%s.max: %v", field, err)
				return
			}
			hi = v
		}
		if r.Min != nil {
			v, err := c.intValue(*r.Min, typ)
			if err != nil {
				c.add("%s.min: %v", field, err)
				return
			}
			lo = v
		}
		if hi.Cmp(lo) < 0 {
			c.add("%s: min %s is above max %s, nothing can pass", field, lo, hi)
			return
		}
		s.Flags |= FlagRange
		s.Ops = [2]*big.Int{hi, lo}
	}
	if r.Spend != nil {
		if !isUint {
			c.add("%s.spend: only an unsigned integer word can count toward a window, this one is %s", field, typ)
			return
		}
		if r.OneOf != nil || r.Is != "" {
			c.add("%s.spend: a word ruled by an address set cannot be an amount", field)
			return
		}
		if s.Flags&FlagEq != 0 && s.Ops[0].Sign() != 0 {
			c.add("%s.spend: the amount %s is at least 2^128", field, join(s.Ops))
			return
		}
		s.Flags |= FlagSpend
	}
}

func split(v *big.Int) [2]*big.Int {
	return [2]*big.Int{new(big.Int).Rsh(v, HalfBits), new(big.Int).And(v, maxHalf)}
}

func join(ops [2]*big.Int) *big.Int {
	return new(big.Int).Add(new(big.Int).Lsh(ops[0], HalfBits), ops[1])
}

// intValue parses a max/min operand: an amount below 2^128 that fits typ.
func (c *compiler) intValue(s, typ string) (*big.Int, error) {
	v, err := parseAmountUnits(s, c.units)
	if err != nil {
		return nil, err
	}
	if v.BitLen() > HalfBits {
		return nil, fmt.Errorf("%s is at least 2^128; max and min compare words below 2^128", v)
	}
	if bits := uintBits(typ); v.BitLen() > bits {
		return nil, fmt.Errorf("%s does not fit %s", v, typ)
	}
	return v, nil
}

func uintBits(typ string) int {
	var n int
	if _, err := fmt.Sscanf(typ, "uint%d", &n); err == nil {
		return n
	}
	return 256
}

// eqValue parses an eq operand as the 256-bit word typ encodes it to.
func (c *compiler) eqValue(raw json.RawMessage, typ string) (*big.Int, error) {
	raw = bytes.TrimSpace(raw)
	if typ == "bool" {
		switch string(raw) {
		case "true":
			return big.NewInt(1), nil
		case "false":
			return new(big.Int), nil
		}
		return nil, fmt.Errorf("a bool word takes true or false")
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("write the value as a JSON string")
	}
	switch {
	case typ == "address":
		a, err := wire.ParseAddress(s)
		if err != nil {
			return nil, fmt.Errorf("%s", wire.MessageOf(err))
		}
		return new(big.Int).SetBytes(a[:]), nil
	case strings.HasPrefix(typ, "bytes"):
		var n int
		fmt.Sscanf(typ, "bytes%d", &n)
		b, err := hex.DecodeString(strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X"))
		if err != nil || len(b) != n || !strings.HasPrefix(strings.ToLower(s), "0x") {
			return nil, fmt.Errorf("%s takes 0x and exactly %d bytes of hex", typ, n)
		}
		var w [32]byte
		copy(w[:], b) // bytesN are left-aligned
		return new(big.Int).SetBytes(w[:]), nil
	case strings.HasPrefix(typ, "int"):
		var n int
		fmt.Sscanf(typ, "int%d", &n)
		v, ok := new(big.Int).SetString(s, 10)
		if !ok {
			return nil, fmt.Errorf("%s takes a decimal integer", typ)
		}
		lim := new(big.Int).Lsh(big.NewInt(1), uint(n-1))
		if v.Cmp(lim) >= 0 || v.Cmp(new(big.Int).Neg(lim)) < 0 {
			return nil, fmt.Errorf("%s does not fit %s", v, typ)
		}
		if v.Sign() < 0 { // two's complement over 256 bits
			v.Add(v, new(big.Int).Lsh(big.NewInt(1), 256))
		}
		return v, nil
	}
	v, err := parseAmountUnits(s, c.units) // uintN or an unknown word
	if err != nil {
		return nil, err
	}
	if bits := uintBits(typ); v.BitLen() > bits {
		return nil, fmt.Errorf("%s does not fit %s", v, typ)
	}
	return v, nil
}

// spend sets the call's spend mode from its spend words, and checks the
// token it names has a window.
func (c *compiler) spend(where string, cr *CallRule) {
	var sp *Spend
	for i := range cr.Slots {
		s := &cr.Slots[i]
		if s.Rule == nil || s.Rule.Spend == nil {
			continue
		}
		if sp != nil && !sp.same(s.Rule.Spend) {
			c.add("%s.%s.spend: every spend word of a call counts toward the same token (another word says %s)", where, s.Name, sp)
			return
		}
		sp = s.Rule.Spend
	}
	if sp == nil {
		return
	}
	switch {
	case sp.Target:
		cr.SpendMode = SpendTarget
		if c.tokens[cr.Target] == nil {
			c.add("%s: spend: true counts toward the window of %s, which declares no windowMax", where, cr.Target.Hex())
		}
	case sp.Token != nil:
		cr.SpendMode, cr.SpendToken = SpendFixed, *sp.Token
		if c.tokens[*sp.Token] == nil {
			c.add("%s: spend counts toward %s, which no target declares a windowMax for", where, sp.Token.Hex())
		}
	default:
		k := *sp.TokenArg
		cr.SpendMode = SpendArg
		if k < 0 || k >= len(cr.Slots) {
			c.add("%s: spend tokenArg %d is not a calldata word (the call has %d)", where, k, len(cr.Slots))
			return
		}
		s := &cr.Slots[k]
		if s.Type != "address" && s.Type != typeWord {
			c.add("%s: spend tokenArg %d is %s (%s), not an address word", where, k, s.Name, s.Type)
			return
		}
		var tokens []wire.Address
		switch {
		case s.Flags&FlagEq != 0 && s.Rule != nil && s.Rule.Is == "":
			v := join(s.Ops)
			if v.BitLen() > AddressBits {
				c.add("%s: spend tokenArg %d is ruled eq %s, which is not an address", where, k, v)
				return
			}
			var a wire.Address
			v.FillBytes(a[:])
			tokens = []wire.Address{a}
		case s.Set >= 0:
			tokens = cr.Sets[s.Set].Members
		default:
			c.add("%s: spend tokenArg %d (%s) must be ruled eq or oneOf, so that every token it can name has a window", where, k, s.Name)
			return
		}
		for _, a := range tokens {
			if c.tokens[a] == nil {
				c.add("%s: spend tokenArg %d may name %s, which declares no windowMax", where, k, a.Hex())
			}
		}
		s.Flags |= FlagTokenArg
		cr.TokenArg = k
	}
}
