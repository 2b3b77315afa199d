package client

import (
	"sync"

	"github.com/leash-wallet/leash/relay/e2e"
)

// State is what a client persists: its session (keys and ratchet
// positions) and the relay delivery number handled up to. It holds
// secrets: a StateStore must keep it encrypted at rest
// (prover/relayconn's store does).
type State struct {
	Acked   uint64            `json:"acked"`
	Session *e2e.SessionState `json:"session,omitempty"`
}

// StateStore persists a client's State.
type StateStore interface {
	Load() (State, error)
	Save(State) error
}

// MemState keeps the state in memory (tests, benchmarks).
type MemState struct {
	mu sync.Mutex
	st State
}

func (m *MemState) Load() (State, error) { m.mu.Lock(); defer m.mu.Unlock(); return m.st, nil }
func (m *MemState) Save(st State) error  { m.mu.Lock(); m.st = st; m.mu.Unlock(); return nil }
