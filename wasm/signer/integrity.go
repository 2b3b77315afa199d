package signer

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"sort"
	"strings"
	"sync"

	"github.com/leash-wallet/leash/wasm/audit"
	"github.com/leash-wallet/leash/wasm/vault"
	"github.com/leash-wallet/leash/wire"
)

// Storage authentication (Config.Authenticate). The records that decide
// what gets signed — the pinned policy and key, the pinned programs, the
// ledger, and the host's own records (the extension's settings and
// connected sites) — are authenticated under a MAC key derived from the
// vault's account key (vault.Secret), so that whoever can write the host's
// storage but does not hold the mnemonic cannot swap a policy, lower a
// window spend, add a site or turn supervision off unnoticed.
//
// One integrity record (KeyIntegrity) holds the SHA-256 digest of each
// protected record and an HMAC over them all; a record that is absent must
// be absent from it too, so deleting the ledger (and with it the window's
// spends) is caught like editing it. Every protected write stores the
// integrity record first, naming the record being written as pending
// (its old or its new digest is accepted), then the record itself, then
// the integrity record again with the new digest committed and nothing
// pending; a crash between the writes is therefore never mistaken for
// tampering, and once a write is complete its old value is refused.
//
// The key is known from the first unlock (or a password-checked action, or
// a session the host kept in memory-only storage) until the core is
// closed. Until then the stored records are loaded unverified; nothing can
// be signed before the vault is unlocked, and unlocking verifies first.
// A record that fails the check puts the core in the tampered state: every
// proposal is refused as malformed, nothing is signed, and only the
// approver's ResetTampered clears it.
//
// Limit: a rollback of every protected record and the integrity record
// together to an earlier state this same core wrote is not detected (the
// store holds no counter the attacker cannot also roll back).

// KeyIntegrity is the storage key of the integrity record.
const KeyIntegrity = "integrity"

// recordPrefix is where the host's records are stored.
const recordPrefix = "rec/"

// HostRecords are the names of the host records the core keeps under the
// MAC (PutRecord, Records).
var HostRecords = []string{"settings", "origins"}

// MaxRecordBytes bounds one host record.
const MaxRecordBytes = 64 << 10

// macLabel is the vault.Secret label of the MAC key.
const macLabel = "storage-mac"

// Integrity states, as Status reports them.
const (
	IntegrityOff        = "off"        // Config.Authenticate is not set
	IntegrityUnverified = "unverified" // the key is not known yet
	IntegrityOK         = "ok"
	IntegrityTampered   = "tampered"
)

// IntegrityStatus is the integrity part of Status.
type IntegrityStatus struct {
	State   string   `json:"state"`
	Records []string `json:"records,omitempty"` // the records that failed the check
	Reason  string   `json:"reason,omitempty"`
}

type integrity struct {
	mu     sync.Mutex
	on     bool
	key    []byte
	state  string
	bad    []string
	reason string
	// digests of the protected records as loaded or last written (absent
	// records have no entry), and the integrity record as loaded.
	digests  map[string]wire.Hash32
	manifest []byte
	records  map[string][]byte // host records, by name
}

type manifestJSON struct {
	Version int                    `json:"version"`
	Records map[string]wire.Hash32 `json:"records"`
	Pending map[string]wire.Hash32 `json:"pending"`
	MAC     wire.Hash32            `json:"mac"`
}

func protectedKeys() []string {
	keys := []string{KeyPins, KeyPrograms, KeyLedger, KeyProgramBlocks}
	for _, n := range HostRecords {
		keys = append(keys, recordPrefix+n)
	}
	return keys
}

func isProtected(key string) bool {
	for _, k := range protectedKeys() {
		if k == key {
			return true
		}
	}
	return false
}

func recordDigest(key string, value []byte) wire.Hash32 {
	h := sha256.New()
	h.Write([]byte("leash-record-v1\x00" + key + "\x00"))
	h.Write(value)
	var d wire.Hash32
	copy(d[:], h.Sum(nil))
	return d
}

// manifestMAC is the MAC of an integrity record's two digest maps, given
// as appendDigests encodes them.
func manifestMAC(key, records, pending []byte) wire.Hash32 {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("leash-integrity-v1\x00"))
	m.Write(records)
	m.Write([]byte{0})
	m.Write(pending)
	var out wire.Hash32
	copy(out[:], m.Sum(nil))
	return out
}

// appendDigests appends m as json.Marshal encodes it: keys sorted (the
// MAC's canonical form), each digest as its 0x hex string, nil as null.
// These bytes are MACed, so they must match what json.Marshal gave, with
// which earlier versions wrote the record (TestDigestsMatchEncodingJSON):
// the core writes the record twice with every signature, and by hand it
// skips reflection.
func appendDigests(b []byte, m map[string]wire.Hash32) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	b = append(b, '{')
	for i, k := range sortedKeys(m) {
		if i > 0 {
			b = append(b, ',')
		}
		b = wire.AppendJSONString(b, k)
		b = append(b, ':')
		b = m[k].AppendJSON(b)
	}
	return append(b, '}')
}

// encodeManifest returns the integrity record for records and pending
// under key: json.Marshal's bytes for the manifestJSON with its MAC.
func encodeManifest(key []byte, records, pending map[string]wire.Hash32) []byte {
	r := appendDigests(make([]byte, 0, 96*(len(records)+len(pending)+1)), records)
	n := len(r)
	r = appendDigests(r, pending)
	mac := manifestMAC(key, r[:n], r[n:])
	out := make([]byte, 0, len(r)+64+len(`{"version":1,"records":,"pending":,"mac":""}`))
	out = append(out, `{"version":1,"records":`...)
	out = append(out, r[:n]...)
	out = append(out, `,"pending":`...)
	out = append(out, r[n:]...)
	out = append(out, `,"mac":`...)
	out = mac.AppendJSON(out)
	return append(out, '}')
}

// loadIntegrity reads what New needs: the digests of the protected records
// (their values were read by New already, passed in loaded) and the host
// records and the integrity record.
func (s *Signer) loadIntegrity(ctx context.Context, loaded map[string][]byte) error {
	in := &s.integ
	in.on = s.cfg.Authenticate
	in.state = IntegrityOff
	in.digests = map[string]wire.Hash32{}
	in.records = map[string][]byte{}
	for _, n := range HostRecords {
		raw, err := s.store.Get(ctx, recordPrefix+n)
		if err != nil {
			return storeErr("read record "+n, err)
		}
		if raw != nil {
			in.records[n] = raw
			loaded[recordPrefix+n] = raw
		}
	}
	for k, v := range loaded {
		if v != nil {
			in.digests[k] = recordDigest(k, v)
		}
	}
	if !in.on {
		return nil
	}
	in.state = IntegrityUnverified
	raw, err := s.store.Get(ctx, KeyIntegrity)
	if err != nil {
		return storeErr("read integrity record", err)
	}
	in.manifest = raw
	return nil
}

// learnKey installs the MAC key and verifies the stored records against
// it (once). It is called whenever the core gets hold of the vault's
// secret: unlock, a password-checked action, a resumed session.
func (s *Signer) learnKey(ctx context.Context, key []byte) {
	in := &s.integ
	if !in.on || len(key) != 32 {
		return
	}
	in.mu.Lock()
	if in.key != nil {
		in.mu.Unlock()
		return
	}
	in.key = append([]byte(nil), key...)
	bad, reason := in.verifyLocked()
	if bad == nil {
		in.state = IntegrityOK
		if in.manifest == nil {
			_ = s.writeManifestLocked(ctx, "", wire.Hash32{})
		}
	} else {
		in.state, in.bad, in.reason = IntegrityTampered, bad, reason
	}
	in.mu.Unlock()
	if bad != nil {
		s.record(ctx, audit.Entry{Kind: "integrity", Decision: audit.Info, Code: wire.Malformed,
			Message: "stored " + strings.Join(bad, ", ") + " failed the integrity check: nothing is signed"})
	}
}

// learnFromVault derives the MAC key from the unlocked vault.
func (s *Signer) learnFromVault(ctx context.Context, v *vault.Vault) {
	if !s.integ.on {
		return
	}
	if k, err := v.Secret(macLabel); err == nil {
		s.learnKey(ctx, k)
	}
}

// learnFromMnemonic derives the MAC key from a mnemonic the user just
// proved they hold.
func (s *Signer) learnFromMnemonic(ctx context.Context, m string) {
	if !s.integ.on {
		return
	}
	if k, err := vault.MnemonicSecret(m, macLabel); err == nil {
		s.learnKey(ctx, k)
	}
}

// verifyLocked checks the loaded records against the integrity record. It
// returns nil, or the names of the records that failed and why.
func (in *integrity) verifyLocked() ([]string, string) {
	if in.manifest == nil {
		if len(in.digests) == 0 {
			return nil, ""
		}
		return sortedKeys(in.digests), "they are stored without the integrity record"
	}
	var m manifestJSON
	if err := wire.DecodeStrict(in.manifest, &m, "integrity record"); err != nil || m.Version != 1 {
		return []string{KeyIntegrity}, "the integrity record does not decode"
	}
	if mac := manifestMAC(in.key, appendDigests(nil, m.Records), appendDigests(nil, m.Pending)); !hmac.Equal(m.MAC[:], mac[:]) {
		return []string{KeyIntegrity}, "the integrity record was not written under this vault's key"
	}
	var bad []string
	for _, k := range protectedKeys() {
		got, present := in.digests[k]
		want, had := m.Records[k]
		pend, pending := m.Pending[k]
		ok := (present == had && (!present || got == want)) || (pending && present && got == pend)
		if !ok {
			bad = append(bad, k)
		}
	}
	if bad != nil {
		return bad, "their contents differ from what this core wrote"
	}
	return nil, ""
}

func sortedKeys(m map[string]wire.Hash32) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// writeManifestLocked stores the integrity record: the committed digests,
// plus key pending at digest d (key "" for none).
func (s *Signer) writeManifestLocked(ctx context.Context, key string, d wire.Hash32) error {
	in := &s.integ
	pending := map[string]wire.Hash32{}
	if key != "" {
		pending[key] = d
	}
	records := in.digests
	if records == nil {
		records = map[string]wire.Hash32{}
	}
	raw := encodeManifest(in.key, records, pending)
	if err := s.store.Put(ctx, KeyIntegrity, raw); err != nil {
		return storeErr("write integrity record", err)
	}
	in.manifest = raw
	return nil
}

// put stores a record; a protected one goes under the MAC (integrity
// record first, then the record).
func (s *Signer) put(ctx context.Context, key string, value []byte) error {
	in := &s.integ
	if !in.on || !isProtected(key) {
		return s.store.Put(ctx, key, value)
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	switch {
	case in.state == IntegrityTampered:
		return wire.Errorf(wire.Malformed, "stored records failed the integrity check (%s): reset them before changing anything", strings.Join(in.bad, ", "))
	case in.key == nil:
		return wire.Errorf(wire.Locked, "unlock the vault first: stored settings are authenticated under a key from the vault")
	}
	d := recordDigest(key, value)
	if err := s.writeManifestLocked(ctx, key, d); err != nil {
		return err
	}
	if err := s.store.Put(ctx, key, value); err != nil {
		return err
	}
	in.digests[key] = d
	// Commit: the pending entry goes, so the old value is no longer
	// accepted (a store that batches writes, as the extension's does,
	// keeps only this last integrity record).
	_ = s.writeManifestLocked(ctx, "", wire.Hash32{})
	return nil
}

// integrityErr is the refusal for a proposal while the stored records are
// not known to be genuine: tampered, or (defensively) the vault unlocked
// without the key learned.
func (s *Signer) integrityErr() error {
	in := &s.integ
	if !in.on {
		return nil
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	switch in.state {
	case IntegrityTampered:
		return wire.Errorf(wire.Malformed, "stored %s failed the integrity check (%s): nothing is signed until you reset them", strings.Join(in.bad, ", "), in.reason)
	case IntegrityUnverified:
		if v, err := s.currentVault(); err == nil && !v.Locked() {
			return wire.Errorf(wire.Malformed, "the stored records are not verified yet: nothing is signed")
		}
	}
	return nil
}

// IntegrityStatus reports the state of the storage authentication.
func (s *Signer) IntegrityStatus() IntegrityStatus {
	in := &s.integ
	in.mu.Lock()
	defer in.mu.Unlock()
	return IntegrityStatus{State: in.state, Records: append([]string(nil), in.bad...), Reason: in.reason}
}

// PutRecord stores one of the host's records (HostRecords: a JSON object
// of at most MaxRecordBytes) under the MAC. Without the key (vault never
// unlocked in this session) it is refused as locked.
func (s *Signer) PutRecord(ctx context.Context, name string, value []byte) error {
	if !knownRecord(name) {
		return wire.Errorf(wire.Malformed, "no host record %q", name)
	}
	if len(value) > MaxRecordBytes {
		return wire.Errorf(wire.Malformed, "record %s is %d bytes, the limit is %d", name, len(value), MaxRecordBytes)
	}
	var obj map[string]json.RawMessage
	if err := wire.DecodeStrict(value, &obj, "record "+name); err != nil {
		return err
	}
	if obj == nil {
		return wire.Errorf(wire.Malformed, "record %s must be a JSON object", name)
	}
	if err := s.put(ctx, recordPrefix+name, value); err != nil {
		return err
	}
	s.integ.mu.Lock()
	s.integ.records[name] = append([]byte(nil), value...)
	s.integ.mu.Unlock()
	return nil
}

// Records returns the host's records as loaded or last written (nil for an
// absent one), whatever the integrity state: the host reads its settings
// before the vault is first unlocked, and the core refuses to sign until
// they are verified.
func (s *Signer) Records() map[string][]byte {
	s.integ.mu.Lock()
	defer s.integ.mu.Unlock()
	out := map[string][]byte{}
	for _, n := range HostRecords {
		if s.integ.state == IntegrityTampered {
			bad := false
			for _, b := range s.integ.bad {
				bad = bad || b == recordPrefix+n || b == KeyIntegrity
			}
			if bad {
				out[n] = nil // a tampered record is never handed out
				continue
			}
		}
		out[n] = s.integ.records[n]
	}
	return out
}

func knownRecord(name string) bool {
	for _, n := range HostRecords {
		if n == name {
			return true
		}
	}
	return false
}

// ResetTampered is the user's way out of the tampered state: the records
// that failed the check are deleted (the policy and programs must be
// pinned again, the host's records go back to their defaults, a ledger
// starts over with an empty window at nonce 0, which the next sync with
// the chain moves forward: the audit log says so), and the integrity
// record is written anew. It needs the vault unlocked.
func (s *Signer) ResetTampered(ctx context.Context) ([]string, error) {
	v, err := s.currentVault()
	if err != nil {
		return nil, err
	}
	if v.Locked() {
		return nil, wire.Errorf(wire.Locked, "unlock the vault first")
	}
	bad, err := s.resetRecords(ctx, false)
	if err != nil || bad == nil {
		return nil, err
	}
	s.record(ctx, audit.Entry{Kind: "integrity", Decision: audit.Info,
		Message: "the user reset the records that failed the integrity check: " + strings.Join(bad, ", ")})
	return bad, nil
}

// resetRecords deletes the tampered records (all protected ones when all
// is set or the integrity record itself failed) and writes a fresh
// integrity record. It returns what it deleted (nil: nothing to do).
func (s *Signer) resetRecords(ctx context.Context, all bool) ([]string, error) {
	in := &s.integ
	in.mu.Lock()
	defer in.mu.Unlock()
	if !all && in.state != IntegrityTampered {
		return nil, nil
	}
	bad := in.bad
	for _, k := range bad {
		all = all || k == KeyIntegrity
	}
	if all {
		bad = nil
		for _, k := range protectedKeys() {
			if _, ok := in.digests[k]; ok {
				bad = append(bad, k)
			}
		}
	}
	for _, k := range bad {
		if err := s.store.Delete(ctx, k); err != nil {
			return nil, storeErr("delete "+k, err)
		}
		delete(in.digests, k)
		s.dropLoaded(k)
	}
	if err := s.writeManifestLocked(ctx, "", wire.Hash32{}); err != nil {
		return nil, err
	}
	in.state, in.bad, in.reason = IntegrityOK, nil, ""
	if bad == nil {
		bad = []string{}
	}
	return bad, nil
}

// rekey moves the storage authentication to a new vault's key (the user
// created or imported another wallet). Records verified under the old key
// are sealed again under the new one; records that could not be verified
// (the old vault was never unlocked in this session, or they failed) are
// deleted, since nobody can vouch for them.
func (s *Signer) rekey(ctx context.Context, key []byte) {
	in := &s.integ
	if !in.on {
		return
	}
	in.mu.Lock()
	fresh := in.key == nil && len(in.digests) == 0 && in.manifest == nil
	verified := in.key != nil && in.state == IntegrityOK
	if fresh || verified {
		in.key = append([]byte(nil), key...)
		in.state = IntegrityOK
		_ = s.writeManifestLocked(ctx, "", wire.Hash32{})
		in.mu.Unlock()
		return
	}
	in.key = append([]byte(nil), key...)
	in.mu.Unlock()
	dropped, err := s.resetRecords(ctx, true)
	if err == nil && len(dropped) > 0 {
		s.record(ctx, audit.Entry{Kind: "integrity", Decision: audit.Info,
			Message: "a new vault replaced one whose stored records could not be verified; dropped " + strings.Join(dropped, ", ")})
	}
}

// dropLoaded forgets the in-memory state of a deleted protected record.
// in.mu is held.
func (s *Signer) dropLoaded(key string) {
	switch {
	case key == KeyPins:
		s.mu.Lock()
		s.pins, s.stored = nil, nil
		s.mu.Unlock()
	case key == KeyPrograms:
		s.mu.Lock()
		s.programs = nil
		s.mu.Unlock()
	case key == KeyLedger:
		s.ledger.Reset(0)
	case key == KeyProgramBlocks:
		s.blocksMu.Lock()
		s.lastBlocks = map[wire.Hash32]uint64{}
		s.blocksMu.Unlock()
	case strings.HasPrefix(key, recordPrefix):
		delete(s.integ.records, strings.TrimPrefix(key, recordPrefix))
	}
}
