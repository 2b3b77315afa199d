//go:build unix

package daemon

import (
	"errors"
	"os"
	"syscall"
)

// lockDir takes an exclusive lock on path (created 0600), held until the
// returned file is closed (or the process ends). errLocked: another
// holder has it.
func lockDir(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errLocked
		}
		return nil, err
	}
	return f, nil
}
