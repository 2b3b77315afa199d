package signer

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/wire"
)

// New keeps the stored pins undecoded (the extension worker's cold boot);
// the first use runs the same strict decode and checks New used to run.
// Stored pins that fail them are refused at that first use, with the same
// code New used to fail with, and nothing is signed: a key with a point
// off the curve, a policy document that does not decode, a policy whose
// window is not the stored ledger's. Pinning again recovers. (Before the
// pins were lazy, New itself failed on each of these records and the
// worker could not start at all.)
func TestStoredPinsCheckedOnFirstUse(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	p0, _ := proposals(t)
	_, _, vk := policytest.Keys(t)
	good := policytest.Example(t, "policy.json")

	badVK := vk.Bytes()
	badVK[len(badVK)-7] ^= 0x5a // inside the last K point
	if _, err := verify.LoadVerifyingKey(badVK); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("the corrupted key loads: %v", err)
	}
	longer := strings.Replace(string(good), `"seconds": 86400`, `"seconds": 172800`, 1)
	if longer == string(good) {
		t.Fatal("the example policy's window changed: update the test")
	}
	for _, tc := range []struct {
		name string
		doc  string
		vk   []byte
		code wire.Code
	}{
		{"key off the curve", string(good), badVK, wire.Malformed},
		{"policy does not decode", strings.Replace(string(good), `"salt"`, `"pepper"`, 1), vk.Bytes(), wire.Malformed},
		{"window differs from the ledger's", longer, vk.Bytes(), wire.UnknownPolicy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := NewMemStore()
			newSigner(t, store, clk) // a vault, the example pinned, a ledger
			raw, _ := json.Marshal(pinsJSON{Version: 1, Policy: json.RawMessage(tc.doc), VK: tc.vk})
			_ = store.Put(ctx, KeyPins, raw)

			s, err := New(ctx, Config{Store: store, Clock: clk.Now})
			if err != nil {
				t.Fatalf("New decodes the pins again: %v", err)
			}
			if err := s.Unlock(ctx, testPassword); err != nil {
				t.Fatal(err)
			}
			st := s.Status()
			if st.PinsError == "" || st.PolicyCommitment != nil || st.VKHash != nil {
				t.Fatalf("status: pinsError %q, commitment %v, vk %v", st.PinsError, st.PolicyCommitment, st.VKHash)
			}
			if s.PinnedPolicy() != nil {
				t.Fatal("a policy is described")
			}
			for i := 0; i < 2; i++ { // and again: the failure sticks
				if r := s.Submit(ctx, withID(t, p0, "lazy-"+string(rune('a'+i)))); r.Status != wire.StatusRejected || r.Code != tc.code {
					t.Fatalf("submit %d: %+v", i, r)
				}
			}
			if err := s.Warm(); wire.CodeOf(err) != tc.code {
				t.Fatalf("warm: %v", err)
			}
			// The user pins again: the stored record is replaced.
			if _, err := s.Pin(ctx, good, vk.Bytes()); err != nil {
				t.Fatal(err)
			}
			if st := s.Status(); st.PinsError != "" || st.PolicyCommitment == nil {
				t.Fatalf("after pinning again: %+v", st)
			}
			if tc.code == wire.UnknownPolicy {
				return // the ledger keeps the window of the policy it counted for
			}
			if r := s.Submit(ctx, p0); r.Status != wire.StatusSigned {
				t.Fatalf("after pinning again: %+v", r)
			}
		})
	}
}

// The same corrupted key behind the storage MAC: the record's digest no
// longer matches, so unlocking puts the core in the tampered state before
// the key is ever decoded, and nothing is signed.
func TestStoredPinsTamperedUnderMAC(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	p0, _ := proposals(t)
	_, _, vk := policytest.Keys(t)
	store := NewMemStore()
	s := sealedSigner(t, store, clk)
	if err := s.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}
	s.Lock(ctx)
	badVK := vk.Bytes()
	badVK[len(badVK)-7] ^= 0x5a
	raw, _ := json.Marshal(pinsJSON{Version: 1, Policy: json.RawMessage(policytest.Example(t, "policy.json")), VK: badVK})
	_ = store.Put(ctx, KeyPins, raw)

	s, err := New(ctx, Config{Store: store, Clock: clk.Now, Authenticate: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}
	if st := s.Status().Integrity; st.State != IntegrityTampered || len(st.Records) != 1 || st.Records[0] != KeyPins {
		t.Fatalf("integrity: %+v", st)
	}
	if r := s.Submit(ctx, p0); r.Status != wire.StatusRejected || r.Code != wire.Malformed {
		t.Fatalf("tampered: %+v", r)
	}
}

// Opening does not decode the pins; the first use does, once.
func TestOpenLeavesPinsForFirstUse(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	p0, _ := proposals(t)
	store := NewMemStore()
	newSigner(t, store, clk)
	s, err := New(ctx, Config{Store: store, Clock: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if s.stored == nil || s.pins != nil {
		t.Fatal("New decoded the pins")
	}
	first, err := s.currentPins()
	if err != nil || first == nil || s.stored != nil {
		t.Fatalf("first use: %v %v", first, err)
	}
	if again, _ := s.currentPins(); again != first {
		t.Fatal("decoded twice")
	}
	if err := s.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}
	if r := s.Submit(ctx, p0); r.Status != wire.StatusSigned {
		t.Fatalf("%+v", r)
	}
}
