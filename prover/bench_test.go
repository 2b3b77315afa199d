package prover_test

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	groth16 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/frontend"

	"github.com/leash-wallet/leash/bench/policyv1"
	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/prover"
)

// BenchmarkProve is native proving of an in-policy ERC-20 transfer.
func BenchmarkProve(b *testing.B) {
	pol := policytest.Policy(b)
	st := policytest.State(b)
	pr := policytest.Prover(b, pol)
	req := prover.Request{Tx: policytest.Tx(b, "tx-ok-erc20"), State: st}
	info, _ := policycircuit.GetInfo()
	b.ReportMetric(float64(info.Constraints), "constraints")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := pr.Prove(req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProveV1Baseline is native proving with the frozen policy
// circuit v1 (bench/policyv1, 11,941 constraints), measured in the same run
// as BenchmarkProve's baseline (a plain transfer: proving time depends on
// the circuit, not the transaction).
func BenchmarkProveV1Baseline(b *testing.B) {
	base := policyv1.Example()
	ccs, err := policyv1.Compile()
	if err != nil {
		b.Fatal(err)
	}
	pk, _, err := policyv1.Keys()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(ccs.GetNbConstraints()), "constraints")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w, err := frontend.NewWitness(base.Assign(base.Tx(), new(big.Int), 1795564800), ecc.BN254.ScalarField())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := groth16.Prove(ccs, pk, w); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSolveBaseline is witness building and constraint solving alone:
// the part of proving that is not Groth16's MSMs and FFTs.
func BenchmarkSolveBaseline(b *testing.B) {
	pol := policytest.Policy(b)
	st := policytest.State(b)
	ccs, _ := policycircuit.Compile()
	tx := policytest.Tx(b, "tx-ok-erc20")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a, err := policycircuit.Assign(pol, tx, st, st.Time)
		if err != nil {
			b.Fatal(err)
		}
		w, _ := frontend.NewWitness(a, ecc.BN254.ScalarField())
		if _, err := ccs.Solve(w); err != nil {
			b.Fatal(err)
		}
	}
}
