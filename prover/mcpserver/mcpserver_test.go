package mcpserver_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/prover/daemon/daemontest"
	"github.com/leash-wallet/leash/prover/mcpserver"
)

// TestScriptedClient drives the MCP server with a scripted MCP client over
// an in-memory transport, against a real daemon and a verifying fake signer.
func TestScriptedClient(t *testing.T) {
	h := daemontest.Start(t, daemon.Config{})
	ctx := context.Background()
	st, ct := mcp.NewInMemoryTransports()
	if _, err := mcpserver.New(h.Client).Connect(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "scripted-agent", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()

	var names []string
	for tool, err := range cs.Tools(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, tool.Name)
	}
	if strings.Join(names, ",") != "describe_policy,list_tasks,propose_transaction,transaction_status" {
		t.Fatalf("tools: %v", names)
	}
	call := func(name string, args any, out any) *mcp.CallToolResult {
		t.Helper()
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
		if err != nil {
			t.Fatal(err)
		}
		if out != nil && !res.IsError {
			b, _ := json.Marshal(res.StructuredContent)
			if err := json.Unmarshal(b, out); err != nil {
				t.Fatal(err)
			}
		}
		return res
	}
	var pol daemon.PolicyInfo
	call("describe_policy", map[string]any{}, &pol)
	if !strings.Contains(pol.Description, "per transaction") || pol.ChainID != 1337 {
		t.Fatalf("describe_policy: %+v", pol)
	}
	var rec daemon.Record
	call("propose_transaction", map[string]any{"to": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "value": "0.1 ether",
		"maxFeePerGas": "0x77359400", "maxPriorityFeePerGas": "0x3b9aca00", "waitSeconds": 60}, &rec)
	if rec.Status != daemon.StatusSigned {
		t.Fatalf("propose: %+v", rec)
	}
	var again daemon.Record
	call("transaction_status", map[string]any{"id": rec.ID}, &again)
	if again.ID != rec.ID || again.Status != daemon.StatusSigned {
		t.Fatalf("status: %+v", again)
	}
	var refused daemon.Record
	call("propose_transaction", map[string]any{"to": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "value": "2 ether",
		"maxFeePerGas": "0x77359400", "maxPriorityFeePerGas": "0x3b9aca00"}, &refused)
	if refused.Status != daemon.StatusRejected || refused.Code != "policy_violation:value" {
		t.Fatalf("over the cap: %+v", refused)
	}
	if res := call("propose_transaction", map[string]any{"to": "nope"}, nil); !res.IsError {
		t.Fatal("a bad address was not an error")
	}
	var tasks mcpserver.TasksOutput
	call("list_tasks", map[string]any{}, &tasks)
	if tasks.Tasks == nil && len(tasks.Tasks) != 0 {
		t.Fatal("tasks")
	}
}
