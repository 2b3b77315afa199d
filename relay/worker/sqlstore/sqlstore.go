package sqlstore

import (
	"encoding/binary"
	"fmt"

	"github.com/leash-wallet/leash/relay/core"
	"github.com/leash-wallet/leash/relay/e2e"
)

// DB is the synchronous SQL of a Durable Object.
type DB interface {
	// Exec runs one statement. Arguments are []byte, Shared, int64 or
	// string; row values come back as []byte, int64, float64, string or
	// nil. Only a SELECT returns rows.
	Exec(query string, args ...any) ([][]any, error)
	// Txn runs fn in one transaction, rolled back when fn fails.
	Txn(fn func() error) error
}

// Shared is a blob argument that recurs (a channel id): a DB may convert it
// once and reuse the result.
type Shared []byte

// returnsRows reports whether a statement is a query (SELECT), whose rows
// a DB must collect; other statements' results are dropped.
func returnsRows(query string) bool {
	for i := 0; i < len(query); i++ {
		if c := query[i]; c != ' ' && c != '\t' && c != '\n' {
			return len(query)-i >= 6 && (query[i:i+6] == "SELECT" || query[i:i+6] == "select")
		}
	}
	return false
}

// Store is a core.Store over a DB.
type Store struct{ db DB }

var _ core.Store = (*Store)(nil)

var schema = []string{
	`CREATE TABLE IF NOT EXISTS relay_queue (ch BLOB NOT NULL, role INTEGER NOT NULL,
		last_seq BLOB NOT NULL, acked BLOB NOT NULL, PRIMARY KEY (ch, role))`,
	`CREATE TABLE IF NOT EXISTS relay_rec (ch BLOB NOT NULL, role INTEGER NOT NULL, seq BLOB NOT NULL,
		id BLOB NOT NULL, expires INTEGER NOT NULL, env BLOB NOT NULL, PRIMARY KEY (ch, role, seq))`,
	// No index on expires: an object holds one channel's few queued
	// envelopes, so the expiry scan is cheap, and an index would add a
	// billed row write to every insert and delete.
}

// Open creates the tables when they do not exist.
func Open(db DB) (*Store, error) {
	for _, q := range schema {
		if _, err := db.Exec(q); err != nil {
			return nil, fmt.Errorf("sqlstore: schema: %w", err)
		}
	}
	return &Store{db: db}, nil
}

func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func asU64(v any) (uint64, error) {
	b, ok := v.([]byte)
	if !ok || len(b) != 8 {
		return 0, fmt.Errorf("sqlstore: corrupt row: sequence %T of %d bytes", v, len(b))
	}
	return binary.BigEndian.Uint64(b), nil
}

func asInt(v any) (int64, error) {
	switch n := v.(type) {
	case int64:
		return n, nil
	case float64:
		if n == float64(int64(n)) {
			return int64(n), nil
		}
	}
	return 0, fmt.Errorf("sqlstore: corrupt row: integer %T %v", v, v)
}

func asID(v any) (e2e.MessageID, error) {
	var id e2e.MessageID
	b, ok := v.([]byte)
	if !ok || len(b) != len(id) {
		return id, fmt.Errorf("sqlstore: corrupt row: message id %T", v)
	}
	copy(id[:], b)
	return id, nil
}

func need(row []any, n int) error {
	if len(row) != n {
		return fmt.Errorf("sqlstore: corrupt row: %d columns, want %d", len(row), n)
	}
	return nil
}

// Load implements core.Store.
func (s *Store) Load(q core.QueueID, now int64) (core.QueueState, error) {
	var st core.QueueState
	rows, err := s.db.Exec(`SELECT last_seq, acked FROM relay_queue WHERE ch = ? AND role = ?`, Shared(q.Channel[:]), int64(q.To))
	if err != nil {
		return st, fmt.Errorf("sqlstore: load: %w", err)
	}
	if len(rows) == 1 {
		if err := need(rows[0], 2); err != nil {
			return st, err
		}
		if st.LastSeq, err = asU64(rows[0][0]); err != nil {
			return st, err
		}
		if st.Acked, err = asU64(rows[0][1]); err != nil {
			return st, err
		}
	}
	// A queue row is written only when records are deleted (ack, expiry),
	// folding their sequence numbers in first; until then the highest
	// accepted seq is the highest stored one.
	rows, err = s.db.Exec(`SELECT max(seq) FROM relay_rec WHERE ch = ? AND role = ?`, Shared(q.Channel[:]), int64(q.To))
	if err != nil {
		return st, fmt.Errorf("sqlstore: load: %w", err)
	}
	if len(rows) == 1 && len(rows[0]) == 1 && rows[0][0] != nil {
		top, err := asU64(rows[0][0])
		if err != nil {
			return st, err
		}
		st.LastSeq = max(st.LastSeq, top)
	}
	rows, err = s.db.Exec(`SELECT seq, id FROM relay_rec WHERE ch = ? AND role = ? AND expires >= ? ORDER BY seq`,
		Shared(q.Channel[:]), int64(q.To), now)
	if err != nil {
		return st, fmt.Errorf("sqlstore: load: %w", err)
	}
	st.Pending = make([]core.Pending, 0, len(rows))
	for _, r := range rows {
		var p core.Pending
		if err := need(r, 2); err != nil {
			return st, err
		}
		if p.Seq, err = asU64(r[0]); err != nil {
			return st, err
		}
		if p.ID, err = asID(r[1]); err != nil {
			return st, err
		}
		st.Pending = append(st.Pending, p)
	}
	return st, nil
}

// Commit implements core.Store: the whole batch in one transaction. An
// append writes one row; the queue row (last_seq, acked) is written only
// before records are deleted, so that their sequence numbers stay counted.
// Every row written is billed, hence the economy.
func (s *Store) Commit(b *core.Batch) error {
	apply := func() error {
		for _, r := range b.Append {
			if _, err := s.db.Exec(`INSERT INTO relay_rec (ch, role, seq, id, expires, env) VALUES (?, ?, ?, ?, ?, ?)`,
				Shared(r.Queue.Channel[:]), int64(r.Queue.To), u64(r.Seq), r.ID[:], r.Expires, r.Envelope); err != nil {
				return err
			}
		}
		for q, up := range b.Ack {
			if err := s.fold(q, up); err != nil {
				return err
			}
			if _, err := s.db.Exec(`DELETE FROM relay_rec WHERE ch = ? AND role = ? AND seq <= ?`,
				Shared(q.Channel[:]), int64(q.To), u64(up)); err != nil {
				return err
			}
		}
		folded := map[core.QueueID]bool{}
		for _, ref := range b.Expire {
			if !folded[ref.Queue] {
				folded[ref.Queue] = true
				if err := s.fold(ref.Queue, 0); err != nil {
					return err
				}
			}
			if _, err := s.db.Exec(`DELETE FROM relay_rec WHERE ch = ? AND role = ? AND seq = ?`,
				Shared(ref.Queue.Channel[:]), int64(ref.Queue.To), u64(ref.Seq)); err != nil {
				return err
			}
		}
		return nil
	}
	var err error
	if len(b.Append) == 1 && len(b.Ack) == 0 && len(b.Expire) == 0 {
		err = apply() // one statement is atomic by itself
	} else {
		err = s.db.Txn(apply)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	return nil
}

// fold raises q's stored last_seq to its highest stored record and its ack
// point to acked, before records are deleted.
func (s *Store) fold(q core.QueueID, acked uint64) error {
	_, err := s.db.Exec(`INSERT INTO relay_queue (ch, role, last_seq, acked)
		VALUES (?, ?, coalesce((SELECT max(seq) FROM relay_rec WHERE ch = ? AND role = ?), ?), ?)
		ON CONFLICT (ch, role) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq), acked = max(acked, excluded.acked)`,
		Shared(q.Channel[:]), int64(q.To), Shared(q.Channel[:]), int64(q.To), u64(0), u64(acked))
	return err
}

// Read implements core.Store.
func (s *Store) Read(q core.QueueID, after uint64, limit int, now int64) ([]core.Record, error) {
	rows, err := s.db.Exec(`SELECT seq, id, expires, env FROM relay_rec
		WHERE ch = ? AND role = ? AND seq > ? AND expires >= ? ORDER BY seq LIMIT ?`,
		Shared(q.Channel[:]), int64(q.To), u64(after), now, int64(limit))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: read: %w", err)
	}
	out := make([]core.Record, 0, len(rows))
	for _, r := range rows {
		rec := core.Record{Queue: q}
		if err := need(r, 4); err != nil {
			return nil, err
		}
		if rec.Seq, err = asU64(r[0]); err != nil {
			return nil, err
		}
		if rec.ID, err = asID(r[1]); err != nil {
			return nil, err
		}
		if rec.Expires, err = asInt(r[2]); err != nil {
			return nil, err
		}
		env, ok := r[3].([]byte)
		if !ok {
			return nil, fmt.Errorf("sqlstore: corrupt row: envelope %T", r[3])
		}
		rec.Envelope = env
		out = append(out, rec)
	}
	return out, nil
}

// Expired implements core.Store.
func (s *Store) Expired(now int64, limit int) ([]core.Ref, error) {
	rows, err := s.db.Exec(`SELECT ch, role, seq FROM relay_rec WHERE expires < ? LIMIT ?`, now, int64(limit))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: expired: %w", err)
	}
	out := make([]core.Ref, 0, len(rows))
	for _, r := range rows {
		var ref core.Ref
		if err := need(r, 3); err != nil {
			return nil, err
		}
		ch, ok := r[0].([]byte)
		if !ok || len(ch) != len(ref.Queue.Channel) {
			return nil, fmt.Errorf("sqlstore: corrupt row: channel %T", r[0])
		}
		copy(Shared(ref.Queue.Channel[:]), ch)
		role, err := asInt(r[1])
		if err != nil {
			return nil, err
		}
		ref.Queue.To = e2e.Role(role)
		if ref.Seq, err = asU64(r[2]); err != nil {
			return nil, err
		}
		out = append(out, ref)
	}
	return out, nil
}

// NextExpiry is the earliest expiry (unix ms) of any stored envelope, or 0
// when none is stored: when the Durable Object's alarm should fire.
func (s *Store) NextExpiry() (int64, error) {
	rows, err := s.db.Exec(`SELECT min(expires) FROM relay_rec`)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: next expiry: %w", err)
	}
	if len(rows) != 1 || len(rows[0]) != 1 || rows[0][0] == nil {
		return 0, nil
	}
	return asInt(rows[0][0])
}
