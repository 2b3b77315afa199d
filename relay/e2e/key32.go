package e2e

import (
	"encoding/base64"
	"encoding/json"

	"github.com/leash-wallet/leash/wire"
)

// Key32 is 32 bytes of key material in persisted states, as unpadded
// base64url in JSON.
type Key32 [32]byte

// MarshalJSON implements json.Marshaler.
func (k Key32) MarshalJSON() ([]byte, error) {
	return json.Marshal(base64.RawURLEncoding.EncodeToString(k[:]))
}

// UnmarshalJSON implements json.Unmarshaler: exactly 32 bytes.
func (k *Key32) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return wire.Errorf(wire.Malformed, "e2e: key: not a string")
	}
	return decode32(s, k[:], "key")
}
