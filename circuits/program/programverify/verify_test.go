package programverify_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	groth16 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/leash-wallet/leash/circuits/groth16v"
	"github.com/leash-wallet/leash/circuits/groth16v/gnarkconv"
	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programcircuit"
	"github.com/leash-wallet/leash/circuits/program/programtest"
	"github.com/leash-wallet/leash/circuits/program/programverify"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/wire"
)

var templates = []string{"threshold", "mlp"}

// clone deep-copies a proposal through its JSON form (as the relay would).
func clone(t testing.TB, p *wire.Proposal) *wire.Proposal {
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	c, err := wire.DecodeProposal(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAccept(t *testing.T) {
	for _, name := range templates {
		s := programtest.Shared(t, name)
		if err := s.Verify(clone(t, s.Result.Proposal), programverify.Options{}); err != nil {
			t.Errorf("%s: the honest proposal is refused: %v", name, err)
		}
		t.Logf("%s: %s %s in, at least %s out", name, s.Result.Decision.Action, s.Result.Decision.AmountIn, s.Result.Decision.MinOut)
	}
}

// TestResidueHint: the scenario's prover appends the residue hint (as the
// agent host's does); the proof verifies with it and without it, and a
// wrong hint is proof_invalid (never retried without it).
func TestResidueHint(t *testing.T) {
	s := programtest.Shared(t, templates[0])
	p := clone(t, s.Result.Proposal)
	if len(p.Proof) != groth16v.ProofSize+groth16v.HintSize {
		t.Fatalf("proof is %d bytes, want %d with its hint", len(p.Proof), groth16v.ProofSize+groth16v.HintSize)
	}
	plain := clone(t, p)
	plain.Proof = plain.Proof[:groth16v.ProofSize]
	if err := s.Verify(plain, programverify.Options{}); err != nil {
		t.Fatalf("without the hint: %v", err)
	}
	bad := clone(t, p)
	bad.Proof[len(bad.Proof)-1] ^= 1
	if err := s.Verify(bad, programverify.Options{}); !errors.Is(err, wire.ErrProofInvalid) {
		t.Fatalf("wrong hint: got %v, want proof_invalid", err)
	}
	bad.Proof = bad.Proof[:len(bad.Proof)-1]
	if err := s.Verify(bad, programverify.Options{}); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("truncated hint: got %v, want malformed", err)
	}
}

// TestRefusals changes the proposal, the signer's view or the chain in
// turn; every change is refused with its code.
func TestRefusals(t *testing.T) {
	for _, name := range templates {
		s := programtest.Shared(t, name)
		other := programtest.Program(t, "threshold")
		if name == "threshold" {
			other = programtest.Program(t, "mlp")
		}
		cases := []struct {
			name   string
			change func(p *wire.Proposal)
			code   wire.Code
		}{
			{"fake price claimed", func(p *wire.Proposal) {
				v := p.Program.Inputs[len(p.Program.Inputs)-1].Big()
				p.Program.Inputs[len(p.Program.Inputs)-1] = wire.NewQuantity(v.Add(v, big.NewInt(1)))
			}, wire.InputMismatch},
			{"another program", func(p *wire.Proposal) { p.Program.Commitment = other.Commitment() }, wire.UnknownPolicy},
			{"no program (a policy proof)", func(p *wire.Proposal) { p.Program = nil }, wire.UnknownPolicy},
			{"another policy", func(p *wire.Proposal) { p.PolicyCommitment[31] ^= 1 }, wire.UnknownPolicy},
			{"too few inputs", func(p *wire.Proposal) { p.Program.Inputs = p.Program.Inputs[1:] }, wire.Malformed},
			{"block ahead of the head", func(p *wire.Proposal) { p.Program.Block++ }, wire.StaleInput},
			{"amount the program did not output", func(p *wire.Proposal) { p.Tx.Data[67]++ }, wire.ProofInvalid},
			{"min out lowered", func(p *wire.Proposal) { p.Tx.Data[99]-- }, wire.ProofInvalid},
			{"recipient changed", func(p *wire.Proposal) { p.Tx.Data[131] ^= 1 }, wire.PolicyViolation(policy.RuleArg)},
			{"deadline later", func(p *wire.Proposal) { p.Tx.Data[163]++ }, wire.ProofInvalid},
			{"gas changed", func(p *wire.Proposal) { p.Tx.Gas++ }, wire.ProofInvalid},
			{"fee changed", func(p *wire.Proposal) { p.Tx.MaxFeePerGas = wire.QuantityFromUint64(3e9) }, wire.ProofInvalid},
			{"fee above the cap", func(p *wire.Proposal) { p.Tx.MaxFeePerGas = wire.QuantityFromUint64(1e14) }, wire.PolicyViolation(policy.RuleFee)},
			{"time moved", func(p *wire.Proposal) { p.Time++ }, wire.ProofInvalid},
			{"nonce", func(p *wire.Proposal) { p.Tx.Nonce++ }, wire.NonceMismatch},
			{"spent hint", func(p *wire.Proposal) { p.State.Spent = wire.QuantityFromUint64(1) }, wire.StaleState},
			{"token hint", func(p *wire.Proposal) { p.State.TokenSpent = wire.QuantityFromUint64(1) }, wire.StaleState},
			{"fee hint", func(p *wire.Proposal) { p.State.Fees = wire.QuantityFromUint64(1) }, wire.StaleState},
			{"proof bytes", func(p *wire.Proposal) { p.Proof[40] ^= 1 }, ""},
		}
		for _, c := range cases {
			p := clone(t, s.Result.Proposal)
			c.change(p)
			err := s.Verify(p, programverify.Options{})
			if err == nil {
				t.Errorf("%s: %s: accepted", name, c.name)
				continue
			}
			if c.code != "" && wire.CodeOf(err) != c.code {
				t.Errorf("%s: %s: got %v, want %s", name, c.name, err, c.code)
			}
			if c.code == "" && wire.CodeOf(err) != wire.Malformed && wire.CodeOf(err) != wire.ProofInvalid {
				t.Errorf("%s: %s: got %v", name, c.name, err)
			}
		}
	}
}

func TestStaleAndUnreachable(t *testing.T) {
	s := programtest.NewScenario(t, "mlp", programtest.TradePrices("mlp"))
	p := s.Result.Proposal

	// A newer price does not change what was true at B.
	s.Chain.SetPrice(s.Program.Oracle, big.NewInt(1))
	if err := s.Verify(p, programverify.Options{}); err != nil {
		t.Fatalf("after a new round: %v", err)
	}
	// B falls too far behind the head.
	s.Chain.Mine(programverify.DefaultMaxBlockAge)
	if err := s.Verify(p, programverify.Options{}); !errors.Is(err, wire.ErrStaleInput) {
		t.Fatalf("old block: got %v, want stale_input", err)
	}
	if err := s.Verify(p, programverify.Options{MaxBlockAge: 100}); err != nil {
		t.Fatalf("with a wider window: %v", err)
	}
	// The chain cannot be reached: refuse, sign nothing.
	s.Chain.Fail(errors.New("connection refused"))
	if err := s.Verify(p, programverify.Options{MaxBlockAge: 100}); !errors.Is(err, wire.ErrInputUnavailable) {
		t.Fatalf("unreachable: got %v, want input_unavailable", err)
	}
	s.Chain.Fail(nil)
	// A chain reader for another chain.
	err := programverify.Verify(t.Context(), p, s.Policy, s.Pin, s.Keys.VK, s.State, programtest.NewFakeChain(1), programverify.Options{})
	if !errors.Is(err, wire.ErrWrongChain) {
		t.Fatalf("other chain: got %v, want wrong_chain", err)
	}
	// No chain reader at all.
	err = programverify.Verify(t.Context(), p, s.Policy, s.Pin, s.Keys.VK, s.State, nil, programverify.Options{})
	if !errors.Is(err, wire.ErrInputUnavailable) {
		t.Fatalf("no reader: got %v, want input_unavailable", err)
	}
	// The same block on a chain where the oracle's history differs.
	forked := programtest.NewFakeChain(1337)
	for _, v := range programtest.Prices(program.MLPInputs, 0) {
		forked.SetPrice(s.Program.Oracle, v)
	}
	err = programverify.Verify(t.Context(), p, s.Policy, s.Pin, s.Keys.VK, s.State, forked, programverify.Options{})
	if !errors.Is(err, wire.ErrInputMismatch) {
		t.Fatalf("other history: got %v, want input_mismatch", err)
	}
	// The pinned oracle has no rounds at all.
	pin := *s.Pin
	pin.Oracle = wire.Address{1}
	err = programverify.Verify(t.Context(), p, s.Policy, &pin, s.Keys.VK, s.State, s.Chain, programverify.Options{MaxBlockAge: 100})
	if !errors.Is(err, wire.ErrInputMismatch) {
		t.Fatalf("empty oracle: got %v, want input_mismatch", err)
	}
}

// TestLocalRefusalsReadNothing: what the signer can refuse on its own never
// reaches the chain.
func TestLocalRefusalsReadNothing(t *testing.T) {
	s := programtest.Shared(t, "threshold")
	before := s.Chain.Calls()
	p := clone(t, s.Result.Proposal)
	p.Tx.Nonce++
	if err := s.Verify(p, programverify.Options{}); !errors.Is(err, wire.ErrNonceMismatch) {
		t.Fatal(err)
	}
	if s.Chain.Calls() != before {
		t.Errorf("a nonce mismatch read the chain")
	}
}

// TestProofForFakeInputs: a host that proves from a price that is not on
// chain gets a valid proof for its fake inputs, and the signer refuses it.
func TestProofForFakeInputs(t *testing.T) {
	s := programtest.Shared(t, "threshold")
	req := s.Request
	req.Inputs = []*big.Int{big.NewInt(2000_00000000)} // a crash the chain never saw
	res, err := s.Prover.Prove(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision.AmountIn.Cmp(s.Result.Decision.AmountIn) <= 0 {
		t.Fatalf("the fake price should buy more")
	}
	if err := s.Verify(res.Proposal, programverify.Options{}); !errors.Is(err, wire.ErrInputMismatch) {
		t.Fatalf("got %v, want input_mismatch", err)
	}
	// Claiming the real inputs with the fake proof fails the pairing.
	p := clone(t, res.Proposal)
	p.Program.Inputs = s.Result.Proposal.Program.Inputs
	if err := s.Verify(p, programverify.Options{}); !errors.Is(err, wire.ErrProofInvalid) {
		t.Fatalf("got %v, want proof_invalid", err)
	}
}

// TestEveryPublicInputIsBound perturbs each public input of a valid proof:
// the pairing check must fail for every one.
func TestEveryPublicInputIsBound(t *testing.T) {
	for _, name := range templates {
		s := programtest.Shared(t, name)
		p := s.Result.Proposal
		claim := &program.Claim{Commitment: s.Pin.Commitment, Template: s.Program.Tmpl(), Oracle: s.Pin.Oracle,
			MaxInputAge: s.Pin.MaxInputAge, Block: s.Block, Inputs: s.Inputs}
		pub, err := program.PublicInputs(s.Policy, &p.Tx, s.State, p.Time, claim)
		if err != nil {
			t.Fatal(err)
		}
		proof, err := verify.DecodeProof(p.Proof)
		if err != nil {
			t.Fatal(err)
		}
		gvk := gnarkVK(t, s.Keys.VK)
		if err := groth16.Verify(gnarkconv.Proof(proof), gvk, pub); err != nil {
			t.Fatal(err)
		}
		names := program.PublicInputNames(s.Program.Tmpl())
		for i := range pub {
			changed := append(pub[:0:0], pub...)
			one := policy.ElemU64(1)
			changed[i].Add(&changed[i], &one)
			if groth16.Verify(gnarkconv.Proof(proof), gvk, changed) == nil {
				t.Errorf("%s: public input %d (%s) is not bound", name, i, names[i])
			}
		}
	}
}

func TestVerifyingKeys(t *testing.T) {
	mlp := programtest.Keys(t, program.MLP)
	b, err := os.ReadFile(filepath.Join(mlp.Dir, programcircuit.VerifyingKeyFile(program.MLP)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := programverify.LoadVerifyingKey(b, program.Threshold); !errors.Is(err, wire.ErrMalformed) {
		t.Errorf("an MLP key loaded as a threshold key: %v", err)
	}
	if _, err := programverify.LoadVerifyingKey(b[:len(b)-1], program.MLP); !errors.Is(err, wire.ErrMalformed) {
		t.Errorf("a truncated key: %v", err)
	}
	if _, err := programverify.LoadVerifyingKey(append(b, 0), program.MLP); !errors.Is(err, wire.ErrMalformed) {
		t.Errorf("trailing bytes: %v", err)
	}
	// A policy proposal's key (12 public inputs) is not a program key.
	s := programtest.Shared(t, "threshold")
	err = programverify.Verify(t.Context(), s.Result.Proposal, s.Policy, s.Pin, mlp.VK, s.State, s.Chain, programverify.Options{})
	if !errors.Is(err, wire.ErrMalformed) {
		t.Errorf("a key of another template: %v", err)
	}
}

// gnarkVK is gnark's own type for k: the tests check proofs with gnark's
// verifier too, independently of groth16v.
func gnarkVK(tb testing.TB, k *programverify.VerifyingKey) *groth16.VerifyingKey {
	tb.Helper()
	raw, err := groth16v.DecodeVerifyingKey(k.Bytes(), program.NumPublicInputs(k.Template()))
	if err != nil {
		tb.Fatal(err)
	}
	g, err := gnarkconv.VerifyingKey(raw)
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// TestPinBindsMaxInputAge: maxInputAge is a public input the signer takes
// from its pin, so a pin that says another age than the committed one
// (a longer one, to let old oracle answers through) makes the proof fail.
func TestPinBindsMaxInputAge(t *testing.T) {
	for _, name := range templates {
		s := programtest.Shared(t, name)
		pin := *s.Pin
		pin.MaxInputAge *= 10
		err := programverify.Verify(t.Context(), clone(t, s.Result.Proposal), s.Policy, &pin, s.Keys.VK, s.State, s.Chain, programverify.Options{})
		if !errors.Is(err, wire.ErrProofInvalid) {
			t.Errorf("%s: a pin with maxInputAge %d: got %v, want proof_invalid", name, pin.MaxInputAge, err)
		}
	}
}

// lateClock is a chain whose blocks claim an earlier time than the oracle's
// answers: what a lying RPC (or a broken one) would serve.
type lateClock struct {
	*programtest.FakeChain
	back uint64
	err  error
}

func (c lateClock) BlockTime(ctx context.Context, block uint64) (uint64, error) {
	if c.err != nil {
		return 0, c.err
	}
	t, err := c.FakeChain.BlockTime(ctx, block)
	return t - c.back, err
}

// TestInputAge: the oracle's latest answer must be at most the pin's
// MaxInputAge old at block B's timestamp (issue 12: "an oracle answer whose
// updatedAt is old is accepted"). Program format 2 commits maxInputAge and
// the proof binds it as a public input (TestPinBindsMaxInputAge), so the
// age the signer enforces is the one the program was published with.
func TestInputAge(t *testing.T) {
	age := programtest.Program(t, "threshold").MaxInputAge
	s := programtest.NewScenarioAfter(t, "threshold", programtest.TradePrices("threshold"), age)
	p := s.Result.Proposal
	check := func(pin program.Pin, chain program.Chain) error {
		return programverify.Verify(t.Context(), clone(t, p), s.Policy, &pin, s.Keys.VK, s.State, chain, programverify.Options{})
	}
	if err := check(*s.Pin, s.Chain); err != nil {
		t.Fatalf("an answer exactly %d s old, %d s allowed: %v", age, age, err)
	}
	old := programtest.NewScenarioAfter(t, "threshold", programtest.TradePrices("threshold"), age+1)
	err := old.Verify(old.Result.Proposal, programverify.Options{})
	if !errors.Is(err, wire.ErrStaleInput) || !strings.Contains(wire.MessageOf(err), fmt.Sprintf("%d s old", age+1)) || !strings.Contains(wire.MessageOf(err), fmt.Sprintf("allows %d s", age)) {
		t.Fatalf("%d s old, %d s allowed: %v", age+1, age, err)
	}
	// A pin that claims a shorter age than the committed one is refused
	// before the proof (stale input), a longer one by the proof.
	short := *s.Pin
	short.MaxInputAge = age - 1
	if err := check(short, s.Chain); !errors.Is(err, wire.ErrStaleInput) {
		t.Fatalf("pin with %d s: %v", age-1, err)
	}
	// An answer updated after block B's own time: the RPC is inconsistent.
	if err := check(*s.Pin, lateClock{FakeChain: s.Chain, back: age + 1}); !errors.Is(err, wire.ErrInputUnavailable) {
		t.Fatalf("updatedAt after the block: %v", err)
	}
	// The block's time cannot be read.
	if err := check(*s.Pin, lateClock{FakeChain: s.Chain, err: errors.New("no such method")}); !errors.Is(err, wire.ErrInputUnavailable) {
		t.Fatalf("no block time: %v", err)
	}
}

// TestDefaultMaxBlockAge: B may be two blocks behind the head, not three
// (issue 12: "the host may also choose the most favourable of 9 recent
// blocks").
func TestDefaultMaxBlockAge(t *testing.T) {
	if programverify.DefaultMaxBlockAge != 2 {
		t.Fatalf("DefaultMaxBlockAge %d", programverify.DefaultMaxBlockAge)
	}
	s := programtest.NewScenario(t, "threshold", programtest.TradePrices("threshold"))
	s.Chain.Mine(2)
	if err := s.Verify(clone(t, s.Result.Proposal), programverify.Options{}); err != nil {
		t.Fatalf("2 blocks behind: %v", err)
	}
	s.Chain.Mine(1)
	if err := s.Verify(clone(t, s.Result.Proposal), programverify.Options{}); !errors.Is(err, wire.ErrStaleInput) {
		t.Fatalf("3 blocks behind: %v", err)
	}
}
