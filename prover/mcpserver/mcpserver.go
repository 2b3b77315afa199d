package mcpserver

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/prover/httpguard"
)

// Version of the MCP server.
const Version = "0.2.0"

// Config configures New. Zero values get the documented defaults.
type Config struct {
	Client *daemon.Client // required: the daemon's API
	// DefaultWait is how long a transaction tool waits for a final status
	// when waitSeconds is not given; default 25 s.
	DefaultWait time.Duration
	// MaxWaitNoProgress caps a wait when the client gave no progress token
	// (it cannot extend its own timeout then); default 50 s.
	MaxWaitNoProgress time.Duration
	// ProgressEvery is the longest gap between progress notifications
	// during a wait; default 5 s.
	ProgressEvery time.Duration
	// StartHint names how to start the daemon, for the message the model
	// gets when it is down; default "leash agent-host --keys DIR --policy
	// FILE --rpc URL --account ADDR (or leash demo --hold for a sandbox)".
	StartHint string
}

// MaxWait bounds waitSeconds.
const MaxWait = 300 * time.Second

const instructions = `Leash holds no keys here. The user's signer (a browser extension) signs only what a ` +
	`zero-knowledge proof shows to obey the policy the user committed to on chain. Start with get_wallet_details ` +
	`(account, balances, the budget left in each window, the policy in plain language). Amounts are in whole units: ` +
	`"0.1" is 0.1 ETH. A refusal is a tool error that names the rule and what would pass; nothing was signed. ` +
	`Transaction tools wait for the outcome (mined) and report progress; pass an idempotencyKey to retry safely.`

// New returns the MCP server.
func New(cfg Config) *mcp.Server {
	if cfg.DefaultWait <= 0 {
		cfg.DefaultWait = 25 * time.Second
	}
	if cfg.MaxWaitNoProgress <= 0 {
		cfg.MaxWaitNoProgress = 50 * time.Second
	}
	if cfg.ProgressEvery <= 0 {
		cfg.ProgressEvery = 5 * time.Second
	}
	if cfg.StartHint == "" {
		cfg.StartHint = "`leash agent-host --keys DIR --policy FILE --rpc URL --account ADDR` (or `leash demo --hold` for a sandbox)"
	}
	s := mcp.NewServer(&mcp.Implementation{Name: "leash", Title: "Leash wallet", Version: Version},
		&mcp.ServerOptions{Instructions: instructions})
	t := &tools{cfg: cfg, c: cfg.Client}
	t.register(s)
	return s
}

func ptr[T any](v T) *T { return &v }

// annotations for a tool that only reads (openWorld: it reads the chain).
func reads(title string, openWorld bool) *mcp.ToolAnnotations {
	return &mcp.ToolAnnotations{Title: title, ReadOnlyHint: true, IdempotentHint: true, OpenWorldHint: ptr(openWorld)}
}

// annotations for a tool that moves funds: irreversible once mined.
func spends(title string) *mcp.ToolAnnotations {
	return &mcp.ToolAnnotations{Title: title, DestructiveHint: ptr(true), OpenWorldHint: ptr(true)}
}

// downMessage is the tool error for an unreachable daemon.
func (t *tools) downMessage(err error) string {
	return fmt.Sprintf("The Leash agent host is not running or not reachable at %s (%v). Start it with %s, "+
		"or point `leash mcp --agent-host URL` at it; then retry. Nothing was sent.", t.c.BaseURL, rootCause(err), t.cfg.StartHint)
}

// progress sends notifications for one call, when the client asked.
type progress struct {
	ctx   context.Context
	req   *mcp.CallToolRequest
	token any
	n     float64
}

func newProgress(ctx context.Context, req *mcp.CallToolRequest) *progress {
	p := &progress{ctx: ctx, req: req}
	if req != nil && req.Params != nil {
		p.token = req.Params.GetProgressToken()
	}
	return p
}

func (p *progress) enabled() bool { return p.token != nil && p.req.Session != nil }

func (p *progress) say(msg string) {
	if !p.enabled() {
		return
	}
	p.n++
	_ = p.req.Session.NotifyProgress(p.ctx, &mcp.ProgressNotificationParams{ProgressToken: p.token, Progress: p.n, Message: msg})
}

// HTTPHandler serves s over the Streamable HTTP transport behind httpguard
// (guard.Token should be set: the endpoint can spend within the policy).
func HTTPHandler(s *mcp.Server, guard httpguard.Config) http.Handler {
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, &mcp.StreamableHTTPOptions{
		MaxRequestBodyBytes: 1 << 20,
	})
	return httpguard.Wrap(h, guard)
}
