package core

import "time"

// Limits bound what one client can make the relay do. Zero values get the
// documented defaults in New.
type Limits struct {
	QueueDepth int           // envelopes queued per recipient queue (default 10,000)
	Window     int           // deliveries in flight (unacknowledged) per connection (default 256)
	SendWindow int           // SENDs per connection awaiting their SENDACK before the adapter stops reading (default Window)
	Rate       float64       // frames per second per connection (default 2,000)
	Burst      float64       // token bucket size per connection (default 4,000)
	AuthRate   float64       // authentications per second per channel (default 2)
	AuthBurst  float64       // (default 20)
	DefaultTTL time.Duration // when an envelope says 0 (default 24 h)
	MaxTTL     time.Duration // cap on an envelope's TTL (default 7 days)
	MaxBatch   int           // envelopes per group commit (default 4,096)
}

func (l *Limits) defaults() {
	if l.QueueDepth <= 0 {
		l.QueueDepth = 10_000
	}
	if l.Window <= 0 {
		l.Window = 256
	}
	if l.SendWindow <= 0 {
		l.SendWindow = l.Window
	}
	if l.Rate <= 0 {
		l.Rate = 2000
	}
	if l.Burst <= 0 {
		l.Burst = 2 * l.Rate
	}
	if l.AuthRate <= 0 {
		l.AuthRate = 2
	}
	if l.AuthBurst <= 0 {
		l.AuthBurst = 20
	}
	if l.DefaultTTL <= 0 {
		l.DefaultTTL = 24 * time.Hour
	}
	if l.MaxTTL <= 0 {
		l.MaxTTL = 7 * 24 * time.Hour
	}
	if l.MaxBatch <= 0 {
		l.MaxBatch = 4096
	}
}

// bucket is a token bucket driven by the caller's clock.
type bucket struct {
	tokens float64
	last   int64 // unix nanoseconds
}

func (b *bucket) take(now int64, rate, burst float64) bool {
	if b.last == 0 {
		b.tokens, b.last = burst, now
	}
	if dt := now - b.last; dt > 0 {
		b.tokens += float64(dt) * rate / 1e9
		if b.tokens > burst {
			b.tokens = burst
		}
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
