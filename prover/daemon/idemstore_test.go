package daemon

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leash-wallet/leash/internal/fuzzcorpus"
)

// FuzzDecodeIdemLog: the key file's decoder never panics, and what it
// accepts survives a rewrite unchanged (the same keys, fingerprints and
// record ids, in the same order).
func FuzzDecodeIdemLog(f *testing.F) {
	// Seeds: testdata/fuzz/FuzzDecodeIdemLog (golden vectors too, TestIdemLogSeeds).
	f.Fuzz(func(t *testing.T, data []byte) {
		live, _, err := decodeIdemLog(data)
		if err != nil {
			return
		}
		l := &idemLog{path: filepath.Join(t.TempDir(), IdempotencyFile)}
		if err := l.rewrite(live); err != nil {
			t.Fatal(err)
		}
		l.close()
		again, err := os.ReadFile(l.path)
		if err != nil {
			t.Fatal(err)
		}
		back, torn, err := decodeIdemLog(again)
		if err != nil || torn || len(back) != len(live) {
			t.Fatalf("rewritten file: %d entries of %d, torn %v, %v\n%s", len(back), len(live), torn, err, again)
		}
		for i := range live {
			if back[i].Key != live[i].Key || back[i].Sum != live[i].Sum || back[i].Record.ID != live[i].Record.ID {
				t.Fatalf("entry %d changed: %+v → %+v", i, live[i], back[i])
			}
		}
	})
}

// TestIdemLogSeeds: the seeds are golden vectors: expfail_* are refused,
// the others read (a torn last line dropped).
func TestIdemLogSeeds(t *testing.T) {
	for name, seed := range fuzzcorpus.Read(t, "", "FuzzDecodeIdemLog") {
		live, torn, err := decodeIdemLog(seed[0].([]byte))
		switch {
		case strings.HasPrefix(name, "expfail_"):
			if err == nil {
				t.Errorf("%s: accepted (%d entries)", name, len(live))
			}
		case err != nil:
			t.Errorf("%s: %v", name, err)
		case strings.Contains(name, "torn") != torn:
			t.Errorf("%s: torn %v", name, torn)
		}
	}
}

// TestIdemLogLastLineWins: a key's last line wins, a line without a record
// releases the key, and a key claimed again moves to the end.
func TestIdemLogLastLineWins(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`{"format":"leash-agent-idempotency","version":1}` + "\n")
	sum := `"0x` + strings.Repeat("ab", 32) + `"`
	rec := func(id, status string) string {
		return `{"id":"` + id + `","status":"` + status + `","final":false,"attempts":0,"timings":{"precheckMs":0,"queueMs":0,"proveMs":0},"created":"2026-12-07T10:00:00Z","updated":"2026-12-07T10:00:00Z"}`
	}
	for _, l := range []string{
		`{"key":"a","sum":` + sum + `,"record":` + rec("p-1", "queued") + `}`,
		`{"key":"b","sum":` + sum + `,"record":` + rec("p-2", "queued") + `}`,
		`{"key":"a","sum":` + sum + `,"record":` + rec("p-1", "signed") + `}`,
		`{"key":"c","sum":` + sum + `,"record":` + rec("p-3", "queued") + `}`,
		`{"key":"c","sum":` + sum + `}`,
		`{"key":"b","sum":` + sum + `}`,
		`{"key":"b","sum":` + sum + `,"record":` + rec("p-4", "queued") + `}`,
	} {
		b.WriteString(l + "\n")
	}
	live, torn, err := decodeIdemLog(b.Bytes())
	if err != nil || torn {
		t.Fatal(err, torn)
	}
	var got []string
	for _, e := range live {
		got = append(got, e.Key+"="+e.Record.ID+":"+e.Record.Status)
	}
	if strings.Join(got, " ") != "a=p-1:signed b=p-4:queued" {
		t.Fatalf("%v", got)
	}
}

// TestIdemLogWriteFailsHalfWay: a write that fails after part of a line
// (a full disk) fails the request, and the next write first rewrites the
// file from memory, so the file never holds a damaged line and every key
// that was acknowledged is in it.
func TestIdemLogWriteFailsHalfWay(t *testing.T) {
	dir := t.TempDir()
	log, live, _, err := openIdemLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	r := newRecords(100, DefaultIdempotencyTTL, time.Now, false, slog.New(slog.DiscardHandler))
	if err := r.restore(log, live); err != nil {
		t.Fatal(err)
	}
	defer r.close()
	add := func(key string) error {
		_, c, err := r.claim(t.Context(), key, requestSum("transaction", []byte(key)))
		if err != nil || c == nil {
			t.Fatalf("claim %s: %v", key, err)
		}
		now := time.Now()
		err = r.add(&Record{ID: "p-" + key, Status: StatusRejected, Created: now, Updated: now}, c)
		if err != nil {
			r.drop(c)
		} else {
			r.keep(c)
		}
		return err
	}
	if err := add("a"); err != nil {
		t.Fatal(err)
	}
	failing := true
	log.writeTo = func(f *os.File, b []byte) (int, error) {
		if failing {
			failing = false
			n, _ := f.Write(b[:len(b)/2])
			return n, errors.New("no space left on device")
		}
		failing = true // the retry after the rewrite fails too
		n, _ := f.Write(b[:len(b)/3])
		return n, errors.New("no space left on device")
	}
	if err := add("b"); err == nil {
		t.Fatal("a failed write was acknowledged")
	}
	log.writeTo = nil
	if err := add("c"); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, IdempotencyFile))
	if err != nil {
		t.Fatal(err)
	}
	got, torn, err := decodeIdemLog(data)
	if err != nil || torn {
		t.Fatalf("the file after a failed write: %v torn %v\n%s", err, torn, data)
	}
	var keys []string
	for _, e := range got {
		keys = append(keys, e.Key)
	}
	if strings.Join(keys, ",") != "a,c" {
		t.Fatalf("keys in the file: %v", keys)
	}
}

// TestRestoreKeepsWhatWasNotFinal: over the limit at start (History was
// lowered), the oldest final records go; one that was not final stays,
// interrupted, however old its place.
func TestRestoreKeepsWhatWasNotFinal(t *testing.T) {
	now := time.Now()
	var live []idemEntry
	for i, st := range []string{StatusSent, StatusMined, StatusMined, StatusQueued, StatusRejected} {
		k := string(rune('a' + i))
		live = append(live, idemEntry{Key: k, Record: &Record{ID: "p-" + k, Status: st, Created: now, Updated: now}})
	}
	log, _, _, err := openIdemLog(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r := newRecords(3, DefaultIdempotencyTTL, time.Now, true, slog.New(slog.DiscardHandler))
	if err := r.restore(log, live); err != nil {
		t.Fatal(err)
	}
	defer r.close()
	var got []string
	for _, id := range r.order {
		got = append(got, id+":"+r.byID[id].Status)
	}
	if strings.Join(got, " ") != "p-a:interrupted p-d:interrupted p-e:rejected" {
		t.Fatalf("%v", got)
	}
}
