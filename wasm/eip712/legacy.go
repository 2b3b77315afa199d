package eip712

import (
	"encoding/hex"
	"encoding/json"
	"math/big"
	"strconv"
	"strings"

	"github.com/leash-wallet/leash/wasm/ethkey"
	"github.com/leash-wallet/leash/wire"
)

// LegacyField is one entry of an eth_signTypedData (v1) document.
type LegacyField struct {
	Type  string          `json:"type"`
	Name  string          `json:"name"`
	Value json.RawMessage `json:"value"`
}

// Legacy is a decoded eth_signTypedData (v1) document.
type Legacy struct {
	Fields []LegacyField
	values []any
}

// DecodeLegacy strictly parses a v1 typed-data document: a non-empty array
// of {type, name, value}. Arrays are not supported; every value is checked
// against its type.
func DecodeLegacy(raw []byte) (*Legacy, error) {
	if len(raw) > MaxDocumentBytes {
		return nil, bad("document is %d bytes, the limit is %d", len(raw), MaxDocumentBytes)
	}
	var fs []LegacyField
	if err := wire.DecodeStrict(raw, &fs, "typed data (v1)"); err != nil {
		return nil, err
	}
	if len(fs) == 0 || len(fs) > MaxFields {
		return nil, bad("v1: 1 to %d fields are required", MaxFields)
	}
	l := &Legacy{Fields: fs}
	for i, f := range fs {
		if f.Name == "" || len(f.Name) > MaxStringBytes || f.Value == nil {
			return nil, bad("v1: field %d needs a name and a value", i)
		}
		if !isAtomic(f.Type) && f.Type != "bytes" && f.Type != "string" {
			return nil, bad("v1: field %q: type %q is not supported", f.Name, f.Type)
		}
		v, err := decodeValue(f.Value)
		if err != nil {
			return nil, bad("v1: field %q: %v", f.Name, err)
		}
		if _, err := packed(f.Type, v); err != nil {
			return nil, bad("v1: field %q: %v", f.Name, err)
		}
		l.values = append(l.values, v)
	}
	return l, nil
}

func decodeValue(raw json.RawMessage) (any, error) {
	var v any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// Hash is eth-sig-util's typedSignatureHash:
// keccak256(keccak256(packed "type name" strings) ‖ keccak256(packed values)).
func (l *Legacy) Hash() [32]byte {
	var schema, data []byte
	for i, f := range l.Fields {
		schema = append(schema, f.Type+" "+f.Name...)
		p, _ := packed(f.Type, l.values[i])
		data = append(data, p...)
	}
	var out [32]byte
	copy(out[:], ethkey.Keccak256(ethkey.Keccak256(schema), ethkey.Keccak256(data)))
	return out
}

// packed is Solidity's non-standard packed encoding of one atomic value.
func packed(t string, v any) ([]byte, error) {
	switch {
	case t == "string":
		s, ok := v.(string)
		if !ok {
			return nil, errString
		}
		return []byte(s), nil
	case t == "bytes":
		return hexBytes(v)
	}
	w, err := encodeAtomic(t, v)
	if err != nil {
		return nil, err
	}
	switch {
	case t == "address":
		return w[12:], nil
	case t == "bool":
		return w[31:], nil
	case strings.HasPrefix(t, "bytes"):
		n, _ := strconv.Atoi(t[5:])
		return w[:n], nil
	}
	bits := intBits(strings.TrimPrefix(strings.TrimPrefix(t, "u"), "int"))
	return w[32-bits/8:], nil
}

var errString = wire.Errorf(wire.Malformed, "expected a string")

// Row is one field of a typed-data document as an approval shows it: its
// path, its declared type and its value, normalized (addresses EIP-55,
// integers in decimal, bytes in hex).
type Row struct {
	Path  string `json:"path"`
	Type  string `json:"type"`
	Value string `json:"value"`
	// Units is an amount in a known token's units with its symbol
	// ("1.5 USDC"), set by WithUnits.
	Units string `json:"units,omitempty"`
}

// Token is what the approval knows of an ERC-20 token: its symbol and
// decimals (read from the chain by the host).
type Token struct {
	Symbol   string `json:"symbol"`
	Decimals uint8  `json:"decimals"`
}

// amountNames are the field names that hold a token amount in the common
// typed-data documents (EIP-2612 permits, Permit2, EIP-3009, orders).
var amountNames = map[string]bool{"value": true, "amount": true, "wad": true, "allowed": true,
	"maxAmount": true, "requestedAmount": true, "sellAmount": true, "buyAmount": true, "startAmount": true, "endAmount": true}

// TokenOf names the token an amount row is in: a "token" field beside
// it, else the domain's verifyingContract (a permit is signed for the
// token contract itself). ok is false when neither is an address.
func TokenOf(rows, domain []Row, i int) (wire.Address, bool) {
	r := rows[i]
	prefix := r.Path[:strings.LastIndexByte(r.Path, '.')+1]
	for _, s := range rows {
		if s.Path == prefix+"token" && s.Type == "address" {
			a, err := wire.ParseAddress(s.Value)
			return a, err == nil
		}
	}
	for _, d := range domain {
		if d.Path == "verifyingContract" {
			a, err := wire.ParseAddress(d.Value)
			return a, err == nil
		}
	}
	return wire.Address{}, false
}

// AmountRow reports whether row i holds a token amount.
func AmountRow(rows []Row, i int) bool {
	r := rows[i]
	name := r.Path[strings.LastIndexByte(r.Path, '.')+1:]
	if j := strings.IndexByte(name, '['); j >= 0 {
		name = name[:j]
	}
	return strings.HasPrefix(r.Type, "uint") && amountNames[name]
}

// WithUnits sets Units on the amount rows of message whose token is in
// tokens (amounts in any other token stay in base units).
func WithUnits(domain, message []Row, tokens map[wire.Address]Token) []Row {
	for i := range message {
		if !AmountRow(message, i) {
			continue
		}
		a, ok := TokenOf(message, domain, i)
		if !ok {
			continue
		}
		t, ok := tokens[a]
		if !ok {
			continue
		}
		n, ok := new(big.Int).SetString(message[i].Value, 10)
		if !ok {
			continue
		}
		message[i].Units = FormatUnits(n, t.Decimals) + " " + t.Symbol
	}
	return message
}

// FormatUnits renders n base units with decimals, without trailing zeros.
func FormatUnits(n *big.Int, decimals uint8) string {
	s := new(big.Int).Abs(n).String()
	sign := ""
	if n.Sign() < 0 {
		sign = "-"
	}
	d := int(decimals)
	if d == 0 {
		return sign + s
	}
	if len(s) <= d {
		s = strings.Repeat("0", d-len(s)+1) + s
	}
	whole, frac := s[:len(s)-d], strings.TrimRight(s[len(s)-d:], "0")
	if frac == "" {
		return sign + whole
	}
	return sign + whole + "." + frac
}

// Rows lists every field of the domain and then of the message, depth
// first in declaration order.
func (td *TypedData) Rows() (domain, message []Row) {
	domain = td.rows("EIP712Domain", td.Domain, "", nil)
	if td.PrimaryType != "EIP712Domain" {
		message = td.rows(td.PrimaryType, td.Message, "", nil)
	}
	return domain, message
}

func (td *TypedData) rows(name string, m map[string]any, prefix string, out []Row) []Row {
	for _, f := range td.Types[name] {
		out = td.valueRows(f.Type, m[f.Name], prefix+f.Name, out)
	}
	return out
}

func (td *TypedData) valueRows(t string, v any, path string, out []Row) []Row {
	if strings.HasSuffix(t, "]") {
		inner := t[:strings.LastIndexByte(t, '[')]
		arr, _ := v.([]any)
		if len(arr) == 0 {
			return append(out, Row{Path: path, Type: t, Value: "[]"})
		}
		for i, e := range arr {
			out = td.valueRows(inner, e, path+"["+strconv.Itoa(i)+"]", out)
		}
		return out
	}
	if _, ok := td.Types[t]; ok {
		m, _ := v.(map[string]any)
		return td.rows(t, m, path+".", out)
	}
	return append(out, Row{Path: path, Type: t, Value: Normalize(t, v)})
}

// Rows lists a v1 document's fields.
func (l *Legacy) Rows() []Row {
	out := make([]Row, len(l.Fields))
	for i, f := range l.Fields {
		out[i] = Row{Path: f.Name, Type: f.Type, Value: Normalize(f.Type, l.values[i])}
	}
	return out
}

// Normalize renders a checked atomic value canonically.
func Normalize(t string, v any) string {
	switch {
	case t == "string":
		s, _ := v.(string)
		return s
	case t == "address":
		s, _ := v.(string)
		a, _ := wire.ParseAddress(s)
		return ethkey.ChecksumHex(a)
	case t == "bool":
		b, _ := v.(bool)
		return strconv.FormatBool(b)
	case strings.HasPrefix(t, "uint"), strings.HasPrefix(t, "int"):
		n, err := Integer(v)
		if err != nil {
			return ""
		}
		return n.String()
	case strings.HasPrefix(t, "bytes"):
		b, _ := hexBytes(v)
		return "0x" + hex.EncodeToString(b)
	}
	return ""
}
