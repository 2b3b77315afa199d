package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxDocumentBytes bounds every JSON document the decoders accept. It is
// larger than the largest legal transaction (128 KiB of calldata, hex
// encoded) plus its envelope.
const MaxDocumentBytes = 512 << 10

// DecodeStrict decodes one JSON document into v. It rejects documents over
// MaxDocumentBytes, duplicate object keys at any depth, unknown fields and
// trailing data. Every failure is a Malformed error.
func DecodeStrict(data []byte, v any, what string) error {
	if len(data) > MaxDocumentBytes {
		return Errorf(Malformed, "%s: document is %d bytes, the limit is %d", what, len(data), MaxDocumentBytes)
	}
	if err := checkDuplicateKeys(data); err != nil {
		return Errorf(Malformed, "%s: %v", what, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var coded *Error
		if errors.As(err, &coded) {
			return Errorf(coded.Code, "%s: %s", what, coded.Message)
		}
		return Errorf(Malformed, "%s: %v", what, cleanJSONError(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return Errorf(Malformed, "%s: trailing data after the JSON document", what)
	}
	return nil
}

func cleanJSONError(err error) error {
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		return fmt.Errorf("field %q: expected %s, got JSON %s", ute.Field, ute.Type, ute.Value)
	}
	return err
}

// checkDuplicateKeys walks the token stream and rejects an object that names
// the same key twice: different JSON parsers resolve duplicates differently,
// which is a classic way to show a human one value and sign another.
func checkDuplicateKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		keys     map[string]struct{}
		isObject bool
		wantKey  bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("invalid JSON: %v", err)
		}
		if len(stack) > 64 {
			return errors.New("JSON nested deeper than 64 levels")
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if top != nil && top.isObject {
					top.wantKey = true
				}
				stack = append(stack, &frame{keys: map[string]struct{}{}, isObject: t == '{', wantKey: t == '{'})
			case '}', ']':
				stack = stack[:len(stack)-1]
			}
		default:
			if top != nil && top.isObject {
				if top.wantKey {
					k, _ := t.(string)
					if _, dup := top.keys[k]; dup {
						return fmt.Errorf("duplicate key %q", k)
					}
					top.keys[k] = struct{}{}
					top.wantKey = false
				} else {
					top.wantKey = true
				}
			}
		}
	}
}
