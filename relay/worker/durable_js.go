//go:build js && wasm

package worker

import (
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"syscall/js"
	"time"
	"unsafe"

	"github.com/leash-wallet/leash/relay/core"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/proto"
	"github.com/leash-wallet/leash/relay/worker/sqlstore"
)

// durable is one Durable Object's relay: a core.Hub over the object's
// SQLite storage and its hibernatable WebSockets.
type durable struct {
	hub     *core.Hub
	store   *sqlstore.Store
	storage js.Value // ctx.storage
	sendMem js.Value // the glue's sendMem(ws, address, length)
	log     *slog.Logger
	conns   map[string]*wsConn
	alarmAt int64 // unix ms of the alarm this instance set; 0 when unknown
	rearm   bool  // an expiry sweep ran: set the next alarm after its commit
}

// wsConn is core.Conn over one hibernatable WebSocket (the Worker's pipe
// to the client). JavaScript's send never blocks: the platform buffers,
// and core's delivery window bounds what one link can have in flight.
type wsConn struct {
	d      *durable
	id     string
	ws     js.Value
	link   *core.Link
	authed bool // the attachment records channel and role
	closed bool
}

// Send implements core.Conn. The glue copies the frame straight out of
// this instance's linear memory (sendMem(ws, address, length)), so no
// JavaScript object is made on the Go side for it.
func (c *wsConn) Send(frame []byte) bool {
	if c.closed {
		return false
	}
	if len(frame) == 0 {
		return true
	}
	p := uintptr(unsafe.Pointer(unsafe.SliceData(frame)))
	err := sqlstore.Catch(func() { c.d.sendMem.Invoke(c.ws, int(p), len(frame)) })
	runtime.KeepAlive(frame)
	return err == nil
}

// Close implements core.Conn. The link is released on a fresh goroutine:
// the hub may call Close with a channel lock held.
func (c *wsConn) Close(code int, reason string) {
	if c.closed {
		return
	}
	c.closed = true
	if len(reason) > 120 {
		reason = reason[:120]
	}
	_ = sqlstore.Catch(func() { c.ws.Call("close", code, reason) })
	go c.d.forget(c)
}

func (d *durable) forget(c *wsConn) {
	if d.conns[c.id] == c {
		delete(d.conns, c.id)
	}
	if c.link != nil {
		c.link.Closed()
	}
}

func (d *durable) conn(ws js.Value, id string) *wsConn {
	c := &wsConn{d: d, id: id, ws: ws}
	if old := d.conns[id]; old != nil {
		old.closed = true
		d.forget(old)
	}
	d.conns[id] = c
	return c
}

// RunDurable installs the Durable Object's entry points on the runtime
// context's binding object and returns; the glue calls them for each
// event. rc holds env, ctx (DurableObjectState), binding and txn.
func RunDurable(rc js.Value) error {
	env := rc.Get("env")
	cfg, err := ConfigFromEnv(func(k string) string {
		if v := env.Get(k); v.Type() == js.TypeString {
			return v.String()
		}
		return ""
	})
	if err != nil {
		return err
	}
	storage := rc.Get("ctx").Get("storage")
	store, err := sqlstore.Open(sqlstore.NewJSDB(rc.Get("db")))
	if err != nil {
		return err
	}
	d := &durable{store: store, storage: storage, sendMem: rc.Get("sendMem"), conns: map[string]*wsConn{},
		log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))}
	d.hub, err = core.New(core.Config{Store: store, Limits: cfg.Limits, Logger: d.log,
		OnCommit: func(records int, _ time.Duration) { d.afterCommit(records) }})
	if err != nil {
		return err
	}
	b := rc.Get("binding")
	fn := func(name string, f func(args []js.Value) any) {
		b.Set(name, js.FuncOf(func(_ js.Value, args []js.Value) any { return f(args) }))
	}
	// start(sockets): reattach the sockets that outlived the previous
	// instance (hibernation or eviction).
	fn("start", func(a []js.Value) any {
		n := a[0].Length()
		for i := range n {
			d.restore(a[0].Index(i))
		}
		mem := 0
		if m := rc.Get("memory"); m.Type() == js.TypeObject {
			mem = m.Get("buffer").Get("byteLength").Int()
		}
		d.log.Info("relay object started", "sockets", n, "links", d.hub.Stats().Links.Load(), "wasm_memory", mem)
		return d.failed()
	})
	// accept(ws, id, nonceHex): a new connection whose CHALLENGE the Worker sent.
	fn("accept", func(a []js.Value) any {
		c := d.conn(a[0], a[1].String())
		nonce, ok := parseNonce(a[2].String())
		if !ok {
			c.Close(proto.CloseInternal, "relay: bad nonce from the front end")
			return d.failed()
		}
		c.link = d.hub.AcceptChallenged(c, nonce)
		return d.failed()
	})
	// message(id, data): one frame; data is a Uint8Array, or a string for
	// a text frame. It answers "unknown" for a socket this instance has not
	// seen; the glue then calls restore(ws) and repeats.
	fn("message", func(a []js.Value) any {
		c := d.conns[a[0].String()]
		if c == nil {
			return "unknown"
		}
		d.message(c, a[1])
		return d.failed()
	})
	// restore(ws): rebuild a socket's link from its attachment.
	fn("restore", func(a []js.Value) any {
		d.restore(a[0])
		return d.failed()
	})
	// closed(id): the socket closed or failed.
	fn("closed", func(a []js.Value) any {
		if c := d.conns[a[0].String()]; c != nil {
			c.closed = true
			d.forget(c)
		}
		return d.failed()
	})
	// alarm(): the TTL sweep.
	fn("alarm", func([]js.Value) any {
		d.alarmAt = 0
		n, err := d.hub.Expire(time.Now())
		if err == nil && n == 0 {
			d.setAlarm()
		} else {
			d.rearm = true
		}
		return d.failed()
	})
	return nil
}

func parseNonce(s string) (nonce [e2e.ChallengeSize]byte, ok bool) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(nonce) {
		return nonce, false
	}
	copy(nonce[:], b)
	return nonce, true
}

func (d *durable) failed() bool { return d.hub.Err() != nil }

// restore rebuilds the link of a socket accepted by an earlier instance.
func (d *durable) restore(ws js.Value) {
	att := ws.Call("deserializeAttachment")
	if att.Type() != js.TypeObject {
		_ = sqlstore.Catch(func() { ws.Call("close", proto.CloseInternal, "relay: socket without state") })
		return
	}
	c := d.conn(ws, att.Get("id").String())
	if ch := att.Get("ch"); ch.Type() == js.TypeString {
		id, err := e2e.ParseChannelID(ch.String())
		if err != nil {
			c.Close(proto.CloseInternal, "relay: corrupt socket state")
			return
		}
		l, ce := d.hub.Reattach(c, id, e2e.Role(att.Get("role").Int()))
		if ce != nil {
			c.Close(ce.Code, ce.Reason)
			return
		}
		c.link, c.authed = l, true
		return
	}
	nonce, ok := parseNonce(att.Get("nonce").String())
	if !ok {
		c.Close(proto.CloseInternal, "relay: corrupt socket state")
		return
	}
	c.link = d.hub.AcceptChallenged(c, nonce)
}

func (d *durable) message(c *wsConn, data js.Value) {
	ws := c.ws
	if c.closed || c.link == nil {
		return
	}
	if data.Type() == js.TypeString {
		d.hub.Stats().Reject(core.ReasonMalformed)
		c.Close(proto.CloseMalformed, "binary frames only")
		return
	}
	frame := make([]byte, data.Length())
	js.CopyBytesToGo(frame, data)
	if ce := c.link.Handle(frame); ce != nil {
		c.Close(ce.Code, ce.Reason)
		return
	}
	if !c.authed && c.link.Authed() {
		c.authed = true
		att := js.Global().Get("Object").New()
		att.Set("id", c.id)
		att.Set("ch", c.link.Channel().String())
		att.Set("role", int(c.link.Role()))
		if err := sqlstore.Catch(func() { ws.Call("serializeAttachment", att) }); err != nil {
			d.log.Warn("relay: socket state not saved", "err", err)
		}
	}
}

// afterCommit keeps the TTL alarm set at the earliest stored expiry.
func (d *durable) afterCommit(records int) {
	if (records > 0 && d.alarmAt == 0) || d.rearm {
		d.rearm = false
		d.setAlarm()
	}
}

func (d *durable) setAlarm() {
	next, err := d.store.NextExpiry()
	if err != nil {
		d.log.Warn("relay: next expiry", "err", err)
		return
	}
	if next == 0 {
		return
	}
	at := next + 1 // Expired takes records with expires < now
	if err := sqlstore.Catch(func() { d.storage.Call("setAlarm", at) }); err != nil {
		d.log.Warn("relay: set alarm", "err", fmt.Sprint(err))
		return
	}
	d.alarmAt = at
}
