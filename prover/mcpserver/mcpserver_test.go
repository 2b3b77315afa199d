package mcpserver_test

import (
	"context"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/prover/abicall"
	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/prover/daemon/daemontest"
	"github.com/leash-wallet/leash/prover/httpguard"
	"github.com/leash-wallet/leash/prover/mcpserver"
	"github.com/leash-wallet/leash/wire"
)

const (
	alice   = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
	usdc    = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
	router  = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"
	account = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
)

func addr(s string) wire.Address { a, _ := wire.ParseAddress(s); return a }

// stack is a daemon (fake chain with a 6-decimal USDC, verifying fake
// signer) behind an MCP server, and a connected client session.
type stack struct {
	h        *daemontest.Harness
	cs       *mcp.ClientSession
	progress atomic.Int64
}

func start(t *testing.T) *stack {
	t.Helper()
	ch := daemontest.NewChain()
	ch.Balances[addr(account)] = new(big.Int).Mul(big.NewInt(5), big.NewInt(1e18))
	ch.Tokens[addr(usdc)] = daemontest.FakeToken{Decimals: 6, Symbol: "USDC",
		Balances: map[wire.Address]*big.Int{addr(account): big.NewInt(123_450_000)}}
	h := daemontest.Start(t, daemon.Config{Chain: ch, Reader: ch, Account: addr(account)})
	st := &stack{h: h}
	st.cs = connect(t, mcpserver.New(mcpserver.Config{Client: h.Client, ProgressEvery: 100 * time.Millisecond}), &st.progress)
	return st
}

func connect(t *testing.T, s *mcp.Server, progress *atomic.Int64) *mcp.ClientSession {
	t.Helper()
	ctx := context.Background()
	stT, ctT := mcp.NewInMemoryTransports()
	if _, err := s.Connect(ctx, stT, nil); err != nil {
		t.Fatal(err)
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "scripted-agent", Version: "1"}, &mcp.ClientOptions{
		ProgressNotificationHandler: func(context.Context, *mcp.ProgressNotificationClientRequest) { progress.Add(1) },
	}).Connect(ctx, ctT, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// call calls a tool (with a progress token) and decodes its structured content into out.
func call(t *testing.T, cs *mcp.ClientSession, name string, args any, out any) *mcp.CallToolResult {
	t.Helper()
	p := &mcp.CallToolParams{Name: name, Arguments: args}
	p.SetProgressToken("p-" + name)
	res, err := cs.CallTool(context.Background(), p)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if out != nil && res.StructuredContent != nil {
		b, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatal(err)
		}
	}
	return res
}

func text(res *mcp.CallToolResult) string {
	var s []string
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			s = append(s, tc.Text)
		}
	}
	return strings.Join(s, "\n")
}

func TestToolsHaveSchemasAndAnnotations(t *testing.T) {
	st := start(t)
	var names []string
	for tool, err := range st.cs.Tools(context.Background(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, tool.Name)
		if tool.InputSchema == nil || tool.OutputSchema == nil || tool.Annotations == nil || tool.Annotations.Title == "" {
			t.Errorf("%s: input %v output %v annotations %v", tool.Name, tool.InputSchema != nil, tool.OutputSchema != nil, tool.Annotations)
			continue
		}
		spends := strings.HasPrefix(tool.Name, "transfer") || strings.HasPrefix(tool.Name, "approve") || tool.Name == "call_contract" || tool.Name == "run_program" || tool.Name == "pay_x402"
		a := tool.Annotations
		if a.ReadOnlyHint == spends || (spends && (a.DestructiveHint == nil || !*a.DestructiveHint)) {
			t.Errorf("%s: annotations %+v", tool.Name, a)
		}
	}
	sort.Strings(names)
	want := "approve_erc20,call_contract,describe_policy,get_wallet_details,list_tasks,list_transactions,pay_x402,run_program,transaction_status,transfer_erc20,transfer_native"
	if strings.Join(names, ",") != want {
		t.Fatalf("tools: %v", names)
	}
}

func TestWalletDetails(t *testing.T) {
	st := start(t)
	var w mcpserver.WalletResult
	res := call(t, st.cs, "get_wallet_details", map[string]any{}, &w)
	if res.IsError || !strings.EqualFold(w.Account, account) || w.ChainID != 1337 {
		t.Fatalf("%v %+v", res.IsError, w)
	}
	got := map[string]string{}
	for _, b := range w.Balances {
		got[b.Symbol] = b.Amount
	}
	if got["ETH"] != "5" || got["USDC"] != "123.45" {
		t.Fatalf("balances %+v", w.Balances)
	}
	// Every window rule of the v2 policy: value, fees, count, two tokens.
	rules := map[string]string{}
	for _, b := range w.Budget {
		rules[b.Rule+"/"+b.Symbol] = b.Remaining
	}
	if len(w.Budget) != 5 || rules["window/ETH"] != "3 ETH" || rules["fee_window/ETH"] != "0.05 ETH" || rules["tx_count/"] != "20" ||
		rules["token_window/USDC"] != "2500 USDC" || w.Budget[0].WindowSeconds != 86400 {
		t.Fatalf("budget %+v", w.Budget)
	}
	// USDC (transfer capped at 1,000, to Alice, approve to the router) and
	// WETH (a token window only).
	if w.PerTransaction.MaxValue != "1 ETH" || len(w.PerTransaction.Tokens) != 2 || w.PerTransaction.Tokens[0].MaxAmount != "1000 USDC" ||
		len(w.PerTransaction.Tokens[0].Recipients) != 1 || len(w.PerTransaction.Tokens[0].Spenders) != 1 || w.PerTransaction.Tokens[1].MaxAmount != "" {
		t.Fatalf("caps %+v", w.PerTransaction)
	}
	if !w.Signer.Paired || !strings.Contains(w.Policy.Description, "per transaction") || !strings.Contains(text(res), "123.45 USDC") {
		t.Fatalf("%+v\n%s", w, text(res))
	}
}

func TestTransfersToMined(t *testing.T) {
	st := start(t)
	var r mcpserver.TxResult
	res := call(t, st.cs, "transfer_native", map[string]any{"to": alice, "amount": "0.1"}, &r)
	if res.IsError || r.Status != daemon.StatusMined || r.ValueETH != "0.1" || r.TxHash == "" || !r.Final {
		t.Fatalf("%s\n%+v", text(res), r)
	}
	if st.progress.Load() == 0 {
		t.Fatal("no progress notification during the wait")
	}
	// 12.5 USDC in whole units is 12,500,000 base units (6 decimals read from the token).
	res = call(t, st.cs, "transfer_erc20", map[string]any{"token": "USDC", "to": alice, "amount": "12.5"}, &r)
	if res.IsError || r.Status != daemon.StatusMined || !strings.Contains(r.Summary, "12.5 USDC") {
		t.Fatalf("%s\n%+v", text(res), r)
	}
	rec, err := st.h.Client.Get(context.Background(), r.ID, 0)
	want, _ := abicall.Encode("transfer(address,uint256)", []json.RawMessage{json.RawMessage(`"` + alice + `"`), json.RawMessage(`"12500000"`)})
	if err != nil || rec.Tx.To != addr(usdc) || string(rec.Tx.Data) != string(want) {
		t.Fatalf("%v %x", err, rec.Tx.Data)
	}
	res = call(t, st.cs, "approve_erc20", map[string]any{"token": usdc, "spender": router, "amount": "100"}, &r)
	if res.IsError || r.Status != daemon.StatusMined {
		t.Fatalf("%s", text(res))
	}
	res = call(t, st.cs, "call_contract", map[string]any{"target": usdc, "function": "transfer(address,uint256)",
		"args": []any{alice, "1000000"}}, &r)
	if res.IsError || r.Status != daemon.StatusMined {
		t.Fatalf("%s", text(res))
	}
	var again mcpserver.TxResult
	call(t, st.cs, "transaction_status", map[string]any{"id": r.ID}, &again)
	if again.ID != r.ID || again.Status != daemon.StatusMined {
		t.Fatalf("%+v", again)
	}
	var list mcpserver.TxList
	call(t, st.cs, "list_transactions", map[string]any{"limit": 10}, &list)
	if len(list.Transactions) != 4 || list.Transactions[0].ID != r.ID {
		t.Fatalf("%+v", list)
	}
}

func TestRefusalsAreToolErrorsThatSayWhatWouldPass(t *testing.T) {
	st := start(t)
	var r mcpserver.TxResult
	res := call(t, st.cs, "transfer_native", map[string]any{"to": alice, "amount": "2"}, &r)
	if !res.IsError || r.Code != "policy_violation:value" || !strings.Contains(text(res), "At most 1 ETH per transaction") ||
		!strings.Contains(text(res), "3 ETH left of 3 ETH") {
		t.Fatalf("%v\n%s", res.IsError, text(res))
	}
	for i := 0; i < 3; i++ {
		if res := call(t, st.cs, "transfer_native", map[string]any{"to": alice, "amount": "0.9"}, &r); res.IsError {
			t.Fatal(text(res))
		}
	}
	res = call(t, st.cs, "transfer_native", map[string]any{"to": alice, "amount": "0.5"}, &r)
	if !res.IsError || r.Code != "policy_violation:window" || !strings.Contains(r.Hint, "0.3 ETH left of 3 ETH") ||
		!strings.Contains(r.Hint, "frees up at") {
		t.Fatalf("%s", text(res))
	}
	res = call(t, st.cs, "transfer_erc20", map[string]any{"token": "USDC", "to": router, "amount": "1"}, &r)
	if !res.IsError || r.Code != "policy_violation:arg" || !strings.Contains(r.Hint, "Alice (savings account)") {
		t.Fatalf("%s", text(res))
	}
	res = call(t, st.cs, "transfer_erc20", map[string]any{"token": "USDC", "to": alice, "amount": "1000.5"}, &r)
	if !res.IsError || r.Code != "policy_violation:arg" || !strings.Contains(r.Hint, "at most 1000 USDC") {
		t.Fatalf("%s", text(res))
	}
	for name, args := range map[string]map[string]any{
		"bad address":    {"to": "nope", "amount": "1"},
		"wei by mistake": {"to": alice, "amount": "1e18"},
		"negative":       {"to": alice, "amount": "-1"},
		"too precise":    {"to": alice, "amount": "0.0000000000000000001"},
		"unknown field":  {"to": alice, "amount": "1", "gasPrice": "1"},
	} {
		if res := call(t, st.cs, "transfer_native", args, nil); !res.IsError {
			t.Errorf("%s: accepted", name)
		}
	}
	if res := call(t, st.cs, "transfer_erc20", map[string]any{"token": "DOGE", "to": alice, "amount": "1"}, nil); !res.IsError ||
		!strings.Contains(text(res), "USDC") {
		t.Errorf("unknown token: %s", text(res))
	}
}

func TestIdempotencyKeyThroughMCP(t *testing.T) {
	st := start(t)
	var a, b mcpserver.TxResult
	call(t, st.cs, "transfer_native", map[string]any{"to": alice, "amount": "0.01", "idempotencyKey": "k1"}, &a)
	call(t, st.cs, "transfer_native", map[string]any{"to": alice, "amount": "0.01", "idempotencyKey": "k1"}, &b)
	if a.ID == "" || a.ID != b.ID {
		t.Fatalf("%s != %s", a.ID, b.ID)
	}
	res := call(t, st.cs, "transfer_native", map[string]any{"to": alice, "amount": "0.02", "idempotencyKey": "k1"}, nil)
	if !res.IsError || !strings.Contains(text(res), "idempotency_mismatch") {
		t.Fatalf("%s", text(res))
	}
}

func TestWaitZeroReturnsAtOnce(t *testing.T) {
	st := start(t)
	var r mcpserver.TxResult
	call(t, st.cs, "transfer_native", map[string]any{"to": alice, "amount": "0.01", "waitSeconds": 0}, &r)
	if r.Final || !strings.Contains(r.Next, "transaction_status") {
		t.Fatalf("%+v", r)
	}
	call(t, st.cs, "transaction_status", map[string]any{"id": r.ID, "waitSeconds": 30}, &r)
	if r.Status != daemon.StatusMined {
		t.Fatalf("%+v", r)
	}
}

func TestPolicyAndTasks(t *testing.T) {
	st := start(t)
	var p mcpserver.PolicyResult
	call(t, st.cs, "describe_policy", map[string]any{}, &p)
	if p.ChainID != 1337 || !strings.HasPrefix(p.Commitment, "0x") || p.Policy["chainId"] == nil {
		t.Fatalf("%+v", p)
	}
	var tasks mcpserver.TaskList
	call(t, st.cs, "list_tasks", map[string]any{}, &tasks)
	if tasks.Tasks == nil || len(tasks.Tasks) != 0 {
		t.Fatalf("%+v", tasks)
	}
}

// TestDaemonDown: the model is told to start `leash agent-host`, not shown
// a raw dial error.
func TestDaemonDown(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there now
	var n atomic.Int64
	cs := connect(t, mcpserver.New(mcpserver.Config{Client: &daemon.Client{BaseURL: url}}), &n)
	for _, c := range []struct {
		tool string
		args map[string]any
	}{{"get_wallet_details", nil}, {"transfer_native", map[string]any{"to": alice, "amount": "0.1"}}, {"list_transactions", nil}} {
		res := call(t, cs, c.tool, c.args, nil)
		if !res.IsError || !strings.Contains(text(res), "leash agent-host") || !strings.Contains(text(res), url) {
			t.Fatalf("%s: %s", c.tool, text(res))
		}
	}
}

// TestStreamableHTTP: the same tools over Streamable HTTP with a bearer
// token; without it, nothing is served.
func TestStreamableHTTP(t *testing.T) {
	st := start(t)
	const token = "s3cret-token-for-the-test"
	srv := httptest.NewServer(mcpserver.HTTPHandler(mcpserver.New(mcpserver.Config{Client: st.h.Client}), httpguard.Config{Token: token}))
	defer srv.Close()
	ctx := context.Background()
	connectHTTP := func(tok string) (*mcp.ClientSession, error) {
		hc := &http.Client{Transport: bearer{tok}}
		return mcp.NewClient(&mcp.Implementation{Name: "http-agent", Version: "1"}, nil).Connect(ctx,
			&mcp.StreamableClientTransport{Endpoint: srv.URL, HTTPClient: hc, MaxRetries: -1}, nil)
	}
	if cs, err := connectHTTP("wrong"); err == nil {
		cs.Close()
		t.Fatal("connected with a wrong token")
	}
	cs, err := connectHTTP(token)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	var r mcpserver.TxResult
	res := call(t, cs, "transfer_native", map[string]any{"to": alice, "amount": "0.1"}, &r)
	if res.IsError || r.Status != daemon.StatusMined {
		t.Fatalf("%s", text(res))
	}
	// A web page, or a rebinding DNS name, with the right token still gets nothing.
	init := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}`
	for name, hdr := range map[string]map[string]string{
		"foreign origin": {"Origin": "https://evil.example"},
		"rebinding":      {"Host": "evil.example"},
		"text/plain":     {"Content-Type": "text/plain"},
	} {
		req, _ := http.NewRequest("POST", srv.URL, strings.NewReader(init))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Authorization", "Bearer "+token)
		for k, v := range hdr {
			if k == "Host" {
				req.Host = v
			} else {
				req.Header.Set(k, v)
			}
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("%s: %d", name, resp.StatusCode)
		}
	}
}

type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

// TestRevertedIsAnError: a transaction mined but reverted on chain is not a success.
func TestRevertedIsAnError(t *testing.T) {
	ch := daemontest.NewChain()
	ch.Revert = true
	h := daemontest.Start(t, daemon.Config{Chain: ch, Reader: ch, Account: addr(account)})
	var n atomic.Int64
	cs := connect(t, mcpserver.New(mcpserver.Config{Client: h.Client}), &n)
	var r mcpserver.TxResult
	res := call(t, cs, "transfer_native", map[string]any{"to": alice, "amount": "0.1"}, &r)
	if !res.IsError || r.Status != daemon.StatusMined || r.Code != "reverted" || !strings.Contains(text(res), "REVERTED") {
		t.Fatalf("%s", text(res))
	}
}

// pay_x402 on an agent host without a typed-data prover is a tool error
// naming not_configured; nothing is fetched or paid.
func TestPayX402NotConfigured(t *testing.T) {
	st := start(t)
	res := call(t, st.cs, "pay_x402", map[string]any{"url": "http://127.0.0.1:1/paid"}, nil)
	if !res.IsError || !strings.Contains(text(res), "not_configured") {
		t.Fatalf("%v %s", res.IsError, text(res))
	}
}

// holdingProver holds every proof until released (a job stays queued or
// proving while its agent host is stopped).
type holdingProver struct {
	daemon.Prover
	release chan struct{}
}

func (p *holdingProver) Prove(req prover.Request) (*wire.Proposal, error) {
	<-p.release
	return p.Prover.Prove(req)
}

// TestInterruptedIsAnErrorThatSaysItMayBeSigned: a transfer cut off by an
// agent-host restart comes back, on the retry of its key, interrupted: a
// tool error telling the agent it may have been signed (never "nothing
// was signed", which would invite a retry with a new key: a double
// payment).
func TestInterruptedIsAnErrorThatSaysItMayBeSigned(t *testing.T) {
	dir := t.TempDir()
	ch := daemontest.NewChain()
	pol := policytest.Policy(t)
	hp := &holdingProver{Prover: policytest.Prover(t, pol), release: make(chan struct{})}
	t.Cleanup(func() { close(hp.release) })
	h1 := daemontest.Start(t, daemon.Config{Chain: ch, Reader: ch, Account: addr(account), DataDir: dir, Prover: hp, Workers: 1})
	to := addr(alice)
	first, err := h1.Client.Transfer(t.Context(), daemon.Transfer{To: &to, Amount: "0.01"}, "k-int", 0)
	if err != nil {
		t.Fatal(err)
	}
	h1.Stop()
	h2 := daemontest.Start(t, daemon.Config{Chain: ch, Reader: ch, Account: addr(account), DataDir: dir})
	var n atomic.Int64
	cs := connect(t, mcpserver.New(mcpserver.Config{Client: h2.Client}), &n)
	var r mcpserver.TxResult
	res := call(t, cs, "transfer_native", map[string]any{"to": alice, "amount": "0.01", "idempotencyKey": "k-int"}, &r)
	if !res.IsError || r.ID != first.ID || r.Status != daemon.StatusInterrupted || !strings.Contains(text(res), "MAY HAVE BEEN SIGNED") ||
		strings.Contains(text(res), "nothing was signed") {
		t.Fatalf("%+v\n%s", r, text(res))
	}
}
