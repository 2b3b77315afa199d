package httpguard

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/leash-wallet/leash/wire"
)

// Stable codes of the refusals.
const (
	HostNotAllowed       wire.Code = "host_not_allowed"
	OriginNotAllowed     wire.Code = "origin_not_allowed"
	Unauthorized         wire.Code = "unauthorized"
	UnsupportedMediaType wire.Code = "unsupported_media_type"
)

// Config configures Wrap. The zero value guards a loopback server with no
// token, no extra hosts and no cross-origin callers.
type Config struct {
	// Token, when not empty, is required as `Authorization: Bearer <Token>`
	// on every path but the open ones.
	Token string
	// Open are path prefixes served without the token (e.g. "/healthz"; a
	// prefix ending in "/" matches below it). The Host, Origin and
	// Content-Type checks still apply.
	Open []string
	// OpenExact are exact paths served without the token (e.g. "/" for a
	// dashboard's page).
	OpenExact []string
	// AllowedHosts are host names (without port) accepted besides the
	// loopback names, for a server deliberately reached by another name.
	AllowedHosts []string
	// AllowedOrigins are origins ("http://localhost:3000") whose pages may
	// call the server, besides its own.
	AllowedOrigins []string
	// WriteError writes a refusal; default: {"error":{"code","message"}}.
	WriteError func(w http.ResponseWriter, status int, code wire.Code, msg string)
}

// Wrap returns h behind the guard.
func Wrap(h http.Handler, cfg Config) http.Handler {
	if cfg.WriteError == nil {
		cfg.WriteError = WriteError
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cfg.hostAllowed(r.Host) {
			cfg.WriteError(w, http.StatusForbidden, HostNotAllowed,
				"the Host header must name this machine's loopback interface (localhost, 127.0.0.1 or [::1]); a DNS name pointing at 127.0.0.1 is refused (DNS rebinding)")
			return
		}
		if msg := cfg.originRefusal(r); msg != "" {
			cfg.WriteError(w, http.StatusForbidden, OriginNotAllowed, msg)
			return
		}
		if cfg.Token != "" && !cfg.open(r.URL.Path) && !tokenOK(r, cfg.Token) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="leash"`)
			cfg.WriteError(w, http.StatusUnauthorized, Unauthorized, "this server needs `Authorization: Bearer <token>` (the token it was started with)")
			return
		}
		if hasBody(r) && !isJSON(r.Header.Get("Content-Type")) {
			cfg.WriteError(w, http.StatusUnsupportedMediaType, UnsupportedMediaType,
				"send the body as Content-Type: application/json")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// WriteError writes {"error":{"code":…,"message":…}} with status.
func WriteError(w http.ResponseWriter, status int, code wire.Code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	type apiError struct {
		Code    wire.Code `json:"code"`
		Message string    `json:"message"`
	}
	_ = json.NewEncoder(w).Encode(struct {
		Error apiError `json:"error"`
	}{apiError{code, msg}})
}

// IsLoopbackHost reports whether host (without port) names the loopback
// interface: localhost, an address in 127.0.0.0/8, or ::1.
func IsLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	return ip != nil && ip.IsLoopback()
}

func (cfg *Config) hostAllowed(hostport string) bool {
	if hostport == "" {
		return false
	}
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if IsLoopbackHost(host) {
		return true
	}
	for _, a := range cfg.AllowedHosts {
		if strings.EqualFold(a, host) {
			return true
		}
	}
	return false
}

// originRefusal returns why r's origin is refused, or "".
func (cfg *Config) originRefusal(r *http.Request) string {
	origins := r.Header.Values("Origin")
	if len(origins) > 1 {
		return "more than one Origin header"
	}
	if len(origins) == 1 {
		o := origins[0]
		if !strings.EqualFold(o, "http://"+r.Host) && !cfg.originAllowed(o) {
			return "requests from the web page at " + clip(o) + " are refused: this API is for the local agent only (add the origin with --allow-origin if you trust it)"
		}
		return ""
	}
	// No Origin: a browser still says where a request comes from.
	switch r.Header.Get("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		if r.Method == http.MethodGet && r.Header.Get("Sec-Fetch-Mode") == "navigate" {
			return "" // the user followed a link (to the dashboard)
		}
		return "requests from other web sites are refused: this API is for the local agent only"
	}
	return ""
}

func (cfg *Config) originAllowed(o string) bool {
	for _, a := range cfg.AllowedOrigins {
		if a == o {
			return true
		}
	}
	return false
}

func (cfg *Config) open(path string) bool {
	for _, p := range cfg.OpenExact {
		if path == p {
			return true
		}
	}
	for _, p := range cfg.Open {
		if path == p || (strings.HasSuffix(p, "/") && strings.HasPrefix(path, p)) {
			return true
		}
	}
	return false
}

func tokenOK(r *http.Request, token string) bool {
	auth := r.Header.Values("Authorization")
	if len(auth) != 1 {
		return false
	}
	scheme, got, ok := strings.Cut(auth[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(token)) == 1
}

// hasBody reports whether r carries (or may carry) a body.
func hasBody(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return r.ContentLength > 0 || len(r.TransferEncoding) > 0
	}
	return r.Method != http.MethodDelete || r.ContentLength > 0 || len(r.TransferEncoding) > 0
}

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

func clip(s string) string {
	if len(s) > 100 {
		s = s[:100] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

// LoadOrCreateToken reads a bearer token from path (its first line), or,
// when the file does not exist, writes a fresh random one there (mode 0600)
// and returns it. A token shorter than 16 characters is refused.
func LoadOrCreateToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		var raw [24]byte
		if _, err := rand.Read(raw[:]); err != nil {
			return "", err
		}
		tok := hex.EncodeToString(raw[:])
		return tok, os.WriteFile(path, []byte(tok+"\n"), 0o600)
	}
	if err != nil {
		return "", err
	}
	tok, _, _ := strings.Cut(string(b), "\n")
	tok = strings.TrimSpace(tok)
	if len(tok) < 16 || !printableToken(tok) {
		return "", wire.Errorf(wire.Malformed, "%s: a token is one line of at least 16 printable characters", path)
	}
	return tok, nil
}

func printableToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
