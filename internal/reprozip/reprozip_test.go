package reprozip

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func tree(t *testing.T, root string, files map[string]string, order []string) {
	t.Helper()
	for _, name := range order {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(files[name]), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSameBytes: the same files written in another order, at other times,
// with other permissions, in another directory, give the same archive.
func TestSameBytes(t *testing.T) {
	files := map[string]string{"manifest.json": "{}", "sw/a.js": "a", "sw/b.js": "b", "ui/x.html": "<p>", "leash.wasm": "\x00asm"}
	a, b := t.TempDir(), filepath.Join(t.TempDir(), "other", "place")
	tree(t, a, files, []string{"manifest.json", "sw/a.js", "sw/b.js", "ui/x.html", "leash.wasm"})
	tree(t, b, files, []string{"ui/x.html", "leash.wasm", "sw/b.js", "manifest.json", "sw/a.js"})
	os.Chtimes(filepath.Join(b, "sw", "a.js"), time.Unix(1, 0), time.Unix(1, 0))
	os.Chmod(filepath.Join(b, "manifest.json"), 0o664)
	mtime := time.Unix(1_700_000_000, 0)
	var za, zb bytes.Buffer
	if err := Write(&za, a, mtime); err != nil {
		t.Fatal(err)
	}
	if err := Write(&zb, b, mtime); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(za.Bytes(), zb.Bytes()) {
		t.Fatal("the archives differ")
	}
	r, err := zip.NewReader(bytes.NewReader(za.Bytes()), int64(za.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range r.File {
		names = append(names, f.Name)
		if !f.Modified.Equal(mtime) || f.Mode() != 0o644 {
			t.Errorf("%s: %v %v", f.Name, f.Modified, f.Mode())
		}
	}
	want := []string{"leash.wasm", "manifest.json", "sw/a.js", "sw/b.js", "ui/x.html"}
	if len(names) != len(want) {
		t.Fatalf("entries %v", names)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("entries %v, want %v", names, want)
		}
	}
	// Another time is another archive (the time is really written).
	var zc bytes.Buffer
	Write(&zc, a, mtime.Add(time.Hour))
	if bytes.Equal(za.Bytes(), zc.Bytes()) {
		t.Fatal("mtime ignored")
	}
}

// TestRefusesLinks: a symbolic link (to a secret outside the tree) is an
// error, not an entry.
func TestRefusesLinks(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secret, []byte("key"), 0o600)
	os.WriteFile(filepath.Join(dir, "a"), []byte("a"), 0o644)
	if err := os.Symlink(secret, filepath.Join(dir, "b")); err != nil {
		t.Skip(err)
	}
	if err := Write(&bytes.Buffer{}, dir, time.Unix(0, 0)); err == nil {
		t.Fatal("a symbolic link was archived")
	}
}
