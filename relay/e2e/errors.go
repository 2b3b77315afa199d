package e2e

import "github.com/leash-wallet/leash/wire"

// Codes of the end-to-end layer, in addition to wire.Malformed and
// wire.Replay. Test with errors.Is against the sentinels below.
const (
	// Forged: an envelope or hello failed authentication (altered,
	// injected, or sealed for another channel or key).
	Forged wire.Code = "forged"
	// AuthFailed: a channel-auth proof did not verify.
	AuthFailed wire.Code = "auth_failed"
	// UnknownChannel: an envelope names another channel than the one it
	// was received on.
	UnknownChannel wire.Code = "unknown_channel"
	// Unsupported: a version this code does not speak.
	Unsupported wire.Code = "unsupported_version"
	// Expired: a pairing URI past its expiry.
	Expired wire.Code = "pairing_expired"
	// Conflict: a second agent key answered the same pairing URI; the
	// pairing is refused and a new URI is needed.
	Conflict wire.Code = "pairing_conflict"
)

// Sentinels for errors.Is.
var (
	ErrForged         = &wire.Error{Code: Forged}
	ErrAuthFailed     = &wire.Error{Code: AuthFailed}
	ErrUnknownChannel = &wire.Error{Code: UnknownChannel}
	ErrUnsupported    = &wire.Error{Code: Unsupported}
	ErrExpired        = &wire.Error{Code: Expired}
	ErrConflict       = &wire.Error{Code: Conflict}
)
