// Package atomicfile writes files so that a reader, or a crash, never sees
// a partial one: the bytes go to a temporary file in the same directory,
// which is synced and closed before it takes the final name; then the
// directory is synced, so that the new name survives a power loss too.
//
// Guarantees: Replace either leaves the old file or puts the whole new one
// in its place (rename); Create never replaces an existing file (link),
// and says so with os.ErrExist. The temporary file has the final mode
// before any byte is written and is removed on every path.
package atomicfile

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// Replace writes path with mode through write, replacing any file there.
func Replace(path string, mode os.FileMode, write func(io.Writer) error) error {
	return place(path, mode, write, os.Rename)
}

// Create writes path with mode through write; it fails with an error
// wrapping os.ErrExist if path exists, and never replaces it.
func Create(path string, mode os.FileMode, write func(io.Writer) error) error {
	if _, err := os.Lstat(path); err == nil {
		return &os.PathError{Op: "create", Path: path, Err: os.ErrExist}
	}
	return place(path, mode, write, os.Link)
}

// Bytes adapts a byte slice to the write function of Replace and Create.
func Bytes(b []byte) func(io.Writer) error {
	return func(w io.Writer) error { _, err := w.Write(b); return err }
}

func place(path string, mode os.FileMode, write func(io.Writer) error, publish func(tmp, path string) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := fill(tmp, mode, write); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := publish(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// syncDir makes a new name in dir durable (the file's bytes were synced
// before it got the name). A file system that cannot sync a directory
// (EINVAL, ENOTSUP) has nothing more to offer and is not an error.
var syncDir = func(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
		return nil
	}
	return err
}

func fill(f *os.File, mode os.FileMode, write func(io.Writer) error) error {
	if err := f.Chmod(mode); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Sync()
}
