package signer

import (
	"context"
	"encoding/json"
	"math/big"
	"testing"
	"time"

	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/program/programtest"
	"github.com/leash-wallet/leash/wire"
)

// programSigner is a signer unlocked with the program examples' policy
// pinned, its nonce at the scenario's, its clock at the scenario's and the
// scenario's chain as its reader; pin says whether the program is pinned.
func programSigner(t *testing.T, store Store, sc *programtest.Scenario, pin bool) *Signer {
	t.Helper()
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(programtest.Now, 0)}
	s, err := New(ctx, Config{Store: store, Clock: clk.Now, Chain: sc.Chain})
	if err != nil {
		t.Fatal(err)
	}
	if s.Status().Vault == "none" {
		if _, err := s.ImportVault(ctx, testMnemonic, testPassword, false); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}
	_, _, vk := policytest.Keys(t)
	if _, err := s.Pin(ctx, programtest.Example(t, "policy.json"), vk.Bytes()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SyncNonce(ctx, uint64(sc.State.Nonce)); err != nil {
		t.Fatal(err)
	}
	if pin {
		pinDoc, _ := json.Marshal(sc.Pin)
		if c, err := s.PinProgram(ctx, pinDoc, sc.Keys.VK.Bytes()); err != nil || c != sc.Pin.Commitment {
			t.Fatalf("pin program: %s, %v", c, err)
		}
	}
	return s
}

func scenarioProposal(t *testing.T, sc *programtest.Scenario, f func(*wire.Proposal)) []byte {
	t.Helper()
	raw, err := json.Marshal(sc.Result.Proposal)
	if err != nil {
		t.Fatal(err)
	}
	if f != nil {
		raw = edit(t, raw, f)
	}
	return raw
}

func TestProgramProposalSigned(t *testing.T) {
	sc := programtest.Shared(t, "threshold")
	ctx := context.Background()
	store := NewMemStore()
	s := programSigner(t, store, sc, true)

	before := sc.Chain.Calls()
	r := s.Submit(ctx, scenarioProposal(t, sc, nil))
	if r.Status != wire.StatusSigned || r.RawTx == nil {
		t.Fatalf("receipt %+v", r)
	}
	if sc.Chain.Calls() == before {
		t.Fatal("the signer did not re-read the inputs on its chain")
	}
	if st := s.Status(); st.Nonce != sc.State.Nonce+1 || len(st.Programs) != 1 || st.Programs[0].Commitment != sc.Pin.Commitment {
		t.Fatalf("status %+v", st)
	}
	if r := s.Submit(ctx, scenarioProposal(t, sc, nil)); r.Code != wire.Replay {
		t.Fatalf("replay: %+v", r)
	}

	// The pin survives a restart (the store), and so does the replay guard.
	s2 := programSigner(t, store, sc, false)
	if st := s2.Status(); len(st.Programs) != 1 || st.Programs[0].VKHash != sc.Keys.VK.Hash() {
		t.Fatalf("after restart: %+v", st.Programs)
	}
	if r := s2.Submit(ctx, scenarioProposal(t, sc, nil)); r.Code != wire.Replay {
		t.Fatalf("replay after restart: %+v", r)
	}
}

func TestProgramProposalRefusals(t *testing.T) {
	sc := programtest.Shared(t, "threshold")
	ctx := context.Background()
	cases := []struct {
		name   string
		pinned bool
		chain  bool
		edit   func(*wire.Proposal)
		code   wire.Code
	}{
		{"program not pinned", false, true, nil, wire.UnknownPolicy},
		{"no chain reader", true, false, nil, wire.InputUnavailable},
		{"fake price", true, true, func(p *wire.Proposal) {
			p.Program.Inputs[0] = wire.NewQuantity(new(big.Int).Add(p.Program.Inputs[0].Big(), big.NewInt(1)))
		}, wire.InputMismatch},
		{"block ahead of the head", true, true, func(p *wire.Proposal) { p.Program.Block += 100 }, wire.StaleInput},
		{"another program", true, true, func(p *wire.Proposal) { p.Program.Commitment[31] ^= 1 }, wire.UnknownPolicy},
		{"size the program did not output", true, true, func(p *wire.Proposal) {
			p.Tx.Data[len(p.Tx.Data)-1] ^= 1
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := programSigner(t, NewMemStore(), sc, tc.pinned)
			if !tc.chain {
				s.cfg.Chain = nil
			}
			r := s.Submit(ctx, scenarioProposal(t, sc, tc.edit))
			if r.Status != wire.StatusRejected || r.RawTx != nil || (tc.code != "" && r.Code != tc.code) {
				t.Fatalf("receipt %+v, want code %q", r, tc.code)
			}
			if st := s.Status(); st.Nonce != sc.State.Nonce || st.Spent.Big().Sign() != 0 {
				t.Fatalf("state moved: %+v", st)
			}
		})
	}
}

func TestPinProgram(t *testing.T) {
	sc := programtest.Shared(t, "threshold")
	ctx := context.Background()
	s := programSigner(t, NewMemStore(), sc, false)
	_, _, policyVK := policytest.Keys(t)
	pinDoc, _ := json.Marshal(sc.Pin)
	bad := []struct {
		name    string
		doc, vk []byte
	}{
		{"policy circuit's key", pinDoc, policyVK.Bytes()},
		{"truncated key", pinDoc, sc.Keys.VK.Bytes()[:100]},
		{"not a pin", []byte(`{"commitment":"0x01"}`), sc.Keys.VK.Bytes()},
		{"unknown template", []byte(`{"commitment":"0x` + "00" + sc.Pin.Commitment.Hex()[4:] + `","template":"oracle-magic","oracle":"0x0000000000000000000000000000000000000001"}`), sc.Keys.VK.Bytes()},
		{"garbage", []byte("\x00\xff"), nil},
	}
	for _, b := range bad {
		if _, err := s.PinProgram(ctx, b.doc, b.vk); wire.CodeOf(err) != wire.Malformed {
			t.Errorf("%s: %v", b.name, err)
		}
	}
	if st := s.Status(); len(st.Programs) != 0 {
		t.Fatalf("a refused pin was kept: %+v", st.Programs)
	}
	// The program document itself pins the same program (its pin only).
	if c, err := s.PinProgram(ctx, programtest.Example(t, "threshold.json"), sc.Keys.VK.Bytes()); err != nil || c != sc.Pin.Commitment {
		t.Fatalf("pin by program document: %s, %v", c, err)
	}
	raw, _ := s.store.Get(ctx, KeyPrograms)
	if json.Valid(raw) && len(raw) > 0 {
		var pj programsJSON
		if err := json.Unmarshal(raw, &pj); err != nil || len(pj.Programs) != 1 || pj.Programs[0].Pin != *sc.Pin {
			t.Fatalf("stored %s", raw)
		}
	}
	if err := s.UnpinProgram(ctx, sc.Pin.Commitment); err != nil {
		t.Fatal(err)
	}
	if r := s.Submit(ctx, scenarioProposal(t, sc, nil)); r.Code != wire.UnknownPolicy {
		t.Fatalf("after unpin: %+v", r)
	}
}

func TestCorruptProgramsStopNew(t *testing.T) {
	store := NewMemStore()
	if err := store.Put(context.Background(), KeyPrograms, []byte(`{"version":1,"programs":[{"pin":{}}]}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := New(context.Background(), Config{Store: store}); wire.CodeOf(err) != wire.Malformed {
		t.Fatalf("New over corrupt programs: %v", err)
	}
}

// TestPinProgramConcurrent: concurrent pins and unpins of different
// programs lose none of them (the stored set and the live set agree).
func TestPinProgramConcurrent(t *testing.T) {
	sc := programtest.Shared(t, "threshold")
	ctx := context.Background()
	store := NewMemStore()
	s := programSigner(t, store, sc, false)
	const n = 8
	docs := make([][]byte, n)
	for i := range docs {
		pin := *sc.Pin
		pin.Commitment[31] = byte(i + 1) // distinct, still canonical
		docs[i], _ = json.Marshal(pin)
	}
	errs := make(chan error, n)
	for i := range docs {
		go func(doc []byte) {
			_, err := s.PinProgram(ctx, doc, sc.Keys.VK.Bytes())
			errs <- err
		}(docs[i])
	}
	for range docs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := len(s.Status().Programs); got != n {
		t.Fatalf("%d programs pinned, want %d", got, n)
	}
	reopened := programSigner(t, store, sc, false)
	if got := len(reopened.Status().Programs); got != n {
		t.Fatalf("%d programs stored, want %d", got, n)
	}
}
