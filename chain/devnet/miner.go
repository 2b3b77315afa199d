package devnet

import (
	"errors"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/eth"
	"github.com/ethereum/go-ethereum/eth/catalyst"
)

// miner seals a block as soon as transactions are executable, and only
// then (no empty blocks). It replaces the loop that
// catalyst.RegisterSimulatedBeaconAPIs starts, which can still be sealing
// when the node closes and then dereferences the stopped chain's nil head
// (seen here as a SIGSEGV under `go test -bench`); this one is stopped and
// waited for before the node closes.
type miner struct {
	beacon  *catalyst.SimulatedBeacon
	backend *eth.Ethereum

	mu   sync.Mutex // serializes sealing
	quit chan struct{}
	kick chan struct{}
	wg   sync.WaitGroup
}

// maxStuckRounds bounds the sealing of blocks that leave the executable
// count unchanged (a transaction the builder will not include): the miner
// then waits for the next transaction instead of spinning.
const maxStuckRounds = 2

func startMiner(beacon *catalyst.SimulatedBeacon, backend *eth.Ethereum) *miner {
	m := &miner{beacon: beacon, backend: backend, quit: make(chan struct{}), kick: make(chan struct{}, 1)}
	newTxs := make(chan core.NewTxsEvent, 16)
	sub := backend.TxPool().SubscribeTransactions(newTxs, true)
	m.wg.Add(2)
	// The pool's event feed must never block on us while we seal (sealing
	// waits for the pool), so events only set a one-slot flag here.
	go func() {
		defer m.wg.Done()
		defer sub.Unsubscribe()
		for {
			select {
			case <-m.quit:
				return
			case <-sub.Err():
				return
			case <-newTxs:
				select {
				case m.kick <- struct{}{}:
				default:
				}
			}
		}
	}()
	go func() {
		defer m.wg.Done()
		for {
			select {
			case <-m.quit:
				return
			case <-m.kick:
				m.sealPending()
			}
		}
	}()
	return m
}

// sealPending seals blocks until no transaction is executable.
func (m *miner) sealPending() {
	pool := m.backend.TxPool()
	last, stuck := -1, 0
	for {
		select {
		case <-m.quit:
			return
		default:
		}
		if err := pool.Sync(); err != nil {
			return
		}
		pending, _ := pool.Stats()
		if pending == 0 {
			return
		}
		if pending == last {
			if stuck++; stuck > maxStuckRounds {
				return
			}
		}
		last = pending
		m.mu.Lock()
		m.beacon.Commit()
		m.mu.Unlock()
	}
}

// advanceTime seals an empty block whose timestamp is the head's plus d.
func (m *miner) advanceTime(d time.Duration) error {
	if d < time.Second {
		return errors.New("devnet: advance time by at least 1s")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.beacon.AdjustTime(d)
}

// stop stops sealing and waits until no block is being sealed.
func (m *miner) stop() {
	close(m.quit)
	m.wg.Wait()
}
