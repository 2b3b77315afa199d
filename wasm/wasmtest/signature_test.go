package wasmtest

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leash-wallet/leash/circuits/policytest"
	tt "github.com/leash-wallet/leash/circuits/typedcircuit/typedtest"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/wire"
)

// TestNodeSignature runs wasm/test/signature.mjs: the WASM core (the
// extension's) verifies and signs x402 payments (EIP-3009 typed data)
// proven natively, refuses a payee outside the policy, a replay, a forged
// proof and a payment past the window, and reports the verify + sign time.
// The payments are proven now (the core uses the real clock), one after
// another against the window the previous ones leave.
func TestNodeSignature(t *testing.T) {
	requireWASM(t)
	dir := t.TempDir()
	_, _, vk := policytest.Keys(t)
	ks := tt.Keys(t)
	write(t, dir, "policy.json", policytest.Example(t, "policy-x402.json"))
	write(t, dir, "policy.vk", vk.Bytes())
	write(t, dir, "typed.vk", ks.VKBytes)
	now := uint64(time.Now().Unix())
	const n = 12
	sp := prover.NewSigProver(tt.Policy(t), ks.PK)
	var props []json.RawMessage
	for _, p := range provePayments(t, sp, n, "pay-", 1000, 400000, now, now+300) {
		props = append(props, mustJSON(t, p))
	}
	// payments[n]: payment 0's document again, proven against the sum after
	// it, under a new id (a replay with a valid proof).
	var first wire.SigProposal
	if err := json.Unmarshal(props[0], &first); err != nil {
		t.Fatal(err)
	}
	st := &wire.State{Time: now}
	st.SetTokenSpent(tt.DUSDC, big.NewInt(400000))
	replay, err := sp.Prove(prover.SigRequest{ID: "replay-1", TypedData: first.TypedData, State: st, NoPrecheck: true})
	if err != nil {
		t.Fatal(err)
	}
	props = append(props, mustJSON(t, replay))
	write(t, dir, "payments.json", mustJSON(t, props))
	cmd := exec.Command("node", "--test", "--test-concurrency=1", filepath.Join(root, "wasm", "test", "signature.mjs"))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "LEASH_FIXTURES="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, out)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "verify+sign") {
			t.Log(l)
		}
	}
	t.Logf("%s", lastLines(string(out), 8))
}

// provePayments proves n x402 payments of value units each at time now,
// valid before validBefore: payment i has id prefix+i and nonce
// nonceBase+i, and is proven against the window the i before it leave.
func provePayments(tb testing.TB, sp *prover.SigProver, n int, prefix string, nonceBase, value int64, now, validBefore uint64) []*wire.SigProposal {
	tb.Helper()
	var out []*wire.SigProposal
	for i := 0; i < n; i++ {
		doc := tt.Authorization(func(d map[string]any) {
			m := d["message"].(map[string]any)
			m["nonce"] = fmt.Sprintf("0x%064x", nonceBase+int64(i))
			m["value"] = fmt.Sprint(value)
			m["validBefore"] = fmt.Sprint(validBefore)
		})
		st := &wire.State{Time: now}
		st.SetTokenSpent(tt.DUSDC, big.NewInt(int64(i)*value))
		p, err := sp.Prove(prover.SigRequest{ID: fmt.Sprintf("%s%d", prefix, i), TypedData: doc, State: st})
		if err != nil {
			tb.Fatalf("prove %d: %v", i, err)
		}
		out = append(out, p)
	}
	return out
}
