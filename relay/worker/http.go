package worker

import (
	"encoding/json"
	"net/http"

	"github.com/leash-wallet/leash/relay/proto"
)

// Handler serves the Worker's plain HTTP routes. WebSocket upgrades on
// /v1/ws never reach it: the JS glue takes them first.
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "backend": "cloudflare-workers", "protocol": proto.Version})
	})
	mux.HandleFunc("/v1/ws", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Upgrade", "websocket")
		http.Error(w, "relay: WebSocket upgrade required", http.StatusUpgradeRequired)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "relay: not found", http.StatusNotFound)
	})
	return mux
}
