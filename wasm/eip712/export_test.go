package eip712

import (
	"bytes"
	"encoding/json"

	"github.com/leash-wallet/leash/wire"
)

// OldDecode is Decode before wire.DecodeTree: a strict decode into
// typedDataJSON (wire.DecodeStrict, whose shape walk wire's
// FuzzDecodersAgree checks against the Token walk it replaced), then the
// domain and message decoded again with encoding/json. FuzzDecodeAgrees
// runs both.
func OldDecode(raw []byte, v Version) (*TypedData, error) {
	if v != V3 && v != V4 {
		return nil, bad("version %d is not supported", v)
	}
	if len(raw) > MaxDocumentBytes {
		return nil, bad("document is %d bytes, the limit is %d", len(raw), MaxDocumentBytes)
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := wire.DecodeStrict(raw, &s, "typed data"); err != nil {
			return nil, err
		}
		raw = []byte(s)
	}
	var j typedDataJSON
	if err := wire.DecodeStrict(raw, &j, "typed data"); err != nil {
		return nil, err
	}
	if j.Types == nil || j.PrimaryType == "" || j.Domain == nil || j.Message == nil {
		return nil, bad("types, primaryType, domain and message are all required")
	}
	td := &TypedData{Types: j.Types, PrimaryType: j.PrimaryType, version: v}
	if _, ok := td.Types["EIP712Domain"]; !ok {
		td.Types["EIP712Domain"] = []Field{}
	}
	if err := td.checkTypes(); err != nil {
		return nil, err
	}
	if _, ok := td.Types[td.PrimaryType]; !ok {
		return nil, bad("primaryType %q is not among the types", td.PrimaryType)
	}
	var err error
	if td.Domain, err = oldDecodeObject(j.Domain, "domain"); err != nil {
		return nil, err
	}
	if td.Message, err = oldDecodeObject(j.Message, "message"); err != nil {
		return nil, err
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

func oldDecodeObject(raw json.RawMessage, what string) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, bad("%s: %v", what, err)
	}
	return m, nil
}

// Version of a decoded document, for the comparison.
func (td *TypedData) Version() Version { return td.version }
