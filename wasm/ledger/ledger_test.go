package ledger

import (
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/leash-wallet/leash/wire"
)

// req is a value-only request with loose fee and count caps.
func req(id string, nonce uint64, value, spent, max int64, now uint64) Request {
	return Request{ID: id, Nonce: nonce, Value: big.NewInt(value), Fee: new(big.Int), Time: now,
		Expect: wire.Hint{Spent: wire.QuantityFromUint64(uint64(spent))},
		Caps:   Caps{MaxValue: big.NewInt(max), MaxFees: big.NewInt(1 << 40), MaxTxs: 1 << 16}}
}

// expect sets the count (and keeps the other sums) the request was verified against.
func (r Request) txs(n uint64) Request { r.Expect.Txs = n; return r }

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
	if _, err := l.Reserve(req("a", 6, 1, 4, 10, 1001).txs(1)); !errors.Is(err, wire.ErrReplay) {
		t.Fatalf("replayed id: %v", err)
	}
	if v := l.View(1001); v.Nonce != 6 || v.Spent.Int64() != 4 || v.Txs != 1 {
		t.Fatalf("view %+v", v)
	}
	if _, err := l.Reserve(req("b", 6, 1, 4, 10, 1001)); !errors.Is(err, wire.ErrStaleState) {
		t.Fatalf("count hint 0, the ledger's is 1: %v", err)
	}
	if _, err := l.Reserve(req("b", 6, 7, 4, 10, 1001).txs(1)); !errors.Is(err, wire.ErrWindowExceeded) {
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
	b, _ := l.Reserve(req("b", 1, 2, 1, 10, 10).txs(1))
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
	if _, err := l.Reserve(req("b", 8, 2, 3, 10, 60).txs(1)); err != nil { // reserved, not committed
		t.Fatal(err)
	}
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
	for _, bad := range []string{``, `{}`,
		`{"version":2,"window":100,"nonce":"0x1","spends":[{"id":"a","nonce":"0x5","time":1,"value":"0x1","fee":"0x0"}],"seen":[]}`,
		`{"version":2,"window":100,"nonce":"0x1","spends":[],"seen":["bad id!"]}`,
		`{"version":3,"window":100,"nonce":"0x1","spends":[],"seen":[]}`,
		`{"version":1,"window":100,"nonce":"0x1","spends":[],"seen":[]}`,
		`{"version":2,"window":100,"nonce":"0x1","spends":[{"id":"a","nonce":"0x0","time":1,"value":"0x1"}],"seen":[]}`,
		`{"version":2,"window":100,"nonce":"0x1","spends":[{"id":"a","nonce":"0x0","time":1,"value":"0x1","fee":"0x0","token":"0x5FbDB2315678afecb367f032d93F642f64180aa3"}],"seen":[]}`,
		`{"version":2,"window":100,"nonce":"0x1","spends":[{"id":"a","nonce":"0x0","time":1,"value":"0x1","fee":"0x0","amount":"0x1"}],"seen":[]}`,
		`{"version":2,"window":100,"nonce":"0x1","spends":[{"id":"a","nonce":"0x0","time":1,"value":"0x100000000000000000000000000000000","fee":"0x0"}],"seen":[]}`,
		`{"version":2,"window":100,"nonce":"0x1","spends":[{"id":"a","nonce":"0x0","time":1,"value":"0x1","fee":"0x1000000000000000000000000000000000000000000000000"}],"seen":[]}`,
		`{"version":2,"window":100,"nonce":"0x1","spends":[{"id":"a","nonce":"0x0","time":1,"value":"0x1","fee":"0x0","extra":1}],"seen":[]}`,
		`{"version":2,"window":100,"nonce":"0x1","spends":[null],"seen":[]}`,
	} {
		if _, err := Restore([]byte(bad), Config{Window: 100}); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

// TestRaceG2 races many goroutines, each verifying against a snapshot and
// then reserving value, a fee and a token amount, and checks that no nonce
// is reserved twice and no cap is ever exceeded (guarantee G2). Run it
// under -race too.
func TestRaceG2(t *testing.T) {
	const (
		workers = 64
		rounds  = 50
		capV    = 1000
		value   = 7
		now     = 5000
	)
	token := wire.Address{0xaa}
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
				tok := token
				res, err := l.Reserve(Request{ID: id, Nonce: v.Nonce, Time: now, Value: big.NewInt(value), Fee: big.NewInt(3),
					Token: &tok, Amount: big.NewInt(5),
					Expect: wire.Hint{Spent: wire.NewQuantity(v.Spent), Fees: wire.NewQuantity(v.Fees), Txs: v.Txs, TokenSpent: wire.NewQuantity(v.TokenSpent(token))},
					Caps:   Caps{MaxValue: big.NewInt(capV), MaxFees: big.NewInt(capV), MaxTxs: 500, TokenMax: big.NewInt(capV)}})
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
	if v.Spent.Int64() > capV || v.Fees.Int64() > capV || v.TokenSpent(token).Int64() > capV {
		t.Fatalf("window overspent: %+v", v)
	}
	if want := int64(capV / value); wins.Load() != want {
		t.Fatalf("%d reservations won, want exactly %d (cap %d / value %d)", wins.Load(), want, capV, value)
	}
	if v.Nonce != uint64(wins.Load()) || v.Txs != uint64(wins.Load()) || v.Fees.Int64() != 3*wins.Load() || v.TokenSpent(token).Int64() != 5*wins.Load() {
		t.Fatalf("sums %+v after %d wins", v, wins.Load())
	}
	for n := uint64(0); n < v.Nonce; n++ {
		if _, ok := nonces[n]; !ok {
			t.Fatalf("nonce %d skipped", n)
		}
	}
}

// TestWindowsV2: fees, count and token windows, each refused one past its
// cap, counted at reservation and kept whatever the transaction does after.
func TestWindowsV2(t *testing.T) {
	usdc, weth := wire.Address{1}, wire.Address{2}
	l := New(Config{Window: 100}, 0)
	caps := Caps{MaxValue: big.NewInt(100), MaxFees: big.NewInt(50), MaxTxs: 3, TokenMax: big.NewInt(1000)}
	n := uint64(0)
	reserve := func(now uint64, fee int64, token *wire.Address, amount int64) error {
		v := l.View(now)
		r := Request{ID: fmt.Sprintf("p%d-%d", n, now), Nonce: v.Nonce, Time: now, Value: new(big.Int), Fee: big.NewInt(fee), Caps: caps,
			Expect: wire.Hint{Spent: wire.NewQuantity(v.Spent), Fees: wire.NewQuantity(v.Fees), Txs: v.Txs}}
		if token != nil {
			r.Token, r.Amount, r.Expect.TokenSpent = token, big.NewInt(amount), wire.NewQuantity(v.TokenSpent(*token))
		}
		res, err := l.Reserve(r)
		if err == nil {
			n++
			res.Commit(wire.Hash32{})
		}
		return err
	}
	// Fee burning: no-op transactions each paying the whole fee cap.
	if err := reserve(10, 25, nil, 0); err != nil {
		t.Fatal(err)
	}
	if err := reserve(11, 25, nil, 0); err != nil {
		t.Fatal(err)
	}
	if err := reserve(12, 1, nil, 0); !errors.Is(err, wire.ErrWindowExceeded) {
		t.Fatalf("fee window: %v", err)
	}
	// The fee window frees up when the first spend leaves it (t = 110).
	v := l.View(12)
	if v.Fees.Int64() != 50 || v.FreesAt.Fees != 110 || v.FreesAt.Txs != 110 || v.FreesAt.Value != 0 {
		t.Fatalf("view %+v", v)
	}
	// Repeated token transfers past the cumulative cap; another token has its own.
	if err := reserve(110, 0, &usdc, 600); err != nil {
		t.Fatal(err)
	}
	if err := reserve(111, 0, &usdc, 401); !errors.Is(err, wire.ErrWindowExceeded) {
		t.Fatalf("token window: %v", err)
	}
	if err := reserve(111, 0, &weth, 900); err != nil {
		t.Fatalf("another token: %v", err)
	}
	// Count: t=110, 111 and 112 in the window (t=10 and 11 have left it);
	// a fourth is refused.
	if err := reserve(112, 0, nil, 0); err != nil {
		t.Fatal(err)
	}
	if err := reserve(112, 0, nil, 0); !errors.Is(err, wire.ErrWindowExceeded) {
		t.Fatalf("count: %v", err)
	}
	v = l.View(112)
	if v.Txs != 3 || v.TokenSpent(usdc).Int64() != 600 || v.TokenSpent(weth).Int64() != 900 || v.FreesAt.Tokens[usdc] != 210 {
		t.Fatalf("view %+v", v)
	}
	st := v.State()
	if len(st.Tokens) != 2 || st.Tokens[0].Token != usdc || st.Tokens[1].Token != weth {
		t.Fatalf("state tokens %+v", st.Tokens)
	}
	// A stale token hint is refused before any cap.
	if _, err := l.Reserve(Request{ID: "x", Nonce: v.Nonce, Time: 112, Value: new(big.Int), Fee: new(big.Int), Token: &usdc, Amount: big.NewInt(1), Caps: caps,
		Expect: wire.Hint{Spent: wire.NewQuantity(v.Spent), Fees: wire.NewQuantity(v.Fees), Txs: v.Txs}}); !errors.Is(err, wire.ErrStaleState) {
		t.Fatalf("stale token hint: %v", err)
	}
	// Restored, the sums are the same.
	data, _ := l.Marshal()
	m, err := Restore(data, Config{Window: 100})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.View(112); got.Txs != 3 || got.Fees.Cmp(v.Fees) != 0 || got.TokenSpent(weth).Int64() != 900 {
		t.Fatalf("restored %+v", got)
	}
}

// TestGoldenV1Refused: a version 1 ledger (policy v1) is refused, with a
// message that says why.
func TestGoldenV1Refused(t *testing.T) {
	data, err := os.ReadFile("testdata/ledger-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(data, Config{Window: 86400}); !errors.Is(err, wire.ErrMalformed) || !strings.Contains(err.Error(), "version 1") {
		t.Fatalf("got %v", err)
	}
}

func TestGoldenV2(t *testing.T) {
	data, err := os.ReadFile("testdata/ledger-v2.json")
	if err != nil {
		t.Fatal(err)
	}
	l, err := Restore(data, Config{Window: 86400})
	if err != nil {
		t.Fatal(err)
	}
	token := wire.Address{0x5f, 0xbd}
	v := l.View(1700000100)
	if v.Nonce != 3 || v.Spent.String() != "1000000000000000001" || v.Fees.String() != "42000000000000" || v.Txs != 2 {
		t.Fatalf("%+v", v)
	}
	tok, _ := wire.ParseAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")
	_ = token
	if v.TokenSpent(tok).String() != "100000000" {
		t.Fatalf("token %s", v.TokenSpent(tok))
	}
	if v := l.View(1700086400); v.Spent.String() != "1" || v.Txs != 1 {
		t.Fatalf("after the first spend left the window: %+v", v)
	}
}

func FuzzRestore(f *testing.F) {
	l := New(Config{Window: 100}, 2)
	_, _ = l.Reserve(req("a", 2, 3, 0, 10, 50))
	good, _ := l.Marshal()
	f.Add(good)
	f.Add([]byte(`{"version":2,"window":100,"nonce":"0x0","spends":[],"seen":[]}`))
	golden, err := os.ReadFile("testdata/ledger-v2.json")
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
