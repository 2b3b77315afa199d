package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/leash-wallet/leash/relay/e2e"
)

// StateStore persists a session's sequence numbers (e2e.State).
type StateStore interface {
	Load() (e2e.State, error)
	Save(e2e.State) error
}

// FileState keeps the state in a JSON file, replaced atomically and fsynced
// on every Save.
type FileState struct {
	Path string
	mu   sync.Mutex
}

// Load returns the zero state when the file does not exist yet.
func (f *FileState) Load() (e2e.State, error) {
	var st e2e.State
	b, err := os.ReadFile(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("client: state file %s: %w", f.Path, err)
	}
	return st, nil
}

// Save writes the state durably.
func (f *FileState) Save(st e2e.State) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, _ := json.Marshal(st)
	tmp, err := os.CreateTemp(filepath.Dir(f.Path), ".state-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), f.Path)
}

// MemState keeps the state in memory (tests, benchmarks).
type MemState struct {
	mu sync.Mutex
	st e2e.State
}

func (m *MemState) Load() (e2e.State, error) { m.mu.Lock(); defer m.mu.Unlock(); return m.st, nil }
func (m *MemState) Save(st e2e.State) error  { m.mu.Lock(); m.st = st; m.mu.Unlock(); return nil }
