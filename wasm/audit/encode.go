package audit

import (
	"strconv"

	"github.com/leash-wallet/leash/wire"
)

// AppendJSON appends e as json.Marshal encodes it. The entry's hash is
// taken over these bytes and the signer stores them with every decision,
// so they must never differ from json.Marshal's, with which earlier
// versions hashed and stored entries (TestEntryMatchesEncodingJSON,
// FuzzEntryJSON); by hand it skips reflection.
func (e *Entry) AppendJSON(b []byte) []byte {
	b = append(b, `{"seq":`...)
	b = strconv.AppendUint(b, e.Seq, 10)
	b = append(b, `,"time":`...)
	b = strconv.AppendUint(b, e.Time, 10)
	b = append(b, `,"kind":`...)
	b = wire.AppendJSONString(b, e.Kind)
	if e.ID != "" {
		b = append(b, `,"id":`...)
		b = wire.AppendJSONString(b, e.ID)
	}
	b = append(b, `,"decision":`...)
	b = wire.AppendJSONString(b, e.Decision)
	if e.Code != "" {
		b = append(b, `,"code":`...)
		b = wire.AppendJSONString(b, string(e.Code))
	}
	if e.Message != "" {
		b = append(b, `,"message":`...)
		b = wire.AppendJSONString(b, e.Message)
	}
	if e.To != nil {
		b = append(b, `,"to":`...)
		b = e.To.AppendJSON(b)
	}
	if e.Value != nil {
		b = append(b, `,"value":`...)
		b = e.Value.AppendJSON(b)
	}
	if e.Nonce != nil {
		b = append(b, `,"nonce":`...)
		b = e.Nonce.AppendJSON(b)
	}
	if e.TxHash != nil {
		b = append(b, `,"txHash":`...)
		b = e.TxHash.AppendJSON(b)
	}
	b = append(b, `,"prev":`...)
	b = e.Prev.AppendJSON(b)
	b = append(b, `,"hash":`...)
	b = e.Hash.AppendJSON(b)
	return append(b, '}')
}

// AppendJSON appends h as json.Marshal encodes it.
func (h *Head) AppendJSON(b []byte) []byte {
	b = append(b, `{"next":`...)
	b = strconv.AppendUint(b, h.Next, 10)
	b = append(b, `,"hash":`...)
	b = h.Hash.AppendJSON(b)
	if h.Base != 0 {
		b = append(b, `,"base":`...)
		b = strconv.AppendUint(b, h.Base, 10)
	}
	if h.BaseHash != nil {
		b = append(b, `,"baseHash":`...)
		b = h.BaseHash.AppendJSON(b)
	}
	return append(b, '}')
}
