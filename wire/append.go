package wire

import (
	"encoding/hex"
	"encoding/json"
	"strconv"
)

// The Append functions append a value's JSON exactly as json.Marshal
// encodes it, without reflection. The signer writes its ledger, its
// integrity record and an audit entry with every signature, and hashes or
// MACs some of those bytes, so they must never differ from what
// json.Marshal gives for the same value (TestAppendMatchesEncodingJSON,
// FuzzAppendJSONString).

// AppendJSONString appends s as a JSON string. Plain printable ASCII is
// appended as it is; anything json.Marshal would escape (controls, quotes,
// backslashes, <, >, &, non-ASCII) goes through encoding/json.
func AppendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			j, _ := json.Marshal(s)
			return append(b, j...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendHexString appends x as the JSON string "0x…" (lower case).
func appendHexString(b []byte, x []byte) []byte {
	b = append(b, `"0x`...)
	b = hex.AppendEncode(b, x)
	return append(b, '"')
}

// AppendJSON appends q as MarshalJSON encodes it.
func (q *Quantity) AppendJSON(b []byte) []byte {
	b = append(b, `"0x`...)
	b = q.Append(b, 16)
	return append(b, '"')
}

// AppendJSON appends u as MarshalJSON encodes it.
func (u Uint64) AppendJSON(b []byte) []byte {
	b = append(b, `"0x`...)
	b = strconv.AppendUint(b, uint64(u), 16)
	return append(b, '"')
}

// AppendJSON appends a as MarshalJSON encodes it.
func (a Address) AppendJSON(b []byte) []byte { return appendHexString(b, a[:]) }

// AppendJSON appends h as MarshalJSON encodes it.
func (h Hash32) AppendJSON(b []byte) []byte { return appendHexString(b, h[:]) }
