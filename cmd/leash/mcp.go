package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/prover/httpguard"
	"github.com/leash-wallet/leash/prover/mcpserver"
)

// cmdMCP: `leash mcp [--agent-host URL] [--http ADDR --token-file F]`, an MCP
// server for LLM agents over stdio (default) or Streamable HTTP, backed by a
// running agent-host daemon.
func cmdMCP(ctx context.Context, args []string) int {
	fs := newFlags("mcp")
	url := fs.String("agent-host", envOr("LEASH_AGENT_HOST", "http://127.0.0.1:8645"), "the agent-host daemon's API (env LEASH_AGENT_HOST)")
	daemonToken := fs.String("agent-host-token-file", "", "the agent host's bearer token file, if it has one (or env LEASH_AGENT_HOST_TOKEN)")
	addr := fs.String("http", "", "serve Streamable HTTP on this address (e.g. 127.0.0.1:8646) instead of stdio")
	var guard httpguard.Config
	tokenFile := fs.String("token-file", "", "with --http: the bearer token clients must send (created if missing; required)")
	origins := fs.String("allow-origin", "", "with --http: comma-separated web origins allowed to call it")
	if !parseFlags(fs, args) {
		return exitUsage
	}
	c := &daemon.Client{BaseURL: strings.TrimRight(*url, "/"), Token: os.Getenv("LEASH_AGENT_HOST_TOKEN")}
	if *daemonToken != "" {
		tok, err := httpguard.LoadOrCreateToken(*daemonToken)
		if err != nil {
			return fail(err)
		}
		c.Token = tok
	}
	s := mcpserver.New(mcpserver.Config{Client: c})
	if *addr == "" {
		if err := s.Run(ctx, &mcp.StdioTransport{}); err != nil && ctx.Err() == nil {
			return fail(err)
		}
		return exitOK
	}
	if *tokenFile == "" {
		fmt.Fprintln(os.Stderr, "leash mcp: --http needs --token-file (the endpoint can spend within the policy)")
		return exitUsage
	}
	if err := guardFlags(&guard, *tokenFile, *origins, ""); err != nil {
		return fail(err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail(err)
	}
	srv := &http.Server{Handler: mcpserver.HTTPHandler(s, guard), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	fmt.Fprintf(os.Stderr, "leash mcp: Streamable HTTP on http://%s/ (bearer token in %s)\n", ln.Addr(), *tokenFile)
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fail(err)
	}
	return exitOK
}
