package daemontest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/leash-wallet/leash/circuits/policytest"
)

// SpecPath is the agent-host API's OpenAPI document.
var SpecPath = filepath.Join(policytest.Root(), "docs", "agent-host-api.yaml")

var spec struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

// Spec loads and validates the OpenAPI document once (kin-openapi).
func Spec() (*openapi3.T, routers.Router, error) {
	spec.once.Do(func() {
		openapi3filter.RegisterBodyDecoder("text/event-stream", openapi3filter.PlainBodyDecoder)
		for _, ct := range []string{"text/html", "text/css", "text/javascript"} {
			openapi3filter.RegisterBodyDecoder(ct, openapi3filter.PlainBodyDecoder)
		}
		l := openapi3.NewLoader()
		doc, err := l.LoadFromFile(SpecPath)
		if err != nil {
			spec.err = fmt.Errorf("load %s: %w", SpecPath, err)
			return
		}
		if err := doc.Validate(l.Context); err != nil {
			spec.err = fmt.Errorf("%s is not a valid OpenAPI document: %w", SpecPath, err)
			return
		}
		spec.doc = doc
		spec.router, spec.err = legacy.NewRouter(doc)
	})
	return spec.doc, spec.router, spec.err
}

// SpecCheck wraps a daemon handler so that every response it writes is
// validated against the OpenAPI document; each mismatch fails tb when the
// server has closed (register it before the server's Close).
type SpecCheck struct {
	mu      sync.Mutex
	errs    []string
	checked int
}

// Wrap returns h with every response checked.
func (c *SpecCheck) Wrap(tb testing.TB, h http.Handler) http.Handler {
	if _, _, err := Spec(); err != nil {
		tb.Fatal(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &teeWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		if err := checkResponse(r, rec); err != nil {
			c.mu.Lock()
			c.errs = append(c.errs, fmt.Sprintf("%s %s → %d: %v\n%s", r.Method, r.URL, rec.status, err, clipBody(rec.body.Bytes())))
			c.mu.Unlock()
		}
		c.mu.Lock()
		c.checked++
		c.mu.Unlock()
	})
}

// Report fails tb for every response that did not match the document.
func (c *SpecCheck) Report(tb testing.TB) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.errs {
		tb.Errorf("response does not match docs/agent-host-api.yaml: %s", e)
	}
}

// Errors are the mismatches found so far.
func (c *SpecCheck) Errors() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.errs...)
}

// Checked is the number of responses checked.
func (c *SpecCheck) Checked() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.checked
}

func checkResponse(r *http.Request, rec *teeWriter) error {
	_, router, _ := Spec()
	// Route on the documented server: the test server's port differs.
	u := *r.URL
	u.Scheme, u.Host = "http", "127.0.0.1:8645"
	rr := r.Clone(context.Background())
	rr.URL, rr.Host = &u, "127.0.0.1:8645"
	route, params, err := router.FindRoute(rr)
	if err != nil {
		// An undocumented path: only the documented refusals may answer it.
		switch rec.status {
		case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusForbidden, http.StatusUnauthorized:
			return checkErrorBody(rec)
		}
		return fmt.Errorf("served an undocumented route: %v", err)
	}
	in := &openapi3filter.RequestValidationInput{Request: rr, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	return openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: rec.status, Header: rec.Header(),
		Body: io.NopCloser(bytes.NewReader(rec.body.Bytes())), Options: &openapi3filter.Options{IncludeResponseStatus: true},
	})
}

// checkErrorBody validates an Error document against components/schemas/Error.
func checkErrorBody(rec *teeWriter) error {
	doc, _, _ := Spec()
	var v any
	if err := json.Unmarshal(rec.body.Bytes(), &v); err != nil {
		return fmt.Errorf("error body is not JSON: %v", err)
	}
	return doc.Components.Schemas["Error"].Value.VisitJSON(v, openapi3.EnableJSONSchema2020())
}

// teeWriter keeps a copy of the status and body (up to 4 MiB) and passes
// flushes on (server-sent events).
type teeWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
	wrote  bool
}

func (t *teeWriter) WriteHeader(code int) {
	if !t.wrote {
		t.status, t.wrote = code, true
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *teeWriter) Write(b []byte) (int, error) {
	t.wrote = true
	if t.body.Len() < 4<<20 {
		t.body.Write(b)
	}
	return t.ResponseWriter.Write(b)
}

func (t *teeWriter) Flush() {
	if f, ok := t.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func clipBody(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}
