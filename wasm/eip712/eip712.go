package eip712

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/leash-wallet/leash/wasm/ethkey"
	"github.com/leash-wallet/leash/wire"
)

// Limits on a typed-data document. Real documents (permits, x402
// authorizations, orders, sign-in structs) are far below them.
const (
	MaxDocumentBytes = 64 << 10
	MaxTypes         = 32
	MaxFields        = 64 // per type
	MaxArrayLen      = 256
	MaxDepth         = 10 // nested structs and arrays in the message
	MaxNameLen       = 64
	MaxStringBytes   = 16 << 10
)

// Version selects eth-sig-util's hashing variant for structured data.
type Version int

const (
	// V3 is eth_signTypedData_v3: no arrays.
	V3 Version = 3
	// V4 is eth_signTypedData_v4: arrays, and a null struct hashes to zero.
	V4 Version = 4
)

// Field is one member of a struct type.
type Field struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// TypedData is a decoded EIP-712 document. Build one with Decode.
type TypedData struct {
	Types       map[string][]Field
	PrimaryType string
	Domain      map[string]any // values are json.Number, string, bool, []any, map[string]any
	Message     map[string]any
	version     Version
}

type typedDataJSON struct {
	Types       map[string][]Field `json:"types"`
	PrimaryType string             `json:"primaryType"`
	Domain      json.RawMessage    `json:"domain"`
	Message     json.RawMessage    `json:"message"`
}

func bad(format string, args ...any) error {
	return wire.Errorf(wire.Malformed, "typed data: "+format, args...)
}

// Decode strictly parses an eth_signTypedData_v3/v4 document (the JSON
// object, or a JSON string holding it, as dapps send it) and checks every
// value against its declared type, so that Hash never meets an
// unchecked value. Refused as malformed: unknown keys, duplicate keys,
// unknown or malformed types, a missing field or one the type does not
// declare, values out of their type's range, oversized documents, arrays
// or strings, and arrays under V3.
func Decode(raw []byte, v Version) (*TypedData, error) {
	if v != V3 && v != V4 {
		return nil, bad("version %d is not supported", v)
	}
	if len(raw) > MaxDocumentBytes {
		return nil, bad("document is %d bytes, the limit is %d", len(raw), MaxDocumentBytes)
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' { // a JSON string holding the document
		var s string
		if err := wire.DecodeStrict(raw, &s, "typed data"); err != nil {
			return nil, err
		}
		raw = []byte(s)
	}
	tree, err := wire.DecodeTree(raw, typedDataType, "typed data")
	if err != nil {
		return nil, err
	}
	td, err := fromTree(tree)
	if err != nil {
		return nil, err
	}
	td.version = v
	if _, ok := td.Types["EIP712Domain"]; !ok {
		td.Types["EIP712Domain"] = []Field{} // as eth-sig-util's sanitizeData does
	}
	if err := td.checkTypes(); err != nil {
		return nil, err
	}
	if _, ok := td.Types[td.PrimaryType]; !ok {
		return nil, bad("primaryType %q is not among the types", td.PrimaryType)
	}
	if err := td.checkStruct("EIP712Domain", td.Domain, "domain", 0); err != nil {
		return nil, err
	}
	if td.PrimaryType != "EIP712Domain" {
		if err := td.checkStruct(td.PrimaryType, td.Message, "message", 0); err != nil {
			return nil, err
		}
	}
	return td, nil
}

var typedDataType = reflect.TypeFor[typedDataJSON]()

// fromTree builds the document from wire.DecodeTree's tree, which was
// checked against typedDataJSON (byte-exact keys, none twice at any
// depth, no unknown field, no null for a field), and refuses what a
// strict decode into typedDataJSON refused: a value of the wrong JSON
// kind (types not an object of arrays of objects, a name, a type or the
// primaryType not a string), then a missing member, and a domain or
// message that is not an object. FuzzDecodeAgrees checks it against that
// decode.
func fromTree(tree any) (*TypedData, error) {
	doc, ok := tree.(map[string]any)
	if !ok {
		return nil, bad("the document is not an object")
	}
	td := &TypedData{}
	if types, ok := doc["types"]; ok {
		m, ok := types.(map[string]any)
		if !ok {
			return nil, bad("types: expected an object")
		}
		td.Types = make(map[string][]Field, len(m))
		for name, v := range m {
			fields, err := fieldsOf(name, v)
			if err != nil {
				return nil, err
			}
			td.Types[name] = fields
		}
	}
	if pt, ok := doc["primaryType"]; ok {
		if td.PrimaryType, ok = pt.(string); !ok {
			return nil, bad("primaryType: expected a string")
		}
	}
	domain, hasDomain := doc["domain"]
	message, hasMessage := doc["message"]
	if td.Types == nil || td.PrimaryType == "" || !hasDomain || !hasMessage {
		return nil, bad("types, primaryType, domain and message are all required")
	}
	if td.Domain, ok = domain.(map[string]any); !ok {
		return nil, bad("domain: expected an object")
	}
	if td.Message, ok = message.(map[string]any); !ok {
		return nil, bad("message: expected an object")
	}
	return td, nil
}

// fieldsOf reads one type's field list (null only under the key "",
// which checkTypes refuses as a name).
func fieldsOf(name string, v any) ([]Field, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, bad("types.%s: expected an array of fields", name)
	}
	fields := make([]Field, len(list))
	for i, e := range list {
		f, ok := e.(map[string]any)
		if !ok {
			return nil, bad("types.%s[%d]: expected a {name, type} object", name, i)
		}
		var err error
		if fields[i].Name, err = fieldString(f, "name"); err != nil {
			return nil, bad("types.%s[%d].name: %v", name, i, err)
		}
		if fields[i].Type, err = fieldString(f, "type"); err != nil {
			return nil, bad("types.%s[%d].type: %v", name, i, err)
		}
	}
	return fields, nil
}

// fieldString is member k of a field object: "" when absent (as
// encoding/json leaves it), an error when not a string.
func fieldString(f map[string]any, k string) (string, error) {
	v, ok := f[k]
	if !ok {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("expected a string")
	}
	return s, nil
}

func validName(s string) bool {
	if s == "" || len(s) > MaxNameLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

func (td *TypedData) checkTypes() error {
	if len(td.Types) > MaxTypes {
		return bad("%d types, the limit is %d", len(td.Types), MaxTypes)
	}
	for name, fields := range td.Types {
		if !validName(name) {
			return bad("type name %q is not an identifier", name)
		}
		if isAtomic(name) {
			return bad("type name %q shadows an atomic type", name)
		}
		if len(fields) > MaxFields {
			return bad("type %s has %d fields, the limit is %d", name, len(fields), MaxFields)
		}
		seen := map[string]bool{}
		for _, f := range fields {
			if !validName(f.Name) {
				return bad("type %s: field name %q is not an identifier", name, f.Name)
			}
			if seen[f.Name] {
				return bad("type %s: field %q is declared twice", name, f.Name)
			}
			seen[f.Name] = true
			if err := td.checkFieldType(f.Type); err != nil {
				return bad("type %s, field %s: %v", name, f.Name, err)
			}
		}
	}
	return nil
}

// checkFieldType accepts atomic types, declared struct names and arrays of
// either (arrays only under V4).
func (td *TypedData) checkFieldType(t string) error {
	base, dims, err := splitArray(t)
	if err != nil {
		return err
	}
	if len(dims) > 0 && td.version == V3 {
		return fmt.Errorf("arrays (%s) need eth_signTypedData_v4", t)
	}
	if isAtomic(base) || base == "bytes" || base == "string" {
		return nil
	}
	if _, ok := td.Types[base]; ok {
		return nil
	}
	return fmt.Errorf("unknown type %q", t)
}

// splitArray splits "T[2][]" into "T" and the dimensions, innermost first
// as written (-1 for a dynamic one).
func splitArray(t string) (string, []int, error) {
	var dims []int
	for strings.HasSuffix(t, "]") {
		i := strings.LastIndexByte(t, '[')
		if i <= 0 {
			return "", nil, fmt.Errorf("malformed array type %q", t)
		}
		n := t[i+1 : len(t)-1]
		d := -1
		if n != "" {
			k, err := strconv.Atoi(n)
			if err != nil || k <= 0 || k > MaxArrayLen || strconv.Itoa(k) != n {
				return "", nil, fmt.Errorf("malformed array length in %q", t)
			}
			d = k
		}
		dims = append([]int{d}, dims...)
		t = t[:i]
	}
	if len(dims) > 4 {
		return "", nil, fmt.Errorf("array type %q nests too deeply", t)
	}
	return t, dims, nil
}

// isAtomic reports whether t is one of EIP-712's atomic types other than
// the dynamic bytes and string.
func isAtomic(t string) bool {
	switch {
	case t == "address" || t == "bool":
		return true
	case strings.HasPrefix(t, "uint"):
		return intBits(t[4:]) > 0
	case strings.HasPrefix(t, "int"):
		return intBits(t[3:]) > 0
	case strings.HasPrefix(t, "bytes") && len(t) > 5:
		n, err := strconv.Atoi(t[5:])
		return err == nil && n >= 1 && n <= 32 && strconv.Itoa(n) == t[5:]
	}
	return false
}

func intBits(s string) int {
	if s == "" {
		return 256 // "uint" and "int" alias the 256-bit types... only in Solidity
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 8 || n > 256 || n%8 != 0 || strconv.Itoa(n) != s {
		return 0
	}
	return n
}

// checkStruct checks that m has exactly the fields of type name, each of
// its declared type.
func (td *TypedData) checkStruct(name string, m map[string]any, path string, depth int) error {
	if depth > MaxDepth {
		return bad("%s: nested deeper than %d", path, MaxDepth)
	}
	fields := td.Types[name]
	declared := make(map[string]bool, len(fields))
	for _, f := range fields {
		declared[f.Name] = true
		v, ok := m[f.Name]
		if !ok {
			return bad("%s.%s: missing (type %s declares it)", path, f.Name, name)
		}
		if err := td.checkValue(f.Type, v, path+"."+f.Name, depth+1); err != nil {
			return err
		}
	}
	for k := range m {
		if !declared[k] {
			return bad("%s.%s: not a field of type %s", path, k, name)
		}
	}
	return nil
}

func (td *TypedData) checkValue(t string, v any, path string, depth int) error {
	base, dims, err := splitArray(t)
	if err != nil {
		return bad("%s: %v", path, err)
	}
	if len(dims) > 0 {
		arr, ok := v.([]any)
		if !ok {
			return bad("%s: expected an array of %s", path, t)
		}
		want := dims[len(dims)-1]
		if len(arr) > MaxArrayLen || want >= 0 && len(arr) != want {
			return bad("%s: %d elements for %s", path, len(arr), t)
		}
		inner := t[:strings.LastIndexByte(t, '[')]
		for i, e := range arr {
			if err := td.checkValue(inner, e, fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if _, ok := td.Types[base]; ok {
		m, ok := v.(map[string]any)
		if !ok {
			return bad("%s: expected a %s struct", path, base)
		}
		return td.checkStruct(base, m, path, depth)
	}
	if _, err := atomicWord(base, v, false); err != nil {
		return bad("%s: %v", path, err)
	}
	return nil
}

// ---- hashing (eth-sig-util's TypedDataUtils, V3/V4) -------------------------

// Hash is the EIP-712 digest keccak256(0x1901 ‖ domainSeparator ‖
// hashStruct(message)), exactly as MetaMask's eth-sig-util computes it for
// the document's version (the message part is left out when the primary
// type is EIP712Domain).
func (td *TypedData) Hash() [32]byte {
	buf := []byte{0x19, 0x01}
	buf = append(buf, td.DomainSeparator()...)
	if td.PrimaryType != "EIP712Domain" {
		buf = append(buf, td.hashStruct(td.PrimaryType, td.Message)...)
	}
	var out [32]byte
	copy(out[:], ethkey.Keccak256(buf))
	return out
}

// DomainSeparator is hashStruct(EIP712Domain, domain).
func (td *TypedData) DomainSeparator() []byte { return td.hashStruct("EIP712Domain", td.Domain) }

// HashStruct is hashStruct(primaryType, message).
func (td *TypedData) HashStruct() []byte { return td.hashStruct(td.PrimaryType, td.Message) }

func (td *TypedData) hashStruct(name string, m map[string]any) []byte {
	return ethkey.Keccak256(td.encodeData(name, m))
}

// EncodeType is the type's canonical string: itself, then its struct
// dependencies sorted by name (types it does not reach are left out).
func (td *TypedData) EncodeType(name string) string {
	deps := map[string]bool{}
	td.deps(name, deps)
	delete(deps, name)
	names := make([]string, 0, len(deps))
	for d := range deps {
		names = append(names, d)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range append([]string{name}, names...) {
		b.WriteString(n)
		b.WriteByte('(')
		for i, f := range td.Types[n] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(f.Type + " " + f.Name)
		}
		b.WriteByte(')')
	}
	return b.String()
}

func (td *TypedData) deps(name string, acc map[string]bool) {
	if acc[name] {
		return
	}
	if _, ok := td.Types[name]; !ok {
		return
	}
	acc[name] = true
	for _, f := range td.Types[name] {
		base, _, _ := splitArray(f.Type)
		td.deps(base, acc)
	}
}

func (td *TypedData) encodeData(name string, m map[string]any) []byte {
	out := append([]byte(nil), ethkey.Keccak256([]byte(td.EncodeType(name)))...)
	for _, f := range td.Types[name] {
		out = append(out, td.encodeField(f.Type, m[f.Name])...)
	}
	return out
}

// encodeField is one 32-byte word of encodeData. Values were checked by
// Decode, so errors cannot happen here.
func (td *TypedData) encodeField(t string, v any) []byte {
	if _, ok := td.Types[t]; ok {
		if v == nil && td.version == V4 {
			return make([]byte, 32)
		}
		m, _ := v.(map[string]any)
		return td.hashStruct(t, m)
	}
	switch t {
	case "bytes":
		b, _ := hexBytes(v)
		return ethkey.Keccak256(b)
	case "string":
		s, _ := v.(string)
		return ethkey.Keccak256([]byte(s))
	}
	if strings.HasSuffix(t, "]") {
		inner := t[:strings.LastIndexByte(t, '[')]
		arr, _ := v.([]any)
		var cat []byte
		for _, e := range arr {
			cat = append(cat, td.encodeField(inner, e)...)
		}
		return ethkey.Keccak256(cat)
	}
	w, _ := encodeAtomic(t, v)
	return w
}

// EncodeAtomic is the 32-byte word EIP-712 encodes an atomic value of
// type t to (string and bytes as their keccak), with the range checks
// Decode applies. The leashed signer reads typed-data fields with it.
func EncodeAtomic(t string, v any) ([]byte, error) { return encodeAtomic(t, v) }

// encodeAtomic ABI-encodes an atomic value into one word, checking its
// range. Numbers come as JSON integers or strings (decimal or 0x hex).
func encodeAtomic(t string, v any) ([]byte, error) { return atomicWord(t, v, true) }

// atomicWord is encodeAtomic; without hash it only checks a string or
// bytes value (the same checks) and returns no word for it, as Decode's
// checks need no hash.
func atomicWord(t string, v any, hash bool) ([]byte, error) {
	switch {
	case t == "string":
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("expected a string")
		}
		if len(s) > MaxStringBytes || !utf8.ValidString(s) {
			return nil, fmt.Errorf("string longer than %d bytes or not UTF-8", MaxStringBytes)
		}
		if !hash {
			return nil, nil
		}
		return ethkey.Keccak256([]byte(s)), nil
	case t == "bytes":
		b, err := hexBytes(v)
		if err != nil {
			return nil, err
		}
		if len(b) > MaxStringBytes {
			return nil, fmt.Errorf("bytes longer than %d", MaxStringBytes)
		}
		if !hash {
			return nil, nil
		}
		return ethkey.Keccak256(b), nil
	case t == "address":
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("expected an address string")
		}
		a, err := wire.ParseAddress(s)
		if err != nil {
			return nil, fmt.Errorf("not an address")
		}
		return leftPad(a[:]), nil
	case t == "bool":
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("expected true or false")
		}
		w := make([]byte, 32)
		if b {
			w[31] = 1
		}
		return w, nil
	case strings.HasPrefix(t, "bytes"):
		n, _ := strconv.Atoi(t[5:])
		b, err := hexBytes(v)
		if err != nil {
			return nil, err
		}
		if len(b) != n {
			return nil, fmt.Errorf("expected %d bytes, got %d", n, len(b))
		}
		w := make([]byte, 32)
		copy(w, b)
		return w, nil
	case strings.HasPrefix(t, "uint"), strings.HasPrefix(t, "int"):
		signed := strings.HasPrefix(t, "int")
		bits := intBits(strings.TrimPrefix(strings.TrimPrefix(t, "u"), "int"))
		n, err := Integer(v)
		if err != nil {
			return nil, err
		}
		lo, hi := new(big.Int), new(big.Int).Lsh(big.NewInt(1), uint(bits))
		if signed {
			hi.Rsh(hi, 1)
			lo.Neg(hi)
		}
		if n.Cmp(lo) < 0 || n.Cmp(hi) >= 0 {
			return nil, fmt.Errorf("%s is out of range for %s", n, t)
		}
		if n.Sign() < 0 {
			n = new(big.Int).Add(n, new(big.Int).Lsh(big.NewInt(1), 256))
		}
		return leftPad(n.Bytes()), nil
	}
	return nil, fmt.Errorf("unknown type %q", t)
}

// Integer reads a JSON integer, or a string holding a decimal or 0x-hex
// integer (optionally negative).
func Integer(v any) (*big.Int, error) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = string(x)
	case string:
		s = x
	default:
		return nil, fmt.Errorf("expected an integer")
	}
	neg := strings.HasPrefix(s, "-")
	body := strings.TrimPrefix(s, "-")
	n := new(big.Int)
	ok := false
	switch {
	case len(body) > 80:
	case strings.HasPrefix(body, "0x") || strings.HasPrefix(body, "0X"):
		_, ok = n.SetString(body[2:], 16)
		ok = ok && len(body) > 2
	case body != "":
		ok = true
		for i := 0; i < len(body); i++ {
			if body[i] < '0' || body[i] > '9' {
				ok = false
			}
		}
		if ok {
			n.SetString(body, 10)
		}
	}
	if !ok {
		return nil, fmt.Errorf("%q is not an integer", s)
	}
	if neg {
		n.Neg(n)
	}
	return n, nil
}

func hexBytes(v any) ([]byte, error) {
	s, ok := v.(string)
	if !ok || !strings.HasPrefix(s, "0x") || len(s)%2 != 0 {
		return nil, fmt.Errorf("expected 0x-prefixed hex bytes")
	}
	b, err := hex.DecodeString(s[2:])
	if err != nil {
		return nil, fmt.Errorf("expected 0x-prefixed hex bytes")
	}
	return b, nil
}

func leftPad(b []byte) []byte {
	w := make([]byte, 32)
	copy(w[32-len(b):], b)
	return w
}
