package server

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/leash-wallet/leash/relay/core"
	"github.com/leash-wallet/leash/relay/proto"
)

// wsConn implements core.Conn over a gorilla connection. Writes happen on a
// writer goroutine that exists only while there is something to write.
type wsConn struct {
	s    *Server
	ws   *websocket.Conn
	ip   string
	link *core.Link

	done chan struct{} // closed by Close

	mu      sync.Mutex
	queue   [][]byte
	spare   [][]byte
	writing bool
	ping    bool
	closed  bool
}

// Send implements core.Conn.
func (c *wsConn) Send(frame []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || len(c.queue) >= c.s.cfg.SendQueue {
		return false
	}
	c.queue = append(c.queue, frame)
	c.startWriterLocked()
	return true
}

func (c *wsConn) startWriterLocked() {
	if !c.writing {
		c.writing = true
		go c.writeLoop()
	}
}

// schedulePing asks the writer to send a ping.
func (c *wsConn) schedulePing() {
	c.mu.Lock()
	if !c.closed {
		c.ping = true
		c.startWriterLocked()
	}
	c.mu.Unlock()
}

func (c *wsConn) writeLoop() {
	for {
		c.mu.Lock()
		if c.closed || (len(c.queue) == 0 && !c.ping) {
			c.writing = false
			c.queue = nil
			c.mu.Unlock()
			return
		}
		frames, ping := c.queue, c.ping
		c.queue, c.spare, c.ping = c.spare[:0], nil, false
		c.mu.Unlock()
		deadline := time.Now().Add(c.s.cfg.WriteTimeout)
		var err error
		if ping {
			err = c.ws.WriteControl(websocket.PingMessage, nil, deadline)
		}
		if err == nil {
			_ = c.ws.SetWriteDeadline(deadline)
			cork, _ := c.ws.NetConn().(*corkConn) // nil under TLS: one write per frame
			for _, f := range frames {
				if cork != nil {
					cork.Cork()
				}
				if err = c.ws.WriteMessage(websocket.BinaryMessage, f); err != nil {
					break
				}
				if cork != nil && cork.Buffered() >= 64<<10 {
					if err = cork.Flush(); err != nil {
						break
					}
				}
			}
			if cork != nil {
				if ferr := cork.Flush(); err == nil {
					err = ferr
				}
			}
		}
		clear(frames)
		c.mu.Lock()
		if c.spare == nil && cap(frames) <= 16 { // an idle connection keeps little
			c.spare = frames[:0]
		}
		c.mu.Unlock()
		if err != nil {
			if errors.Is(err, websocket.ErrCloseSent) {
				continue
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				c.s.hub.Stats().Reject(core.ReasonSlowConsumer)
				c.Close(proto.CloseSlowConsumer, "write deadline exceeded")
			} else {
				c.Close(proto.CloseInternal, "write failed")
			}
		}
	}
}

// Close implements core.Conn: it sends the close frame and gives the peer a
// moment to answer before the reader tears the connection down.
func (c *wsConn) Close(code int, reason string) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.queue = nil
	close(c.done)
	c.mu.Unlock()
	go func() {
		now := time.Now()
		_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), now.Add(c.s.cfg.WriteTimeout))
		_ = c.ws.SetReadDeadline(now.Add(time.Second))
	}()
}

func (c *wsConn) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// readLoop is the connection's only long-lived goroutine.
func (c *wsConn) readLoop() {
	s := c.s
	defer func() {
		if c.link != nil {
			c.link.Closed()
		}
		c.mu.Lock()
		if !c.closed {
			c.closed = true
			close(c.done)
		}
		c.mu.Unlock()
		_ = c.ws.Close()
		s.untrack(c)
	}()
	c.ws.SetReadLimit(s.cfg.ReadLimit)
	_ = c.ws.SetReadDeadline(time.Now().Add(s.cfg.AuthTimeout))
	c.ws.SetPongHandler(func(string) error {
		if c.link.Authed() {
			return c.ws.SetReadDeadline(time.Now().Add(s.cfg.PongWait))
		}
		return nil
	})
	c.link = s.hub.Accept(c)
	for {
		c.link.WaitSendWindow(c.done)
		typ, b, err := c.readFrame()
		if err != nil {
			c.readFailed(err)
			return
		}
		if c.isClosed() {
			continue // draining until the peer answers our close
		}
		if typ != websocket.BinaryMessage {
			s.hub.Stats().Reject(core.ReasonMalformed)
			c.Close(proto.CloseMalformed, "binary frames only")
			continue
		}
		var ce *proto.CloseError
		if !c.link.Authed() {
			// The auth path (Ed25519, loading the queues) needs a deep stack;
			// run it on a short-lived goroutine so that this long-lived one
			// stays small for an idle connection.
			done := make(chan struct{})
			go func() { ce = c.link.Handle(b); close(done) }()
			<-done
		} else {
			ce = c.link.Handle(b)
		}
		if ce != nil {
			c.Close(ce.Code, ce.Reason)
			continue
		}
		if c.link.Authed() {
			_ = c.ws.SetReadDeadline(time.Now().Add(s.cfg.PongWait))
		}
	}
}

// frameScratch holds a frame while it is read; the frame is then copied to
// an exact-size buffer that the hub may keep.
var frameScratch = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// readFrame is ReadMessage without io.ReadAll's growing buffers.
func (c *wsConn) readFrame() (int, []byte, error) {
	typ, r, err := c.ws.NextReader()
	if err != nil {
		return 0, nil, err
	}
	sp := frameScratch.Get().(*[]byte)
	buf := (*sp)[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			*sp = buf[:0]
			frameScratch.Put(sp)
			return 0, nil, err
		}
	}
	b := bytes.Clone(buf)
	if cap(buf) <= 128<<10 {
		*sp = buf[:0]
		frameScratch.Put(sp)
	}
	return typ, b, nil
}

func (c *wsConn) readFailed(err error) {
	if c.isClosed() {
		return
	}
	stats := c.s.hub.Stats()
	var ne net.Error
	switch {
	case errors.Is(err, websocket.ErrReadLimit):
		stats.Reject(core.ReasonTooLarge) // gorilla already sent 1009
	case errors.As(err, &ne) && ne.Timeout():
		code, reason, r := proto.CloseTimeout, "no pong within the read deadline", core.ReasonTimeout
		if !c.link.Authed() {
			code, reason, r = proto.CloseAuthTimeout, "no AUTH within the auth deadline", core.ReasonAuthTimeout
		}
		stats.Reject(r)
		_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(c.s.cfg.WriteTimeout))
	default:
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return // the client closed
		}
		// gorilla reports framing violations (reserved bits, bad opcodes,
		// unmasked frames) as "websocket: …" after sending 1002.
		if strings.HasPrefix(err.Error(), "websocket: ") {
			stats.Reject(core.ReasonMalformed)
		}
	}
}
