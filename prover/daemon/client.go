package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/leash-wallet/leash/wire"
)

// CodeUnreachable is the Client's code for a daemon it cannot reach (not
// running, wrong address): no request was made.
const CodeUnreachable wire.Code = "agent_host_unreachable"

// Client is a Go client of the daemon's HTTP API, used by `leash mcp`, the
// demo's scripted agent and tests.
type Client struct {
	BaseURL string       // e.g. http://127.0.0.1:8645
	Token   string       // the daemon's bearer token, if it has one
	HTTP    *http.Client // default http.DefaultClient
}

// APIError is an error response of the API. It unwraps to the coded
// *wire.Error, so wire.CodeOf and errors.Is see its code.
type APIError struct {
	Status  int
	Code    wire.Code
	Message string
}

func (e *APIError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// Unwrap returns the coded error.
func (e *APIError) Unwrap() error { return &wire.Error{Code: e.Code, Message: e.Message} }

func (c *Client) do(ctx context.Context, method, path string, body any, hdr map[string]string, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return wire.Errorf(wire.Malformed, "agent host URL %q: %v", c.BaseURL, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &wire.Error{Code: CodeUnreachable, Message: fmt.Sprintf("the Leash agent host at %s cannot be reached: %v", c.BaseURL, unwrapURL(err)), Err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 400 {
		var e struct {
			Error *apiError `json:"error"`
		}
		if json.Unmarshal(raw, &e) == nil && e.Error != nil {
			return &APIError{Status: resp.StatusCode, Code: e.Error.Code, Message: e.Error.Message}
		}
		if resp.StatusCode != http.StatusUnprocessableEntity {
			return &APIError{Status: resp.StatusCode, Code: wire.Internal, Message: "HTTP " + resp.Status}
		}
		// 422 with a record: a refusal by the pre-check
	}
	return json.Unmarshal(raw, out)
}

func unwrapURL(err error) error {
	if u, ok := err.(*url.Error); ok {
		return u.Err
	}
	return err
}

func withWait(path string, wait time.Duration) string {
	if wait > 0 {
		path += "?wait=" + url.QueryEscape(wait.String())
	}
	return path
}

func idemHeader(key string) map[string]string {
	if key == "" {
		return nil
	}
	return map[string]string{"Idempotency-Key": key}
}

// Sign posts an EIP-712 document to POST /v1/signatures and waits for the
// signer. A refusal (by the policy or the signer) is a Signature with
// status rejected, not an error.
func (c *Client) Sign(ctx context.Context, typedData []byte) (Signature, error) {
	var s Signature
	err := c.do(ctx, "POST", "/v1/signatures", SignatureRequest{TypedData: typedData}, nil, &s)
	return s, err
}

// FetchX402 posts to POST /v1/x402/fetch. A refused payment is an
// X402Result with a code, not an error.
func (c *Client) FetchX402(ctx context.Context, in X402Request) (X402Result, error) {
	var res X402Result
	err := c.do(ctx, "POST", "/v1/x402/fetch", in, nil, &res)
	return res, err
}

// Submit posts an intent; with wait > 0 it long-polls for the outcome.
// A pre-check refusal is a Record with status rejected, not an error.
func (c *Client) Submit(ctx context.Context, in Intent, idempotencyKey string, wait time.Duration) (Record, error) {
	var rec Record
	err := c.do(ctx, "POST", withWait("/v1/transactions", wait), in, idemHeader(idempotencyKey), &rec)
	return rec, err
}

// Transfer posts a transfer in whole units (POST /v1/transfers).
func (c *Client) Transfer(ctx context.Context, t Transfer, idempotencyKey string, wait time.Duration) (Record, error) {
	var rec Record
	err := c.do(ctx, "POST", withWait("/v1/transfers", wait), t, idemHeader(idempotencyKey), &rec)
	return rec, err
}

// Approve posts an ERC-20 approval in whole units (POST /v1/approvals).
func (c *Client) Approve(ctx context.Context, a Approval, idempotencyKey string, wait time.Duration) (Record, error) {
	var rec Record
	err := c.do(ctx, "POST", withWait("/v1/approvals", wait), a, idemHeader(idempotencyKey), &rec)
	return rec, err
}

// RunProgram runs a committed program (POST /v1/program-runs).
func (c *Client) RunProgram(ctx context.Context, r ProgramRunRequest, idempotencyKey string, wait time.Duration) (Record, error) {
	var rec Record
	err := c.do(ctx, "POST", withWait("/v1/program-runs", wait), r, idemHeader(idempotencyKey), &rec)
	return rec, err
}

// Get returns a request's record; with wait > 0 it long-polls.
func (c *Client) Get(ctx context.Context, id string, wait time.Duration) (Record, error) {
	var rec Record
	err := c.do(ctx, "GET", withWait("/v1/transactions/"+url.PathEscape(id), wait), nil, nil, &rec)
	return rec, err
}

// List returns up to limit records, newest first.
func (c *Client) List(ctx context.Context, limit int) ([]Record, error) {
	var out RecordList
	err := c.do(ctx, "GET", "/v1/transactions?limit="+strconv.Itoa(limit), nil, nil, &out)
	return out.Transactions, err
}

// Wallet returns the wallet's details (GET /v1/wallet).
func (c *Client) Wallet(ctx context.Context) (Wallet, error) {
	var w Wallet
	err := c.do(ctx, "GET", "/v1/wallet", nil, nil, &w)
	return w, err
}

// PolicyInfo is what GET /v1/policy returns.
type PolicyInfo struct {
	Commitment  wire.Hash32     `json:"commitment"`
	ChainID     uint64          `json:"chainId"`
	Description string          `json:"description"`
	Policy      json.RawMessage `json:"policy"`
}

// Policy describes the policy the daemon proves against.
func (c *Client) Policy(ctx context.Context) (PolicyInfo, error) {
	var p PolicyInfo
	err := c.do(ctx, "GET", "/v1/policy", nil, nil, &p)
	return p, err
}

// Tasks lists dapp tasks.
func (c *Client) Tasks(ctx context.Context) ([]Task, error) {
	var out TaskList
	err := c.do(ctx, "GET", "/v1/tasks", nil, nil, &out)
	return out.Tasks, err
}
