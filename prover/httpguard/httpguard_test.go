package httpguard_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leash-wallet/leash/prover/httpguard"
)

func TestLoopbackHosts(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "localhost.": true, "127.0.0.1": true, "127.9.8.7": true, "::1": true, "[::1]": true,
		"0.0.0.0": false, "192.168.1.2": false, "evil.example": false, "localhost.evil.example": false, "127.0.0.1.nip.io": false,
		"": false, "::ffff:7f00:1": true, "[::ffff:127.0.0.1]": true,
	} {
		if got := httpguard.IsLoopbackHost(host); got != want {
			t.Errorf("%q: %v", host, got)
		}
	}
}

func TestGuard(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	h := httpguard.Wrap(ok, httpguard.Config{Token: "tok-0123456789abcdef", Open: []string{"/open/"},
		AllowedHosts: []string{"agent.internal"}, AllowedOrigins: []string{"http://localhost:3000"}})
	for name, c := range map[string]struct {
		method, path, host string
		hdr                map[string]string
		want               int
	}{
		"ok":                    {"POST", "/x", "127.0.0.1:8645", map[string]string{"Authorization": "Bearer tok-0123456789abcdef", "Content-Type": "application/json"}, 204},
		"allowed host":          {"GET", "/x", "agent.internal:8645", map[string]string{"Authorization": "bearer tok-0123456789abcdef"}, 204},
		"ipv6 loopback":         {"GET", "/x", "[::1]:8645", map[string]string{"Authorization": "Bearer tok-0123456789abcdef"}, 204},
		"rebinding":             {"GET", "/open/x", "evil.example:8645", nil, 403},
		"no host":               {"GET", "/open/x", "", nil, 403},
		"open path":             {"GET", "/open/x", "localhost:8645", nil, 204},
		"open path, bad origin": {"GET", "/open/x", "localhost:8645", map[string]string{"Origin": "https://evil.example"}, 403},
		"allowed origin":        {"GET", "/open/x", "localhost:8645", map[string]string{"Origin": "http://localhost:3000"}, 204},
		"own origin":            {"GET", "/open/x", "localhost:8645", map[string]string{"Origin": "http://localhost:8645"}, 204},
		"other port origin":     {"GET", "/open/x", "localhost:8645", map[string]string{"Origin": "http://localhost:8646"}, 403},
		"no token":              {"GET", "/x", "localhost", nil, 401},
		"token prefix":          {"GET", "/x", "localhost", map[string]string{"Authorization": "Bearer tok-0123456789abcde"}, 401},
		"token in query":        {"GET", "/x?token=tok-0123456789abcdef", "localhost", nil, 401},
		"form":                  {"POST", "/open/x", "localhost", map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, 415},
		"json with charset":     {"POST", "/open/x", "localhost", map[string]string{"Content-Type": "application/json; charset=utf-8"}, 204},
		"json lookalike":        {"POST", "/open/x", "localhost", map[string]string{"Content-Type": "application/json-seq"}, 415},
		"same-site":             {"POST", "/open/x", "localhost", map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "same-site"}, 403},
	} {
		var body *strings.Reader
		if c.method == "POST" {
			body = strings.NewReader("{}")
		} else {
			body = strings.NewReader("")
		}
		r := httptest.NewRequest(c.method, "http://x"+c.path, body)
		r.Host = c.host
		for k, v := range c.hdr {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != c.want {
			t.Errorf("%s: %d %s", name, w.Code, w.Body)
		}
	}
}

func TestLoadOrCreateToken(t *testing.T) {
	p := filepath.Join(t.TempDir(), "tok")
	a, err := httpguard.LoadOrCreateToken(p)
	if err != nil || len(a) < 32 {
		t.Fatal(a, err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
	b, err := httpguard.LoadOrCreateToken(p)
	if err != nil || a != b {
		t.Fatal(b, err)
	}
	os.WriteFile(p, []byte("short\n"), 0o600)
	if _, err := httpguard.LoadOrCreateToken(p); err == nil {
		t.Fatal("a short token was accepted")
	}
}
