package ext

import (
	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/wasm/signer"
	"github.com/leash-wallet/leash/wire"
)

// ExplainSignature is signer.ExplainSignature (the core's display of a
// signature proposal's typed data), for leashExt.explainSignature.
func ExplainSignature(doc []byte, pol *policy.Policy, st *wire.State) (*signer.ExplainedSignature, error) {
	return signer.ExplainSignature(doc, pol, st)
}
