package main

import (
	"context"
	"os"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/leash-wallet/leash/prover/mcpserver"
)

// cmdMCP: `leash mcp [--agent-host URL]`, an MCP server over stdio for LLM
// agent frameworks, backed by a running agent-host daemon.
func cmdMCP(ctx context.Context, args []string) int {
	fs := newFlags("mcp")
	url := fs.String("agent-host", "http://127.0.0.1:8645", "the agent-host daemon's API")
	if !parseFlags(fs, args) {
		return exitUsage
	}
	s := mcpserver.New(agentHostClient(*url, os.Stderr))
	if err := s.Run(ctx, &mcp.StdioTransport{}); err != nil && ctx.Err() == nil {
		return fail(err)
	}
	return exitOK
}
