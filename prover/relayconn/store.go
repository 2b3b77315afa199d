package relayconn

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/leash-wallet/leash/internal/atomicfile"
	"github.com/leash-wallet/leash/relay/client"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/wire"
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/scrypt"
)

const (
	stateVersion = 1
	magic        = "leash-agent-state v1\n"
	saltSize     = 16
)

// saved is the pairing state, encrypted at rest.
type saved struct {
	Version   int          `json:"version"`
	Relay     string       `json:"relay"`
	Static    e2e.Key32    `json:"static"` // the agent's static X25519 private key
	Confirmed bool         `json:"confirmed"`
	State     client.State `json:"state"`
}

// store is the client's StateStore: the whole pairing state, encrypted
// and replaced atomically (fsynced) on every Save.
type store struct {
	path    string
	key     stateKeyFn
	mu      sync.Mutex
	cur     *saved
	salt    []byte
	derived []byte // the key for salt (scrypt runs once)
}

// stateKeyFn derives the encryption key for a salt (a key file ignores it).
type stateKeyFn func(salt []byte) ([]byte, error)

func stateKey(cfg Config) (stateKeyFn, error) {
	if cfg.Passphrase != "" {
		pw := []byte(cfg.Passphrase)
		return func(salt []byte) ([]byte, error) { return scrypt.Key(pw, salt, 1<<15, 8, 1, chacha20poly1305.KeySize) }, nil
	}
	path := cfg.KeyFile
	if path == "" {
		path = filepath.Join(cfg.DataDir, "state.key")
	}
	k, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		k = make([]byte, chacha20poly1305.KeySize)
		if _, err := io.ReadFull(rand.Reader, k); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, err
		}
		if _, err := f.Write(k); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	if len(k) != chacha20poly1305.KeySize {
		return nil, wire.Errorf(wire.Malformed, "%s: a state key is %d bytes, not %d", path, chacha20poly1305.KeySize, len(k))
	}
	return func([]byte) ([]byte, error) { return k, nil }, nil
}

func (s *store) setSaved(v *saved) {
	s.mu.Lock()
	s.cur = v
	s.mu.Unlock()
}

// load reads and decrypts the state file (fs.ErrNotExist when missing).
func (s *store) load() (*saved, error) {
	b, err := os.ReadFile(s.path)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(b, []byte(magic)) || len(b) < len(magic)+saltSize+chacha20poly1305.NonceSizeX+chacha20poly1305.Overhead {
		return nil, wire.Errorf(wire.Malformed, "%s: not an agent-host pairing state", s.path)
	}
	rest := b[len(magic):]
	salt, nonce, ct := rest[:saltSize], rest[saltSize:saltSize+chacha20poly1305.NonceSizeX], rest[saltSize+chacha20poly1305.NonceSizeX:]
	key, err := s.key(salt)
	if err != nil {
		return nil, err
	}
	a, _ := chacha20poly1305.NewX(key)
	pt, err := a.Open(nil, nonce, ct, []byte(magic))
	s.derived = key
	if err != nil {
		return nil, wire.Errorf(wire.Malformed, "%s: does not decrypt with this key or passphrase", s.path)
	}
	var v saved
	if err := wire.DecodeStrict(pt, &v, "pairing state"); err != nil {
		return nil, err
	}
	if v.Version != stateVersion {
		return nil, wire.Errorf(wire.Malformed, "%s: version %d", s.path, v.Version)
	}
	s.salt = bytes.Clone(salt)
	return &v, nil
}

// Load implements client.StateStore.
func (s *store) Load() (client.State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil {
		return client.State{}, nil
	}
	return s.cur.State, nil
}

// Save implements client.StateStore.
func (s *store) Save(st client.State) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil {
		return errors.New("relayconn: state saved before the pairing began")
	}
	s.cur.State = st
	return s.writeLocked()
}

func (s *store) write() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writeLocked()
}

func (s *store) confirm() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur.Confirmed = true
	return s.writeLocked()
}

func (s *store) writeLocked() error {
	pt, err := json.Marshal(s.cur)
	if err != nil {
		return err
	}
	if s.salt == nil {
		s.salt = make([]byte, saltSize)
		if _, err := io.ReadFull(rand.Reader, s.salt); err != nil {
			return err
		}
	}
	if s.derived == nil {
		if s.derived, err = s.key(s.salt); err != nil {
			return err
		}
	}
	key := s.derived
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	if _, err := io.ReadFull(rand.Reader, nonce); err != nil {
		return err
	}
	a, _ := chacha20poly1305.NewX(key)
	out := append([]byte(magic), s.salt...)
	out = append(out, nonce...)
	out = a.Seal(out, nonce, pt, []byte(magic))
	if err := atomicfile.Replace(s.path, 0o600, atomicfile.Bytes(out)); err != nil {
		return fmt.Errorf("relayconn: save the pairing state: %w", err)
	}
	return nil
}
