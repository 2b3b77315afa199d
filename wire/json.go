package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"
)

// MaxDocumentBytes bounds every JSON document the decoders accept. It is
// larger than the largest legal transaction (128 KiB of calldata, hex
// encoded) plus its envelope.
const MaxDocumentBytes = 512 << 10

// MaxDepth bounds the nesting of arrays and objects in a document.
const MaxDepth = 64

// DecodeStrict decodes one JSON document into v. It is the one decoder
// every wire type goes through, and it refuses, as Malformed:
//   - documents over MaxDocumentBytes, or nested deeper than MaxDepth;
//   - bytes that are not UTF-8, and strings holding an escaped lone
//     surrogate (Go and JavaScript decode those differently);
//   - an object key that is not byte-equal to a field name of the Go
//     type it lands in: encoding/json alone matches names
//     case-insensitively and folds Unicode ("TX", "ſpent" and the Kelvin
//     sign would reach a field), which lets one document mean two things
//     to two parsers;
//   - the same key twice in one object, at any depth;
//   - unknown fields, null where a field of the type is expected, and
//     trailing data.
func DecodeStrict(data []byte, v any, what string) error {
	if len(data) > MaxDocumentBytes {
		return Errorf(Malformed, "%s: document is %d bytes, the limit is %d", what, len(data), MaxDocumentBytes)
	}
	if err := decodeExact(data, v); err != nil {
		var coded *Error
		if errors.As(err, &coded) {
			return Errorf(coded.Code, "%s: %s", what, coded.Message)
		}
		return Errorf(Malformed, "%s: %v", what, err)
	}
	return nil
}

// decodeInner decodes a nested object of a type's own UnmarshalJSON with
// the same rules as DecodeStrict (the whole document was size-checked
// once; a direct json.Unmarshal into these types still gets every other
// check).
func decodeInner(b []byte, v any) error {
	if err := decodeExact(b, v); err != nil {
		var coded *Error
		if errors.As(err, &coded) {
			return coded
		}
		return Errorf(Malformed, "%v", err)
	}
	return nil
}

// decodeExact checks data's shape against v's type, then decodes it.
func decodeExact(data []byte, v any) error {
	if !utf8.Valid(data) {
		return errors.New("the document is not valid UTF-8")
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errors.New("internal: decode target is not a pointer")
	}
	if err := CheckShape(data, rv.Type().Elem()); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var coded *Error
		if errors.As(err, &coded) {
			return coded
		}
		return cleanJSONError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON document")
	}
	return nil
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

func cleanJSONError(err error) error {
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		return fmt.Errorf("field %q: expected %s, got JSON %s", ute.Field, ute.Type, ute.Value)
	}
	return err
}

// CheckShape walks one JSON document against the Go type t that will
// receive it, and refuses what encoding/json would let through: keys that
// are not byte-equal to a field's JSON name (case variants, Unicode
// folds), duplicate keys, null for a struct field, escaped lone
// surrogates, trailing data and nesting deeper than MaxDepth. A type that
// decodes itself (json.Unmarshaler) is checked for duplicates only here;
// its UnmarshalJSON must decode through decodeInner, which checks its own
// mirror type. Maps take any key once; json.RawMessage and interfaces take
// any value without duplicate keys. It reads the document in one pass of
// a byte scanner (scan.go); its verdicts are those of the walk over
// encoding/json's tokens it replaced (kept in export_test.go), which
// FuzzDecodersAgree and TestDecodersAgreeOnCorpus check.
func CheckShape(data []byte, t reflect.Type) error {
	w := shapeWalker{s: scanner{data: data}}
	if _, err := w.value(t, 0, nil, 0); err != nil {
		return err
	}
	return w.s.end()
}

// DecodeTree checks one JSON document as DecodeStrict does before it
// decodes (size, UTF-8, and CheckShape against the type t that will
// receive it, nil for anything) and returns it as the tree json.Unmarshal
// gives into an any with UseNumber: map[string]any, []any, json.Number
// (the number's exact text), string, bool and nil. It is one pass over
// the document where DecodeStrict makes three; a caller that builds t's
// values from the tree must refuse what encoding/json would refuse, a
// value of the wrong JSON kind for its field (wasm/eip712 does, and its
// FuzzDecodeAgrees checks it against DecodeStrict).
func DecodeTree(data []byte, t reflect.Type, what string) (any, error) {
	if len(data) > MaxDocumentBytes {
		return nil, Errorf(Malformed, "%s: document is %d bytes, the limit is %d", what, len(data), MaxDocumentBytes)
	}
	if !utf8.Valid(data) {
		return nil, Errorf(Malformed, "%s: the document is not valid UTF-8", what)
	}
	w := shapeWalker{s: scanner{data: data}, build: true}
	v, err := w.value(t, 0, nil, 0)
	if err == nil {
		err = w.s.end()
	}
	if err != nil {
		return nil, Errorf(Malformed, "%s: %v", what, err)
	}
	return v, nil
}

// decodeMembers checks a document as DecodeStrict does (size, UTF-8,
// CheckShape against t, which must be a struct) and hands set each
// top-level member's key and value bytes as the walk passes it, in one
// pass: set decodes the member into its field as encoding/json would
// (json.Unmarshal of the value, the field type's UnmarshalJSON, or a copy
// for raw JSON). A struct decode is such a decode of each member on its
// own; DecodeSigProposal uses it, and FuzzDecodersAgree checks it against
// DecodeStrict.
func decodeMembers(data []byte, t reflect.Type, what string, set func(key string, raw []byte) error) error {
	if len(data) > MaxDocumentBytes {
		return Errorf(Malformed, "%s: document is %d bytes, the limit is %d", what, len(data), MaxDocumentBytes)
	}
	err := func() error {
		if !utf8.Valid(data) {
			return errors.New("the document is not valid UTF-8")
		}
		if shapeOf(t) == nil || t.Kind() != reflect.Struct {
			return errors.New("internal: decodeMembers needs a struct type")
		}
		w := shapeWalker{s: scanner{data: data}, member: set}
		if _, err := w.value(t, 0, nil, 0); err != nil {
			return err
		}
		if err := w.s.end(); err != nil {
			return err
		}
		first := scanner{data: data}
		if c := first.peek(); c != '{' && c != 'n' { // null sets nothing, as in encoding/json
			return fmt.Errorf("expected a JSON object, got %q", c)
		}
		return nil
	}()
	if err != nil {
		var coded *Error
		if errors.As(err, &coded) {
			return Errorf(coded.Code, "%s: %s", what, coded.Message)
		}
		return Errorf(Malformed, "%s: %v", what, cleanJSONError(err))
	}
	return nil
}

// shapeWalker walks a document with a scanner (scan.go): one pass, no
// allocation for plain keys and values unless it builds the tree.
type shapeWalker struct {
	s      scanner
	build  bool                               // return the values (DecodeTree), not only check them
	member func(key string, raw []byte) error // called with each top-level member once walked (decodeMembers)
}

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
)

// value consumes one JSON value that lands in a Go value of type t (nil:
// anything, duplicates still refused), and returns it when the walker
// builds. Its path, for errors, is key (the member's key, nil at the top)
// and arrays (how many arrays deep below that member it is); null is
// refused for a typed value with a non-empty path, as the Token walk did.
func (w *shapeWalker) value(t reflect.Type, depth int, key []byte, arrays int) (any, error) {
	if depth > MaxDepth {
		return nil, fmt.Errorf("JSON nested deeper than %d levels", MaxDepth)
	}
	named := len(key) > 0 || arrays > 0
	switch w.s.peek() {
	case '{':
		w.s.pos++
		return w.object(shapeOf(t), depth)
	case '[':
		w.s.pos++
		var elem reflect.Type
		if st := shapeOf(t); st != nil && (st.Kind() == reflect.Slice || st.Kind() == reflect.Array) {
			elem = st.Elem()
		}
		var arr []any
		if w.build {
			arr = []any{}
		}
		if w.s.peek() == ']' {
			w.s.pos++
			return arr, nil
		}
		for {
			v, err := w.value(elem, depth+1, key, arrays+1)
			if err != nil {
				return nil, err
			}
			if w.build {
				arr = append(arr, v)
			}
			switch w.s.peek() {
			case ',':
				w.s.pos++
			case ']':
				w.s.pos++
				return arr, nil
			default:
				return nil, w.s.syntaxError("want , or ]")
			}
		}
	}
	start := w.s.pos
	null, raw, plain, err := w.s.scalar()
	switch {
	case err != nil:
		return nil, err
	case null && t != nil && named:
		return nil, fmt.Errorf("field %q: null is not accepted", pathOf(key, arrays))
	case invalidText(raw, plain):
		return nil, fmt.Errorf("%s: a string holds an invalid character (a lone surrogate?)", orDoc(pathOf(key, arrays)))
	case !w.build || null:
		return nil, nil
	}
	switch c := w.s.data[start]; c {
	case '"':
		return string(decoded(raw, plain)), nil
	case 't', 'f':
		return c == 't', nil
	}
	return json.Number(w.s.data[start:w.s.pos]), nil
}

func pathOf(key []byte, arrays int) string {
	return string(key) + strings.Repeat("[]", arrays)
}

func orDoc(path string) string {
	if path == "" {
		return "document"
	}
	return "field " + fmt.Sprintf("%q", path)
}

// object consumes an object's members (the '{' was read), and returns it
// as a map[string]any when the walker builds.
func (w *shapeWalker) object(t reflect.Type, depth int) (any, error) {
	var fields map[string]reflect.Type
	isStruct := t != nil && t.Kind() == reflect.Struct
	if isStruct {
		fields = structFields(t)
	}
	var mapElem reflect.Type
	if t != nil && t.Kind() == reflect.Map {
		mapElem = t.Elem()
	}
	var m map[string]any
	if w.build {
		m = map[string]any{}
	}
	if w.s.peek() == '}' {
		w.s.pos++
		return m, nil
	}
	var seen keySet
	for {
		w.s.ws()
		raw, plain, err := w.s.str()
		if err != nil {
			return nil, err
		}
		k := decoded(raw, plain)
		if !plain && bytes.ContainsRune(k, utf8.RuneError) {
			return nil, fmt.Errorf("a key holds an invalid character (a lone surrogate?)")
		}
		if seen.add(k) {
			return nil, fmt.Errorf("duplicate key %q", k)
		}
		var ft reflect.Type
		switch {
		case isStruct:
			var ok bool
			if ft, ok = fields[string(k)]; !ok {
				return nil, fmt.Errorf("unknown field %q%s", k, near(fields, string(k)))
			}
		case mapElem != nil:
			ft = mapElem
		}
		if err := w.s.expect(':', "want :"); err != nil {
			return nil, err
		}
		w.s.ws()
		start := w.s.pos
		v, err := w.value(ft, depth+1, k, 0)
		if err != nil {
			return nil, err
		}
		if depth == 0 && w.member != nil {
			if err := w.member(string(k), w.s.data[start:w.s.pos]); err != nil {
				return nil, err
			}
		}
		if w.build {
			m[string(k)] = v
		}
		switch w.s.peek() {
		case ',':
			w.s.pos++
		case '}':
			w.s.pos++
			return m, nil
		default:
			return nil, w.s.syntaxError("want , or }")
		}
	}
}

// near adds a hint when k differs from a field name only in case.
func near(fields map[string]reflect.Type, k string) string {
	for name := range fields {
		if strings.EqualFold(name, k) {
			return fmt.Sprintf(" (field names are case-sensitive: did you mean %q?)", name)
		}
	}
	return ""
}

// shapeOf reduces t to what its JSON looks like: pointers are followed,
// and a type that decodes itself (or is raw JSON) is "anything" (nil).
func shapeOf(t reflect.Type) reflect.Type {
	for t != nil {
		if t == rawMessageType || t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) {
			return nil
		}
		switch t.Kind() {
		case reflect.Pointer:
			t = t.Elem()
		case reflect.Interface:
			return nil
		default:
			return t
		}
	}
	return nil
}

var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// structFields maps each JSON name of struct type t to its field's type,
// with encoding/json's rules for tags, "-", unexported fields and
// embedded structs (whose fields are promoted).
func structFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	addStructFields(t, m, 0)
	fieldCache.Store(t, m)
	return m
}

func addStructFields(t reflect.Type, m map[string]reflect.Type, depth int) {
	if depth > 8 {
		return
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				addStructFields(et, m, depth+1)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, taken := m[name]; !taken {
			m[name] = f.Type
		}
	}
}
