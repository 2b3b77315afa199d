package ledger

import (
	"errors"
	"fmt"
	"math/big"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/leash-wallet/leash/wire"
)

func req(id string, nonce uint64, value, spent, max int64, now uint64) Request {
	return Request{ID: id, Nonce: nonce, Value: big.NewInt(value), Spent: big.NewInt(spent), MaxValue: big.NewInt(max), Time: now}
}

func TestReserveChecks(t *testing.T) {
	l := New(Config{Window: 100}, 5)
	if _, err := l.Reserve(req("a", 4, 1, 0, 10, 1000)); !errors.Is(err, wire.ErrNonceMismatch) {
		t.Fatalf("old nonce: %v", err)
	}
	if _, err := l.Reserve(req("a", 6, 1, 0, 10, 1000)); !errors.Is(err, wire.ErrNonceMismatch) {
		t.Fatalf("future nonce: %v", err)
	}
	if _, err := l.Reserve(req("a", 5, 1, 3, 10, 1000)); !errors.Is(err, wire.ErrStaleState) {
		t.Fatalf("wrong spent: %v", err)
	}
	if _, err := l.Reserve(req("a", 5, 11, 0, 10, 1000)); !errors.Is(err, wire.ErrWindowExceeded) {
		t.Fatalf("over cap: %v", err)
	}
	r, err := l.Reserve(req("a", 5, 4, 0, 10, 1000))
	if err != nil {
		t.Fatal(err)
	}
	r.Commit(wire.Hash32{1})
	if _, err := l.Reserve(req("a", 6, 1, 4, 10, 1001)); !errors.Is(err, wire.ErrReplay) {
		t.Fatalf("replayed id: %v", err)
	}
	if v := l.View(1001); v.Nonce != 6 || v.Spent.Int64() != 4 {
		t.Fatalf("view %+v", v)
	}
	if _, err := l.Reserve(req("b", 6, 7, 4, 10, 1001)); !errors.Is(err, wire.ErrWindowExceeded) {
		t.Fatalf("4+7 > 10: %v", err)
	}
	// The spend at t=1000 leaves the window at t=1100.
	if v := l.View(1099); v.Spent.Int64() != 4 {
		t.Fatalf("at 1099 spent %s", v.Spent)
	}
	if v := l.View(1100); v.Spent.Int64() != 0 {
		t.Fatalf("at 1100 spent %s", v.Spent)
	}
	if _, err := l.Reserve(req("b", 6, 7, 0, 10, 1100)); err != nil {
		t.Fatal(err)
	}
	// A clock that goes back still counts every spend.
	if v := l.View(900); v.Spent.Int64() != 7 {
		t.Fatalf("clock went back: spent %s", v.Spent)
	}
}

func TestReleaseOnlyTail(t *testing.T) {
	l := New(Config{Window: 100}, 0)
	a, _ := l.Reserve(req("a", 0, 1, 0, 10, 10))
	b, _ := l.Reserve(req("b", 1, 2, 1, 10, 10))
	if a.Release() {
		t.Fatal("released a reservation that is not the last")
	}
	if !b.Release() {
		t.Fatal("could not release the last reservation")
	}
	v := l.View(10)
	if v.Nonce != 1 || v.Spent.Int64() != 1 {
		t.Fatalf("after release %+v", v)
	}
	if l.Seen("b") || !l.Seen("a") {
		t.Fatal("seen ids wrong after release")
	}
	if b.Release() {
		t.Fatal("double release")
	}
}

func TestSyncNonceForwardOnly(t *testing.T) {
	l := New(Config{Window: 100}, 3)
	if l.SyncNonce(2) || l.View(0).Nonce != 3 {
		t.Fatal("nonce moved back")
	}
	if !l.SyncNonce(9) || l.View(0).Nonce != 9 {
		t.Fatal("nonce did not move forward")
	}
}

func TestSeenBounded(t *testing.T) {
	l := New(Config{Window: 1, MaxSeen: 3}, 0)
	for i := 0; i < 10; i++ {
		if _, err := l.Reserve(req(fmt.Sprintf("id%d", i), uint64(i), 0, 0, 10, uint64(i*10))); err != nil {
			t.Fatal(err)
		}
	}
	if len(l.seen) != 3 || len(l.order) != 3 || !l.Seen("id9") || l.Seen("id0") {
		t.Fatalf("seen %v", l.order)
	}
}

func TestMarshalRestore(t *testing.T) {
	l := New(Config{Window: 100}, 7)
	r, _ := l.Reserve(req("a", 7, 3, 0, 10, 50))
	r.Commit(wire.Hash32{9})
	_, _ = l.Reserve(req("b", 8, 2, 3, 10, 60)) // reserved, not committed
	data, err := l.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	m, err := Restore(data, Config{Window: 100})
	if err != nil {
		t.Fatal(err)
	}
	if v := m.View(60); v.Nonce != 9 || v.Spent.Int64() != 5 {
		t.Fatalf("restored %+v", v)
	}
	if !m.Seen("a") || !m.Seen("b") {
		t.Fatal("restored seen ids")
	}
	if _, err := Restore(data, Config{Window: 99}); !errors.Is(err, wire.ErrUnknownPolicy) {
		t.Fatalf("other window: %v", err)
	}
	for _, bad := range []string{``, `{}`, `{"version":1,"window":100,"nonce":"0x1","spends":[{"id":"a","nonce":"0x5","time":1,"value":"0x1"}],"seen":[]}`,
		`{"version":1,"window":100,"nonce":"0x1","spends":[],"seen":["bad id!"]}`, `{"version":2,"window":100,"nonce":"0x1","spends":[],"seen":[]}`} {
		if _, err := Restore([]byte(bad), Config{Window: 100}); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

// TestRaceG2 races many goroutines, each verifying against a snapshot and
// then reserving, and checks that no nonce is reserved twice and the window
// cap is never exceeded (guarantee G2). Run it under -race too.
func TestRaceG2(t *testing.T) {
	const (
		workers = 64
		rounds  = 50
		capV    = 1000
		value   = 7
		now     = 5000
	)
	l := New(Config{Window: 3600}, 0)
	var wins atomic.Int64
	var mu sync.Mutex
	nonces := map[uint64]string{}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				v := l.View(now) // "verify" against this snapshot
				id := fmt.Sprintf("w%d-r%d", w, r)
				res, err := l.Reserve(Request{ID: id, Nonce: v.Nonce, Value: big.NewInt(value), Spent: v.Spent, MaxValue: big.NewInt(capV), Time: now})
				if err != nil {
					switch wire.CodeOf(err) {
					case wire.NonceMismatch, wire.StaleState, wire.WindowExceeded:
						continue
					}
					t.Errorf("unexpected %v", err)
					return
				}
				mu.Lock()
				if prev, dup := nonces[v.Nonce]; dup {
					t.Errorf("nonce %d reserved by %s and %s", v.Nonce, prev, id)
				}
				nonces[v.Nonce] = id
				mu.Unlock()
				wins.Add(1)
				res.Commit(wire.Hash32{})
			}
		}(w)
	}
	wg.Wait()
	v := l.View(now)
	if v.Spent.Int64() > capV {
		t.Fatalf("window overspent: %s > %d", v.Spent, capV)
	}
	if want := int64(capV / value); wins.Load() != want {
		t.Fatalf("%d reservations won, want exactly %d (cap %d / value %d)", wins.Load(), want, capV, value)
	}
	if v.Nonce != uint64(wins.Load()) {
		t.Fatalf("next nonce %d after %d wins", v.Nonce, wins.Load())
	}
	for n := uint64(0); n < v.Nonce; n++ {
		if _, ok := nonces[n]; !ok {
			t.Fatalf("nonce %d skipped", n)
		}
	}
}

func TestGoldenV1(t *testing.T) {
	data, err := os.ReadFile("testdata/ledger-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	l, err := Restore(data, Config{Window: 86400})
	if err != nil {
		t.Fatal(err)
	}
	if v := l.View(1700000100); v.Nonce != 3 || v.Spent.String() != "1000000000000000001" {
		t.Fatalf("%+v", v)
	}
	if v := l.View(1700086400); v.Spent.String() != "1" {
		t.Fatalf("after the first spend left the window: %s", v.Spent)
	}
}

func FuzzRestore(f *testing.F) {
	l := New(Config{Window: 100}, 2)
	_, _ = l.Reserve(req("a", 2, 3, 0, 10, 50))
	good, _ := l.Marshal()
	f.Add(good)
	f.Add([]byte(`{"version":1,"window":100,"nonce":"0x0","spends":[],"seen":[]}`))
	golden, err := os.ReadFile("testdata/ledger-v1.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Restore(data, Config{Window: 100})
		if err != nil {
			m, err = Restore(data, Config{Window: 86400})
		}
		if err != nil {
			return
		}
		v := m.View(60)
		for _, s := range m.spends {
			if uint64(s.Nonce) >= v.Nonce {
				t.Fatal("spend at or after next nonce")
			}
		}
		if _, err := m.Marshal(); err != nil {
			t.Fatal(err)
		}
	})
}
