package mcpserver

import (
	"fmt"
	"time"

	"github.com/leash-wallet/leash/prover/daemon"
)

// TxResult is every transaction tool's output: the request's record, with
// amounts in units and what to do next.
type TxResult struct {
	ID       string   `json:"id" jsonschema:"the request id: give it to transaction_status"`
	Status   string   `json:"status" jsonschema:"queued, proving, sent, signed, mined, rejected, failed or interrupted (the agent host restarted before it was final: it may have been signed)"`
	Final    bool     `json:"final" jsonschema:"true when nothing more will happen to this request"`
	Summary  string   `json:"summary,omitempty" jsonschema:"what was asked, in words"`
	Code     string   `json:"code,omitempty" jsonschema:"on a refusal, its stable code, e.g. policy_violation:value or revoked"`
	Message  string   `json:"message,omitempty" jsonschema:"on a refusal, why"`
	Hint     string   `json:"hint,omitempty" jsonschema:"on a refusal, what would pass: the rule's limit and the budget left"`
	Next     string   `json:"next,omitempty" jsonschema:"what to do next"`
	TxHash   string   `json:"txHash,omitempty" jsonschema:"the transaction hash once signed"`
	To       string   `json:"to,omitempty" jsonschema:"the transaction's destination"`
	ValueETH string   `json:"valueEth,omitempty" jsonschema:"the native value sent, in ETH"`
	Nonce    *uint64  `json:"nonce,omitempty" jsonschema:"the nonce it was proven with"`
	Attempts int      `json:"attempts" jsonschema:"proofs made (re-proving when the signer's state moved)"`
	Timings  Timings  `json:"timings"`
	Program  *Program `json:"program,omitempty" jsonschema:"a program run's decision"`
	Created  string   `json:"created"`
	Updated  string   `json:"updated"`
}

// Timings are the request's stages in milliseconds.
type Timings struct {
	PrecheckMs float64 `json:"precheckMs"`
	QueueMs    float64 `json:"queueMs"`
	ProveMs    float64 `json:"proveMs"`
	SignedMs   float64 `json:"signedMs,omitempty"`
	MinedMs    float64 `json:"minedMs,omitempty"`
	TotalMs    float64 `json:"totalMs,omitempty"`
}

// Program is a program run's claim and decision.
type Program struct {
	Commitment string   `json:"commitment"`
	Name       string   `json:"name,omitempty"`
	Block      *uint64  `json:"block,omitempty"`
	Inputs     []string `json:"inputs,omitempty"`
	Decision   string   `json:"decision,omitempty"`
}

// TxList is list_transactions' output.
type TxList struct {
	Transactions []TxResult `json:"transactions"`
}

// PolicyResult is describe_policy's output.
type PolicyResult struct {
	Commitment  string         `json:"commitment" jsonschema:"the policy commitment published on chain"`
	ChainID     uint64         `json:"chainId"`
	Description string         `json:"description" jsonschema:"the policy in plain language"`
	Policy      map[string]any `json:"policy" jsonschema:"the policy document"`
}

// TaskList is list_tasks' output.
type TaskList struct {
	Tasks []Task `json:"tasks"`
}

// Task is a dapp's request approved by the user.
type Task struct {
	ID       string         `json:"id"`
	Origin   string         `json:"origin,omitempty"`
	Request  map[string]any `json:"request"`
	Received string         `json:"received"`
}

// final: nothing more will happen to r (the daemon says so).
func final(r daemon.Record) bool { return r.Final }

func txResult(r daemon.Record) TxResult {
	out := TxResult{ID: r.ID, Status: r.Status, Final: final(r), Summary: r.Summary, Code: string(r.Code), Message: r.Message,
		Hint: r.Hint, Attempts: r.Attempts, Timings: Timings(r.Timings),
		Created: r.Created.UTC().Format(time.RFC3339Nano), Updated: r.Updated.UTC().Format(time.RFC3339Nano)}
	if r.TxHash != nil {
		out.TxHash = r.TxHash.Hex()
	}
	if r.Tx != nil {
		out.To = r.Tx.To.Hex()
		out.ValueETH = daemon.FormatUnits(r.Tx.Value.Big(), daemon.NativeDecimals)
		if r.Status != daemon.StatusQueued && r.Status != daemon.StatusRejected && r.Status != daemon.StatusInterrupted || r.Attempts > 0 {
			n := uint64(r.Tx.Nonce)
			out.Nonce = &n
		}
	}
	if p := r.Program; p != nil {
		out.Program = &Program{Commitment: p.Commitment.Hex(), Name: p.Name, Decision: p.Decision}
		if p.Block != nil {
			b := uint64(*p.Block)
			out.Program.Block = &b
		}
		for _, in := range p.Inputs {
			out.Program.Inputs = append(out.Program.Inputs, in.Big().String())
		}
	}
	switch {
	case r.Status == daemon.StatusMined && r.Code == daemon.CodeReverted:
		out.Next = "mined but REVERTED on chain: it paid its fee and did nothing else; check balances and allowances before retrying"
	case r.Status == daemon.StatusMined:
		out.Next = "done: the transaction is mined"
	case r.Status == daemon.StatusSigned && r.Final:
		out.Next = "done: signed and broadcast (this agent host does not follow mining)"
	case r.Status == daemon.StatusRejected && r.Code == daemon.NoTrade:
		out.Next = "the program holds: nothing to do now; run it again later"
	case r.Status == daemon.StatusInterrupted:
		out.Next = "INTERRUPTED: the agent host restarted before this was final and it MAY HAVE BEEN SIGNED; check the wallet's activity or balance (get_wallet) before asking again with a new idempotencyKey, or you may pay twice"
	case out.Final:
		out.Next = "refused: read hint for what would pass; nothing was signed"
	default:
		out.Next = fmt.Sprintf("still %s: call transaction_status with id %q (and waitSeconds) to follow it", r.Status, r.ID)
	}
	return out
}

// refused reports whether a record is a refusal or failure the agent must
// act on (isError), as opposed to a decision to hold.
func refused(r daemon.Record) bool {
	return (r.Status == daemon.StatusRejected && r.Code != daemon.NoTrade) || r.Status == daemon.StatusFailed ||
		r.Status == daemon.StatusInterrupted ||
		r.Code == daemon.CodeReverted
}

// X402Result is pay_x402's output.
type X402Result struct {
	Status       int     `json:"status" jsonschema:"the resource's HTTP status (after paying, if it asked)"`
	Paid         bool    `json:"paid" jsonschema:"whether a payment was signed and sent"`
	Summary      string  `json:"summary" jsonschema:"what happened, in words"`
	Body         string  `json:"body" jsonschema:"the resource's body (at most 64 KiB)"`
	Amount       string  `json:"amount,omitempty" jsonschema:"the amount paid, in the token's atomic units"`
	Asset        string  `json:"asset,omitempty" jsonschema:"the token paid with"`
	PayTo        string  `json:"payTo,omitempty" jsonschema:"who was paid"`
	Network      string  `json:"network,omitempty" jsonschema:"the CAIP-2 network, e.g. eip155:8453"`
	SettlementTx string  `json:"settlementTx,omitempty" jsonschema:"the settlement transaction, when the server reported one"`
	Code         string  `json:"code,omitempty" jsonschema:"on a refusal, its stable code, e.g. policy_violation:payee or x402_refused"`
	Message      string  `json:"message,omitempty" jsonschema:"on a refusal, why"`
	TotalMs      float64 `json:"totalMs"`
	ProveMs      float64 `json:"proveMs"`
}

func x402Result(r daemon.X402Result) X402Result {
	out := X402Result{Status: r.Status, Paid: r.Paid, Body: r.Body, Code: string(r.Code), Message: r.Message, TotalMs: r.TotalMs, ProveMs: r.ProveMs}
	if p := r.Payment; p != nil {
		out.Amount, out.Asset, out.PayTo, out.Network = p.Amount, p.Asset, p.PayTo, p.Network
	}
	if s := r.Settlement; s != nil {
		out.SettlementTx = s.Transaction
	}
	switch {
	case r.Code != "":
		out.Summary = fmt.Sprintf("Not paid: %s: %s", r.Code, r.Message)
	case r.Paid:
		out.Summary = fmt.Sprintf("Paid %s (atomic units of %s) to %s on %s; HTTP %d", out.Amount, out.Asset, out.PayTo, out.Network, r.Status)
	default:
		out.Summary = fmt.Sprintf("HTTP %d, no payment asked", r.Status)
	}
	return out
}
