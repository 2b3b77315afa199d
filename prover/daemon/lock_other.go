//go:build !unix

package daemon

import "os"

// lockDir opens path; this platform gets no lock (releases are built for
// Linux and macOS only).
func lockDir(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
}
