package programprover_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programcircuit"
	"github.com/leash-wallet/leash/circuits/program/programtest"
	"github.com/leash-wallet/leash/circuits/program/programverify"
	"github.com/leash-wallet/leash/prover/programprover"
	"github.com/leash-wallet/leash/wire"
)

func TestHoldProposesNothing(t *testing.T) {
	s := programtest.Shared(t, "mlp")
	req := s.Request
	req.Inputs = programtest.Prices(program.MLPInputs, 0)
	res, err := s.Prover.Prove(req)
	if wire.CodeOf(err) != program.NoTrade || res == nil || res.Decision.Action != program.Hold || res.Proposal != nil {
		t.Fatalf("got %+v, %v", res, err)
	}
}

// TestOverrideRefused: a host that asks the prover for a transaction the
// program did not compute (a bigger size) gets no proof.
func TestOverrideRefused(t *testing.T) {
	s := programtest.Shared(t, "mlp")
	tx := s.Result.Proposal.Tx
	tx.Data = append([]byte(nil), tx.Data...)
	tx.Data[60]++ // amountIn + 2^56
	req := s.Request
	req.Tx = &tx
	if _, err := s.Prover.Prove(req); !errors.Is(err, &wire.Error{Code: wire.Unsatisfiable}) {
		t.Fatalf("got %v, want unsatisfiable", err)
	}
	// The same transaction as the program's is proven.
	req.Tx = &s.Result.Proposal.Tx
	if _, err := s.Prover.Prove(req); err != nil {
		t.Fatal(err)
	}
}

func TestPolicyPrecheck(t *testing.T) {
	s := programtest.Shared(t, "threshold")
	req := s.Request
	req.Fees.MaxFeePerGas = big.NewInt(1e15) // 200k gas × 1e15 is far above the 0.01 ether fee cap
	req.Fees.MaxPriorityFeePerGas = big.NewInt(1)
	if _, err := s.Prover.Prove(req); wire.CodeOf(err) != wire.PolicyViolation(policy.RuleFee) {
		t.Fatalf("got %v", err)
	}
}

// ExampleProver goes from a program's inputs on chain to a proof the
// signer accepts.
func ExampleProver() {
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	read := func(name string) []byte {
		b, err := os.ReadFile("../../examples/programs/" + name)
		must(err)
		return b
	}
	pol, err := policy.Decode(read("policy.json"))
	must(err)
	prog, err := program.Decode(read("threshold.json"))
	must(err)
	keys, err := programtest.LoadKeys(prog.Tmpl()) // user-side setup (cached for tests)
	must(err)

	// The chain: the oracle's rounds. The host reads the last answer at the head.
	chain := programtest.NewFakeChain(1337)
	chain.SetPrice(prog.Oracle, big.NewInt(2800_00000000))
	block, inputs, err := program.ReadLatest(context.Background(), chain, prog.Oracle, prog.Tmpl().Inputs)
	must(err)

	// The agent host: decide, build the swap, pre-check the policy, prove.
	pr, err := programprover.New(pol, prog, keys.PK)
	must(err)
	res, err := pr.Prove(programprover.Request{Block: block, Inputs: inputs, State: &wire.State{Time: programtest.Now},
		Fees: program.Fees{Gas: 200_000, MaxFeePerGas: big.NewInt(2e9), MaxPriorityFeePerGas: big.NewInt(1e9)}})
	must(err)

	// The signer: re-read the inputs at B, recompute every public input, pair.
	pin := prog.Pin()
	st := &wire.State{Nonce: 0, Time: programtest.Now}
	err = programverify.Verify(context.Background(), res.Proposal, pol, &pin, keys.VK, st, chain, programverify.Options{})
	fmt.Println(res.Decision.Action, res.Decision.AmountIn, err)
	// Output: buy 200000000000000000000 <nil>
}

// BenchmarkProve is native proving with the MLP template (8→16→4).
func BenchmarkProve(b *testing.B) { benchProve(b, "mlp") }

// BenchmarkProveThreshold is native proving with the threshold template.
func BenchmarkProveThreshold(b *testing.B) { benchProve(b, "threshold") }

func benchProve(b *testing.B, name string) {
	s := programtest.Shared(b, name)
	info, _ := programcircuit.GetInfo(s.Program.Tmpl())
	b.ReportMetric(float64(info.Constraints), "constraints")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Prover.Prove(s.Request); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSolveBaseline is witness building and solving alone for the MLP
// template: the part of proving that is not Groth16's MSMs and FFTs.
func BenchmarkSolveBaseline(b *testing.B) {
	s := programtest.Shared(b, "mlp")
	ccs, _ := programcircuit.Compile(s.Program.Tmpl())
	tx := &s.Result.Proposal.Tx
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a, err := programcircuit.Assign(s.Policy, s.Program, tx, s.Request.State, s.Request.State.Time, s.Block, s.Inputs)
		if err != nil {
			b.Fatal(err)
		}
		w, _ := frontend.NewWitness(a, ecc.BN254.ScalarField())
		if _, err := ccs.Solve(w, solver.WithHints(programcircuit.Hints()...)); err != nil {
			b.Fatal(err)
		}
	}
}
