package worker

import (
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/leash-wallet/leash/relay/core"
)

// Config is the Worker relay's configuration, read from the Worker's
// variables (wrangler.jsonc "vars", or `wrangler dev --var`). An empty or
// missing variable keeps core's documented default.
type Config struct {
	Limits      core.Limits
	AuthTimeout time.Duration // enforced by the JS glue (RELAY_AUTH_TIMEOUT_MS, default 5 s)
	LogLevel    slog.Level    // RELAY_LOG_LEVEL: debug, info, warn (default) or error
}

// Variable names.
const (
	VarQueueDepth    = "RELAY_QUEUE_DEPTH"
	VarWindow        = "RELAY_WINDOW"
	VarRate          = "RELAY_RATE"
	VarBurst         = "RELAY_BURST"
	VarAuthRate      = "RELAY_AUTH_RATE"
	VarAuthBurst     = "RELAY_AUTH_BURST"
	VarDefaultTTL    = "RELAY_DEFAULT_TTL_SECONDS"
	VarMaxTTL        = "RELAY_MAX_TTL_SECONDS"
	VarAuthTimeoutMS = "RELAY_AUTH_TIMEOUT_MS"
	VarLogLevel      = "RELAY_LOG_LEVEL"
)

// ConfigFromEnv reads the configuration through get (the Worker's env).
// A value that is not a positive number is an error, never a silent
// default.
func ConfigFromEnv(get func(name string) string) (Config, error) {
	var c Config
	ints := []struct {
		name string
		dst  *int
	}{{VarQueueDepth, &c.Limits.QueueDepth}, {VarWindow, &c.Limits.Window}}
	for _, v := range ints {
		s := get(v.name)
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 || n > 1<<24 {
			return c, fmt.Errorf("worker: %s=%q: want a positive integer", v.name, s)
		}
		*v.dst = n
	}
	floats := []struct {
		name string
		dst  *float64
	}{{VarRate, &c.Limits.Rate}, {VarBurst, &c.Limits.Burst}, {VarAuthRate, &c.Limits.AuthRate}, {VarAuthBurst, &c.Limits.AuthBurst}}
	for _, v := range floats {
		s := get(v.name)
		if s == "" {
			continue
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !(f > 0) || f > 1e9 {
			return c, fmt.Errorf("worker: %s=%q: want a positive number", v.name, s)
		}
		*v.dst = f
	}
	durs := []struct {
		name string
		unit time.Duration
		dst  *time.Duration
	}{{VarDefaultTTL, time.Second, &c.Limits.DefaultTTL}, {VarMaxTTL, time.Second, &c.Limits.MaxTTL},
		{VarAuthTimeoutMS, time.Millisecond, &c.AuthTimeout}}
	for _, v := range durs {
		s := get(v.name)
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 || n > 1<<40 {
			return c, fmt.Errorf("worker: %s=%q: want a positive integer", v.name, s)
		}
		*v.dst = time.Duration(n) * v.unit
	}
	c.LogLevel = slog.LevelWarn
	if s := get(VarLogLevel); s != "" {
		if err := c.LogLevel.UnmarshalText([]byte(s)); err != nil {
			return c, fmt.Errorf("worker: %s=%q: want debug, info, warn or error", VarLogLevel, s)
		}
	}
	if c.AuthTimeout == 0 {
		c.AuthTimeout = 5 * time.Second
	}
	return c, nil
}
