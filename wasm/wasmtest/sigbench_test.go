package wasmtest

import (
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/leash-wallet/leash/circuits/policytest"
	tt "github.com/leash-wallet/leash/circuits/typedcircuit/typedtest"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/wire"
)

// BenchmarkNodeSignature is the figure of record of issue 17's "verify +
// sign in WASM ≤ 5 ms": bench/wasm/bench-signature.mjs times the stateful
// core's whole agent.submit of an x402 payment (typed data) under Node,
// with storage authentication on as in the extension, against the
// stateless verify + sign of the same proposals (leash.tools.signer), in
// alternating rounds of one run. The payments are proven here, now (the
// core uses the real clock), each against the window the ones before it
// leave. BENCH_N sets their number (default 48); LEASH_SIGBENCH_DIR keeps
// the fixtures there (for node --cpu-prof). The script times the
// transaction path the same way, with 20 transfers (examples/policy.json's
// window holds 20).
//
//	make wasm && LEASH_WASM_TESTS=1 go test -run '^$' -bench NodeSignature -benchtime 1x ./wasm/wasmtest
func BenchmarkNodeSignature(b *testing.B) {
	requireWASM(b)
	n := 48
	if v := os.Getenv("BENCH_N"); v != "" {
		if _, err := fmt.Sscan(v, &n); err != nil || n < 1 {
			b.Fatalf("BENCH_N=%q", v)
		}
	}
	dir := os.Getenv("LEASH_SIGBENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	_, _, vk := policytest.Keys(b)
	ks := tt.Keys(b)
	write(b, dir, "policy.json", policytest.Example(b, "policy-x402.json"))
	write(b, dir, "policy.vk", vk.Bytes())
	write(b, dir, "typed.vk", ks.VKBytes)
	now := uint64(time.Now().Unix())
	sp, err := prover.NewSigProver(tt.Policy(b), ks.PK).WithHints(ks.VKBytes) // as the agent host proves: with residue hints
	if err != nil {
		b.Fatal(err)
	}
	props := provePayments(b, sp, n, "bench-", 7000, 1000, now, now+500)
	var states []*wire.State
	for i := range props {
		st := &wire.State{Time: now}
		st.SetTokenSpent(tt.DUSDC, big.NewInt(int64(i)*1000))
		states = append(states, st)
	}
	write(b, dir, "payments.json", mustJSON(b, props))
	write(b, dir, "states.json", mustJSON(b, states))
	// The transaction path, for comparison: examples/tx-ok.json at nonces
	// 0..19 under examples/policy.json (its window counts 20), each proven
	// against the window the ones before it leave.
	pol := policytest.Policy(b)
	write(b, dir, "tx-policy.json", policytest.Example(b, "policy.json"))
	var txs []*wire.Proposal
	var txStates []*wire.State
	st := &wire.State{Time: now}
	for i := 0; i < int(pol.Window.MaxTxs); i++ {
		tx := *policytest.Tx(b, "tx-ok")
		tx.Nonce = wire.Uint64(i)
		cur := *st
		cur.Nonce = wire.Uint64(i)
		p := policytest.Proposal(b, pol, &tx, &cur)
		p.ID = fmt.Sprintf("tx-%d", i)
		txs, txStates = append(txs, p), append(txStates, &cur)
		next := cur
		pol.Count(&next, &tx)
		st = &next
	}
	write(b, dir, "txs.json", mustJSON(b, txs))
	write(b, dir, "tx-states.json", mustJSON(b, txStates))
	b.ResetTimer()
	cmd := exec.Command("node", filepath.Join(root, "bench", "wasm", "bench-signature.mjs"))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "LEASH_FIXTURES="+dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("node bench-signature.mjs: %v\n%s", err, out)
	}
	fmt.Print(string(out))
}
