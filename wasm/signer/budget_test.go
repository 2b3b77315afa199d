package signer

import (
	"context"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/wire"
)

// The budget card's numbers come from the core: spent, left and when
// capacity frees up, moving with a signature and with the clock.
func TestStatusWindows(t *testing.T) {
	p0, _ := proposals(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	s := newSigner(t, NewMemStore(), clk)
	if err := s.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}
	pol := policytest.Policy(t)
	capWei := pol.Window.MaxValue.Int.String()
	w := s.Status().Windows
	// Policy v2: value, fees, count, then each token window.
	if len(w) != 3+len(pol.TokenWindows()) || w[1].Rule != "fee_window" || w[2].Rule != "tx_count" || w[2].Spent != "0" || w[2].Cap != fmt.Sprint(pol.Window.MaxTxs) {
		t.Fatalf("rows %+v", w)
	}
	if w[0].Rule != "value" || w[0].Spent != "0" || w[0].Left != capWei || w[0].FreesAt != 0 {
		t.Fatalf("empty window %+v", w)
	}
	if r := s.Submit(ctx, p0); r.Status != wire.StatusSigned {
		t.Fatalf("receipt %+v", r)
	}
	v := policytest.Tx(t, "tx-ok").Value.Big()
	w = s.Status().Windows
	left := new(big.Int).Sub(&pol.Window.MaxValue.Int, v)
	if w[0].Spent != v.String() || w[0].Left != left.String() || w[0].FreesAt != uint64(t0)+pol.Window.Seconds || w[0].FreesText != FormatEther(v) {
		t.Fatalf("after a spend %+v", w[0])
	}
	if w[2].Spent != "1" || w[2].FreesAt != uint64(t0)+pol.Window.Seconds || w[1].Spent == "0" {
		t.Fatalf("count and fees after a signature %+v %+v", w[1], w[2])
	}
	clk.Add(time.Duration(pol.Window.Seconds) * time.Second)
	w = s.Status().Windows
	if w[0].Spent != "0" || w[0].FreesAt != 0 {
		t.Fatalf("after the window %+v", w[0])
	}
}
