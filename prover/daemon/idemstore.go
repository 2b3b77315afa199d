package daemon

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/leash-wallet/leash/internal/atomicfile"
	"github.com/leash-wallet/leash/wire"
)

// IdempotencyFile is the file in Config.DataDir that keeps the
// Idempotency-Keys and the records they made (mode 0600): a header line,
// then one JSON line per change of a keyed record. The last line of a key
// wins; a line without a record releases the key (its request was never
// queued). The file is rewritten whole (atomically) when it holds more
// than twice its live keys plus CompactSlack lines, and at every start.
const IdempotencyFile = "idempotency.jsonl"

// CompactSlack is how many lines beyond twice the live keys the key file
// may hold before it is rewritten.
const CompactSlack = 64

// DefaultIdempotencyTTL is how long a key is kept after its record is final.
const DefaultIdempotencyTTL = 24 * time.Hour

const (
	idemFormat  = "leash-agent-idempotency"
	idemVersion = 1
)

// idemFileHeader is the key file's first line.
type idemFileHeader struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
}

// idemEntry is one line of the key file.
type idemEntry struct {
	Key    string      `json:"key"`
	Sum    wire.Hash32 `json:"sum"`              // the request's fingerprint (requestSum)
	Record *Record     `json:"record,omitempty"` // absent: the key was released
}

// IdempotencyLock is the file in Config.DataDir a daemon holds locked
// while it runs, so that a second agent host over the same DataDir (a
// redeploy that starts the new one before the old one stopped) refuses to
// start instead of writing a key file the other one then replaces.
const IdempotencyLock = "idempotency.lock"

var (
	errLocked = errors.New("locked")
	// errClosed: the daemon stopped (Close); nothing more is written.
	errClosed = errors.New("the key file is closed (the daemon stopped)")
)

// idemLog appends to the key file. Every method is called with the
// records' mutex held, so lines are written in the order of the changes.
type idemLog struct {
	path   string
	f      *os.File // nil once closed
	lock   *os.File // DataDir's lock, held until close
	lines  int      // entry lines after the header
	closed bool     // the daemon stopped: the next one owns the directory
	// writeTo writes a line to the file; nil is f.Write (tests inject a
	// write that fails half-way).
	writeTo func(f *os.File, b []byte) (int, error)
}

func errStore(path, format string, a ...any) error {
	return &wire.Error{Code: CodeIdempotencyStore, Message: fmt.Sprintf("%s: %s; the agent host refuses to start rather than forget its Idempotency-Keys "+
		"(a retried request would be proposed again). Restore the file from a backup, or, once you have checked the wallet's activity "+
		"for every request the agent may retry, move it away and start again", path, fmt.Sprintf(format, a...))}
}

// decodeIdemLog reads a key file: the live entries, in the order their
// keys were last claimed, and whether a torn last line (a crash in the
// middle of a write, never acknowledged) was dropped. Any other damage is
// an error.
func decodeIdemLog(data []byte) (live []idemEntry, torn bool, err error) {
	if len(data) == 0 {
		return nil, false, nil
	}
	lines := bytes.Split(data, []byte{'\n'})
	if last := lines[len(lines)-1]; len(last) == 0 {
		lines = lines[:len(lines)-1]
	} else {
		if len(lines) == 1 {
			return nil, false, errors.New("no header line")
		}
		lines, torn = lines[:len(lines)-1], true
	}
	var h idemFileHeader
	if err := wire.DecodeStrict(lines[0], &h, "header"); err != nil {
		return nil, false, fmt.Errorf("line 1: %v", err)
	}
	if h.Format != idemFormat || h.Version != idemVersion {
		return nil, false, fmt.Errorf("line 1: not a version %d key file of the agent host (format %q, version %d)", idemVersion, h.Format, h.Version)
	}
	type slot struct {
		e   idemEntry
		seq int
	}
	byKey := map[string]slot{}
	keyOfID := map[string]string{}
	for i, line := range lines[1:] {
		var e idemEntry
		if err := wire.DecodeStrict(line, &e, "entry"); err != nil {
			return nil, false, fmt.Errorf("line %d: %v", i+2, err)
		}
		if e.Key == "" || len(e.Key) > MaxIdempotencyKey || !printable(e.Key) {
			return nil, false, fmt.Errorf("line %d: the key is not 1-%d printable characters", i+2, MaxIdempotencyKey)
		}
		if e.Record == nil {
			delete(byKey, e.Key)
			continue
		}
		if e.Record.ID == "" || !knownStatus(e.Record.Status) {
			return nil, false, fmt.Errorf("line %d: a record without an id, or of an unknown status %q", i+2, clip(e.Record.Status))
		}
		if k, ok := keyOfID[e.Record.ID]; ok && k != e.Key {
			return nil, false, fmt.Errorf("line %d: record %s under two keys", i+2, clip(e.Record.ID))
		}
		keyOfID[e.Record.ID] = e.Key
		s, ok := byKey[e.Key]
		if !ok || s.e.Record.ID != e.Record.ID {
			s.seq = i // a new claim of the key
		}
		s.e = e
		byKey[e.Key] = s
	}
	seqs := make([]slot, 0, len(byKey))
	for _, s := range byKey {
		seqs = append(seqs, s)
	}
	slices.SortFunc(seqs, func(a, b slot) int { return a.seq - b.seq })
	for _, s := range seqs {
		live = append(live, s.e)
	}
	return live, torn, nil
}

func knownStatus(s string) bool {
	switch s {
	case StatusQueued, StatusProving, StatusSent, StatusSigned, StatusMined, StatusRejected, StatusFailed, StatusInterrupted:
		return true
	}
	return false
}

// encodeIdem is one line of the key file, with its newline.
func encodeIdem(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// append writes one entry and syncs it to disk before returning.
func (l *idemLog) append(e idemEntry) error {
	if l.closed {
		return errClosed
	}
	if l.f == nil {
		return errors.New("the key file is not open for appending (an earlier write failed and it could not be rewritten)")
	}
	b, err := encodeIdem(e)
	if err != nil {
		return err
	}
	write := l.writeTo
	if write == nil {
		write = (*os.File).Write
	}
	if _, err := write(l.f, b); err != nil {
		return err
	}
	if err := l.f.Sync(); err != nil {
		return err
	}
	l.lines++
	return nil
}

// rewrite replaces the file with the header and entries (atomically, then
// syncs the directory so the rename is on disk before anything is appended
// to the new file), and appends to it from now on.
func (l *idemLog) rewrite(entries []idemEntry) error {
	if l.closed {
		return errClosed
	}
	var buf bytes.Buffer
	b, _ := encodeIdem(idemFileHeader{Format: idemFormat, Version: idemVersion})
	buf.Write(b)
	for _, e := range entries {
		b, err := encodeIdem(e)
		if err != nil {
			return err
		}
		buf.Write(b)
	}
	if err := atomicfile.Replace(l.path, 0o600, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
		return err
	}
	if dir, err := os.Open(filepath.Dir(l.path)); err == nil {
		err = dir.Sync()
		dir.Close()
		if err != nil {
			return err
		}
	}
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	if l.f != nil {
		l.f.Close()
	}
	l.f, l.lines = f, len(entries)
	return nil
}

// stopAppending closes the append handle after a failed write: the file
// may end in part of a line, and only a rewrite opens it again.
func (l *idemLog) stopAppending() {
	if l.f != nil {
		l.f.Close()
		l.f = nil
	}
}

func (l *idemLog) close() {
	l.closed = true
	l.stopAppending()
	if l.lock != nil {
		l.lock.Close()
		l.lock = nil
	}
}

// openIdemLog reads the key file in dir (creating dir, 0700, when it does
// not exist) and returns its live entries.
func openIdemLog(dir string) (*idemLog, []idemEntry, bool, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, false, err
	}
	lock, err := lockDir(filepath.Join(dir, IdempotencyLock))
	if errors.Is(err, errLocked) {
		return nil, nil, false, &wire.Error{Code: CodeDataDirInUse, Message: fmt.Sprintf(
			"another agent host is running over %s (it holds %s): stop it first; two over one data directory would lose each other's Idempotency-Keys", dir, IdempotencyLock)}
	}
	if err != nil {
		return nil, nil, false, err
	}
	path := filepath.Join(dir, IdempotencyFile)
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		lock.Close()
		return nil, nil, false, errStore(path, "%v", err)
	}
	live, torn, err := decodeIdemLog(data)
	if err != nil {
		lock.Close()
		return nil, nil, false, errStore(path, "%v", err)
	}
	return &idemLog{path: path, lock: lock}, live, torn, nil
}
