package mcpserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/wire"
)

const (
	addressPattern = "^0x[0-9a-fA-F]{40}$"
	amountPattern  = `^[0-9]+(\.[0-9]+)?$`
	idPattern      = `^[A-Za-z0-9_.:-]{1,64}$`
	keyPattern     = `^[!-~]{1,128}$`
)

// Inputs. waitSeconds: absent → the default wait; 0 → return at once.

// TransferNativeIn is transfer_native's input.
type TransferNativeIn struct {
	To             string `json:"to" jsonschema:"the recipient: a 0x-prefixed 20-byte address"`
	Amount         string `json:"amount" jsonschema:"whole ETH as a decimal string: \"0.1\" is 0.1 ETH (not wei)"`
	IdempotencyKey string `json:"idempotencyKey,omitempty" jsonschema:"a key of your choice: a retry with the same key and arguments returns the first request instead of paying twice"`
	WaitSeconds    *int   `json:"waitSeconds,omitempty" jsonschema:"how long to wait for the outcome (0 to 300 s; default 25 s; 0 returns at once)"`
}

// TransferERC20In is transfer_erc20's input.
type TransferERC20In struct {
	Token          string `json:"token" jsonschema:"the token: its address, or its label or symbol in the policy (e.g. dUSD)"`
	To             string `json:"to" jsonschema:"the recipient: a 0x-prefixed 20-byte address"`
	Amount         string `json:"amount" jsonschema:"whole tokens as a decimal string: \"1.5\" is 1.5 tokens (the token's decimals are read from the chain)"`
	IdempotencyKey string `json:"idempotencyKey,omitempty" jsonschema:"a key of your choice: a retry with the same key and arguments returns the first request instead of paying twice"`
	WaitSeconds    *int   `json:"waitSeconds,omitempty" jsonschema:"how long to wait for the outcome (0 to 300 s; default 25 s; 0 returns at once)"`
}

// ApproveERC20In is approve_erc20's input.
type ApproveERC20In struct {
	Token          string `json:"token" jsonschema:"the token: its address, or its label or symbol in the policy"`
	Spender        string `json:"spender" jsonschema:"who may spend the tokens: a 0x-prefixed 20-byte address"`
	Amount         string `json:"amount" jsonschema:"the allowance in whole tokens as a decimal string"`
	IdempotencyKey string `json:"idempotencyKey,omitempty" jsonschema:"a key of your choice for safe retries"`
	WaitSeconds    *int   `json:"waitSeconds,omitempty" jsonschema:"how long to wait for the outcome (0 to 300 s; default 25 s)"`
}

// CallContractIn is call_contract's input.
type CallContractIn struct {
	Target         string `json:"target" jsonschema:"the contract: a 0x-prefixed 20-byte address"`
	Function       string `json:"function,omitempty" jsonschema:"the canonical signature, e.g. transfer(address,uint256); the agent host ABI-encodes the call"`
	Args           []any  `json:"args,omitempty" jsonschema:"the arguments in order: addresses and bytes as 0x-hex strings, integers as decimal strings in base units, booleans as true/false, arrays as arrays"`
	Data           string `json:"data,omitempty" jsonschema:"instead of function and args: the calldata as 0x-hex"`
	ValueETH       string `json:"valueEth,omitempty" jsonschema:"native value to send with the call, in whole ETH (default 0)"`
	IdempotencyKey string `json:"idempotencyKey,omitempty" jsonschema:"a key of your choice for safe retries"`
	WaitSeconds    *int   `json:"waitSeconds,omitempty" jsonschema:"how long to wait for the outcome (0 to 300 s; default 25 s)"`
}

// RunProgramIn is run_program's input.
type RunProgramIn struct {
	Program        string `json:"program,omitempty" jsonschema:"the program's commitment or name; optional when the agent host runs one program"`
	IdempotencyKey string `json:"idempotencyKey,omitempty" jsonschema:"a key of your choice for safe retries"`
	WaitSeconds    *int   `json:"waitSeconds,omitempty" jsonschema:"how long to wait for the outcome (0 to 300 s; default 25 s)"`
}

// StatusIn is transaction_status' input.
type StatusIn struct {
	ID          string `json:"id" jsonschema:"the id a transaction tool returned"`
	WaitSeconds *int   `json:"waitSeconds,omitempty" jsonschema:"wait up to this long for a final status (0 to 300 s; default 0)"`
}

// ListIn is list_transactions' input.
type ListIn struct {
	Limit int `json:"limit,omitempty" jsonschema:"how many, newest first (1 to 100; default 20)"`
}

// PayX402In is pay_x402's input.
type PayX402In struct {
	URL    string `json:"url" jsonschema:"the resource to fetch (http or https); if it answers 402 with x402 payment requirements, one payment is made"`
	Method string `json:"method,omitempty" jsonschema:"the HTTP method (default GET)"`
	Body   string `json:"body,omitempty" jsonschema:"a request body, sent as is"`
}

// Empty is the input of tools without arguments.
type Empty struct{}

type tools struct {
	cfg Config
	c   *daemon.Client
}

// schema infers T's JSON Schema and lets tweak add patterns and bounds.
func schema[T any](tweak func(p map[string]*jsonschema.Schema)) *jsonschema.Schema {
	s, err := jsonschema.For[T](nil)
	if err != nil {
		panic(err)
	}
	if tweak != nil {
		tweak(s.Properties)
	}
	return s
}

func waitBounds(p map[string]*jsonschema.Schema) {
	if w := p["waitSeconds"]; w != nil {
		w.Types, w.Type = nil, "integer"
		w.Minimum, w.Maximum = ptr(0.0), ptr(MaxWait.Seconds())
	}
	if k := p["idempotencyKey"]; k != nil {
		k.Pattern = keyPattern
	}
}

func (t *tools) register(s *mcp.Server) {
	mcp.AddTool(s, &mcp.Tool{Name: "get_wallet_details", Annotations: reads("Wallet details", true),
		Description: "The agent's wallet: account and chain, native and token balances in whole units, the budget left in every " +
			"spending window and when it frees up, the per-transaction caps, the policy in plain language, and the signer's status. Call it first.",
		InputSchema: schema[Empty](nil)}, t.wallet)
	mcp.AddTool(s, &mcp.Tool{Name: "transfer_native", Annotations: spends("Send ETH"),
		Description: "Send native ETH. amount is in whole ETH (\"0.1\" is 0.1 ETH). The transfer is proven against the user's policy and " +
			"signed by the user's signer; the tool waits until it is mined (or refused, with the rule and what would pass).",
		InputSchema: schema[TransferNativeIn](func(p map[string]*jsonschema.Schema) {
			p["to"].Pattern, p["amount"].Pattern = addressPattern, amountPattern
			waitBounds(p)
		})}, t.transferNative)
	mcp.AddTool(s, &mcp.Tool{Name: "transfer_erc20", Annotations: spends("Send tokens"),
		Description: "Send an ERC-20 token. token is its address or its label/symbol in the policy; amount is in whole tokens (\"1.5\"), " +
			"converted with the decimals the token reports on chain. Waits until mined or refused.",
		InputSchema: schema[TransferERC20In](func(p map[string]*jsonschema.Schema) {
			p["to"].Pattern, p["amount"].Pattern = addressPattern, amountPattern
			waitBounds(p)
		})}, t.transferERC20)
	mcp.AddTool(s, &mcp.Tool{Name: "approve_erc20", Annotations: spends("Approve a token spender"),
		Description: "Let a spender (e.g. a pool) move up to amount of an ERC-20 token (whole tokens). The policy allowlists spenders. Waits until mined or refused.",
		InputSchema: schema[ApproveERC20In](func(p map[string]*jsonschema.Schema) {
			p["spender"].Pattern, p["amount"].Pattern = addressPattern, amountPattern
			waitBounds(p)
		})}, t.approveERC20)
	mcp.AddTool(s, &mcp.Tool{Name: "call_contract", Annotations: spends("Call a contract"),
		Description: "Call a contract function: give the canonical signature (function) and JSON arguments (args), and the agent host " +
			"ABI-encodes them; or give raw calldata (data). The policy allowlists targets and functions. Waits until mined or refused.",
		InputSchema: schema[CallContractIn](func(p map[string]*jsonschema.Schema) {
			p["target"].Pattern, p["valueEth"].Pattern, p["data"].Pattern = addressPattern, amountPattern, "^0x([0-9a-fA-F]{2})*$"
			p["args"].Items = &jsonschema.Schema{}
			waitBounds(p)
		})}, t.callContract)
	mcp.AddTool(s, &mcp.Tool{Name: "run_program", Annotations: spends("Run the strategy program"),
		Description: "Run the user's committed strategy program: the agent host reads the program's oracle inputs on chain, runs the " +
			"program, and proposes the trade it computes with a program proof (the signer re-reads the same inputs before signing). " +
			"When the program holds, nothing is proposed (status rejected, code no_trade, not an error).",
		InputSchema: schema[RunProgramIn](func(p map[string]*jsonschema.Schema) { waitBounds(p) })}, t.runProgram)
	mcp.AddTool(s, &mcp.Tool{Name: "transaction_status", Annotations: reads("Transaction status", false),
		Description: "The status of a request a transaction tool made (by id); waitSeconds waits for a final status.",
		InputSchema: schema[StatusIn](func(p map[string]*jsonschema.Schema) {
			p["id"].Pattern = idPattern
			waitBounds(p)
		})}, t.status)
	mcp.AddTool(s, &mcp.Tool{Name: "list_transactions", Annotations: reads("Recent transactions", false),
		Description: "The agent's recent transaction requests, newest first, with their status.",
		InputSchema: schema[ListIn](func(p map[string]*jsonschema.Schema) {
			p["limit"].Minimum, p["limit"].Maximum = ptr(1.0), ptr(100.0)
		})}, t.list)
	mcp.AddTool(s, &mcp.Tool{Name: "describe_policy", Annotations: reads("Spending policy", false),
		Description: "What the user's policy allows, in plain language, with its on-chain commitment and the policy document.",
		InputSchema: schema[Empty](nil)}, t.policy)
	mcp.AddTool(s, &mcp.Tool{Name: "pay_x402", Annotations: spends("Pay for an HTTP resource (x402)"),
		Description: "Fetch a URL and, if the server asks for payment with x402 (v2, exact scheme: an EIP-3009 token authorization), " +
			"pay once and return the paid answer. The payment is proven against the user's policy (allowed tokens, payees, per-payment " +
			"max, validity, and the token's spending window shared with transfers) and signed by the user's signer; a payment the policy " +
			"does not allow is refused before anything is signed, naming the rule. get_wallet_details shows the budget left.",
		InputSchema: schema[PayX402In](func(p map[string]*jsonschema.Schema) {
			p["url"].Pattern = "^https?://"
		})}, t.payX402)
	mcp.AddTool(s, &mcp.Tool{Name: "list_tasks", Annotations: reads("Tasks from dapps", false),
		Description: "Tasks that web apps asked this agent to do, forwarded by the user's signer after the user approved them.",
		InputSchema: schema[Empty](nil)}, t.tasks)
}

// fail turns a daemon error into a tool error a model can act on.
func (t *tools) fail(err error) error {
	switch code := wire.CodeOf(err); {
	case code == daemon.CodeUnreachable:
		return errors.New(t.downMessage(err))
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return errors.New("the call was cancelled before the agent host answered; if it was a transaction, list_transactions shows whether it was made")
	case code == wire.Malformed:
		return fmt.Errorf("invalid request (%s): %s; fix the arguments and retry", code, wire.MessageOf(err))
	case code == daemon.CodeOverloaded:
		return fmt.Errorf("the agent host is busy proving (%s): retry in a few seconds", code)
	case code == daemon.CodeIdempotencyMismatch:
		return fmt.Errorf("%s: %s", code, wire.MessageOf(err))
	default:
		return fmt.Errorf("the agent host refused (%s): %s", code, wire.MessageOf(err))
	}
}

func rootCause(err error) error {
	var op *net.OpError
	if errors.As(err, &op) {
		if errors.Is(op.Err, syscall.ECONNREFUSED) || errors.Is(op.Err, os.ErrDeadlineExceeded) {
			return op.Err
		}
	}
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
		err = u
	}
	return err
}

// waitFor turns waitSeconds into a duration (absent → def).
func waitFor(sec *int, def time.Duration) time.Duration {
	if sec == nil {
		return def
	}
	return min(time.Duration(max(*sec, 0))*time.Second, MaxWait)
}

// follow waits until rec is final or the wait ends, sending progress.
func (t *tools) follow(ctx context.Context, req *mcp.CallToolRequest, rec daemon.Record, wait time.Duration) (daemon.Record, error) {
	p := newProgress(ctx, req)
	if !p.enabled() {
		wait = min(wait, t.cfg.MaxWaitNoProgress)
	}
	deadline := time.Now().Add(wait)
	last := ""
	for !final(rec) {
		left := time.Until(deadline)
		if left <= 0 {
			break
		}
		if rec.Status != last {
			p.say(progressText(rec))
			last = rec.Status
		} else {
			p.say("still " + rec.Status)
		}
		next, err := t.c.Get(ctx, rec.ID, min(left, t.cfg.ProgressEvery))
		if err != nil {
			return rec, err
		}
		rec = next
	}
	if final(rec) {
		p.say(progressText(rec))
	}
	return rec, nil
}

func progressText(r daemon.Record) string {
	s := r.Status
	if r.Summary != "" {
		s += ": " + r.Summary
	}
	if r.TxHash != nil {
		s += " (" + r.TxHash.Hex() + ")"
	}
	return s
}

// txOut is a transaction tool's result: a refusal is a tool error with the
// rule and what would pass; the structured content is the record either way.
func txOut(rec daemon.Record) (*mcp.CallToolResult, TxResult, error) {
	out := txResult(rec)
	b, _ := json.Marshal(out)
	var text string
	switch {
	case rec.Code == daemon.CodeReverted:
		text = fmt.Sprintf("REVERTED on chain (tx %s): %s. %s", out.TxHash, rec.Message, out.Next)
	case refused(rec):
		text = fmt.Sprintf("REFUSED (%s): %s", rec.Code, rec.Message)
		if rec.Hint != "" {
			text += "\nWhat would pass: " + rec.Hint
		}
		text += "\nNothing was signed."
	case rec.Status == daemon.StatusMined:
		text = fmt.Sprintf("Mined: %s (tx %s).", orDefault(rec.Summary, "the transaction"), out.TxHash)
	default:
		text = fmt.Sprintf("%s: %s. %s.", strings.ToUpper(rec.Status[:1])+rec.Status[1:], orDefault(rec.Summary, "the transaction"), out.Next)
	}
	return &mcp.CallToolResult{IsError: refused(rec), Content: []mcp.Content{
		&mcp.TextContent{Text: text}, &mcp.TextContent{Text: string(b)}}}, out, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (t *tools) submitAndFollow(ctx context.Context, req *mcp.CallToolRequest, wait *int,
	submit func(ctx context.Context) (daemon.Record, error)) (*mcp.CallToolResult, TxResult, error) {
	rec, err := submit(ctx)
	if err != nil {
		return nil, TxResult{}, t.fail(err)
	}
	if rec, err = t.follow(ctx, req, rec, waitFor(wait, t.cfg.DefaultWait)); err != nil {
		return nil, TxResult{}, fmt.Errorf("request %s was accepted (last seen %s), but the agent host stopped answering while this tool waited (%v): "+
			"call transaction_status with id %q once it answers again; do not repeat the request without its idempotencyKey", rec.ID, rec.Status, rootCause(err), rec.ID)
	}
	return txOut(rec)
}

func parseAddr(name, s string) (*wire.Address, error) {
	a, err := wire.ParseAddress(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("invalid request: %s: %s (a 0x-prefixed 20-byte address)", name, wire.MessageOf(err))
	}
	return &a, nil
}

func (t *tools) transferNative(ctx context.Context, req *mcp.CallToolRequest, in TransferNativeIn) (*mcp.CallToolResult, TxResult, error) {
	to, err := parseAddr("to", in.To)
	if err != nil {
		return nil, TxResult{}, err
	}
	return t.submitAndFollow(ctx, req, in.WaitSeconds, func(ctx context.Context) (daemon.Record, error) {
		return t.c.Transfer(ctx, daemon.Transfer{To: to, Amount: in.Amount}, in.IdempotencyKey, 0)
	})
}

func (t *tools) transferERC20(ctx context.Context, req *mcp.CallToolRequest, in TransferERC20In) (*mcp.CallToolResult, TxResult, error) {
	to, err := parseAddr("to", in.To)
	if err != nil {
		return nil, TxResult{}, err
	}
	if strings.TrimSpace(in.Token) == "" || isNative(in.Token) {
		return nil, TxResult{}, errors.New("invalid request: token names an ERC-20 token (address, label or symbol); for ETH use transfer_native")
	}
	return t.submitAndFollow(ctx, req, in.WaitSeconds, func(ctx context.Context) (daemon.Record, error) {
		return t.c.Transfer(ctx, daemon.Transfer{To: to, Amount: in.Amount, Token: in.Token}, in.IdempotencyKey, 0)
	})
}

func isNative(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "eth", "ether", "native":
		return true
	}
	return false
}

func (t *tools) approveERC20(ctx context.Context, req *mcp.CallToolRequest, in ApproveERC20In) (*mcp.CallToolResult, TxResult, error) {
	sp, err := parseAddr("spender", in.Spender)
	if err != nil {
		return nil, TxResult{}, err
	}
	return t.submitAndFollow(ctx, req, in.WaitSeconds, func(ctx context.Context) (daemon.Record, error) {
		return t.c.Approve(ctx, daemon.Approval{Token: in.Token, Spender: sp, Amount: in.Amount}, in.IdempotencyKey, 0)
	})
}

func (t *tools) callContract(ctx context.Context, req *mcp.CallToolRequest, in CallContractIn) (*mcp.CallToolResult, TxResult, error) {
	to, err := parseAddr("target", in.Target)
	if err != nil {
		return nil, TxResult{}, err
	}
	it := daemon.Intent{To: to}
	switch {
	case in.Data != "" && (in.Function != "" || len(in.Args) > 0):
		return nil, TxResult{}, errors.New("invalid request: give function and args, or data, not both")
	case in.Data != "":
		if it.Data, err = wire.ParseBytes(in.Data); err != nil {
			return nil, TxResult{}, fmt.Errorf("invalid request: data: %s", wire.MessageOf(err))
		}
	case in.Function != "":
		call := &daemon.Call{Function: in.Function, Args: []json.RawMessage{}}
		for _, a := range in.Args {
			b, err := json.Marshal(a)
			if err != nil {
				return nil, TxResult{}, fmt.Errorf("invalid request: args: %v", err)
			}
			call.Args = append(call.Args, b)
		}
		it.Call = call
	case len(in.Args) > 0:
		return nil, TxResult{}, errors.New("invalid request: args need a function signature")
	}
	if in.ValueETH != "" {
		v, err := daemon.ParseUnits(in.ValueETH, daemon.NativeDecimals, daemon.NativeSymbol)
		if err != nil {
			return nil, TxResult{}, t.fail(err)
		}
		q := wire.NewQuantity(v)
		it.Value = &q
	}
	return t.submitAndFollow(ctx, req, in.WaitSeconds, func(ctx context.Context) (daemon.Record, error) {
		return t.c.Submit(ctx, it, in.IdempotencyKey, 0)
	})
}

func (t *tools) runProgram(ctx context.Context, req *mcp.CallToolRequest, in RunProgramIn) (*mcp.CallToolResult, TxResult, error) {
	return t.submitAndFollow(ctx, req, in.WaitSeconds, func(ctx context.Context) (daemon.Record, error) {
		return t.c.RunProgram(ctx, daemon.ProgramRunRequest{Program: in.Program}, in.IdempotencyKey, 0)
	})
}

func (t *tools) status(ctx context.Context, req *mcp.CallToolRequest, in StatusIn) (*mcp.CallToolResult, TxResult, error) {
	rec, err := t.c.Get(ctx, in.ID, 0)
	if err != nil {
		return nil, TxResult{}, t.fail(err)
	}
	if rec, err = t.follow(ctx, req, rec, waitFor(in.WaitSeconds, 0)); err != nil {
		return nil, TxResult{}, t.fail(err)
	}
	return txOut(rec)
}

func (t *tools) list(ctx context.Context, _ *mcp.CallToolRequest, in ListIn) (*mcp.CallToolResult, TxList, error) {
	n := in.Limit
	if n <= 0 {
		n = 20
	}
	recs, err := t.c.List(ctx, min(n, 100))
	if err != nil {
		return nil, TxList{}, t.fail(err)
	}
	out := TxList{Transactions: []TxResult{}}
	for _, r := range recs {
		out.Transactions = append(out.Transactions, txResult(r))
	}
	return nil, out, nil
}

func (t *tools) policy(ctx context.Context, _ *mcp.CallToolRequest, _ Empty) (*mcp.CallToolResult, PolicyResult, error) {
	p, err := t.c.Policy(ctx)
	if err != nil {
		return nil, PolicyResult{}, t.fail(err)
	}
	out := PolicyResult{Commitment: p.Commitment.Hex(), ChainID: p.ChainID, Description: p.Description}
	if err := json.Unmarshal(p.Policy, &out.Policy); err != nil {
		return nil, PolicyResult{}, err
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: p.Description}}}, out, nil
}

func (t *tools) tasks(ctx context.Context, _ *mcp.CallToolRequest, _ Empty) (*mcp.CallToolResult, TaskList, error) {
	ts, err := t.c.Tasks(ctx)
	if err != nil {
		return nil, TaskList{}, t.fail(err)
	}
	out := TaskList{Tasks: []Task{}}
	for _, x := range ts {
		task := Task{ID: x.ID, Origin: x.Origin, Received: x.Received.UTC().Format(time.RFC3339Nano)}
		if err := json.Unmarshal(x.Request, &task.Request); err != nil {
			task.Request = map[string]any{"value": string(x.Request)}
		}
		out.Tasks = append(out.Tasks, task)
	}
	return nil, out, nil
}

func (t *tools) payX402(ctx context.Context, _ *mcp.CallToolRequest, in PayX402In) (*mcp.CallToolResult, X402Result, error) {
	res, err := t.c.FetchX402(ctx, daemon.X402Request{URL: in.URL, Method: in.Method, Body: in.Body})
	if err != nil {
		return nil, X402Result{}, t.fail(err)
	}
	out := x402Result(res)
	if res.Code != "" {
		return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: out.Summary}}}, out, nil
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: out.Summary + "\n\n" + out.Body}}}, out, nil
}
