package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/leash-wallet/leash/prover/httpguard"
	"github.com/leash-wallet/leash/web/dashboard"
	"github.com/leash-wallet/leash/wire"
)

// MaxRequestBytes bounds a request body.
const MaxRequestBytes = 256 << 10

// MaxWait bounds a long-poll (?wait=).
const MaxWait = 5 * time.Minute

// Handler returns the daemon's HTTP API (see docs/agent-host-api.yaml),
// behind the guard of Config.Guard.
func (d *Daemon) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, r := range d.routes() {
		mux.Handle(r.pattern, r.h)
	}
	for _, m := range []string{"GET", "POST"} {
		mux.HandleFunc(m+" /v1/", func(w http.ResponseWriter, r *http.Request) {
			writeErr(w, http.StatusNotFound, CodeNotFound, fmt.Sprintf("no endpoint %s %s (docs/agent-host-api.yaml lists them)", r.Method, clip(r.URL.Path)))
		})
	}

	g := d.cfg.Guard
	g.Open = append(append([]string{}, g.Open...), "/healthz")
	g.OpenExact = append(append([]string{}, g.OpenExact...), "/")
	_ = fs.WalkDir(dashboard.Files, ".", func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			g.OpenExact = append(g.OpenExact, "/"+p)
		}
		return nil
	})
	g.WriteError = writeErr
	return httpguard.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPost {
			w.Header().Set("Allow", "GET, HEAD, POST")
			writeErr(w, http.StatusMethodNotAllowed, CodeMethodNotAllowed, "this API answers GET and POST only")
			return
		}
		mux.ServeHTTP(w, r)
	}), g)
}

type route struct {
	pattern string
	h       http.Handler
}

// Routes lists the API's endpoints as "METHOD /path" patterns.
func (d *Daemon) Routes() []string {
	var out []string
	for _, r := range d.routes() {
		out = append(out, r.pattern)
	}
	return out
}

func (d *Daemon) routes() []route {
	fn := func(p string, f http.HandlerFunc) route { return route{p, f} }
	return []route{
		fn("POST /v1/transactions", submitHandler(d, d.Submit)),
		fn("POST /v1/transfers", submitHandler(d, d.SubmitTransfer)),
		fn("POST /v1/approvals", submitHandler(d, d.SubmitApproval)),
		fn("POST /v1/program-runs", submitHandler(d, d.SubmitProgramRun)),
		fn("POST /v1/signatures", d.handleSign),
		fn("POST /v1/x402/fetch", d.handleX402),
		fn("GET /v1/transactions", d.handleList),
		fn("GET /v1/transactions/{id}", d.handleGet),
		fn("GET /v1/transactions/{id}/events", d.handleEvents),
		fn("GET /v1/wallet", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, d.Wallet(r.Context())) }),
		fn("GET /v1/tasks", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, TaskList{Tasks: d.Tasks()}) }),
		fn("GET /v1/policy", func(w http.ResponseWriter, r *http.Request) {
			p := d.cfg.Policy
			raw, _ := json.Marshal(p)
			writeJSON(w, http.StatusOK, PolicyInfo{Commitment: p.Commitment(), ChainID: p.ChainID, Description: p.Describe(), Policy: raw})
		}),
		fn("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, Health{OK: true, Queue: len(d.jobs)})
		}),
		{"GET /metrics", promhttp.HandlerFor(d.metrics.reg, promhttp.HandlerOpts{})},
		{"GET /", http.FileServerFS(dashboard.Files)},
	}
}

// TaskList is what GET /v1/tasks returns.
type TaskList struct {
	Tasks []Task `json:"tasks"`
}

// RecordList is what GET /v1/transactions returns.
type RecordList struct {
	Transactions []Record `json:"transactions"`
}

// Health is what GET /healthz returns.
type Health struct {
	OK    bool `json:"ok"`
	Queue int  `json:"queue"`
}

type apiError struct {
	Code    wire.Code `json:"code"`
	Message string    `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeErr(w http.ResponseWriter, status int, code wire.Code, msg string) {
	writeJSON(w, status, map[string]any{"error": apiError{code, msg}})
}

// submitHandler serves a POST that submits a request of type T.
func submitHandler[T any](d *Daemon, submit func(context.Context, T, string) (Record, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := readAllLimited(r)
		if err != nil {
			writeErr(w, http.StatusRequestEntityTooLarge, wire.Malformed, err.Error())
			return
		}
		wait, err := waitDuration(r)
		if err != nil {
			writeErr(w, http.StatusBadRequest, wire.Malformed, err.Error())
			return
		}
		var in T
		if err := wire.DecodeStrict(body, &in, "request"); err != nil {
			writeErr(w, http.StatusBadRequest, wire.CodeOf(err), wire.MessageOf(err))
			return
		}
		keys := r.Header.Values("Idempotency-Key")
		if len(keys) > 1 {
			writeErr(w, http.StatusBadRequest, wire.Malformed, "more than one Idempotency-Key header")
			return
		}
		key := ""
		if len(keys) == 1 {
			if key = keys[0]; key == "" || !printable(key) {
				writeErr(w, http.StatusBadRequest, wire.Malformed, "Idempotency-Key must be 1-128 printable ASCII characters")
				return
			}
		}
		rec, err := submit(r.Context(), in, key)
		if err != nil {
			if errors.Is(err, ErrOverloaded) {
				w.Header().Set("Retry-After", "1")
			}
			writeErr(w, statusOf(err), wire.CodeOf(err), wire.MessageOf(err))
			return
		}
		if rec.Status == StatusRejected && rec.Code.IsPolicyViolation() && rec.Attempts == 0 {
			writeJSON(w, http.StatusUnprocessableEntity, rec)
			return
		}
		w.Header().Set("Location", "/v1/transactions/"+rec.ID)
		switch {
		case wait > 0:
			writeJSON(w, http.StatusOK, d.wait(r.Context(), rec.ID, wait))
		case rec.Final: // a program that holds; a repeat of a finished request
			writeJSON(w, http.StatusOK, rec)
		default:
			writeJSON(w, http.StatusAccepted, rec)
		}
	}
}

// readAllLimited reads a request body of at most MaxRequestBytes.
func readAllLimited(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBytes+1))
	if err != nil || len(body) > MaxRequestBytes {
		return nil, fmt.Errorf("the request body is over %d bytes", MaxRequestBytes)
	}
	return body, nil
}

// statusOf is the HTTP status of a submission's error.
func statusOf(err error) int {
	switch wire.CodeOf(err) {
	case wire.Malformed:
		return http.StatusBadRequest
	case CodeOverloaded:
		return http.StatusTooManyRequests
	case CodeIdempotencyMismatch:
		return http.StatusUnprocessableEntity
	case CodeChainUnavailable:
		return http.StatusBadGateway
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func (d *Daemon) handleList(w http.ResponseWriter, r *http.Request) {
	n := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > 1000 {
			writeErr(w, http.StatusBadRequest, wire.Malformed, "limit: an integer from 1 to 1000")
			return
		}
	}
	writeJSON(w, http.StatusOK, RecordList{Transactions: d.recs.recent(n)})
}

// waitDuration reads ?wait=30s (or ?wait=true, 60 s; at most MaxWait).
func waitDuration(r *http.Request) (time.Duration, error) {
	v := r.URL.Query().Get("wait")
	switch v {
	case "":
		return 0, nil
	case "true", "1":
		return time.Minute, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("wait: a duration such as 30s (at most %s), or true", MaxWait)
	}
	return min(d, MaxWait), nil
}

// wait blocks until the record is final, the wait ends or ctx ends.
func (d *Daemon) wait(ctx context.Context, id string, wait time.Duration) Record {
	ch, cancel := d.recs.watch(id)
	defer cancel()
	rec, _ := d.recs.get(id)
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for !rec.Final {
		select {
		case rec = <-ch:
		case <-timer.C:
			return rec
		case <-ctx.Done():
			return rec
		}
	}
	return rec
}

func (d *Daemon) handleGet(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	wait, err := waitDuration(r)
	if err != nil {
		writeErr(w, http.StatusBadRequest, wire.Malformed, err.Error())
		return
	}
	rec, ok := d.recs.get(id)
	if !ok {
		writeErr(w, http.StatusNotFound, CodeNotFound, "no transaction request "+clip(id))
		return
	}
	if wait > 0 {
		rec = d.wait(r.Context(), id, wait)
	}
	writeJSON(w, http.StatusOK, rec)
}

// handleEvents streams the record's changes as server-sent events until it
// is final.
func (d *Daemon) handleEvents(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	ch, cancel := d.recs.watch(id)
	defer cancel()
	rec, ok := d.recs.get(id)
	if !ok {
		writeErr(w, http.StatusNotFound, CodeNotFound, "no transaction request "+clip(id))
		return
	}
	flusher, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	send := func(rec Record) {
		b, _ := json.Marshal(rec)
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", rec.Status, b)
		if flusher != nil {
			flusher.Flush()
		}
	}
	send(rec)
	keepalive := time.NewTicker(15 * time.Second)
	defer keepalive.Stop()
	for !rec.Final {
		select {
		case rec = <-ch:
			send(rec)
		case <-keepalive.C:
			io.WriteString(w, ": keepalive\n\n")
			if flusher != nil {
				flusher.Flush()
			}
		case <-r.Context().Done():
			return
		}
	}
}

func clip(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
