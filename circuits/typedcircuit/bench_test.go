package typedcircuit_test

import (
	"testing"

	"github.com/leash-wallet/leash/circuits/groth16v"
	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/typedcircuit"
	tt "github.com/leash-wallet/leash/circuits/typedcircuit/typedtest"
	"github.com/leash-wallet/leash/wire"
)

// BenchmarkProve proves an x402 payment (issue 17 target: p50 ≤ 0.5 s).
func BenchmarkProve(b *testing.B) {
	ks := tt.Keys(b)
	pol := tt.Policy(b)
	st := &wire.State{Time: tt.Now}
	a, err := typedcircuit.Assign(pol, msg(b, tt.Authorization(nil)), st, st.Time)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := typedcircuit.Prove(ks.PK, a, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify computes the public inputs from the document and
// verifies, as the signer does (natively; the WASM figure is in wasm/).
func BenchmarkVerify(b *testing.B) {
	ks := tt.Keys(b)
	pol := tt.Policy(b)
	st := &wire.State{Time: tt.Now}
	doc := tt.Authorization(nil)
	a, _ := typedcircuit.Assign(pol, msg(b, doc), st, st.Time)
	proof, err := typedcircuit.Prove(ks.PK, a, nil)
	if err != nil {
		b.Fatal(err)
	}
	v, err := groth16v.NewVerifierFromBytes(ks.VKBytes, policy.NumSigPublicInputs)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pub, err := pol.SigPublicInputs(msg(b, doc), st, st.Time)
		if err != nil {
			b.Fatal(err)
		}
		if err := v.VerifyBytes(proof, pub); err != nil {
			b.Fatal(err)
		}
	}
}
