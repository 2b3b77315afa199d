package signer

import (
	"context"
	"encoding/json"
	"math/big"
	"strings"
	"sync"
	"testing"

	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programtest"
	"github.com/leash-wallet/leash/wire"
)

// buyPrice makes the threshold example buy (it buys below 2,900).
var buyPrice = big.NewInt(2800_00000000)

// submit decides p (as a relay document) and returns the receipt.
func submit(t testing.TB, s *Signer, p *wire.Proposal) wire.Receipt {
	t.Helper()
	return s.Submit(context.Background(), mustJSON(t, p))
}

func TestProgramProposalSigned(t *testing.T) {
	d := newDevChain(t)
	d.publish(t, "threshold")
	B := d.setPrice(t, buyPrice)
	store := NewMemStore()
	s := programSigner(t, store, d.options(), "threshold")
	p := d.prove(t, "threshold", 0)

	r := submit(t, s, p)
	if r.Status != wire.StatusSigned || r.RawTx == nil {
		t.Fatalf("receipt %+v", r)
	}
	st := s.Status()
	if st.Nonce != 1 || len(st.Programs) != 1 || st.Programs[0].LastBlock == nil || *st.Programs[0].LastBlock != B {
		t.Fatalf("status %+v", st)
	}
	if r := submit(t, s, p); r.Code != wire.Replay {
		t.Fatalf("the same proposal again: %+v", r)
	}
	// The pin and the last block survive a restart (the store).
	s2 := programSigner(t, store, d.options())
	if st := s2.Status(); len(st.Programs) != 1 || st.Programs[0].LastBlock == nil || *st.Programs[0].LastBlock != B {
		t.Fatalf("after restart: %+v", st.Programs)
	}
}

// TestProgramReplay is issue 12's attack 3: the same decision (block B)
// signed again with the next nonces. Each trade is within the caps, so
// without single use the total has no bound. The test fails without the
// last-block check: the second proposal is signed.
func TestProgramReplay(t *testing.T) {
	d := newDevChain(t)
	d.publish(t, "threshold")
	B := d.setPrice(t, buyPrice)
	store := NewMemStore()
	s := programSigner(t, store, d.options(), "threshold")
	if r := submit(t, s, d.prove(t, "threshold", 0)); r.Status != wire.StatusSigned {
		t.Fatalf("first decision: %+v", r)
	}
	again := d.prove(t, "threshold", 1) // the same block B, the next nonce
	if uint64(again.Program.Block) != B {
		t.Fatalf("proven at %d, want %d", again.Program.Block, B)
	}
	r := submit(t, s, again)
	if r.Status != wire.StatusRejected || r.Code != wire.ProgramReplay || r.RawTx != nil {
		t.Fatalf("replayed decision: %+v", r)
	}
	if !strings.Contains(r.Message, "block") {
		t.Fatalf("message %q", r.Message)
	}
	if st := s.Status(); st.Nonce != 1 {
		t.Fatalf("the refused replay moved the nonce: %d", st.Nonce)
	}
	// A restart in the middle changes nothing: the last block is stored.
	s = programSigner(t, store, d.options())
	if r := submit(t, s, again); r.Code != wire.ProgramReplay {
		t.Fatalf("after restart: %+v", r)
	}
	// A fresh decision (a new round at a newer block) is signed; then a
	// decision at a block older than that one, although never used, is not.
	B2 := d.setPrice(t, buyPrice)
	B3 := d.setPrice(t, buyPrice)
	if r := submit(t, s, d.proveAt(t, "threshold", 1, B3)); r.Status != wire.StatusSigned {
		t.Fatalf("decision at a newer block: %+v", r)
	}
	if r := submit(t, s, d.proveAt(t, "threshold", 2, B2)); r.Code != wire.ProgramReplay {
		t.Fatalf("decision at an older block: %+v", r)
	}
}

// TestProgramReplayRace: proposals of one decision with nonces n, n+1, …
// arrive together and are resubmitted after nonce_mismatch, as an agent
// host would: exactly one is signed, the others are program_replay.
// Without the last-block check all of them end up signed.
func TestProgramReplayRace(t *testing.T) {
	d := newDevChain(t)
	d.publish(t, "threshold")
	d.setPrice(t, buyPrice)
	s := programSigner(t, NewMemStore(), d.options(), "threshold")
	const n = 4
	docs := make([][]byte, n)
	for i := range docs {
		docs[i] = mustJSON(t, d.prove(t, "threshold", uint64(i)))
	}
	var mu sync.Mutex
	signed, replays := 0, 0
	pending := append([][]byte(nil), docs...)
	for round := 0; len(pending) > 0 && round < 2*n; round++ {
		var wg sync.WaitGroup
		var again [][]byte
		for _, doc := range pending {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := s.Submit(context.Background(), doc)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case r.Status == wire.StatusSigned:
					signed++
				case r.Code == wire.ProgramReplay:
					replays++
				case r.Code == wire.NonceMismatch || r.Code == wire.StaleState:
					again = append(again, doc)
				default:
					t.Errorf("unexpected receipt %+v", r)
				}
			}()
		}
		wg.Wait()
		pending = again
	}
	// The proposals after the replayed one stay at nonce_mismatch: the
	// refusals took no nonce.
	if signed != 1 || replays < 1 || replays+len(pending) != n-1 {
		t.Fatalf("%d signed, %d program_replay, %d unsettled; want 1 signed, the rest refused", signed, replays, len(pending))
	}
	if st := s.Status(); st.Nonce != 1 {
		t.Fatalf("next nonce %d", st.Nonce)
	}
}

// TestUseBlockConcurrent: many checks of one block at once; one wins.
func TestUseBlockConcurrent(t *testing.T) {
	s := newSigner(t, NewMemStore(), &fakeClock{})
	P := wire.Hash32{1}
	const n = 32
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.useBlock(context.Background(), P, 7); err == nil {
				mu.Lock()
				won++
				mu.Unlock()
			} else if wire.CodeOf(err) != wire.ProgramReplay {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d of %d uses of block 7 passed", won, n)
	}
	// Releasing gives the block back; a newer block passes.
	s2 := newSigner(t, NewMemStore(), &fakeClock{})
	release, err := s2.useBlock(context.Background(), P, 7)
	if err != nil {
		t.Fatal(err)
	}
	release()
	if _, err := s2.useBlock(context.Background(), P, 7); err != nil {
		t.Fatalf("after release: %v", err)
	}
	if _, err := s2.useBlock(context.Background(), P, 8); err != nil {
		t.Fatalf("newer block: %v", err)
	}
}

// otherSetupKey is a well-formed key of another setup of the same circuit.
func otherSetupKey(t testing.TB, vkBytes []byte) []byte {
	t.Helper()
	b, err := programtest.OtherSetupKey(vkBytes)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPinProgramChecksRegistry is issue 12's attack 6: a well-formed key
// of another setup was accepted when pinned (the test fails on the old
// code: "a key of another setup was pinned"). A program is pinned only
// once it is published with that key's hash, and not revoked.
func TestPinProgramChecksRegistry(t *testing.T) {
	d := newDevChain(t)
	ctx := context.Background()
	keys := programtest.Keys(t, program.Threshold)
	doc := programtest.Example(t, "threshold.json")
	other := otherSetupKey(t, keys.VK.Bytes())
	P := programtest.Program(t, "threshold").Commitment()

	d.publish(t) // the policy only
	s := programSigner(t, NewMemStore(), d.options())
	if _, err := s.PinProgram(ctx, doc, keys.VK.Bytes()); wire.CodeOf(err) != wire.UnknownPolicy || !strings.Contains(err.Error(), "not published") {
		t.Fatalf("unpublished program: %v", err)
	}
	if _, err := d.reg.PublishProgram(testCtx(t), d.dev.Accounts()[0].Key, P, keys.VK.Hash()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PinProgram(ctx, doc, other); err == nil {
		t.Fatal("a key of another setup was pinned")
	} else if wire.CodeOf(err) != wire.UnknownPolicy || !strings.Contains(err.Error(), "published with vk hash") {
		t.Fatalf("key of another setup: %v", err)
	}
	if st := s.Status(); len(st.Programs) != 0 {
		t.Fatalf("a refused pin was kept: %+v", st.Programs)
	}
	if c, err := s.PinProgram(ctx, doc, keys.VK.Bytes()); err != nil || c != P {
		t.Fatalf("published program: %s, %v", c, err)
	}
	// Revoked on chain: it cannot be pinned again.
	if _, err := d.reg.RevokeProgram(testCtx(t), d.dev.Accounts()[0].Key, P); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PinProgram(ctx, doc, keys.VK.Bytes()); wire.CodeOf(err) != wire.Revoked {
		t.Fatalf("revoked program: %v", err)
	}
	// Published by another account only: not this account's program.
	d2 := newDevChain(t)
	if _, err := d2.reg.PublishProgram(testCtx(t), d2.dev.Accounts()[1].Key, P, keys.VK.Hash()); err != nil {
		t.Fatal(err)
	}
	d2.publish(t)
	s2 := programSigner(t, NewMemStore(), d2.options())
	if _, err := s2.PinProgram(ctx, doc, keys.VK.Bytes()); wire.CodeOf(err) != wire.UnknownPolicy {
		t.Fatalf("another account's program: %v", err)
	}
	// Without a registry, or without an RPC, nothing can be pinned.
	for name, opts := range map[string]ChainOptions{
		"no registry": {RPC: d2.call},
		"no rpc":      {Registry: wire.Address(d2.addrs.Registry)},
	} {
		s3 := programSigner(t, NewMemStore(), opts)
		if _, err := s3.PinProgram(ctx, doc, keys.VK.Bytes()); wire.CodeOf(err) != wire.UnknownPolicy {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestProgramRevokedOnChain: revoking the program (or the policy) on chain
// stops its proposals at once, with nothing signed and the decision's
// block not used up; publishing again lets the same decision through.
func TestProgramRevokedOnChain(t *testing.T) {
	d := newDevChain(t)
	d.publish(t, "threshold")
	d.setPrice(t, buyPrice)
	opts := d.options()
	opts.MaxBlockAge = 100 // each registry change below is a block
	s := programSigner(t, NewMemStore(), opts, "threshold")
	p := d.prove(t, "threshold", 0)
	P := programtest.Program(t, "threshold").Commitment()
	keys := programtest.Keys(t, program.Threshold)
	key := d.dev.Accounts()[0].Key

	if _, err := d.reg.RevokeProgram(testCtx(t), key, P); err != nil {
		t.Fatal(err)
	}
	r := submit(t, s, p)
	if r.Status != wire.StatusRejected || r.Code != wire.Revoked || !strings.Contains(r.Message, P.Hex()) {
		t.Fatalf("revoked program: %+v", r)
	}
	if st := s.Status(); st.Nonce != 0 || st.Programs[0].LastBlock != nil {
		t.Fatalf("a refusal moved the state: %+v", st)
	}
	// Re-published with another key: still refused (the pinned key's hash).
	if _, err := d.reg.PublishProgram(testCtx(t), key, P, wire.Hash32{9}); err != nil {
		t.Fatal(err)
	}
	if r := submit(t, s, p); r.Code != wire.UnknownPolicy {
		t.Fatalf("published with another key: %+v", r)
	}
	if _, err := d.reg.PublishProgram(testCtx(t), key, P, keys.VK.Hash()); err != nil {
		t.Fatal(err)
	}
	// The policy revoked: program proposals stop too.
	if _, err := d.reg.Revoke(testCtx(t), key); err != nil {
		t.Fatal(err)
	}
	if r := submit(t, s, p); r.Code != wire.Revoked {
		t.Fatalf("revoked policy: %+v", r)
	}
	d.publish(t)
	// The decision proven before, at the same block, is still good.
	if r := submit(t, s, p); r.Status != wire.StatusSigned {
		t.Fatalf("after re-publishing: %+v", r)
	}
}

func TestProgramProposalRefusals(t *testing.T) {
	d := newDevChain(t)
	d.publish(t, "threshold", "mlp")
	d.setPrice(t, buyPrice)
	p := d.prove(t, "threshold", 0)
	cases := []struct {
		name   string
		pinned bool
		opts   func(o *ChainOptions)
		edit   func(*wire.Proposal)
		code   wire.Code
	}{
		{"program not pinned", false, nil, nil, wire.UnknownPolicy},
		{"no rpc", true, func(o *ChainOptions) { o.RPC = nil }, nil, wire.InputUnavailable},
		{"no registry", true, func(o *ChainOptions) { o.Registry = wire.Address{} }, nil, wire.UnknownPolicy},
		{"fake price", true, nil, func(p *wire.Proposal) {
			p.Program.Inputs[0] = wire.NewQuantity(new(big.Int).Add(p.Program.Inputs[0].Big(), big.NewInt(1)))
		}, wire.InputMismatch},
		{"block ahead of the head", true, nil, func(p *wire.Proposal) { p.Program.Block += 100 }, wire.StaleInput},
		{"another program", true, nil, func(p *wire.Proposal) { p.Program.Commitment[31] ^= 1 }, wire.UnknownPolicy},
		{"size the program did not output", true, nil, func(p *wire.Proposal) {
			p.Tx.Data[len(p.Tx.Data)-1] ^= 1
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var pins []string
			if tc.pinned {
				pins = []string{"threshold"}
			}
			s := programSigner(t, NewMemStore(), d.options(), pins...)
			if tc.opts != nil {
				o := d.options()
				tc.opts(&o)
				s.Configure(o)
			}
			q := p
			if tc.edit != nil {
				q = edited(t, p, tc.edit)
			}
			r := submit(t, s, q)
			if r.Status != wire.StatusRejected || r.RawTx != nil || (tc.code != "" && r.Code != tc.code) {
				t.Fatalf("receipt %+v, want code %q", r, tc.code)
			}
			if st := s.Status(); st.Nonce != 0 || st.Spent.Big().Sign() != 0 {
				t.Fatalf("state moved: %+v", st)
			}
			for _, ps := range s.Status().Programs {
				if ps.LastBlock != nil {
					t.Fatalf("the refusal used up block %d", *ps.LastBlock)
				}
			}
		})
	}
}

// edited returns a copy of p changed by f.
func edited(t testing.TB, p *wire.Proposal, f func(*wire.Proposal)) *wire.Proposal {
	t.Helper()
	q, err := wire.DecodeProposal(mustJSON(t, p))
	if err != nil {
		t.Fatal(err)
	}
	f(q)
	return q
}

// TestPinProgramBadInput: pins and keys that are not what they claim are
// malformed, and nothing is kept.
func TestPinProgramBadInput(t *testing.T) {
	d := newDevChain(t)
	d.publish(t, "threshold")
	ctx := context.Background()
	s := programSigner(t, NewMemStore(), d.options())
	keys := programtest.Keys(t, program.Threshold)
	prog := programtest.Program(t, "threshold")
	pinDoc := mustJSON(t, prog.Pin())
	_, _, policyVK := policytest.Keys(t)
	bad := []struct {
		name    string
		doc, vk []byte
	}{
		{"policy circuit's key", pinDoc, policyVK.Bytes()},
		{"truncated key", pinDoc, keys.VK.Bytes()[:100]},
		{"not a pin", []byte(`{"commitment":"0x01"}`), keys.VK.Bytes()},
		{"unknown template", []byte(`{"commitment":"0x` + "00" + prog.Commitment().Hex()[4:] + `","template":"oracle-magic","oracle":"0x0000000000000000000000000000000000000001"}`), keys.VK.Bytes()},
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
	// The pin document and the program document pin the same program.
	if c, err := s.PinProgram(ctx, pinDoc, keys.VK.Bytes()); err != nil || c != prog.Commitment() {
		t.Fatalf("pin document: %s, %v", c, err)
	}
	raw, _ := s.store.Get(ctx, KeyPrograms)
	var pj programsJSON
	if err := json.Unmarshal(raw, &pj); err != nil || len(pj.Programs) != 1 || pj.Programs[0].Pin != prog.Pin() {
		t.Fatalf("stored %s", raw)
	}
	if err := s.UnpinProgram(ctx, prog.Commitment()); err != nil {
		t.Fatal(err)
	}
	if st := s.Status(); len(st.Programs) != 0 {
		t.Fatalf("after unpin: %+v", st.Programs)
	}
}

func TestCorruptProgramStateStopsNew(t *testing.T) {
	for key, doc := range map[string]string{
		KeyPrograms:      `{"version":1,"programs":[{"pin":{}}]}`,
		KeyProgramBlocks: `{"version":1,"last":[{"program":"0x01","block":"0x1"}]}`,
		KeyNonceAnchor:   `{"version":1,"anchor":"0x1","Anchor":"0x2"}`,
	} {
		store := NewMemStore()
		if err := store.Put(context.Background(), key, []byte(doc)); err != nil {
			t.Fatal(err)
		}
		if _, err := New(context.Background(), Config{Store: store}); wire.CodeOf(err) != wire.Malformed {
			t.Errorf("New over corrupt %s: %v", key, err)
		}
	}
	// A program listed twice in the last blocks.
	two := `{"version":1,"last":[{"program":"0x` + strings.Repeat("00", 31) + `01","block":"0x1"},{"program":"0x` + strings.Repeat("00", 31) + `01","block":"0x2"}]}`
	store := NewMemStore()
	_ = store.Put(context.Background(), KeyProgramBlocks, []byte(two))
	if _, err := New(context.Background(), Config{Store: store}); wire.CodeOf(err) != wire.Malformed {
		t.Errorf("duplicate program: %v", err)
	}
}

// TestPinProgramConcurrent: concurrent pins of different programs lose
// none of them (the stored set and the live set agree).
func TestPinProgramConcurrent(t *testing.T) {
	d := newDevChain(t)
	d.publish(t)
	ctx := context.Background()
	keys := programtest.Keys(t, program.Threshold)
	const n = 8
	docs := make([][]byte, n)
	for i := range docs {
		pin := programtest.Program(t, "threshold").Pin()
		pin.Commitment[31] = byte(i + 1) // distinct, still canonical
		docs[i] = mustJSON(t, pin)
		if _, err := d.reg.PublishProgram(testCtx(t), d.dev.Accounts()[0].Key, pin.Commitment, keys.VK.Hash()); err != nil {
			t.Fatal(err)
		}
	}
	store := NewMemStore()
	s := programSigner(t, store, d.options())
	errs := make(chan error, n)
	for i := range docs {
		go func(doc []byte) {
			_, err := s.PinProgram(ctx, doc, keys.VK.Bytes())
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
	if got := len(programSigner(t, store, d.options()).Status().Programs); got != n {
		t.Fatalf("%d programs stored, want %d", got, n)
	}
}
