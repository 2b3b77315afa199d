package daemon

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/leash-wallet/leash/web/dashboard"
	"github.com/leash-wallet/leash/wire"
)

// MaxRequestBytes bounds a request body.
const MaxRequestBytes = 256 << 10

// Handler returns the daemon's HTTP API (see docs/agent-host-api.yaml).
func (d *Daemon) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/transactions", d.handleSubmit)
	mux.HandleFunc("GET /v1/transactions", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("limit"))
		if err != nil || n <= 0 || n > 1000 {
			n = 100
		}
		writeJSON(w, http.StatusOK, map[string]any{"transactions": d.recs.recent(n)})
	})
	mux.HandleFunc("GET /v1/transactions/{id}", d.handleGet)
	mux.Handle("GET /", http.FileServerFS(dashboard.Files))
	mux.HandleFunc("GET /v1/transactions/{id}/events", d.handleEvents)
	mux.HandleFunc("GET /v1/tasks", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"tasks": d.Tasks()})
	})
	mux.HandleFunc("GET /v1/policy", func(w http.ResponseWriter, r *http.Request) {
		p := d.cfg.Policy
		writeJSON(w, http.StatusOK, map[string]any{"commitment": p.Commitment(), "chainId": p.ChainID,
			"description": p.Describe(), "policy": p})
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "queue": len(d.jobs)})
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(d.metrics.reg, promhttp.HandlerOpts{}))
	return mux
}

type apiError struct {
	Code    wire.Code `json:"code"`
	Message string    `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeErr(w http.ResponseWriter, status int, code wire.Code, msg string) {
	writeJSON(w, status, map[string]any{"error": apiError{code, msg}})
}

func (d *Daemon) handleSubmit(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBytes+1))
	if err != nil || len(body) > MaxRequestBytes {
		writeErr(w, http.StatusRequestEntityTooLarge, wire.Malformed, "request body too large")
		return
	}
	var in Intent
	if err := wire.DecodeStrict(body, &in, "intent"); err != nil {
		writeErr(w, http.StatusBadRequest, wire.CodeOf(err), wire.MessageOf(err))
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if len(key) > 128 {
		writeErr(w, http.StatusBadRequest, wire.Malformed, "Idempotency-Key is longer than 128 characters")
		return
	}
	rec, err := d.Submit(r.Context(), in, key)
	switch {
	case errors.Is(err, ErrOverloaded):
		w.Header().Set("Retry-After", "1")
		writeErr(w, http.StatusTooManyRequests, "overloaded", err.Error())
		return
	case err != nil:
		status := http.StatusBadGateway
		if wire.CodeOf(err) == wire.Malformed {
			status = http.StatusBadRequest
		}
		writeErr(w, status, wire.CodeOf(err), wire.MessageOf(err))
		return
	}
	if rec.Status == StatusRejected && rec.Code.IsPolicyViolation() {
		writeJSON(w, http.StatusUnprocessableEntity, rec)
		return
	}
	w.Header().Set("Location", "/v1/transactions/"+rec.ID)
	if wait := waitDuration(r); wait > 0 {
		rec = d.wait(r, rec.ID, wait)
		writeJSON(w, http.StatusOK, rec)
		return
	}
	writeJSON(w, http.StatusAccepted, rec)
}

// final reports whether nothing more will happen to rec: a terminal
// status, or signed when the daemon has no chain to follow mining on.
func (d *Daemon) final(rec Record) bool {
	return terminal(rec.Status) || (rec.Status == StatusSigned && d.cfg.Chain == nil)
}

// waitDuration reads ?wait=30s (or ?wait=true, 60 s); at most 5 minutes.
func waitDuration(r *http.Request) time.Duration {
	v := r.URL.Query().Get("wait")
	if v == "" {
		return 0
	}
	if v == "true" || v == "1" {
		return time.Minute
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0
	}
	return min(d, 5*time.Minute)
}

// wait blocks until the record is terminal, the wait ends or the client goes.
func (d *Daemon) wait(r *http.Request, id string, wait time.Duration) Record {
	ch, cancel := d.recs.watch(id)
	defer cancel()
	rec, _ := d.recs.get(id)
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for !d.final(rec) {
		select {
		case rec = <-ch:
		case <-timer.C:
			return rec
		case <-r.Context().Done():
			return rec
		}
	}
	return rec
}

func (d *Daemon) handleGet(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	rec, ok := d.recs.get(id)
	if !ok {
		writeErr(w, http.StatusNotFound, "not_found", "no transaction request "+clip(id))
		return
	}
	if wait := waitDuration(r); wait > 0 {
		rec = d.wait(r, id, wait)
	}
	writeJSON(w, http.StatusOK, rec)
}

// handleEvents streams the record's changes as server-sent events until it
// is terminal.
func (d *Daemon) handleEvents(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	ch, cancel := d.recs.watch(id)
	defer cancel()
	rec, ok := d.recs.get(id)
	if !ok {
		writeErr(w, http.StatusNotFound, "not_found", "no transaction request "+clip(id))
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
	for !d.final(rec) {
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
		return s[:64] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
