package daemon_test

import (
	"context"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/prover/daemon/daemontest"
	"github.com/leash-wallet/leash/wire"
)

// fakeRunner is a program that pays Alice 0.01 ETH-worth of calldata-free
// transfers, or holds; its "program proof" is a policy proof (the fake
// signer verifies policy proofs), which is enough to test the daemon's
// flow: decide at admission, nonce and fees filled, re-decided on re-proving.
type fakeRunner struct {
	mu      sync.Mutex
	hold    bool
	to      wire.Address // the trade's target and calldata (Alice, none: zero)
	data    []byte
	decided int
	pr      daemon.Prover
}

func (f *fakeRunner) Commitment() wire.Hash32 { return wire.Hash32{1, 2, 3} }
func (f *fakeRunner) Name() string            { return "test program" }

func (f *fakeRunner) Decide(context.Context) (daemon.ProgramDecision, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.decided++
	d := daemon.ProgramDecision{Block: 41, Inputs: []*big.Int{big.NewInt(2850_00000000)}, Summary: "hold at 2850.00"}
	if !f.hold {
		d.To, _ = wire.ParseAddress(alice)
		d.Summary = "pay at 2850.00"
		if f.to != (wire.Address{}) {
			d.To, d.Data = f.to, f.data
		}
	}
	return d, nil
}

func (f *fakeRunner) Prove(d daemon.ProgramDecision, tx *wire.Tx, st *wire.State, id string) (*wire.Proposal, error) {
	return f.pr.Prove(prover.Request{ID: id, Tx: tx, State: st})
}

func TestProgramRuns(t *testing.T) {
	pol := policytest.Policy(t)
	r := &fakeRunner{pr: policytest.Prover(t, pol)}
	h := start(t, daemon.Config{Programs: []daemon.ProgramRunner{r}, Chain: daemontest.NewChain()})
	code, rec, _ := post(t, h, "/v1/program-runs?wait=60s", `{}`)
	if code != 200 || rec.Status != daemon.StatusMined || rec.Program == nil || rec.Program.Block == nil || uint64(*rec.Program.Block) != 41 ||
		rec.Summary != "pay at 2850.00" || rec.Tx.Gas == 0 {
		t.Fatalf("%d %+v", code, rec)
	}
	r.mu.Lock()
	r.hold = true
	r.mu.Unlock()
	code, rec, _ = post(t, h, "/v1/program-runs", `{"program":"test program"}`)
	if code != 200 || rec.Status != daemon.StatusRejected || rec.Code != daemon.NoTrade || !rec.Final || len(h.Pipe.ToSigner) != 0 {
		t.Fatalf("a hold: %d %+v", code, rec)
	}
	code, _, raw := post(t, h, "/v1/program-runs", `{"program":"another"}`)
	if code != http.StatusBadRequest || errCode(raw) != "malformed" {
		t.Fatalf("unknown program: %d %v", code, raw)
	}
}

func TestNoProgramsConfigured(t *testing.T) {
	h := start(t, daemon.Config{})
	if code, _, raw := post(t, h, "/v1/program-runs", `{}`); code != http.StatusBadRequest || errCode(raw) != "malformed" {
		t.Fatalf("%d %v", code, raw)
	}
}

// TestProgramRunMayUseProgramOnlyCalls: a program's trade on a call the
// policy reserves for programs (the example pool's swap) passes the
// daemon's pre-check; the same transaction as an agent's own intent is
// refused program_only before any proof. The pre-check first ran the
// policy's Check for both, so every run_program on a program-only pool was
// refused.
func TestProgramRunMayUseProgramOnlyCalls(t *testing.T) {
	pol := policytest.Policy(t)
	swap := policytest.Calldata("swapExactIn(address,uint256,uint256,address,uint256)", policytest.USDC, big.NewInt(1e6), 0, policytest.Self, 100)
	r := &fakeRunner{pr: policytest.Prover(t, pol), to: policytest.Pool, data: swap}
	h := start(t, daemon.Config{Programs: []daemon.ProgramRunner{r}, Chain: daemontest.NewChain()})
	code, rec, _ := post(t, h, "/v1/program-runs", `{}`)
	if code != http.StatusAccepted || rec.Code != "" {
		t.Fatalf("the program's trade: %d %+v", code, rec)
	}
	code, rec, _ = post(t, h, "/v1/transactions", fmt.Sprintf(`{"to":%q,"data":"0x%x"}`, policytest.Pool.Hex(), swap))
	if code != http.StatusUnprocessableEntity || rec.Code != "policy_violation:program_only" || !strings.Contains(rec.Hint, "run_program") {
		t.Fatalf("the same call as an intent: %d %+v", code, rec)
	}
}
