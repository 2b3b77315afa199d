package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/leash-wallet/leash/wire"
)

// Client is a Go client of the daemon's HTTP API, used by `leash mcp`, the
// demo's scripted agent and tests.
type Client struct {
	BaseURL string       // e.g. http://127.0.0.1:8645
	HTTP    *http.Client // default http.DefaultClient
}

// APIError is an error response of the API.
type APIError struct {
	Status  int
	Code    wire.Code
	Message string
}

func (e *APIError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

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
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 400 && resp.StatusCode != http.StatusUnprocessableEntity {
		var e struct{ Error apiError }
		_ = json.Unmarshal(raw, &e)
		return &APIError{Status: resp.StatusCode, Code: e.Error.Code, Message: e.Error.Message}
	}
	return json.Unmarshal(raw, out)
}

// Submit posts an intent; with wait > 0 it long-polls for the outcome.
// A pre-check refusal is a Record with status rejected, not an error.
func (c *Client) Submit(ctx context.Context, in Intent, idempotencyKey string, wait time.Duration) (Record, error) {
	path := "/v1/transactions"
	if wait > 0 {
		path += "?wait=" + url.QueryEscape(wait.String())
	}
	hdr := map[string]string{}
	if idempotencyKey != "" {
		hdr["Idempotency-Key"] = idempotencyKey
	}
	var rec Record
	err := c.do(ctx, "POST", path, in, hdr, &rec)
	return rec, err
}

// Get returns a request's record; with wait > 0 it long-polls.
func (c *Client) Get(ctx context.Context, id string, wait time.Duration) (Record, error) {
	path := "/v1/transactions/" + url.PathEscape(id)
	if wait > 0 {
		path += "?wait=" + url.QueryEscape(wait.String())
	}
	var rec Record
	err := c.do(ctx, "GET", path, nil, nil, &rec)
	return rec, err
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
	var out struct {
		Tasks []Task `json:"tasks"`
	}
	err := c.do(ctx, "GET", "/v1/tasks", nil, nil, &out)
	return out.Tasks, err
}
