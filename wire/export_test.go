package wire

// The decoders as they were before the scanner (scan.go), kept to check
// the new ones against: the Token walk of CheckShape, json.Unmarshal
// routing, and decodeExact over the old walk. FuzzShapeAgrees,
// FuzzRouteAgrees, FuzzSigProposalAgrees and the corpus tests in
// agree_test.go run both on the same inputs.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"
)

// OldIsSigProposal is IsSigProposal before the scanner.
func OldIsSigProposal(data []byte) bool {
	var probe map[string]json.RawMessage
	if json.Unmarshal(data, &probe) != nil {
		return false
	}
	_, ok := probe["typedData"]
	return ok
}

// OldDecodeStrict is DecodeStrict over the old walk (nested
// UnmarshalJSON calls use the current decodeInner: the old walk differs
// only in CheckShape, which the corpus tests compare on its own too).
func OldDecodeStrict(data []byte, v any, what string) error {
	if len(data) > MaxDocumentBytes {
		return Errorf(Malformed, "%s: document is %d bytes, the limit is %d", what, len(data), MaxDocumentBytes)
	}
	if err := oldDecodeExact(data, v); err != nil {
		var coded *Error
		if errors.As(err, &coded) {
			return Errorf(coded.Code, "%s: %s", what, coded.Message)
		}
		return Errorf(Malformed, "%s: %v", what, err)
	}
	return nil
}

func oldDecodeExact(data []byte, v any) error {
	if !utf8.Valid(data) {
		return errors.New("the document is not valid UTF-8")
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errors.New("internal: decode target is not a pointer")
	}
	if err := OldCheckShape(data, rv.Type().Elem()); err != nil {
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

// OldDecodeSigProposal is DecodeSigProposal over OldDecodeStrict.
func OldDecodeSigProposal(data []byte) (*SigProposal, error) {
	var j sigProposalJSON
	if err := OldDecodeStrict(data, &j, "signature proposal"); err != nil {
		return nil, err
	}
	var p SigProposal
	if err := j.build(&p); err != nil {
		return nil, Errorf(CodeOf(err), "signature proposal: %s", MessageOf(err))
	}
	return &p, nil
}

// OldCheckShape is CheckShape before the scanner.
func OldCheckShape(data []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	w := oldShapeWalker{dec: dec}
	if err := w.value(t, 0, ""); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON document")
	}
	return nil
}

type oldShapeWalker struct{ dec *json.Decoder }

// value consumes one JSON value that lands in a Go value of type t (nil:
// anything, duplicates still refused). path names it in errors.
func (w *oldShapeWalker) value(t reflect.Type, depth int, path string) error {
	if depth > MaxDepth {
		return fmt.Errorf("JSON nested deeper than %d levels", MaxDepth)
	}
	tok, err := w.dec.Token()
	if err != nil {
		return fmt.Errorf("invalid JSON: %v", err)
	}
	if tok == nil && t != nil && path != "" {
		return fmt.Errorf("field %q: null is not accepted", path)
	}
	t = shapeOf(t)
	switch tok := tok.(type) {
	case json.Delim:
		switch tok {
		case '{':
			return w.object(t, depth, path)
		case '[':
			var elem reflect.Type
			if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
				elem = t.Elem()
			}
			for w.dec.More() {
				if err := w.value(elem, depth+1, path+"[]"); err != nil {
					return err
				}
			}
			_, err := w.dec.Token() // ']'
			return err
		}
		return fmt.Errorf("invalid JSON delimiter %v", tok)
	case string:
		if strings.ContainsRune(tok, utf8.RuneError) {
			return fmt.Errorf("%s: a string holds an invalid character (a lone surrogate?)", oldOrDoc(path))
		}
	}
	return nil
}

func oldOrDoc(path string) string {
	if path == "" {
		return "document"
	}
	return "field " + fmt.Sprintf("%q", path)
}

// object consumes an object's members (the '{' was read).
func (w *oldShapeWalker) object(t reflect.Type, depth int, path string) error {
	var fields map[string]reflect.Type
	isStruct := t != nil && t.Kind() == reflect.Struct
	if isStruct {
		fields = structFields(t)
	}
	var mapElem reflect.Type
	if t != nil && t.Kind() == reflect.Map {
		mapElem = t.Elem()
	}
	seen := map[string]struct{}{}
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return fmt.Errorf("invalid JSON: %v", err)
		}
		k, _ := tok.(string)
		if strings.ContainsRune(k, utf8.RuneError) {
			return fmt.Errorf("a key holds an invalid character (a lone surrogate?)")
		}
		if _, dup := seen[k]; dup {
			return fmt.Errorf("duplicate key %q", k)
		}
		seen[k] = struct{}{}
		var ft reflect.Type
		switch {
		case isStruct:
			var ok bool
			if ft, ok = fields[k]; !ok {
				return fmt.Errorf("unknown field %q%s", k, near(fields, k))
			}
		case mapElem != nil:
			ft = mapElem
		}
		if err := w.value(ft, depth+1, k); err != nil {
			return err
		}
	}
	_, err := w.dec.Token() // '}'
	return err
}

// typedDataShape mirrors eip712's decode target (types, primaryType,
// domain and message), for the shape comparison.
type typedDataShape struct {
	Types map[string][]struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"types"`
	PrimaryType string          `json:"primaryType"`
	Domain      json.RawMessage `json:"domain"`
	Message     json.RawMessage `json:"message"`
}

// ShapeTypes are the types the shape walks are compared on: the wire
// forms (with pointers, Unmarshalers, slices, maps and raw JSON), typed
// data's, and the untyped ones.
var ShapeTypes = []reflect.Type{
	reflect.TypeFor[sigProposalJSON](),
	reflect.TypeFor[proposalJSON](),
	reflect.TypeFor[txJSON](),
	reflect.TypeFor[stateJSON](),
	reflect.TypeFor[hintJSON](),
	reflect.TypeFor[typedDataShape](),
	reflect.TypeFor[Receipt](),
	reflect.TypeFor[map[string]any](),
	reflect.TypeFor[map[string][]string](),
	reflect.TypeFor[[]any](),
	reflect.TypeFor[[]*int](),
	reflect.TypeFor[json.RawMessage](),
	reflect.TypeFor[any](),
	reflect.TypeFor[string](),
}

// OldDecodeTree is what DecodeTree replaces: the size and UTF-8 checks,
// the old shape walk, then encoding/json into an any with UseNumber.
func OldDecodeTree(data []byte, t reflect.Type) (any, error) {
	if len(data) > MaxDocumentBytes || !utf8.Valid(data) {
		return nil, Errorf(Malformed, "too large or not UTF-8")
	}
	if err := OldCheckShape(data, t); err != nil {
		return nil, Errorf(Malformed, "%v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, Errorf(Malformed, "%v", err)
	}
	return v, nil
}

// JSONString is jsonString, for FuzzJSONString.
var JSONString = jsonString
