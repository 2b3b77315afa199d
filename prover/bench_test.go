package prover_test

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

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
