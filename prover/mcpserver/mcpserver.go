// Package mcpserver exposes the agent-host daemon to LLM agent frameworks as
// a Model Context Protocol server (stdio), with four tools:
// propose_transaction, transaction_status, describe_policy and list_tasks.
// It is a thin client of the daemon's HTTP API and adds no authority: what
// the signer will sign is still decided by the policy and the proofs.
package mcpserver

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/wire"
)

// Version of the MCP server.
const Version = "0.1.0"

// ProposeInput is the propose_transaction tool's input.
type ProposeInput struct {
	To                   string `json:"to" jsonschema:"destination address, 0x-prefixed"`
	Value                string `json:"value,omitempty" jsonschema:"native value: wei, hex, or with a unit such as 0.1 ether"`
	Data                 string `json:"data,omitempty" jsonschema:"calldata as 0x-hex; empty for a plain transfer"`
	Gas                  string `json:"gas,omitempty" jsonschema:"gas limit as hex; estimated when omitted"`
	MaxFeePerGas         string `json:"maxFeePerGas,omitempty" jsonschema:"hex wei; from the chain when omitted"`
	MaxPriorityFeePerGas string `json:"maxPriorityFeePerGas,omitempty" jsonschema:"hex wei; from the chain when omitted"`
	IdempotencyKey       string `json:"idempotencyKey,omitempty" jsonschema:"repeat a request safely with the same key"`
	WaitSeconds          int    `json:"waitSeconds,omitempty" jsonschema:"wait up to this long for the outcome (default 30, max 300)"`
}

// StatusInput is the transaction_status tool's input.
type StatusInput struct {
	ID          string `json:"id" jsonschema:"the id propose_transaction returned"`
	WaitSeconds int    `json:"waitSeconds,omitempty" jsonschema:"wait up to this long for a final status"`
}

// TasksOutput wraps the task list.
type TasksOutput struct {
	Tasks []daemon.Task `json:"tasks"`
}

// New returns an MCP server backed by the daemon at c.
func New(c *daemon.Client) *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "leash", Version: Version}, &mcp.ServerOptions{
		Instructions: "Leash holds no keys here. propose_transaction asks the user's signer for a transaction; it is " +
			"proven against the user's committed policy and refused with a named rule when it breaks it. Call " +
			"describe_policy first to learn what is allowed.",
	})
	mcp.AddTool(s, &mcp.Tool{Name: "propose_transaction",
		Description: "Propose a transaction to the user's signer. Returns its status: rejected (with the policy rule), or proving/sent/signed/mined with a tx hash."},
		func(ctx context.Context, _ *mcp.CallToolRequest, in ProposeInput) (*mcp.CallToolResult, any, error) {
			intent, err := toIntent(in)
			if err != nil {
				return nil, nil, err
			}
			return plain(c.Submit(ctx, intent, in.IdempotencyKey, waitFor(in.WaitSeconds, 30)))
		})
	mcp.AddTool(s, &mcp.Tool{Name: "transaction_status", Description: "The status of a proposed transaction."},
		func(ctx context.Context, _ *mcp.CallToolRequest, in StatusInput) (*mcp.CallToolResult, any, error) {
			return plain(c.Get(ctx, in.ID, waitFor(in.WaitSeconds, 0)))
		})
	mcp.AddTool(s, &mcp.Tool{Name: "describe_policy", Description: "What the user's policy allows, in plain language, with its commitment."},
		func(ctx context.Context, _ *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
			return plain(c.Policy(ctx))
		})
	mcp.AddTool(s, &mcp.Tool{Name: "list_tasks", Description: "Tasks that dapps asked the agent to do, approved by the user."},
		func(ctx context.Context, _ *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
			ts, err := c.Tasks(ctx)
			return plain(TasksOutput{Tasks: ts}, err)
		})
	return s
}

// plain turns a result into plain JSON values: the daemon's types carry
// custom JSON encodings that schema inference cannot describe.
func plain[T any](v T, err error) (*mcp.CallToolResult, any, error) {
	if err != nil {
		return nil, nil, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, nil, err
	}
	return nil, out, nil
}

func waitFor(sec, def int) time.Duration {
	if sec <= 0 {
		sec = def
	}
	return time.Duration(min(sec, 300)) * time.Second
}

func toIntent(in ProposeInput) (daemon.Intent, error) {
	var it daemon.Intent
	to, err := wire.ParseAddress(in.To)
	if err != nil {
		return it, fmt.Errorf("to: %s", wire.MessageOf(err))
	}
	it.To = to
	if in.Value != "" {
		v, err := policy.ParseAmount(in.Value)
		if err != nil {
			return it, fmt.Errorf("value: %v", err)
		}
		q := wire.NewQuantity(v)
		it.Value = &q
	}
	if in.Data != "" {
		if it.Data, err = wire.ParseBytes(in.Data); err != nil {
			return it, fmt.Errorf("data: %s", wire.MessageOf(err))
		}
	}
	if in.Gas != "" {
		g, err := wire.ParseQuantity(in.Gas, 64)
		if err != nil {
			return it, fmt.Errorf("gas: %s", wire.MessageOf(err))
		}
		u := wire.Uint64(g.Uint64())
		it.Gas = &u
	}
	for _, f := range []struct {
		s   string
		dst **wire.Quantity
	}{{in.MaxFeePerGas, &it.MaxFeePerGas}, {in.MaxPriorityFeePerGas, &it.MaxPriorityFeePerGas}} {
		if f.s == "" {
			continue
		}
		v, err := wire.ParseQuantity(f.s, 128)
		if err != nil {
			return it, fmt.Errorf("fee: %s", wire.MessageOf(err))
		}
		q := wire.NewQuantity(v)
		*f.dst = &q
	}
	return it, nil
}
