package core

import "sync/atomic"

// Reason is why a frame, a send or a connection was refused. Each is counted.
type Reason int

const (
	ReasonMalformed Reason = iota
	ReasonTooLarge
	ReasonUnsupported
	ReasonUnknownChannel
	ReasonAuthFailed
	ReasonAuthTimeout
	ReasonDuplicate
	ReasonQueueFull
	ReasonRateLimited
	ReasonSlowConsumer
	ReasonTimeout
	ReasonChannelLimit
	ReasonIPLimit
	ReasonReplaced
	ReasonUnavailable
	NumReasons
)

var reasonNames = [NumReasons]string{
	"malformed", "too_large", "unsupported_version", "unknown_channel", "auth_failed",
	"auth_timeout", "duplicate", "queue_full", "rate_limited", "slow_consumer",
	"timeout", "channel_limit", "ip_limit", "replaced", "unavailable",
}

func (r Reason) String() string {
	if r >= 0 && r < NumReasons {
		return reasonNames[r]
	}
	return "unknown"
}

// Stats are the hub's counters, read by the metrics adapter.
type Stats struct {
	Links         atomic.Int64  // authenticated connections now
	Channels      atomic.Int64  // channels held in memory now
	Auths         atomic.Uint64 // successful authentications
	Stored        atomic.Uint64 // envelopes durably stored
	Delivered     atomic.Uint64 // DELIVER frames queued to recipients
	Acked         atomic.Uint64 // envelopes removed by acknowledgement
	Expired       atomic.Uint64 // envelopes removed by TTL
	Commits       atomic.Uint64 // group commits
	CommitRecords atomic.Uint64 // envelopes in those commits
	Rejected      [NumReasons]atomic.Uint64
}

// Reject counts a refusal; adapters use it for what they detect themselves
// (timeouts, per-IP caps).
func (s *Stats) Reject(r Reason) {
	if r >= 0 && r < NumReasons {
		s.Rejected[r].Add(1)
	}
}
