package server

import (
	"net"
	"sync"
)

// corkListener wraps accepted connections in corkConn.
type corkListener struct{ net.Listener }

func (l corkListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &corkConn{Conn: c}, nil
}

// corkConn lets the connection's writer goroutine batch every frame it has
// queued into one write system call: between Cork and Flush, writes
// (gorilla's frames, control frames included) are appended to a buffer.
// gorilla still serialises its own writes, so frames never interleave.
type corkConn struct {
	net.Conn
	mu     sync.Mutex
	corked bool
	buf    *[]byte
}

var corkBufs = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

func (c *corkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if c.corked {
		*c.buf = append(*c.buf, p...)
		c.mu.Unlock()
		return len(p), nil
	}
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// Cork starts buffering.
func (c *corkConn) Cork() {
	c.mu.Lock()
	if !c.corked {
		c.corked = true
		c.buf = corkBufs.Get().(*[]byte)
	}
	c.mu.Unlock()
}

// Buffered is the number of bytes waiting.
func (c *corkConn) Buffered() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.buf == nil {
		return 0
	}
	return len(*c.buf)
}

// Flush writes what was buffered in one call and stops buffering. The
// write deadline set through gorilla applies.
func (c *corkConn) Flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.corked {
		return nil
	}
	c.corked = false
	b := c.buf
	c.buf = nil
	_, err := c.Conn.Write(*b)
	if cap(*b) <= 1<<20 {
		*b = (*b)[:0]
		corkBufs.Put(b)
	}
	return err
}
