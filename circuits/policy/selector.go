package policy

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"

	"golang.org/x/crypto/sha3"
)

// ParseSelector accepts a 4-byte hex selector ("0xa9059cbb") or a canonical
// Solidity signature ("transfer(address,uint256)") and returns its value.
func ParseSelector(s string) (uint32, error) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		b, err := hex.DecodeString(s[2:])
		if err != nil || len(b) != 4 {
			return 0, fmt.Errorf("selector %q: want 4 bytes of hex like 0xa9059cbb", clip(s))
		}
		return binary.BigEndian.Uint32(b), nil
	}
	args, ok := splitSignature(s)
	if !ok {
		return 0, fmt.Errorf("selector %q: want 0x-hex or a signature like transfer(address,uint256)", clip(s))
	}
	if strings.ContainsAny(s, " \t") {
		return 0, fmt.Errorf("selector %q: a canonical signature has no spaces", clip(s))
	}
	if err := checkTypeList(args); err != nil {
		return 0, fmt.Errorf("selector %q: %v", clip(s), err)
	}
	h := sha3.NewLegacyKeccak256()
	h.Write([]byte(s))
	return binary.BigEndian.Uint32(h.Sum(nil)[:4]), nil
}

// checkTypeList validates a comma-separated list of canonical ABI types,
// with tuples in parentheses.
func checkTypeList(list string) error {
	if list == "" {
		return nil
	}
	depth, start := 0, 0
	for i := 0; i <= len(list); i++ {
		if i < len(list) {
			switch list[i] {
			case '(':
				depth++
				continue
			case ')':
				depth--
				if depth < 0 {
					return fmt.Errorf("unbalanced parentheses")
				}
				continue
			case ',':
				if depth > 0 {
					continue
				}
			default:
				continue
			}
		}
		if err := checkType(list[start:i]); err != nil {
			return err
		}
		start = i + 1
	}
	if depth != 0 {
		return fmt.Errorf("unbalanced parentheses")
	}
	return nil
}

func checkType(t string) error {
	if strings.HasPrefix(t, "(") {
		end := strings.LastIndex(t, ")")
		if end < 0 || !isArraySuffix(t[end+1:]) {
			return fmt.Errorf("bad tuple type %q", t)
		}
		return checkTypeList(t[1:end])
	}
	if isElemType(t) {
		return nil
	}
	switch t {
	case "uint", "int":
		return fmt.Errorf("type %q is not canonical, write %s256", t, t)
	case "byte":
		return fmt.Errorf("type \"byte\" is not canonical, write bytes1")
	case "":
		return fmt.Errorf("empty type in the argument list")
	}
	return fmt.Errorf("unknown ABI type %q", t)
}

// The validators below are written by hand rather than as package-level
// regexps, so that nothing is compiled when the package starts (the WASM
// signer's cold start). Each accepts exactly the language of the regexp in
// its comment; selector_test.go compares them on many generated strings.

// splitSignature matches ^([A-Za-z_$][A-Za-z0-9_$]*)\((.*)\)$ (where . is
// any character but a newline) and returns the part in the parentheses.
func splitSignature(s string) (args string, ok bool) {
	open := strings.IndexByte(s, '(')
	if open < 1 || len(s) < open+2 || s[len(s)-1] != ')' {
		return "", false
	}
	for i := 0; i < open; i++ {
		c := s[i]
		if !(isLetter(c) || c == '_' || c == '$' || (i > 0 && isDigit(c))) {
			return "", false
		}
	}
	args = s[open+1 : len(s)-1]
	if strings.IndexByte(args, '\n') >= 0 {
		return "", false
	}
	return args, true
}

// isElemType matches the elementary ABI types, canonical, with optional
// array suffixes:
// ^(address|bool|string|bytes([1-9]|[12][0-9]|3[0-2])?|u?int(8|16|…|256)|function)((\[[0-9]*\])*)$
// where the integer sizes are the multiples of 8 from 8 to 256.
func isElemType(t string) bool {
	base, suffix := t, ""
	if i := strings.IndexByte(t, '['); i >= 0 {
		base, suffix = t[:i], t[i:]
	}
	if !isArraySuffix(suffix) {
		return false
	}
	switch base {
	case "address", "bool", "string", "bytes", "function":
		return true
	}
	if n, ok := strings.CutPrefix(base, "bytes"); ok {
		v, ok := decimal(n)
		return ok && 1 <= v && v <= 32
	}
	n, ok := strings.CutPrefix(base, "int")
	if !ok {
		n, ok = strings.CutPrefix(base, "uint")
	}
	if ok {
		v, ok := decimal(n)
		return ok && 8 <= v && v <= 256 && v%8 == 0
	}
	return false
}

// isArraySuffix matches ^(\[[0-9]*\])*$.
func isArraySuffix(s string) bool {
	for s != "" {
		if s[0] != '[' {
			return false
		}
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return false
		}
		for i := 1; i < end; i++ {
			if !isDigit(s[i]) {
				return false
			}
		}
		s = s[end+1:]
	}
	return true
}

// decimal parses 1 to 3 ASCII digits without a leading zero.
func decimal(s string) (int, bool) {
	if len(s) == 0 || len(s) > 3 || s[0] == '0' {
		return 0, false
	}
	v := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		v = v*10 + int(s[i]-'0')
	}
	return v, true
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func clip(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
