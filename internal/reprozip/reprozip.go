// Package reprozip writes a directory as a zip archive that depends only on
// the files' paths and contents, so two builds of the same sources give the
// same bytes (the release's extension zip and Worker bundle).
//
// Guarantees: entries are the regular files under the directory, sorted by
// their slash-separated path (byte order); every entry has the same
// modification time (SOURCE_DATE_EPOCH in the scripts), mode 0644 (0755 when
// any execute bit is set), no directory entries, no owner or extended
// attributes, and Deflate at the default level. Symbolic links and other
// special files are refused rather than followed, so nothing outside the
// directory can end up in the archive.
package reprozip

import (
	"archive/zip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Write writes the regular files under dir to w as a zip archive whose
// entries all carry mtime.
func Write(w io.Writer, dir string, mtime time.Time) error {
	type file struct {
		name string
		mode fs.FileMode
	}
	var files []file
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("reprozip: %s is not a regular file (%v)", p, d.Type())
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files = append(files, file{filepath.ToSlash(rel), info.Mode()})
		return nil
	})
	if err != nil {
		return err
	}
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	zw := zip.NewWriter(w)
	mtime = mtime.UTC()
	for _, f := range files {
		h := &zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: mtime}
		mode := fs.FileMode(0o644)
		if f.mode&0o111 != 0 {
			mode = 0o755
		}
		h.SetMode(mode)
		dst, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		src, err := os.Open(filepath.Join(dir, filepath.FromSlash(f.name)))
		if err != nil {
			return err
		}
		_, err = io.Copy(dst, src)
		src.Close()
		if err != nil {
			return err
		}
	}
	return zw.Close()
}
