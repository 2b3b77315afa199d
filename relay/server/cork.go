package server

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
)

// corkListener wraps accepted connections in corkConn.
type corkListener struct{ net.Listener }

func (l corkListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	cc := &corkConn{Conn: c}
	if sc, ok := c.(syscall.Conn); ok {
		cc.raw, _ = sc.SyscallConn()
	}
	return cc, nil
}

// corkConn lets the connection's writer goroutine batch every frame it has
// queued into one write system call: between Cork and Flush, writes
// (gorilla's frames, control frames included) are appended to a buffer.
// gorilla still serialises its own writes, so frames never interleave.
//
// It also reads ahead: when the socket is readable it borrows a 16 KiB
// buffer from a pool, reads everything pending in one call, and serves
// gorilla's small reads from it until drained. The buffer is taken only
// once data is there, so an idle connection holds none.
type corkConn struct {
	net.Conn
	mu     sync.Mutex
	corked bool
	buf    *[]byte

	raw        syscall.RawConn
	rbuf       *[]byte // owned by the reading goroutine
	rpos, rend int
}

const readAhead = 16 << 10

var readBufs = sync.Pool{New: func() any { b := make([]byte, readAhead); return &b }}

func (c *corkConn) Read(p []byte) (int, error) {
	if c.rbuf != nil {
		n := copy(p, (*c.rbuf)[c.rpos:c.rend])
		c.rpos += n
		if c.rpos == c.rend {
			readBufs.Put(c.rbuf)
			c.rbuf = nil
		}
		return n, nil
	}
	if c.raw == nil || len(p) >= readAhead {
		return c.Conn.Read(p)
	}
	var n int
	var rerr error
	var buf *[]byte
	err := c.raw.Read(func(fd uintptr) bool {
		buf = readBufs.Get().(*[]byte)
		for {
			n, rerr = syscall.Read(int(fd), *buf)
			if rerr != syscall.EINTR {
				break
			}
		}
		if rerr == syscall.EAGAIN {
			readBufs.Put(buf)
			buf = nil
			return false
		}
		return true
	})
	if err == nil && rerr != nil {
		err = &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", rerr)}
	}
	if err == nil && n <= 0 {
		err = io.EOF
	}
	if err != nil {
		if buf != nil {
			readBufs.Put(buf)
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return 0, &net.OpError{Op: "read", Net: "tcp", Err: err}
		}
		return 0, err
	}
	m := copy(p, (*buf)[:n])
	if m < n {
		c.rbuf, c.rpos, c.rend = buf, m, n
	} else {
		readBufs.Put(buf)
	}
	return m, nil
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
