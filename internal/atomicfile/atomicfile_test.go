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
