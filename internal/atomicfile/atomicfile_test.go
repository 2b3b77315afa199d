package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestReplaceAndCreate(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := Create(p, 0o600, Bytes([]byte("one"))); err != nil {
		t.Fatal(err)
	}
	if err := Create(p, 0o600, Bytes([]byte("two"))); !errors.Is(err, os.ErrExist) {
		t.Fatalf("Create over an existing file: %v, want ErrExist", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "one" {
		t.Fatalf("Create replaced the file: %q", b)
	}
	if err := Replace(p, 0o644, Bytes([]byte("three"))); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	st, _ := os.Stat(p)
	if string(b) != "three" || st.Mode().Perm() != 0o644 {
		t.Fatalf("after Replace: %q %v", b, st.Mode())
	}
	// A failing writer leaves the old file and no temporary file behind.
	boom := errors.New("boom")
	if err := Replace(p, 0o644, func(w io.Writer) error { w.Write([]byte("partial")); return boom }); !errors.Is(err, boom) {
		t.Fatalf("Replace with a failing writer: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "three" {
		t.Fatalf("a failed Replace changed the file: %q", b)
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Fatalf("temporary files left: %v", es)
	}
}

// TestSyncsTheDirectory: after a file takes its name, its directory is
// synced (the name must survive a power loss, not only the bytes), and a
// directory sync that fails fails the write.
func TestSyncsTheDirectory(t *testing.T) {
	dir := t.TempDir()
	var synced []string
	fail := error(nil)
	old := syncDir
	syncDir = func(d string) error {
		synced = append(synced, d)
		if fail != nil {
			return fail
		}
		return old(d)
	}
	t.Cleanup(func() { syncDir = old })
	if err := Replace(filepath.Join(dir, "a"), 0o600, Bytes([]byte("x"))); err != nil {
		t.Fatal(err)
	}
	if err := Create(filepath.Join(dir, "b"), 0o600, Bytes([]byte("y"))); err != nil {
		t.Fatal(err)
	}
	if len(synced) != 2 || synced[0] != dir || synced[1] != dir {
		t.Fatalf("directory syncs: %v, want %s twice", synced, dir)
	}
	// A failed write syncs nothing; a failed sync is the write's error.
	if err := Replace(filepath.Join(dir, "a"), 0o600, func(io.Writer) error { return io.ErrShortWrite }); err == nil || len(synced) != 2 {
		t.Fatalf("failed write: %v, %d syncs", err, len(synced))
	}
	fail = errors.New("disk gone")
	if err := Replace(filepath.Join(dir, "a"), 0o600, Bytes([]byte("z"))); !errors.Is(err, fail) {
		t.Fatalf("failed directory sync: %v", err)
	}
}
