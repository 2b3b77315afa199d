// Package dashboard holds the agent host's live dashboard: a static page
// served by `leash agent-host` at / that polls the daemon's API for
// activity, latency and the policy summary. It has no build step.
package dashboard

import (
	"embed"
	"io/fs"
)

//go:embed static
var static embed.FS

// Files is the dashboard's document root.
var Files, _ = fs.Sub(static, "static")
