package proto

import (
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/wire"
)

// Relay codes, in addition to wire.Malformed, wire.Replay and the e2e codes.
const (
	QueueFull     wire.Code = "queue_full"
	RateLimited   wire.Code = "rate_limited"
	TooLarge      wire.Code = "too_large"
	SlowConsumer  wire.Code = "slow_consumer"
	Unavailable   wire.Code = "unavailable"
	ConnLimit     wire.Code = "conn_limit"
	Replaced      wire.Code = "replaced"
	Timeout       wire.Code = "timeout"
	Duplicate     wire.Code = "duplicate"
	ProtocolError wire.Code = "protocol_error"
)

// Sentinels for errors.Is.
var (
	ErrQueueFull     = &wire.Error{Code: QueueFull}
	ErrRateLimited   = &wire.Error{Code: RateLimited}
	ErrTooLarge      = &wire.Error{Code: TooLarge}
	ErrSlowConsumer  = &wire.Error{Code: SlowConsumer}
	ErrUnavailable   = &wire.Error{Code: Unavailable}
	ErrConnLimit     = &wire.Error{Code: ConnLimit}
	ErrReplaced      = &wire.Error{Code: Replaced}
	ErrTimeout       = &wire.Error{Code: Timeout}
	ErrDuplicate     = &wire.Error{Code: Duplicate}
	ErrProtocolError = &wire.Error{Code: ProtocolError}
)

// Status answers one SEND in a SENDACK frame.
type Status byte

const (
	StatusStored    Status = 0 // durably stored (fsynced) for the recipient
	StatusDuplicate Status = 1 // the message id is already queued: nothing added
	// statusReplayV1 (2) was protocol 1's "seq not above the last accepted
	// one": a relay floor moved by unauthenticated headers. Protocol 2
	// never sends it; decoding refuses it.
	statusReplayV1    Status = 2
	StatusQueueFull   Status = 3 // the recipient's queue is at its depth cap
	StatusUnavailable Status = 4 // the relay is shutting down or its store failed: resend later
	StatusTooLarge    Status = 5
)

var statusCodes = [...]wire.Code{"", Duplicate, "", QueueFull, Unavailable, TooLarge}

// Err is the coded error of a status, nil for StatusStored.
func (s Status) Err() error {
	if s == StatusStored {
		return nil
	}
	if int(s) < len(statusCodes) && statusCodes[s] != "" {
		return &wire.Error{Code: statusCodes[s], Message: "relay answered " + string(statusCodes[s])}
	}
	return wire.Errorf(ProtocolError, "unknown status %d", s)
}

// WebSocket close codes. 1000–1015 are RFC 6455; 4000–4999 are ours.
const (
	CloseNormal       = 1000
	CloseGoingAway    = 1001 // graceful shutdown: reconnect elsewhere or later
	CloseTooBig       = 1009 // frame over the read limit
	CloseInternal     = 1011
	CloseRestart      = 1012 // graceful restart: reconnect with backoff
	CloseMalformed    = 4000 // garbage frame, wrong frame for the state
	CloseAuthTimeout  = 4001 // no AUTH within the auth deadline
	CloseAuthFailed   = 4003 // AUTH proof did not verify
	CloseUnknownChan  = 4004 // an envelope for a channel this connection did not authenticate
	CloseUnsupported  = 4005 // protocol version not spoken
	CloseTimeout      = 4006 // no pong / no traffic within the read deadline (half-open)
	CloseSlowConsumer = 4008 // the connection's send queue overflowed
	CloseReplaced     = 4009 // a newer connection authenticated for the same channel and role
	CloseRateLimited  = 4029 // the connection's token bucket ran dry
	CloseChannelLimit = 4030 // too many connections for this channel
	CloseIPLimit      = 4031 // too many connections from this address
)

var closeCodes = map[int]wire.Code{
	CloseGoingAway: Unavailable, CloseRestart: Unavailable, CloseInternal: wire.Internal,
	CloseTooBig: TooLarge, CloseMalformed: wire.Malformed, CloseAuthTimeout: Timeout,
	CloseAuthFailed: e2e.AuthFailed, CloseUnknownChan: e2e.UnknownChannel,
	CloseUnsupported: e2e.Unsupported, CloseTimeout: Timeout, CloseSlowConsumer: SlowConsumer,
	CloseReplaced: Replaced, CloseRateLimited: RateLimited, CloseChannelLimit: ConnLimit,
	CloseIPLimit: ConnLimit,
}

// CloseCode maps a WebSocket close code to its stable code ("" for a normal
// close, ProtocolError for codes this version does not define).
func CloseCode(code int) wire.Code {
	if code == CloseNormal {
		return ""
	}
	if c, ok := closeCodes[code]; ok {
		return c
	}
	return ProtocolError
}

// CloseError is a relay-initiated close, as seen by either end.
type CloseError struct {
	Code   int
	Reason string
}

func (e *CloseError) Error() string {
	return "relay closed the connection: " + string(CloseCode(e.Code)) + " (" + itoa(e.Code) + "): " + e.Reason
}

// Is matches the wire code of the close, e.g. errors.Is(err, ErrSlowConsumer).
func (e *CloseError) Is(target error) bool {
	t, ok := target.(*wire.Error)
	return ok && t.Code == CloseCode(e.Code)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
