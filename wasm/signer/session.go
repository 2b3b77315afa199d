package signer

import (
	"context"

	"github.com/leash-wallet/leash/wasm/audit"
	"github.com/leash-wallet/leash/wire"
)

// Session is what a host keeps in memory-only storage (the extension's
// chrome.storage.session) so that a restart of its process neither locks
// the vault nor forgets the storage MAC key: derived keys, never the
// password. Key (present only while unlocked) opens this vault's blob and
// nothing else; MAC is the storage authentication key.
type Session struct {
	Key wire.Bytes `json:"key,omitempty"`
	MAC wire.Bytes `json:"mac,omitempty"`
}

// DecodeSession strictly decodes a stored Session.
func DecodeSession(raw []byte) (*Session, error) {
	var s Session
	if len(raw) > 1024 {
		return nil, wire.Errorf(wire.Malformed, "session: %d bytes, far too large", len(raw))
	}
	if err := wire.DecodeStrict(raw, &s, "session"); err != nil {
		return nil, err
	}
	if (s.Key != nil && len(s.Key) != 32) || (s.MAC != nil && len(s.MAC) != 32) {
		return nil, wire.Errorf(wire.Malformed, "session: keys are 32 bytes")
	}
	return &s, nil
}

// UnlockSession unlocks the vault with the password and returns the
// Session to keep. A wrong password gets bad_password.
func (s *Signer) UnlockSession(ctx context.Context, password string) (*Session, error) {
	v, err := s.currentVault()
	if err != nil {
		return nil, err
	}
	key, err := v.UnlockSession(password)
	msg := "unlocked"
	if err != nil {
		msg = "unlock refused"
	}
	s.record(ctx, audit.Entry{Kind: "unlock", Decision: audit.Info, Code: wire.CodeOf(err), Message: msg})
	if err != nil {
		return nil, err
	}
	s.learnFromVault(ctx, v)
	sess := &Session{Key: key}
	sess.MAC = s.macKey()
	return sess, nil
}

// Resume restores a Session after a restart: the MAC key (the stored
// records are verified at once), and with Key the unlocked vault.
func (s *Signer) Resume(ctx context.Context, sess *Session) error {
	if sess.MAC != nil {
		s.learnKey(ctx, sess.MAC)
	}
	if sess.Key == nil {
		return nil
	}
	v, err := s.currentVault()
	if err != nil {
		return err
	}
	if err := v.UnlockWithKey(sess.Key); err != nil {
		return err
	}
	s.learnFromVault(ctx, v)
	s.record(ctx, audit.Entry{Kind: "unlock", Decision: audit.Info, Message: "unlocked from the session after a restart"})
	return nil
}

// SessionMAC returns the Session to keep while locked: the MAC key alone
// (nil when it is not known).
func (s *Signer) SessionMAC() *Session {
	k := s.macKey()
	if k == nil {
		return nil
	}
	return &Session{MAC: k}
}

func (s *Signer) macKey() []byte {
	s.integ.mu.Lock()
	defer s.integ.mu.Unlock()
	if s.integ.key == nil {
		return nil
	}
	return append([]byte(nil), s.integ.key...)
}

// Touch records the user's activity: the vault's idle timer starts again.
// Agent proposals never call it (the vault locks after the idle time
// whatever the agent does).
func (s *Signer) Touch() {
	if v, err := s.currentVault(); err == nil {
		v.Touch()
	}
}
