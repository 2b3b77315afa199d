package relaytest

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/proto"
)

// Raw is a protocol-level client for tests that must misbehave.
type Raw struct {
	t     testing.TB
	WS    *websocket.Conn
	Nonce [e2e.ChallengeSize]byte
}

// DialRaw connects and reads the CHALLENGE.
func DialRaw(t testing.TB, url string) *Raw {
	t.Helper()
	return DialRawWith(t, url, nil)
}

// DialRawWith is DialRaw with a custom network dialer.
func DialRawWith(t testing.TB, url string, dial func(ctx context.Context, network, addr string) (net.Conn, error)) *Raw {
	t.Helper()
	d := &websocket.Dialer{HandshakeTimeout: 5 * time.Second, NetDialContext: dial}
	ws, _, err := d.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	r := &Raw{t: t, WS: ws}
	t.Cleanup(func() { ws.Close() })
	f, err := r.Read()
	if err != nil || f.Type != proto.TChallenge {
		t.Fatalf("expected CHALLENGE: %v %v", f.Type, err)
	}
	r.Nonce = f.Nonce
	return r
}

// Write sends one binary frame.
func (r *Raw) Write(b []byte) error {
	_ = r.WS.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return r.WS.WriteMessage(websocket.BinaryMessage, b)
}

// Read reads one frame (5 s deadline). A close from the relay is returned
// as *proto.CloseError.
func (r *Raw) Read() (proto.Frame, error) {
	_ = r.WS.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, b, err := r.WS.ReadMessage()
	if err != nil {
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return proto.Frame{}, &proto.CloseError{Code: ce.Code, Reason: ce.Text}
		}
		return proto.Frame{}, err
	}
	return proto.Decode(b)
}

// Auth authenticates with keys as role and returns the WELCOME.
func (r *Raw) Auth(keys e2e.ChannelKeys, role e2e.Role) proto.Frame {
	r.t.Helper()
	if err := r.Write(proto.Auth(role, keys.ID(), keys.Prove(r.Nonce, role))); err != nil {
		r.t.Fatal(err)
	}
	f, err := r.Read()
	if err != nil || f.Type != proto.TWelcome {
		r.t.Fatalf("expected WELCOME: %v %v", f.Type, err)
	}
	return f
}

// ExpectClose reads until the relay closes and checks the close code.
func (r *Raw) ExpectClose(code int) {
	r.t.Helper()
	// Answering pings could fail on a connection the relay already closed
	// and hide the close frame behind a write error.
	r.WS.SetPingHandler(func(string) error { return nil })
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		_, err := r.Read()
		if err == nil {
			continue
		}
		var ce *proto.CloseError
		if errors.As(err, &ce) {
			if ce.Code != code {
				r.t.Fatalf("closed with %d (%s), want %d", ce.Code, ce.Reason, code)
			}
			return
		}
		r.t.Fatalf("read failed without a close frame (want %d): %v", code, err)
	}
	r.t.Fatalf("no close %d within 10s", code)
}

// NextOf reads frames until one of type t arrives (others are skipped).
func (r *Raw) NextOf(t proto.Type) proto.Frame {
	r.t.Helper()
	for {
		f, err := r.Read()
		if err != nil {
			r.t.Fatalf("waiting for %s: %v", t, err)
		}
		if f.Type == t {
			return f
		}
	}
}
