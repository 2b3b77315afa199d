package signer

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/leash-wallet/leash/wasm/ledger"
	"github.com/leash-wallet/leash/wire"
)

// failStore is a MemStore whose writes of one key fail while armed.
type failStore struct {
	*MemStore
	mu    sync.Mutex
	key   string
	armed bool
}

var errDiskFull = errors.New("disk full")

func (f *failStore) Put(ctx context.Context, key string, value []byte) error {
	f.mu.Lock()
	fail := f.armed && key == f.key
	f.mu.Unlock()
	if fail {
		return errDiskFull
	}
	return f.MemStore.Put(ctx, key, value)
}

func (f *failStore) arm(on bool) { f.mu.Lock(); f.armed = on; f.mu.Unlock() }

// storedSpend returns the stored ledger's spend of proposal id.
func storedSpend(t *testing.T, st Store, id string) *ledger.Spend {
	t.Helper()
	raw, err := st.Get(context.Background(), KeyLedger)
	if err != nil || raw == nil {
		t.Fatalf("stored ledger: %v", err)
	}
	var l struct {
		Spends []*ledger.Spend `json:"spends"`
	}
	if err := json.Unmarshal(raw, &l); err != nil {
		t.Fatal(err)
	}
	for _, s := range l.Spends {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// The signature is made before the ledger write, and released only after
// it (one write carries the reservation and the hash): a ledger write that
// fails releases nothing, leaves nothing reserved, and the same proposal
// signs once the store works again, with the stored spend carrying the
// hash the receipt names. A transaction and a typed-data signature alike.
func TestLedgerWriteFailsNothingReleased(t *testing.T) {
	ctx := context.Background()
	t.Run("transaction", func(t *testing.T) {
		p0, _ := proposals(t)
		store := &failStore{MemStore: NewMemStore(), key: KeyLedger}
		s := newSigner(t, store, &fakeClock{t: time.Unix(t0, 0)})
		if err := s.Unlock(ctx, testPassword); err != nil {
			t.Fatal(err)
		}
		store.arm(true)
		r := s.Submit(ctx, p0)
		if r.Status != wire.StatusRejected || r.Code != wire.Internal || r.RawTx != nil || r.TxHash != nil {
			t.Fatalf("receipt with the ledger write failing: %+v", r)
		}
		if v := s.ledger.View(s.now()); v.Nonce != 0 || v.Spent.Sign() != 0 || s.ledger.Seen("p0") {
			t.Fatalf("a refused proposal stayed reserved: %+v", v)
		}
		if sp := storedSpend(t, store, "p0"); sp != nil {
			t.Fatalf("stored %+v", sp)
		}
		store.arm(false)
		r = s.Submit(ctx, p0)
		if r.Status != wire.StatusSigned || r.TxHash == nil {
			t.Fatalf("receipt once the store works: %+v", r)
		}
		if sp := storedSpend(t, store, "p0"); sp == nil || sp.TxHash == nil || *sp.TxHash != *r.TxHash {
			t.Fatalf("stored spend %+v, receipt hash %v", sp, r.TxHash)
		}
	})
	t.Run("signature", func(t *testing.T) {
		s, _ := sigSigner(t)
		store := &failStore{MemStore: s.store.(*MemStore), key: KeyLedger}
		s.store = store
		pay := payment(t, "pay-f", 0, nonce(900))
		store.arm(true)
		r := s.Submit(ctx, pay)
		if r.Status != wire.StatusRejected || r.Code != wire.Internal || r.Signature != nil || r.Digest != nil {
			t.Fatalf("receipt with the ledger write failing: %+v", r)
		}
		if dusdcSpent(s) != 0 || s.ledger.Seen("pay-f") {
			t.Fatal("a refused signature stayed reserved")
		}
		store.arm(false)
		r = s.Submit(ctx, pay)
		if r.Status != wire.StatusSigned || r.Digest == nil {
			t.Fatalf("receipt once the store works: %+v", r)
		}
		if sp := storedSpend(t, store, "pay-f"); sp == nil || sp.TxHash == nil || *sp.TxHash != *r.Digest || sp.Sig == nil {
			t.Fatalf("stored spend %+v, receipt digest %v", sp, r.Digest)
		}
	})
}
