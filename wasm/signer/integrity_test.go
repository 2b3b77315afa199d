package signer

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/wire"
)

const attacker = "0x000000000000000000000000000000000000dEaD"

// The attacker's own policy: the same universal circuit and keys, so the
// agent host can prove anything it allows (here: 2 ETH to the attacker).
var (
	atkOnce sync.Once
	atkDoc  []byte
	atkProp []byte
)

func attackerPolicy(t *testing.T) ([]byte, []byte) {
	t.Helper()
	atkOnce.Do(func() {
		doc := strings.NewReplacer(
			`"maxValuePerTx": "1 ether"`, `"maxValuePerTx": "100 ether"`,
			`"maxValue": "3 ether"`, `"maxValue": "1000 ether"`,
			`0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      "label": "Alice (savings account)"`, attacker+`",
      "label": "Alice (savings account)"`,
		).Replace(string(policytest.Example(t, "policy.json")))
		pol, err := policy.Decode([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		tx := policytest.Tx(t, "tx-ok")
		tx.To, _ = wire.ParseAddress(attacker)
		v, _ := wire.ParseQuantity("0x1bc16d674ec80000", 256) // 2 ETH
		tx.Value = wire.NewQuantity(v)
		p := policytest.Proposal(t, pol, tx, &wire.State{Time: t0})
		p.ID = "steal"
		atkDoc = []byte(doc)
		atkProp, _ = json.Marshal(p)
	})
	if atkProp == nil {
		t.Fatal("attacker fixture failed")
	}
	return atkDoc, atkProp
}

// sealedSigner is newSigner with storage authentication on (the import
// learns the MAC key).
func sealedSigner(t *testing.T, store Store, clk *fakeClock) *Signer {
	t.Helper()
	return newSignerWith(t, Config{Store: store, Clock: clk.Now, Authenticate: true})
}

// Attack (issue 13, storage): whoever writes the extension's storage swaps
// the pinned policy for their own, proves against it with the universal
// circuit's public proving key, and gets 2 ETH signed. Without the MAC the
// swapped pins load and the proposal is signed (the second half of this
// test shows it on a store without authentication); with it the core
// refuses everything as malformed until the user resets.
func TestSwappedPinsRefused(t *testing.T) {
	doc, steal := attackerPolicy(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	_, _, vk := policytest.Keys(t)
	swap := func(store *MemStore) {
		raw, _ := json.Marshal(pinsJSON{Version: 1, Policy: json.RawMessage(doc), VK: vk.Bytes()})
		_ = store.Put(ctx, KeyPins, raw)
	}

	// Without authentication (the old behaviour): signed.
	plain := NewMemStore()
	newSigner(t, plain, clk)
	swap(plain)
	s := newSigner(t, plain, clk)
	if err := s.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}
	if r := s.Submit(ctx, steal); r.Status != wire.StatusSigned {
		t.Fatalf("the unauthenticated store did not show the attack: %+v", r)
	}

	// With it: the swapped pins are caught at unlock; nothing is signed.
	store := NewMemStore()
	s = sealedSigner(t, store, clk)
	if err := s.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}
	s.Lock(ctx)
	swap(store)
	s = sealedSigner(t, store, clk)
	if st := s.Status().Integrity; st.State != IntegrityUnverified {
		t.Fatalf("before unlock: %+v", st)
	}
	if r := s.Submit(ctx, steal); r.Status != wire.StatusPending { // locked: held, not signed
		t.Fatalf("locked: %+v", r)
	}
	if err := s.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}
	st := s.Status().Integrity
	if st.State != IntegrityTampered || len(st.Records) != 1 || st.Records[0] != KeyPins {
		t.Fatalf("after unlock: %+v", st)
	}
	rs, _ := s.Retry(ctx)
	if len(rs) != 1 || rs[0].Code != wire.Malformed {
		t.Fatalf("held proposal after unlock: %+v", rs)
	}
	if r := s.Submit(ctx, withID(t, steal, "steal-2")); r.Code != wire.Malformed || r.Status != wire.StatusRejected {
		t.Fatalf("tampered: %+v", r)
	}
	// Nothing can be written over tampered records but the reset.
	if err := s.PutRecord(ctx, "settings", []byte(`{}`)); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("write while tampered: %v", err)
	}
	bad, err := s.ResetTampered(ctx)
	if err != nil || len(bad) != 1 || bad[0] != KeyPins {
		t.Fatalf("reset: %v %v", bad, err)
	}
	if s.Status().PolicyCommitment != nil {
		t.Fatal("the tampered policy is still pinned")
	}
	if r := s.Submit(ctx, withID(t, steal, "steal-3")); r.Code != wire.UnknownPolicy {
		t.Fatalf("after reset: %+v", r)
	}
	// The user pins their policy again; the audit log tells the story.
	p0, _ := proposals(t)
	if _, err := s.Pin(ctx, policytest.Example(t, "policy.json"), vk.Bytes()); err != nil {
		t.Fatal(err)
	}
	if r := s.Submit(ctx, p0); r.Status != wire.StatusSigned {
		t.Fatalf("after re-pin: %+v", r)
	}
	entries, err := s.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var saw []string
	for _, e := range entries {
		if e.Kind == "integrity" {
			saw = append(saw, e.Message)
		}
	}
	if len(saw) != 2 {
		t.Fatalf("integrity entries %q", saw)
	}
}

// Every other way to change a protected record behind the core's back.
func TestTamperedRecordsRefused(t *testing.T) {
	p0, _ := proposals(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	base := func() *MemStore {
		store := NewMemStore()
		s := sealedSigner(t, store, clk)
		if err := s.Unlock(ctx, testPassword); err != nil {
			t.Fatal(err)
		}
		if err := s.PutRecord(ctx, "settings", []byte(`{"mode":"supervised","paused":false}`)); err != nil {
			t.Fatal(err)
		}
		if err := s.PutRecord(ctx, "origins", []byte(`{"https://app.example":{"since":1}}`)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SyncNonce(ctx, 0); err != nil {
			t.Fatal(err)
		}
		return store
	}
	get := func(st *MemStore, k string) []byte { b, _ := st.Get(ctx, k); return b }
	cases := map[string]struct {
		mutate func(*MemStore)
		want   string
	}{
		"ledger deleted (window spends forgotten)": {func(st *MemStore) { _ = st.Delete(ctx, KeyLedger) }, KeyLedger},
		"ledger nonce lowered": {func(st *MemStore) {
			_ = st.Put(ctx, KeyLedger, []byte(strings.Replace(string(get(st, KeyLedger)), `"nonce":"0x0"`, `"nonce":"0x1"`, 1)))
		}, KeyLedger},
		"settings: supervision turned off": {func(st *MemStore) {
			_ = st.Put(ctx, recordPrefix+"settings", []byte(`{"mode":"autonomous","paused":false}`))
		}, recordPrefix + "settings"},
		"origins: the attacker's site added": {func(st *MemStore) {
			_ = st.Put(ctx, recordPrefix+"origins", []byte(`{"https://app.example":{"since":1},"https://evil.example":{"since":1}}`))
		}, recordPrefix + "origins"},
		"programs record planted": {func(st *MemStore) {
			_ = st.Put(ctx, KeyPrograms, []byte(`{"version":1,"programs":[]}`))
		}, KeyPrograms},
		"integrity record deleted": {func(st *MemStore) { _ = st.Delete(ctx, KeyIntegrity) }, ""},
		"integrity record re-MACed with another key": {func(st *MemStore) {
			var m manifestJSON
			_ = json.Unmarshal(get(st, KeyIntegrity), &m)
			m.MAC = manifestMAC(make([]byte, 32), appendDigests(nil, m.Records), appendDigests(nil, m.Pending))
			b, _ := json.Marshal(m)
			_ = st.Put(ctx, KeyIntegrity, b)
		}, KeyIntegrity},
		"integrity record with a case-variant key": {func(st *MemStore) {
			_ = st.Put(ctx, KeyIntegrity, []byte(strings.Replace(string(get(st, KeyIntegrity)), `"mac"`, `"MAC"`, 1)))
		}, KeyIntegrity},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			store := base()
			c.mutate(store)
			s, err := New(ctx, Config{Store: store, Clock: clk.Now, Authenticate: true})
			if err != nil {
				t.Fatalf("New: %v", err) // a tampered record that still decodes loads, unverified
			}
			if err := s.Unlock(ctx, testPassword); err != nil {
				t.Fatal(err)
			}
			st := s.Status().Integrity
			if st.State != IntegrityTampered || (c.want != "" && !contains(st.Records, c.want)) {
				t.Fatalf("integrity %+v", st)
			}
			if r := s.Submit(ctx, p0); r.Status == wire.StatusSigned || r.Code != wire.Malformed {
				t.Fatalf("%+v", r)
			}
			for n, v := range s.Records() {
				if v != nil && contains(st.Records, recordPrefix+n) {
					t.Fatalf("tampered record %s handed out", n)
				}
			}
		})
	}
	// Untouched: verified, and signing works.
	store := base()
	s, _ := New(ctx, Config{Store: store, Clock: clk.Now, Authenticate: true})
	_ = s.Unlock(ctx, testPassword)
	if st := s.Status().Integrity; st.State != IntegrityOK {
		t.Fatalf("untouched store: %+v", st)
	}
	if r := s.Submit(ctx, p0); r.Status != wire.StatusSigned {
		t.Fatalf("%+v", r)
	}
	if string(s.Records()["settings"]) != `{"mode":"supervised","paused":false}` {
		t.Fatalf("records %q", s.Records())
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// A crash between the integrity record's first write and the record's own
// write leaves the old record with the pending integrity record: never a
// false alarm. Once the write completed, the old value is a rollback and
// is refused.
func TestIntegrityCrashBetweenWrites(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	store := &recordingStore{MemStore: NewMemStore()}
	s := sealedSigner(t, store, clk)
	_ = s.Unlock(ctx, testPassword)
	before, _ := store.Get(ctx, KeyLedger)
	store.log = nil
	if _, err := s.SyncNonce(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if len(store.log) < 3 || store.log[0].key != KeyIntegrity || store.log[1].key != KeyLedger || store.log[2].key != KeyIntegrity {
		t.Fatalf("%d writes, first %q", len(store.log), store.log[0].key)
	}
	reopen := func() IntegrityStatus {
		s2, _ := New(ctx, Config{Store: store, Clock: clk.Now, Authenticate: true})
		_ = s2.Unlock(ctx, testPassword)
		return s2.Status().Integrity
	}
	// Crash after the first write: old ledger, pending integrity record.
	_ = store.MemStore.Put(ctx, KeyIntegrity, store.log[0].value)
	_ = store.MemStore.Put(ctx, KeyLedger, before)
	if st := reopen(); st.State != IntegrityOK {
		t.Fatalf("crash after the first write: %+v", st)
	}
	// Crash after the second: new ledger, pending integrity record.
	_ = store.MemStore.Put(ctx, KeyLedger, store.log[1].value)
	if st := reopen(); st.State != IntegrityOK {
		t.Fatalf("crash after the second write: %+v", st)
	}
	// Complete: rolling the ledger back one write is tampering.
	_ = store.MemStore.Put(ctx, KeyIntegrity, store.log[2].value)
	_ = store.MemStore.Put(ctx, KeyLedger, before)
	if st := reopen(); st.State != IntegrityTampered {
		t.Fatalf("a rollback after a complete write: %+v", st)
	}
}

type recordingStore struct {
	*MemStore
	log []struct {
		key   string
		value []byte
	}
}

func (r *recordingStore) Put(ctx context.Context, k string, v []byte) error {
	r.log = append(r.log, struct {
		key   string
		value []byte
	}{k, append([]byte(nil), v...)})
	return r.MemStore.Put(ctx, k, v)
}

// Protected writes need the key: before the vault was ever unlocked in
// this core, a pin or a record is refused as locked, not stored unsealed.
func TestProtectedWritesNeedTheKey(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	store := NewMemStore()
	sealedSigner(t, store, clk) // import + pin (the import knows the key)
	s, _ := New(ctx, Config{Store: store, Clock: clk.Now, Authenticate: true})
	if err := s.PutRecord(ctx, "settings", []byte(`{}`)); !errors.Is(err, wire.ErrLocked) {
		t.Fatalf("record without the key: %v", err)
	}
	_, _, vk := policytest.Keys(t)
	if _, err := s.Pin(ctx, policytest.Example(t, "policy.json"), vk.Bytes()); !errors.Is(err, wire.ErrLocked) {
		t.Fatalf("pin without the key: %v", err)
	}
	for _, bad := range []string{`[]`, `{"a":1,"a":2}`, `null`, `{"x":` + strings.Repeat(`"y"`, 1) + `}x`} {
		_ = s.Unlock(ctx, testPassword)
		if err := s.PutRecord(ctx, "settings", []byte(bad)); !errors.Is(err, wire.ErrMalformed) {
			t.Fatalf("record %s: %v", bad, err)
		}
	}
	if err := s.PutRecord(ctx, "vault", []byte(`{}`)); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("unknown record: %v", err)
	}
	// The session keeps the MAC key across a restart while locked, and
	// the vault key while unlocked: never the password.
	sess, err := s.UnlockSession(ctx, testPassword)
	if err != nil || len(sess.Key) != 32 || len(sess.MAC) != 32 {
		t.Fatalf("session %+v %v", sess, err)
	}
	raw, _ := json.Marshal(sess)
	if strings.Contains(string(raw), testPassword) {
		t.Fatal("password in the session")
	}
	back, err := DecodeSession(raw)
	if err != nil {
		t.Fatal(err)
	}
	s3, _ := New(ctx, Config{Store: store, Clock: clk.Now, Authenticate: true})
	if err := s3.Resume(ctx, back); err != nil {
		t.Fatal(err)
	}
	if st := s3.Status(); st.Vault != "unlocked" || st.Integrity.State != IntegrityOK {
		t.Fatalf("resumed: %s %+v", st.Vault, st.Integrity)
	}
	s4, _ := New(ctx, Config{Store: store, Clock: clk.Now, Authenticate: true})
	if err := s4.Resume(ctx, s3.SessionMAC()); err != nil {
		t.Fatal(err)
	}
	if st := s4.Status(); st.Vault != "locked" || st.Integrity.State != IntegrityOK {
		t.Fatalf("resumed MAC only: %s %+v", st.Vault, st.Integrity)
	}
	if err := s4.PutRecord(ctx, "settings", []byte(`{"paused":true}`)); err != nil {
		t.Fatalf("record while locked with the session's MAC key: %v", err)
	}
	for _, bad := range []string{`{"key":"0x00"}`, `{"mac":"0x` + strings.Repeat("00", 32) + `","MAC":"0x00"}`, `{"Key":"0x00"}`} {
		if _, err := DecodeSession([]byte(bad)); !errors.Is(err, wire.ErrMalformed) {
			t.Fatalf("session %s: %v", bad, err)
		}
	}
}

// A new vault re-keys what was verified and drops what nobody can vouch
// for.
func TestRekeyOnNewVault(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	store := NewMemStore()
	s := sealedSigner(t, store, clk)
	_ = s.Unlock(ctx, testPassword)
	_ = s.PutRecord(ctx, "settings", []byte(`{"mode":"supervised"}`))
	if _, _, err := s.CreateVault(ctx, testPassword, 12, true); err != nil {
		t.Fatal(err)
	}
	if s.Status().PolicyCommitment == nil || s.Status().Integrity.State != IntegrityOK {
		t.Fatalf("verified records were not kept: %+v", s.Status())
	}
	// Unverified records (this core never had the old key) are dropped.
	s2, _ := New(ctx, Config{Store: store, Clock: clk.Now, Authenticate: true})
	if _, err := s2.ImportVault(ctx, testMnemonic, testPassword, true); err != nil {
		t.Fatal(err)
	}
	st := s2.Status()
	if st.PolicyCommitment != nil || st.Integrity.State != IntegrityOK || s2.Records()["settings"] != nil {
		t.Fatalf("unverified records kept: %+v", st)
	}
}
