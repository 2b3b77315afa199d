package wire

import (
	"bytes"
	"encoding/json"
	"errors"
)

// decodeInner decodes a nested object strictly (unknown fields rejected).
// Size and duplicate-key checks were done once on the whole document by
// DecodeStrict; a direct json.Unmarshal into these types still gets them.
func decodeInner(b []byte, v any) error {
	if err := checkDuplicateKeys(b); err != nil {
		return Errorf(Malformed, "%v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var coded *Error
		if errors.As(err, &coded) {
			return coded
		}
		return Errorf(Malformed, "%v", cleanJSONError(err))
	}
	return nil
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
