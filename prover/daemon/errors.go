package daemon

import (
	"fmt"

	"github.com/leash-wallet/leash/wire"
)

// The agent-host API's own stable codes (docs/protocol.md lists them with
// the wire codes; httpguard adds host_not_allowed, origin_not_allowed,
// unauthorized and unsupported_media_type).
const (
	// CodeOverloaded: the proving queue is full (429, with Retry-After).
	CodeOverloaded wire.Code = "overloaded"
	// CodeNotFound: no such request id (404).
	CodeNotFound wire.Code = "not_found"
	// CodeIdempotencyMismatch: an Idempotency-Key reused for another request (422).
	CodeIdempotencyMismatch wire.Code = "idempotency_mismatch"
	// CodeMethodNotAllowed: a method other than GET, HEAD or POST (405).
	CodeMethodNotAllowed wire.Code = "method_not_allowed"
	// CodeReverted: on a mined record, the transaction reverted on chain.
	CodeReverted wire.Code = "reverted"
	// CodeChainUnavailable: the chain RPC could not be read (502).
	CodeChainUnavailable wire.Code = "chain_unavailable"
	// CodeInterrupted: on an interrupted record, the agent host stopped
	// before the request was final; whether the signer signed it is
	// unknown to this daemon.
	CodeInterrupted wire.Code = "interrupted"
	// CodeIdempotencyStore: at start, the key file in DataDir is damaged
	// or foreign; the daemon refuses to start (see the message).
	CodeIdempotencyStore wire.Code = "idempotency_store_damaged"
	// CodeDataDirInUse: at start, another daemon holds DataDir's lock.
	CodeDataDirInUse wire.Code = "data_dir_in_use"
)

// MaxIdempotencyKey bounds an Idempotency-Key.
const MaxIdempotencyKey = 128

// ErrIdempotencyMismatch matches (errors.Is) the refusal of a reused key.
var ErrIdempotencyMismatch = &wire.Error{Code: CodeIdempotencyMismatch}

// ErrIdempotencyStore matches (errors.Is) the refusal to start over a
// damaged or foreign key file.
var ErrIdempotencyStore = &wire.Error{Code: CodeIdempotencyStore}

func errIdempotencyMismatch(key string) error {
	return &wire.Error{Code: CodeIdempotencyMismatch, Message: fmt.Sprintf(
		"Idempotency-Key %q was used for a different request; use a new key for a new request, or repeat the first request exactly", clip(key))}
}
