package ledger

import (
	"bytes"
	"errors"
	"math/big"
	"sync"
	"testing"

	"github.com/leash-wallet/leash/wire"
)

var usdc = wire.Address{0x5f, 0xc8}

func sigReq(id string, key byte, amount, expect int64, now uint64) SigRequest {
	tok := usdc
	return SigRequest{ID: id, Time: now, Key: bytes.Repeat([]byte{key}, SigKeyLen), Until: now + 600, Token: &tok,
		Amount: big.NewInt(amount), ExpectTokenSpent: big.NewInt(expect), TokenMax: big.NewInt(10)}
}

func TestReserveSignature(t *testing.T) {
	l := New(Config{Window: 100}, 0)
	r, err := l.ReserveSignature(sigReq("s1", 1, 4, 0, 1000))
	if err != nil {
		t.Fatal(err)
	}
	r.Commit(wire.Hash32{1})
	v := l.View(1000)
	if v.TokenSpent(usdc).Int64() != 4 || v.Txs != 0 || v.Nonce != 0 || v.Fees.Sign() != 0 {
		t.Fatalf("view %+v", v)
	}
	// The same (domain, nonce) under another id: replay; the same id: replay.
	if _, err := l.ReserveSignature(sigReq("s2", 1, 1, 4, 1001)); !errors.Is(err, wire.ErrReplay) {
		t.Fatalf("same key: %v", err)
	}
	if _, err := l.ReserveSignature(sigReq("s1", 2, 1, 4, 1001)); !errors.Is(err, wire.ErrReplay) {
		t.Fatalf("same id: %v", err)
	}
	// Proven against an old sum: stale_state; over the window: window_exceeded.
	if _, err := l.ReserveSignature(sigReq("s3", 3, 1, 0, 1001)); !errors.Is(err, wire.ErrStaleState) {
		t.Fatalf("stale: %v", err)
	}
	if _, err := l.ReserveSignature(sigReq("s3", 3, 7, 4, 1001)); !errors.Is(err, wire.ErrWindowExceeded) {
		t.Fatalf("over: %v", err)
	}
	// Nothing was reserved by the refusals.
	if v := l.View(1001); v.TokenSpent(usdc).Int64() != 4 {
		t.Fatalf("refusals reserved: %v", v.TokenSpent(usdc))
	}
	// A transaction still takes nonce 0 and counts once.
	tr, err := l.Reserve(req("t1", 0, 1, 0, 10, 1002))
	if err != nil {
		t.Fatal(err)
	}
	tr.Commit(wire.Hash32{2})
	if v := l.View(1002); v.Txs != 1 || v.Nonce != 1 {
		t.Fatalf("tx view %+v", v)
	}
	// After the window the amount no longer counts, but the replay record
	// stays until its deadline bound (1600), and goes after it.
	if v := l.View(1200); v.TokenSpent(usdc).Sign() != 0 {
		t.Fatal("spend still counted after the window")
	}
	if _, err := l.ReserveSignature(sigReq("s4", 1, 1, 0, 1500)); !errors.Is(err, wire.ErrReplay) {
		t.Fatalf("replay inside the record's life: %v", err)
	}
	if _, err := l.ReserveSignature(sigReq("s4", 1, 1, 0, 1601)); err != nil {
		t.Fatalf("after the record expired: %v", err)
	}
}

func TestSignatureReleaseAndRestore(t *testing.T) {
	l := New(Config{Window: 100}, 0)
	r, err := l.ReserveSignature(sigReq("s1", 1, 4, 0, 1000))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Release() {
		t.Fatal("release of the last reservation did not roll back")
	}
	if _, err := l.ReserveSignature(sigReq("s1", 1, 4, 0, 1000)); err != nil {
		t.Fatalf("after release: %v", err)
	}
	data, err := l.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	l2, err := Restore(data, Config{Window: 100})
	if err != nil {
		t.Fatalf("restore with a signature at ledger nonce 0: %v", err)
	}
	if _, err := l2.ReserveSignature(sigReq("s9", 1, 1, 4, 1001)); !errors.Is(err, wire.ErrReplay) {
		t.Fatalf("replay after restart: %v", err)
	}
	for _, bad := range []string{
		`{"version":2,"window":100,"nonce":"0x0","spends":[{"id":"s","nonce":"0x0","time":1,"value":"0x0","fee":"0x0","sig":"0x01"}],"seen":[]}`,
		`{"version":2,"window":100,"nonce":"0x0","spends":[{"id":"s","nonce":"0x0","time":1,"value":"0x1","fee":"0x0","sig":"0x` + string(bytes.Repeat([]byte("ab"), 64)) + `"}],"seen":[]}`,
	} {
		if _, err := Restore([]byte(bad), Config{Window: 100}); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("restored a bad signature entry: %v", err)
		}
	}
}

// TestSignatureRace: 40 concurrent signatures of 2 with room for 10 reserve exactly 5.
func TestSignatureRace(t *testing.T) {
	l := New(Config{Window: 100}, 0)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for {
				expect := l.View(1000).TokenSpent(usdc).Int64()
				_, err := l.ReserveSignature(sigReq("s"+string(rune('A'+i)), byte(i), 2, expect, 1000))
				if errors.Is(err, wire.ErrStaleState) {
					continue
				}
				if err == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				}
				return
			}
		}(i)
	}
	wg.Wait()
	if ok != 5 || l.View(1000).TokenSpent(usdc).Int64() != 10 {
		t.Fatalf("%d reserved, sum %v", ok, l.View(1000).TokenSpent(usdc))
	}
}

// Stage puts the hash in the state Marshal writes before Commit; a
// Release after Stage that cannot roll back (a later reservation) keeps
// the spend counted but drops the hash (that signature never left), and
// one that can rolls back the whole spend.
func TestStageThenRelease(t *testing.T) {
	l := New(Config{Window: 100}, 0)
	a, err := l.ReserveSignature(sigReq("a", 1, 2, 0, 1000))
	if err != nil {
		t.Fatal(err)
	}
	a.Stage(wire.Hash32{0xaa})
	if raw, _ := l.Marshal(); !bytes.Contains(raw, []byte(wire.Hash32{0xaa}.Hex())) {
		t.Fatalf("staged hash not in %s", raw)
	}
	b, err := l.ReserveSignature(sigReq("b", 2, 3, 2, 1000))
	if err != nil {
		t.Fatal(err)
	}
	if a.Release() {
		t.Fatal("rolled back under a later reservation")
	}
	raw, _ := l.Marshal()
	if bytes.Contains(raw, []byte(wire.Hash32{0xaa}.Hex())) {
		t.Fatalf("a released signature's hash stayed: %s", raw)
	}
	if got := l.View(1000).TokenSpent(usdc).Int64(); got != 5 {
		t.Fatalf("spent %d, want 5 (a stays counted)", got)
	}
	b.Stage(wire.Hash32{0xbb})
	if !b.Release() {
		t.Fatal("the last reservation did not roll back")
	}
	if got := l.View(1000).TokenSpent(usdc).Int64(); got != 2 || l.Seen("b") {
		t.Fatalf("spent %d after rolling b back", got)
	}
}
