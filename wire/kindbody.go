package wire

import (
	"bytes"
	"encoding/json"
	"io"
	"unicode/utf8"
)

// DecodeKindBody decodes the relay's typed layer {"kind": string, "body":
// any} as strictly as DecodeStrict decodes a wire type: keys byte-equal to
// "kind" and "body", each at most once, nothing else, no trailing data, a
// non-empty kind of at most 64 bytes. The body is returned verbatim,
// checked for JSON syntax only: the body's own decoder (a proposal's is
// DecodeStrict in the core) refuses what is wrong inside it, so a hostile
// body is refused and recorded where the decision is made rather than
// dropped here. encoding/json alone took {"body":…,"BODY":…} as the
// second body.
func DecodeKindBody(data []byte) (kind string, body json.RawMessage, err error) {
	if len(data) > MaxDocumentBytes {
		return "", nil, Errorf(Malformed, "typed message: %d bytes, the limit is %d", len(data), MaxDocumentBytes)
	}
	if !utf8.Valid(data) {
		return "", nil, Errorf(Malformed, "typed message: not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", nil, Errorf(Malformed, "typed message: not a JSON object")
	}
	var haveKind, haveBody bool
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", nil, Errorf(Malformed, "typed message: invalid JSON: %v", err)
		}
		switch k, _ := tok.(string); {
		case k == "kind" && !haveKind:
			haveKind = true
			if err := dec.Decode(&kind); err != nil {
				return "", nil, Errorf(Malformed, "typed message: kind: not a string")
			}
		case k == "body" && !haveBody:
			haveBody = true
			if err := dec.Decode(&body); err != nil {
				return "", nil, Errorf(Malformed, "typed message: body: invalid JSON: %v", err)
			}
		case k == "kind" || k == "body":
			return "", nil, Errorf(Malformed, "typed message: %q twice", k)
		default:
			return "", nil, Errorf(Malformed, "typed message: unknown field %q (only \"kind\" and \"body\")", k)
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return "", nil, Errorf(Malformed, "typed message: invalid JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", nil, Errorf(Malformed, "typed message: trailing data after the JSON document")
	}
	if kind == "" || len(kind) > 64 || !utf8.ValidString(kind) || bytes.ContainsRune([]byte(kind), utf8.RuneError) {
		return "", nil, Errorf(Malformed, "typed message: kind must be 1 to 64 bytes of text")
	}
	return kind, body, nil
}
