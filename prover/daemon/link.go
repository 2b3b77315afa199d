package daemon

import (
	"sync"
	"time"
)

// Link is the relay link's state, for transports that report it
// (relayconn.Conn does).
type Link struct {
	Relay     string // the relay's URL
	Connected bool   // authenticated on a relay connection now
}

// linkReporter is implemented by transports that know their link's state.
type linkReporter interface{ Link() Link }

// linkState is what the daemon saw of its signer.
type linkState struct {
	mu        sync.Mutex
	lastHeard time.Time // the last message from the signer
	receipts  uint64
}

func (l *linkState) heard(now time.Time) {
	l.mu.Lock()
	l.lastHeard = now
	l.receipts++
	l.mu.Unlock()
}

func (l *linkState) get() (time.Time, uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lastHeard, l.receipts
}
