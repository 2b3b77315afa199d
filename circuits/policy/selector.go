package policy

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/crypto/sha3"
)

var (
	sigPattern  = regexp.MustCompile(`^([A-Za-z_$][A-Za-z0-9_$]*)\((.*)\)$`)
	elemPattern = regexp.MustCompile(`^(address|bool|string|bytes([1-9]|[12][0-9]|3[0-2])?|u?int(8|16|24|32|40|48|56|64|72|80|88|96|104|112|120|128|136|144|152|160|168|176|184|192|200|208|216|224|232|240|248|256)|function)((\[[0-9]*\])*)$`)
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
	m := sigPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("selector %q: want 0x-hex or a signature like transfer(address,uint256)", clip(s))
	}
	if strings.ContainsAny(s, " \t") {
		return 0, fmt.Errorf("selector %q: a canonical signature has no spaces", clip(s))
	}
	if err := checkTypeList(m[2]); err != nil {
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
		if end < 0 || !regexp.MustCompile(`^(\[[0-9]*\])*$`).MatchString(t[end+1:]) {
			return fmt.Errorf("bad tuple type %q", t)
		}
		return checkTypeList(t[1:end])
	}
	if elemPattern.MatchString(t) {
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

func clip(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
