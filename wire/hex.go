package wire

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
)

// Quantity is a JSON-RPC hex quantity ("0x0", "0x1a"): 0x-prefixed, no
// leading zeros, at most 256 bits. The zero value is 0.
type Quantity struct{ big.Int }

// NewQuantity returns x as a Quantity.
func NewQuantity(x *big.Int) Quantity {
	var q Quantity
	if x != nil {
		q.Set(x)
	}
	return q
}

// QuantityFromUint64 returns v as a Quantity.
func QuantityFromUint64(v uint64) Quantity {
	var q Quantity
	q.SetUint64(v)
	return q
}

// Big returns a copy of q as a *big.Int.
func (q *Quantity) Big() *big.Int { return new(big.Int).Set(&q.Int) }

func (q Quantity) MarshalJSON() ([]byte, error) {
	return json.Marshal("0x" + q.Text(16))
}

func (q *Quantity) UnmarshalJSON(b []byte) error {
	s, err := jsonString(b)
	if err != nil {
		return err
	}
	v, err := ParseQuantity(s, 256)
	if err != nil {
		return err
	}
	q.Set(v)
	return nil
}

// ParseQuantity parses a JSON-RPC hex quantity of at most bits bits.
func ParseQuantity(s string, bits int) (*big.Int, error) {
	if !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") {
		return nil, Errorf(Malformed, "quantity %q: missing 0x prefix", clip(s))
	}
	h := s[2:]
	switch {
	case h == "":
		return nil, Errorf(Malformed, "quantity %q: no digits", clip(s))
	case len(h) > 1 && h[0] == '0':
		return nil, Errorf(Malformed, "quantity %q: leading zero digits", clip(s))
	case len(h) > 64:
		return nil, Errorf(Malformed, "quantity %q: more than 256 bits", clip(s))
	}
	for _, c := range h {
		if !isHexDigit(c) {
			return nil, Errorf(Malformed, "quantity %q: bad hex digit %q", clip(s), c)
		}
	}
	v, _ := new(big.Int).SetString(h, 16)
	if v.BitLen() > bits {
		return nil, Errorf(Malformed, "quantity %q: exceeds %d bits", clip(s), bits)
	}
	return v, nil
}

// Uint64 is a hex quantity limited to 64 bits.
type Uint64 uint64

func (u Uint64) MarshalJSON() ([]byte, error) {
	return json.Marshal(fmt.Sprintf("0x%x", uint64(u)))
}

func (u *Uint64) UnmarshalJSON(b []byte) error {
	s, err := jsonString(b)
	if err != nil {
		return err
	}
	v, err := ParseQuantity(s, 64)
	if err != nil {
		return err
	}
	*u = Uint64(v.Uint64())
	return nil
}

// Bytes is 0x-prefixed hex data of any even length ("0x" is empty).
type Bytes []byte

func (b Bytes) MarshalJSON() ([]byte, error) { return json.Marshal("0x" + hex.EncodeToString(b)) }

func (b *Bytes) UnmarshalJSON(in []byte) error {
	s, err := jsonString(in)
	if err != nil {
		return err
	}
	v, err := ParseBytes(s)
	if err != nil {
		return err
	}
	*b = v
	return nil
}

// ParseBytes decodes 0x-prefixed hex data.
func ParseBytes(s string) ([]byte, error) {
	if !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") {
		return nil, Errorf(Malformed, "hex data %q: missing 0x prefix", clip(s))
	}
	h := s[2:]
	if len(h)%2 != 0 {
		return nil, Errorf(Malformed, "hex data %q: odd number of digits", clip(s))
	}
	out, err := hex.DecodeString(h)
	if err != nil {
		return nil, Errorf(Malformed, "hex data %q: %v", clip(s), err)
	}
	return out, nil
}

// Address is a 20-byte account address. Decoding accepts any letter case;
// encoding is lower case.
type Address [20]byte

func (a Address) Hex() string                  { return "0x" + hex.EncodeToString(a[:]) }
func (a Address) String() string               { return a.Hex() }
func (a Address) MarshalJSON() ([]byte, error) { return json.Marshal(a.Hex()) }

func (a *Address) UnmarshalJSON(b []byte) error {
	s, err := jsonString(b)
	if err != nil {
		return err
	}
	v, err := ParseAddress(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// ParseAddress parses a 0x-prefixed 20-byte address in any letter case.
func ParseAddress(s string) (Address, error) {
	var a Address
	b, err := ParseBytes(s)
	if err != nil {
		return a, Errorf(Malformed, "address %q: bad hex", clip(s))
	}
	if len(b) != 20 {
		return a, Errorf(Malformed, "address %q: %d bytes, want 20", clip(s), len(b))
	}
	copy(a[:], b)
	return a, nil
}

// Hash32 is a 32-byte value such as a field element or a transaction hash.
type Hash32 [32]byte

func (h Hash32) Hex() string                  { return "0x" + hex.EncodeToString(h[:]) }
func (h Hash32) String() string               { return h.Hex() }
func (h Hash32) MarshalJSON() ([]byte, error) { return json.Marshal(h.Hex()) }

func (h *Hash32) UnmarshalJSON(b []byte) error {
	s, err := jsonString(b)
	if err != nil {
		return err
	}
	v, err := ParseHash32(s)
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// ParseHash32 parses exactly 32 bytes of 0x-prefixed hex.
func ParseHash32(s string) (Hash32, error) {
	var h Hash32
	b, err := ParseBytes(s)
	if err != nil {
		return h, err
	}
	if len(b) != 32 {
		return h, Errorf(Malformed, "%q: %d bytes, want 32", clip(s), len(b))
	}
	copy(h[:], b)
	return h, nil
}

func jsonString(b []byte) (string, error) {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && printableASCII(b[1:len(b)-1]) {
		return string(b[1 : len(b)-1]), nil // what json.Unmarshal gives, without its scan
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return "", Errorf(Malformed, "expected a JSON string, got %s", clip(string(b)))
	}
	return s, nil
}

// printableASCII reports whether b is printable ASCII without a quote or
// a backslash: JSON string content that decodes to itself.
func printableASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func isHexDigit(c rune) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

// clip shortens hostile input before it is echoed into an error message.
func clip(s string) string {
	if len(s) > 48 {
		return s[:45] + "..."
	}
	return s
}
