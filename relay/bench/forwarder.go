package bench

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Forwarder is the baseline: a bare gorilla/websocket server that pairs two
// connections by ?ch= and copies every binary message from one to the other.
// No auth, no storage, no acks: the transport's own ceiling on this machine.
type Forwarder struct {
	mu    sync.Mutex
	peers map[string]*fwdConn
}

type fwdConn struct {
	ws   *websocket.Conn
	wmu  sync.Mutex
	peer string
}

// ServeForwarder listens on addr until ctx ends.
func ServeForwarder(ctx context.Context, addr string) error {
	f := &Forwarder{peers: map[string]*fwdConn{}}
	up := websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 4096, WriteBufferPool: &sync.Pool{},
		CheckOrigin: func(*http.Request) bool { return true }}
	mux := http.NewServeMux()
	mux.HandleFunc("/fwd", func(w http.ResponseWriter, r *http.Request) {
		ch, role := r.URL.Query().Get("ch"), r.URL.Query().Get("role")
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		peerRole := "s"
		if role == "s" {
			peerRole = "a"
		}
		c := &fwdConn{ws: ws, peer: ch + "/" + peerRole}
		f.mu.Lock()
		f.peers[ch+"/"+role] = c
		f.mu.Unlock()
		go f.pump(c, ch+"/"+role)
	})
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux}
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}

func (f *Forwarder) pump(c *fwdConn, key string) {
	defer func() {
		f.mu.Lock()
		if f.peers[key] == c {
			delete(f.peers, key)
		}
		f.mu.Unlock()
		c.ws.Close()
	}()
	var peer *fwdConn
	for {
		typ, b, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		if peer == nil {
			f.mu.Lock()
			peer = f.peers[c.peer]
			f.mu.Unlock()
			if peer == nil {
				continue // nobody to forward to: dropped
			}
		}
		peer.wmu.Lock()
		_ = peer.ws.SetWriteDeadline(time.Now().Add(time.Second))
		_ = peer.ws.WriteMessage(typ, b)
		peer.wmu.Unlock()
	}
}
