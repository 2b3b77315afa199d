package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/leash-wallet/leash/prover/agenthost"
)

// Sandbox is the machine-readable block `leash demo --hold` prints once the
// system is ready for an agent: where everything is, and an MCP client
// configuration (Claude Desktop's and Cursor's mcpServers form).
type Sandbox struct {
	Ready      bool           `json:"ready"`
	AgentHost  string         `json:"agentHost"` // the daemon's API (and dashboard)
	RPC        string         `json:"rpc"`
	ChainID    uint64         `json:"chainId"`
	Account    string         `json:"account"` // the wallet the agent spends from
	PolicyFile string         `json:"policyFile"`
	Commitment string         `json:"commitment"`
	Contracts  map[string]any `json:"contracts"` // registry, tokens (dUSD, dETH), oracle, pool
	Alice      string         `json:"alice"`     // an allowlisted payee
	Program    string         `json:"program,omitempty"`
	MCP        map[string]any `json:"mcp"`
}

// agentAddr picks the agent host's address: 127.0.0.1:8645 for a sandbox
// when it is free (so that `leash mcp` needs no flags), else a free port.
func agentAddr(cfg Config) string {
	if cfg.AgentAddr != "" {
		return cfg.AgentAddr
	}
	if cfg.Hold {
		if l, err := net.Listen("tcp", agenthost.DefaultAddr); err == nil {
			l.Close()
			return agenthost.DefaultAddr
		}
	}
	return "127.0.0.1:0"
}

// hold publishes the policy again if the tour revoked it, prints the
// sandbox block and keeps the system running until ctx ends.
func (t *tour) hold(ctx context.Context) error {
	s := t.s
	if e, err := t.registryEntry(ctx); err != nil {
		return err
	} else if e {
		t.say("user", "publishes the policy again: the sandbox is live for your own agent")
		if err := s.Reinstate(ctx); err != nil {
			return err
		}
	}
	bin, _ := filepath.Abs(t.cfg.LeashBin)
	sb := Sandbox{Ready: true, AgentHost: s.Agent.BaseURL, RPC: s.Devnet.URL(), ChainID: s.Policy.ChainID,
		Account: s.Account.Hex(), PolicyFile: s.PolicyFile, Commitment: s.Policy.Commitment().Hex(),
		Contracts: map[string]any{"registry": s.Addrs.Registry.Hex(), "dUSD": s.Addrs.USD.Hex(), "dETH": s.Addrs.ETH.Hex(),
			"oracle": s.Addrs.Oracle.Hex(), "pool": s.Addrs.Pool.Hex()},
		Alice: s.Alice.Hex(),
		MCP: map[string]any{"mcpServers": map[string]any{"leash": map[string]any{
			"command": bin, "args": []string{"mcp", "--agent-host", s.Agent.BaseURL}}}}}
	if s.Program != nil {
		sb.Program = s.Program.Commitment().Hex()
	}
	b, _ := json.MarshalIndent(sb, "", "  ")
	fmt.Fprintf(t.cfg.Out, "dashboard: %s/\n", s.Agent.BaseURL)
	fmt.Fprintf(t.cfg.Out, "── sandbox (Ctrl-C stops it) ──\n%s\n── end sandbox ──\n", b)
	if t.cfg.InfoFile != "" {
		if err := os.WriteFile(t.cfg.InfoFile, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	<-ctx.Done()
	return nil
}

// registryEntry reports whether the account's published policy is revoked.
func (t *tour) registryEntry(ctx context.Context) (revoked bool, err error) {
	e, err := t.s.Registry().Lookup(ctx, t.s.Account)
	return e.Revoked, err
}
