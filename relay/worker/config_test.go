package worker

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{VarQueueDepth: "32", VarRate: "400", VarBurst: "400", VarAuthRate: "2",
		VarAuthBurst: "12", VarDefaultTTL: "60", VarAuthTimeoutMS: "1000", VarLogLevel: "info"}
	c, err := ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Limits.QueueDepth != 32 || c.Limits.Rate != 400 || c.Limits.AuthBurst != 12 ||
		c.Limits.DefaultTTL != time.Minute || c.AuthTimeout != time.Second || c.Limits.Window != 0 || c.LogLevel != slog.LevelInfo {
		t.Fatalf("%+v", c)
	}
	if c, err = ConfigFromEnv(func(string) string { return "" }); err != nil || c.AuthTimeout != 5*time.Second || c.LogLevel != slog.LevelWarn {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	for _, bad := range []struct{ k, v string }{{VarQueueDepth, "-1"}, {VarQueueDepth, "1e3"}, {VarRate, "NaN"},
		{VarRate, "0"}, {VarMaxTTL, "soon"}, {VarAuthTimeoutMS, "0"}, {VarWindow, "99999999999"}, {VarLogLevel, "loud"}} {
		if _, err := ConfigFromEnv(func(k string) string {
			if k == bad.k {
				return bad.v
			}
			return ""
		}); err == nil || !strings.Contains(err.Error(), bad.k) {
			t.Errorf("%s=%s: %v", bad.k, bad.v, err)
		}
	}
}

func TestHandler(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	for _, c := range []struct {
		path string
		code int
		body string
	}{{"/healthz", 200, `"ok":true`}, {"/v1/ws", 426, "upgrade required"}, {"/metrics", 404, "not found"}} {
		resp, err := http.Get(srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.code || !strings.Contains(string(b), c.body) {
			t.Errorf("%s: %d %s", c.path, resp.StatusCode, b)
		}
	}
}
