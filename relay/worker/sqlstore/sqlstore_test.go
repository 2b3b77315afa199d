package sqlstore_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/leash-wallet/leash/relay/core"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/worker/sqlstore"
)

// rowsDB is a hand-written fake DB that answers every SELECT with fixed
// rows: what a corrupt or hostile database would hand back.
type rowsDB struct {
	rows [][]any
	err  error
}

func (f *rowsDB) Exec(q string, _ ...any) ([][]any, error) {
	if f.err != nil {
		return nil, f.err
	}
	if strings.HasPrefix(strings.TrimSpace(q), "SELECT") {
		return f.rows, nil
	}
	return nil, nil
}

func (f *rowsDB) Txn(fn func() error) error { return fn() }

func TestCorruptRowsAreErrors(t *testing.T) {
	q := core.QueueID{Channel: e2e.ChannelID{1}, To: e2e.RoleSigner}
	for _, c := range []struct {
		name string
		rows [][]any
	}{
		{"short seq", [][]any{{[]byte{1, 2, 3}, []byte{0, 0, 0, 0, 0, 0, 0, 0}}}},
		{"text seq", [][]any{{"7", []byte{0, 0, 0, 0, 0, 0, 0, 0}}}},
		{"wrong columns", [][]any{{[]byte{0, 0, 0, 0, 0, 0, 0, 1}}}},
		{"fractional expiry", [][]any{{[]byte{0, 0, 0, 0, 0, 0, 0, 1}, make([]byte, 16), 1.5, []byte("e")}}},
	} {
		s, err := sqlstore.Open(&rowsDB{rows: c.rows})
		if err != nil {
			t.Fatal(err)
		}
		_, lerr := s.Load(q, 0)
		_, rerr := s.Read(q, 0, 10, 0)
		_, xerr := s.Expired(0, 10)
		if lerr == nil && rerr == nil && xerr == nil {
			t.Errorf("%s: accepted", c.name)
		}
		for _, err := range []error{lerr, rerr, xerr} {
			if err != nil && !strings.Contains(err.Error(), "sqlstore") {
				t.Errorf("%s: uncoded error %v", c.name, err)
			}
		}
	}
	boom := errors.New("disk on fire")
	if _, err := sqlstore.Open(&rowsDB{err: boom}); !errors.Is(err, boom) {
		t.Fatalf("schema failure: %v", err)
	}
	f := &rowsDB{}
	s, _ := sqlstore.Open(f)
	f.err = boom
	if err := s.Commit(&core.Batch{Append: []core.Record{{Queue: q, Seq: 1}}}); !errors.Is(err, boom) {
		t.Fatalf("commit failure: %v", err)
	}
}
