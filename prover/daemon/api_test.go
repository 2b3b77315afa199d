package daemon_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/prover/daemon/daemontest"
	"github.com/leash-wallet/leash/prover/httpguard"
	"github.com/leash-wallet/leash/wire"
)

// do sends one request with the headers given and returns status and body.
func do(t *testing.T, h *harness, method, path, body string, hdr map[string]string) (int, map[string]any, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, h.Server.URL+path, rd)
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(raw, &m)
	return resp.StatusCode, m, string(raw)
}

func errCode(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func records(t *testing.T, h *harness) int {
	t.Helper()
	list, err := h.Client.List(t.Context(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

const jsonCT = "application/json"

// TestWebPagesCannotSpend is the attack of issue 15: any web page open on
// the agent's machine could POST a no-preflight request (text/plain or a
// form) to 127.0.0.1:8645 and spend within the policy; a rebinding DNS name
// could do it as its own origin. Each is refused before any work.
func TestWebPagesCannotSpend(t *testing.T) {
	h := start(t, daemon.Config{})
	body := intent("0x1")
	for name, c := range map[string]struct {
		hdr        map[string]string
		status     int
		code       wire.Code
		hostHeader string
	}{
		"text/plain, no preflight": {map[string]string{"Content-Type": "text/plain"}, 415, httpguard.UnsupportedMediaType, ""},
		"form post":                {map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, httpguard.UnsupportedMediaType, ""},
		"no content type":          {map[string]string{}, 415, httpguard.UnsupportedMediaType, ""},
		"json with a foreign origin": {map[string]string{"Content-Type": jsonCT, "Origin": "https://evil.example"}, 403,
			httpguard.OriginNotAllowed, ""},
		"null origin":                {map[string]string{"Content-Type": jsonCT, "Origin": "null"}, 403, httpguard.OriginNotAllowed, ""},
		"text/plain, foreign origin": {map[string]string{"Content-Type": "text/plain", "Origin": "https://evil.example"}, 403, httpguard.OriginNotAllowed, ""},
		"cross-site fetch metadata":  {map[string]string{"Content-Type": jsonCT, "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}, 403, httpguard.OriginNotAllowed, ""},
		"DNS rebinding":              {map[string]string{"Content-Type": jsonCT, "Host": "rebind.evil.example:8645"}, 403, httpguard.HostNotAllowed, ""},
		"rebinding, its own origin": {map[string]string{"Content-Type": jsonCT, "Host": "rebind.evil.example:8645",
			"Origin": "http://rebind.evil.example:8645"}, 403, httpguard.HostNotAllowed, ""},
	} {
		code, m, raw := do(t, h, "POST", "/v1/transactions", body, c.hdr)
		if code != c.status || errCode(m) != string(c.code) {
			t.Errorf("%s: %d %s", name, code, raw)
		}
	}
	if n := records(t, h); n != 0 || len(h.Pipe.ToSigner) != 0 {
		t.Fatalf("%d records made by refused requests", n)
	}
	// The daemon's own origin (its dashboard) and loopback names pass.
	for _, hdr := range []map[string]string{
		{"Content-Type": jsonCT, "Origin": h.Server.URL},
		{"Content-Type": "application/json; charset=utf-8", "Host": "localhost"},
		{"Content-Type": jsonCT, "Sec-Fetch-Site": "same-origin"},
	} {
		if code, _, raw := do(t, h, "POST", "/v1/transactions", body, hdr); code != http.StatusAccepted {
			t.Errorf("%v: %d %s", hdr, code, raw)
		}
	}
	// A top-level navigation to the dashboard from another site is fine.
	if code, _, _ := do(t, h, "GET", "/", "", map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}); code != 200 {
		t.Errorf("dashboard navigation: %d", code)
	}
	if code, m, _ := do(t, h, "GET", "/v1/wallet", "", map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors", "Origin": "https://evil.example"}); code != 403 || errCode(m) != string(httpguard.OriginNotAllowed) {
		t.Errorf("cross-site read of the wallet: %d", code)
	}
}

func TestBearerToken(t *testing.T) {
	const token = "0123456789abcdef-token"
	h := start(t, daemon.Config{Guard: httpguard.Config{Token: token}})
	for name, auth := range map[string]string{"none": "", "wrong": "Bearer nope-nope-nope-nope", "basic": "Basic " + token, "no scheme": token} {
		hdr := map[string]string{"Content-Type": jsonCT}
		if auth != "" {
			hdr["Authorization"] = auth
		}
		if code, m, _ := do(t, h, "POST", "/v1/transactions", intent("0x1"), hdr); code != 401 || errCode(m) != string(httpguard.Unauthorized) {
			t.Errorf("%s: %d", name, code)
		}
		if code, _, _ := do(t, h, "GET", "/v1/wallet", "", hdr); code != 401 {
			t.Errorf("%s wallet: %d", name, code)
		}
		if code, _, _ := do(t, h, "GET", "/metrics", "", hdr); code != 401 {
			t.Errorf("%s metrics: %d", name, code)
		}
	}
	if n := records(t, &harness{Server: h.Server, Client: &daemon.Client{BaseURL: h.Server.URL, Token: token}}); n != 0 {
		t.Fatalf("%d records", n)
	}
	for _, p := range []string{"/healthz", "/", "/dashboard.js"} {
		if code, _, _ := do(t, h, "GET", p, "", nil); code != 200 {
			t.Errorf("open path %s: %d", p, code)
		}
	}
	c := &daemon.Client{BaseURL: h.Server.URL, Token: token}
	if rec, err := c.Submit(t.Context(), daemon.Payment(wire.Address{}, nil), "", 0); wire.CodeOf(err) != "" && rec.ID == "" {
		// the zero address is not in the policy: a 422 record, not an auth error
		if !errors.Is(err, wire.ErrMalformed) {
			t.Fatalf("with the token: %v", err)
		}
	}
}

func TestRequiredFieldsAndCodes(t *testing.T) {
	h := start(t, daemon.Config{})
	ct := map[string]string{"Content-Type": jsonCT}
	for name, c := range map[string]struct {
		method, path, body string
		status             int
		code               string
	}{
		"missing to":                 {"POST", "/v1/transactions", `{"value":"0x1","maxFeePerGas":"0x1","maxPriorityFeePerGas":"0x1"}`, 400, "malformed"},
		"empty object":               {"POST", "/v1/transactions", `{}`, 400, "malformed"},
		"null to":                    {"POST", "/v1/transactions", `{"to":null}`, 400, "malformed"},
		"data and call":              {"POST", "/v1/transactions", `{"to":"` + alice + `","data":"0x12345678","call":{"function":"f()","args":[]},"maxFeePerGas":"0x1","maxPriorityFeePerGas":"0x1"}`, 400, "malformed"},
		"bad call":                   {"POST", "/v1/transactions", `{"to":"` + alice + `","call":{"function":"f(uint8)","args":["256"]},"gas":"0x5208","maxFeePerGas":"0x1","maxPriorityFeePerGas":"0x1"}`, 400, "malformed"},
		"transfer without amount":    {"POST", "/v1/transfers", `{"to":"` + alice + `"}`, 400, "malformed"},
		"transfer in wei by mistake": {"POST", "/v1/transfers", `{"to":"` + alice + `","amount":"1e18"}`, 400, "malformed"},
		"approval without spender":   {"POST", "/v1/approvals", `{"token":"0x5FbDB2315678afecb367f032d93F642f64180aa3","amount":"1"}`, 400, "malformed"},
		"token without a chain":      {"POST", "/v1/transfers", `{"to":"` + alice + `","amount":"1","token":"0x5FbDB2315678afecb367f032d93F642f64180aa3"}`, 502, "chain_unavailable"},
		"unknown token name":         {"POST", "/v1/transfers", `{"to":"` + alice + `","amount":"1","token":"DOGE"}`, 400, "malformed"},
		"bad wait":                   {"POST", "/v1/transactions?wait=soon", intent("0x1"), 400, "malformed"},
		"bad limit":                  {"GET", "/v1/transactions?limit=0", "", 400, "malformed"},
		"unknown endpoint":           {"GET", "/v1/nothing", "", 404, "not_found"},
		"unknown id":                 {"GET", "/v1/transactions/nope", "", 404, "not_found"},
		"unknown id events":          {"GET", "/v1/transactions/nope/events", "", 404, "not_found"},
		"delete":                     {"DELETE", "/v1/transactions", "", 405, "method_not_allowed"},
	} {
		code, m, raw := do(t, h, c.method, c.path, c.body, ct)
		if code != c.status || errCode(m) != c.code {
			t.Errorf("%s: %d %s", name, code, raw)
		}
	}
	// Lists are [] when empty, never null.
	for _, p := range []string{"/v1/tasks", "/v1/transactions"} {
		if _, _, raw := do(t, h, "GET", p, "", nil); strings.Contains(raw, "null") || !strings.Contains(raw, "[]") {
			t.Errorf("%s: %s", p, raw)
		}
	}
	if _, _, raw := do(t, h, "GET", "/v1/wallet", "", nil); strings.Contains(raw, "null") {
		t.Errorf("wallet: %s", raw)
	}
}

func TestIdempotencyKeyWithAnotherBody(t *testing.T) {
	h := start(t, daemon.Config{})
	code, a, _ := post(t, h, "/v1/transactions", intent("0x1"), "Idempotency-Key", "k-2")
	if code != http.StatusAccepted || a.ID == "" {
		t.Fatalf("%d", code)
	}
	code, _, raw := post(t, h, "/v1/transactions", intent("0x2"), "Idempotency-Key", "k-2")
	if code != http.StatusUnprocessableEntity || errCode(raw) != string(daemon.CodeIdempotencyMismatch) {
		t.Fatalf("another body with the same key: %d %v", code, raw)
	}
	// The same request with other spacing and key order is the same request.
	same := `{ "maxPriorityFeePerGas":"0x3b9aca00", "maxFeePerGas":"0x77359400","value":"0x1", "to":"` + strings.ToLower(alice) + `" }`
	if code, b, _ := post(t, h, "/v1/transactions", same, "Idempotency-Key", "k-2"); b.ID != a.ID {
		t.Fatalf("%d %s != %s", code, b.ID, a.ID)
	}
	// Another endpoint with the same key is another request.
	if code, _, raw := post(t, h, "/v1/transfers", `{"to":"`+alice+`","amount":"0.000000000000000001"}`, "Idempotency-Key", "k-2"); code != 422 || errCode(raw) != string(daemon.CodeIdempotencyMismatch) {
		t.Fatalf("%d %v", code, raw)
	}
	for name, key := range map[string]string{"too long": strings.Repeat("k", 129), "control char": "a\x01b"} {
		req, _ := http.NewRequest("POST", h.Server.URL+"/v1/transactions", strings.NewReader(intent("0x1")))
		req.Header.Set("Content-Type", jsonCT)
		req.Header["Idempotency-Key"] = []string{key}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != 400 {
				t.Errorf("%s: %d", name, resp.StatusCode)
			}
		}
	}
	if n := records(t, h); n != 1 {
		t.Fatalf("%d records", n)
	}
}

// TestIdempotencyKeyReleasedWhenNothingWasMade: a key whose request was
// refused before a record existed (the queue was full) is free again.
func TestIdempotencyKeyReleasedWhenNothingWasMade(t *testing.T) {
	pol := policytest.Policy(t)
	bp := &blockingProver{Prover: policytest.Prover(t, pol), release: make(chan struct{})}
	h := start(t, daemon.Config{Prover: bp, Workers: 1, QueueDepth: 1})
	defer close(bp.release)
	var overloaded bool
	for i := 0; i < 4 && !overloaded; i++ {
		code, _, _ := post(t, h, "/v1/transactions", intent("0x1"), "Idempotency-Key", "k-"+string(rune('a'+i)))
		overloaded = code == http.StatusTooManyRequests
		if overloaded {
			key := "k-" + string(rune('a'+i))
			bp.release <- struct{}{}
			time.Sleep(300 * time.Millisecond)
			code, rec, _ := post(t, h, "/v1/transactions", intent("0x1"), "Idempotency-Key", key)
			if code == http.StatusUnprocessableEntity || (code != http.StatusAccepted && code != http.StatusTooManyRequests) {
				t.Fatalf("retry of an overloaded request: %d %+v", code, rec)
			}
		}
	}
	if !overloaded {
		t.Fatal("no overload")
	}
}

// TestTimingsAreNeverNegative: with re-proving (concurrent requests) and
// mining followed, every stage is measured and none is negative.
func TestTimingsAreNeverNegative(t *testing.T) {
	ch := daemontest.NewChain()
	h := start(t, daemon.Config{Workers: 2, Chain: ch})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			post(t, h, "/v1/transactions?wait=120s", intent("0x2386f26fc10000"))
		}()
	}
	wg.Wait()
	list, err := h.Client.List(t.Context(), 10)
	if err != nil || len(list) != 4 {
		t.Fatalf("%v %d", err, len(list))
	}
	for _, r := range list {
		tm := r.Timings
		if r.Status != daemon.StatusMined || tm.ProveMs <= 0 || tm.SignedMs < 0 || tm.MinedMs <= 0 || tm.QueueMs < 0 || tm.TotalMs <= 0 {
			t.Fatalf("%s after %d attempts: %+v", r.Status, r.Attempts, tm)
		}
		if sum := tm.PrecheckMs + tm.QueueMs + tm.ProveMs + tm.SignedMs + tm.MinedMs; sum > tm.TotalMs*1.01+1 {
			t.Fatalf("stages %.1f ms add up to more than the total %.1f ms: %+v", sum, tm.TotalMs, tm)
		}
	}
}

// TestWindowSpendLeavesTheWindow: the daemon's view of the window spend
// decays like the signer's ledger; the old view only grew, so after a full
// window its pre-check kept refusing what the signer would sign.
func TestWindowSpendLeavesTheWindow(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	h := start(t, daemon.Config{Clock: clock})
	for _, v := range []string{"0xde0b6b3a7640000", "0xde0b6b3a7640000", "0xc7d713b49da0000"} { // 1 + 1 + 0.9 ETH
		if code, rec, _ := post(t, h, "/v1/transactions?wait=60s", intent(v)); rec.Status != daemon.StatusSigned {
			t.Fatalf("%d %+v", code, rec)
		}
	}
	code, rec, _ := post(t, h, "/v1/transactions", intent("0x6f05b59d3b20000")) // 0.5 ETH
	if code != http.StatusUnprocessableEntity || rec.Code != "policy_violation:window" || !strings.Contains(rec.Hint, "0.1 ETH left of 3 ETH") {
		t.Fatalf("%d %+v", code, rec)
	}
	mu.Lock()
	now = now.Add(24*time.Hour + time.Second)
	mu.Unlock()
	code, rec, _ = post(t, h, "/v1/transactions", intent("0x6f05b59d3b20000"))
	if code != http.StatusAccepted {
		t.Fatalf("a day later: %d %+v", code, rec)
	}
	w, err := h.Client.Wallet(t.Context())
	if err != nil || w.Budget[0].Spent != "0 ETH" && w.Budget[0].Spent != "0.5 ETH" {
		t.Fatalf("%v %+v", err, w.Budget)
	}
}

// TestSpecCoversTheAPI: every served endpoint is in the OpenAPI document
// with an operationId, and every documented one is served.
func TestSpecCoversTheAPI(t *testing.T) {
	h := start(t, daemon.Config{})
	doc, _, err := daemontest.Spec()
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				t.Errorf("%s %s has no operationId", method, path)
			}
			documented[method+" "+path] = true
		}
	}
	delete(documented, "GET /{asset}") // the dashboard's other files: "GET /" serves them
	for _, r := range h.Daemon.Routes() {
		if !documented[r] {
			t.Errorf("%s is served but not documented", r)
		}
		delete(documented, r)
	}
	for r := range documented {
		t.Errorf("%s is documented but not served", r)
	}
}

// TestSpecCheckCatchesDrift: the response checker fails what the document
// does not allow (the old API's null list, a negative timing).
func TestSpecCheckCatchesDrift(t *testing.T) {
	var c daemontest.SpecCheck
	bad := map[string]string{
		"/v1/tasks":          `{"tasks":null}`,
		"/v1/transactions/x": `{"id":"x","status":"mined","final":true,"attempts":1,"timings":{"precheckMs":1,"queueMs":0,"proveMs":3,"minedMs":-12},"created":"2026-12-07T10:00:00Z","updated":"2026-12-07T10:00:00Z"}`,
		"/v1/wallet":         `{}`,
	}
	srv := httptest.NewServer(c.Wrap(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, bad[r.URL.Path])
	})))
	for p := range bad {
		resp, err := http.Get(srv.URL + p)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	srv.Close()
	if n := len(c.Errors()); n != len(bad) {
		t.Fatalf("%d of %d drifts caught: %v", n, len(bad), c.Errors())
	}
}
