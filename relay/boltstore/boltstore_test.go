package boltstore_test

import (
	"testing"

	"github.com/leash-wallet/leash/relay/boltstore"
	"github.com/leash-wallet/leash/relay/core"
	"github.com/leash-wallet/leash/relay/core/storetest"
)

func TestStoreSemantics(t *testing.T) {
	dir := t.TempDir()
	open := func(t *testing.T) core.Store {
		s, err := boltstore.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	reopen := func(t *testing.T, s core.Store) core.Store {
		if err := s.(*boltstore.Store).Close(); err != nil {
			t.Fatal(err)
		}
		return open(t)
	}
	storetest.Run(t, open, reopen)
}
