package policy

import (
	"fmt"
	"strings"
)

// A small parser for canonical Solidity ABI signatures: enough to know, for
// every function a policy names, how its calldata is laid out word by word,
// so that each word can carry a rule at its canonical position.
//
// Supported: uintN, intN (N = 8…256 in steps of 8), address, bool, bytesN
// (N = 1…32), static tuples, fixed arrays of static types (all of them
// flatten to their words in the head), and dynamic arrays T[] of a static T
// (a head word holding the offset, and in the tail a length word and the
// elements). Refused, because they cannot be ruled word by word: bytes,
// string, function, arrays of dynamic types, tuples holding dynamic types.

// abiKind is the kind of an ABI type.
type abiKind int

const (
	kindUint abiKind = iota
	kindInt
	kindAddress
	kindBool
	kindFixedBytes
	kindTuple
	kindFixedArray
	kindDynArray
	kindBytes    // refused for rules
	kindString   // refused for rules
	kindFunction // refused for rules
)

// abiType is one parsed ABI type.
type abiType struct {
	kind   abiKind
	size   int        // bits for uintN/intN, N for bytesN, length for fixed arrays
	elem   *abiType   // arrays
	fields []*abiType // tuples
}

// maxTypeWords bounds the words a type may take while parsing: anything
// larger cannot fit the circuit anyway, and the bound keeps a hostile
// signature from costing more than its length.
const maxTypeWords = 1 << 10

// maxTypeDepth bounds the nesting of tuples and arrays.
const maxTypeDepth = 8

func (t *abiType) String() string {
	switch t.kind {
	case kindUint:
		return fmt.Sprintf("uint%d", t.size)
	case kindInt:
		return fmt.Sprintf("int%d", t.size)
	case kindAddress:
		return "address"
	case kindBool:
		return "bool"
	case kindFixedBytes:
		return fmt.Sprintf("bytes%d", t.size)
	case kindBytes:
		return "bytes"
	case kindString:
		return "string"
	case kindFunction:
		return "function"
	case kindFixedArray:
		return fmt.Sprintf("%s[%d]", t.elem, t.size)
	case kindDynArray:
		return t.elem.String() + "[]"
	}
	parts := make([]string, len(t.fields))
	for i, f := range t.fields {
		parts[i] = f.String()
	}
	return "(" + strings.Join(parts, ",") + ")"
}

// dynamic reports whether the type is encoded in the tail.
func (t *abiType) dynamic() bool {
	switch t.kind {
	case kindBytes, kindString, kindDynArray:
		return true
	case kindFixedArray:
		return t.elem.dynamic()
	case kindTuple:
		for _, f := range t.fields {
			if f.dynamic() {
				return true
			}
		}
	}
	return false
}

// words is the number of head words of a static type (1 for a dynamic one:
// its offset), capped at maxTypeWords+1.
func (t *abiType) words() int {
	if t.dynamic() {
		return 1
	}
	switch t.kind {
	case kindFixedArray:
		return min(t.size*t.elem.words(), maxTypeWords+1)
	case kindTuple:
		n := 0
		for _, f := range t.fields {
			n = min(n+f.words(), maxTypeWords+1)
		}
		return n
	}
	return 1
}

// ruleable reports why a type cannot be ruled word by word ("" when it can).
func (t *abiType) ruleable() string {
	switch t.kind {
	case kindBytes, kindString:
		return fmt.Sprintf("%s is dynamic data that cannot be ruled word by word (nested calls such as multicall or execute hide in it)", t)
	case kindFunction:
		return "function-typed arguments are not supported"
	case kindDynArray:
		if t.elem.dynamic() {
			return fmt.Sprintf("%s is an array of dynamic elements, which cannot be ruled word by word", t)
		}
		return t.elem.ruleable()
	case kindFixedArray:
		if t.elem.dynamic() {
			return fmt.Sprintf("%s holds dynamic elements, which cannot be ruled word by word", t)
		}
		return t.elem.ruleable()
	case kindTuple:
		if t.dynamic() {
			return fmt.Sprintf("the tuple %s holds dynamic members, which cannot be ruled word by word", t)
		}
		for _, f := range t.fields {
			if why := f.ruleable(); why != "" {
				return why
			}
		}
	}
	return ""
}

// staticWords flattens a static type into its word types, in order.
func (t *abiType) staticWords(out []*abiType) []*abiType {
	switch t.kind {
	case kindFixedArray:
		for range t.size {
			out = t.elem.staticWords(out)
		}
		return out
	case kindTuple:
		for _, f := range t.fields {
			out = f.staticWords(out)
		}
		return out
	}
	return append(out, t)
}

// parseSignature parses a canonical signature "name(type,…)" into the name
// and the parameter types. The text must be canonical (no spaces, uint256
// not uint, …) because its keccak256 is the selector.
func parseSignature(s string) (string, []*abiType, error) {
	args, ok := splitSignature(s)
	if !ok {
		return "", nil, fmt.Errorf("want 0x-hex or a signature like transfer(address,uint256)")
	}
	if strings.ContainsAny(s, " \t") {
		return "", nil, fmt.Errorf("a canonical signature has no spaces")
	}
	name := s[:strings.IndexByte(s, '(')]
	if args == "" {
		return name, nil, nil
	}
	p := typeParser{s: args}
	types, err := p.list(0)
	if err != nil {
		return "", nil, err
	}
	if p.i != len(p.s) {
		return "", nil, fmt.Errorf("unexpected %q after the argument list", clip(p.s[p.i:]))
	}
	return name, types, nil
}

type typeParser struct {
	s string
	i int
}

// list parses "type,type,…" up to a ')' or the end.
func (p *typeParser) list(depth int) ([]*abiType, error) {
	var out []*abiType
	for {
		t, err := p.typ(depth)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		return out, nil
	}
}

func (p *typeParser) typ(depth int) (*abiType, error) {
	if depth > maxTypeDepth {
		return nil, fmt.Errorf("types nest deeper than %d levels", maxTypeDepth)
	}
	var t *abiType
	if p.i < len(p.s) && p.s[p.i] == '(' {
		p.i++
		if p.i < len(p.s) && p.s[p.i] == ')' {
			return nil, fmt.Errorf("empty tuple")
		}
		fields, err := p.list(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.i >= len(p.s) || p.s[p.i] != ')' {
			return nil, fmt.Errorf("unbalanced parentheses")
		}
		p.i++
		t = &abiType{kind: kindTuple, fields: fields}
	} else {
		start := p.i
		for p.i < len(p.s) && p.s[p.i] != ',' && p.s[p.i] != '(' && p.s[p.i] != ')' && p.s[p.i] != '[' {
			p.i++
		}
		var err error
		if t, err = elementary(p.s[start:p.i]); err != nil {
			return nil, err
		}
	}
	for p.i < len(p.s) && p.s[p.i] == '[' {
		end := strings.IndexByte(p.s[p.i:], ']')
		if end < 0 {
			return nil, fmt.Errorf("unclosed array bracket")
		}
		n := p.s[p.i+1 : p.i+end]
		p.i += end + 1
		if depth+1 > maxTypeDepth {
			return nil, fmt.Errorf("types nest deeper than %d levels", maxTypeDepth)
		}
		depth++
		if n == "" {
			t = &abiType{kind: kindDynArray, elem: t}
			continue
		}
		v, ok := decimal(n)
		if !ok || v == 0 {
			return nil, fmt.Errorf("bad array length %q", clip(n))
		}
		t = &abiType{kind: kindFixedArray, size: v, elem: t}
		if t.words() > maxTypeWords {
			return nil, fmt.Errorf("%s is far too large", t)
		}
	}
	return t, nil
}

// elementary parses an elementary type name, canonical only.
func elementary(name string) (*abiType, error) {
	switch name {
	case "address":
		return &abiType{kind: kindAddress}, nil
	case "bool":
		return &abiType{kind: kindBool}, nil
	case "bytes":
		return &abiType{kind: kindBytes}, nil
	case "string":
		return &abiType{kind: kindString}, nil
	case "function":
		return &abiType{kind: kindFunction}, nil
	case "uint", "int":
		return nil, fmt.Errorf("type %q is not canonical, write %s256", name, name)
	case "byte":
		return nil, fmt.Errorf("type \"byte\" is not canonical, write bytes1")
	case "":
		return nil, fmt.Errorf("empty type in the argument list")
	}
	if n, ok := strings.CutPrefix(name, "bytes"); ok {
		if v, ok := decimal(n); ok && 1 <= v && v <= 32 {
			return &abiType{kind: kindFixedBytes, size: v}, nil
		}
	}
	kind, n := kindUint, ""
	if rest, ok := strings.CutPrefix(name, "uint"); ok {
		n = rest
	} else if rest, ok := strings.CutPrefix(name, "int"); ok {
		kind, n = kindInt, rest
	} else {
		return nil, fmt.Errorf("unknown ABI type %q", clip(name))
	}
	if v, ok := decimal(n); ok && 8 <= v && v <= 256 && v%8 == 0 {
		return &abiType{kind: kind, size: v}, nil
	}
	return nil, fmt.Errorf("unknown ABI type %q", clip(name))
}
