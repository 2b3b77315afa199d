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
	if _, _, err := parseSignature(s); err != nil {
		return 0, fmt.Errorf("selector %q: %v", clip(s), err)
	}
	return signatureSelector(s), nil
}

// signatureSelector is keccak256(sig)[:4] of a canonical signature.
func signatureSelector(s string) uint32 {
	h := sha3.NewLegacyKeccak256()
	h.Write([]byte(s))
	return binary.BigEndian.Uint32(h.Sum(nil)[:4])
}

// The validators below are written by hand rather than as package-level
// regexps, so that nothing is compiled when the package starts (the WASM
// signer's cold start). splitSignature accepts exactly the language of the
// regexp in its comment; selector_test.go compares them on many generated
// strings.

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
