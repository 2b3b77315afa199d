package daemon_test

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/wire"
)

// variant is examples/policy.json with edit applied to its document.
func variant(t *testing.T, edit func(doc map[string]any)) *policy.Policy {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(policytest.Example(t, "policy.json"), &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	b, _ := json.Marshal(doc)
	p, err := policy.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func window(doc map[string]any) map[string]any { return doc["window"].(map[string]any) }

// usdcTransfer is an intent to transfer amount base units of the example
// policy's USDC to Alice.
func usdcTransfer(amount int64) string {
	data := policytest.Calldata("transfer(address,uint256)", policytest.Alice, big.NewInt(amount))
	return fmt.Sprintf(`{"to":%q,"data":"0x%x","gas":"0x186a0","maxFeePerGas":"0x77359400","maxPriorityFeePerGas":"0x3b9aca00"}`,
		policytest.USDC.Hex(), data)
}

// payment is a 1-wei payment to Alice with a gas limit of gas (at 2 gwei).
func payment(gas uint64) string {
	return fmt.Sprintf(`{"to":%q,"value":"0x1","gas":"0x%x","maxFeePerGas":"0x77359400","maxPriorityFeePerGas":"0x3b9aca00"}`, alice, gas)
}

// TestEveryWindowIsPrechecked: for each window of policy v2 beyond the
// value window (fees, count, a token's sum), the daemon's pre-check refuses
// what the signer would refuse, before any proof, naming the rule; the hint
// starts with that window (what it still allows and when capacity frees
// up); get_wallet_details reports it; what fits passes; a window later the
// capacity is back.
func TestEveryWindowIsPrechecked(t *testing.T) {
	const day = 24 * time.Hour
	for _, c := range []struct {
		rule     string
		pol      func(doc map[string]any)
		signed   string // each of two is signed
		refused  string // then this is refused
		hint     string // the refused window's line
		fits     string // and this passes the pre-check
		symbol   string // the budget line
		left     string
		frees    string
		spentCap string
	}{
		{rule: policy.RuleTokenWindow, pol: func(map[string]any) {}, // USDC: 2,500 a day, 1,000 a transfer
			signed: usdcTransfer(1000e6), refused: usdcTransfer(600e6), fits: usdcTransfer(500e6),
			hint:   "Refused by this token's window: 500 USDC left of 2500 USDC in any 1 day (2000 USDC spent); 1000 USDC frees up at ",
			symbol: "USDC", left: "500 USDC", frees: "1000 USDC", spentCap: "2000 USDC/2500 USDC"},
		{rule: policy.RuleFeeWindow, pol: func(doc map[string]any) { window(doc)["maxFees"] = "0.025 ether" },
			signed: payment(5_000_000), refused: payment(5_000_000), fits: payment(2_500_000), // 0.01 ETH, 0.01 ETH, 0.005 ETH
			hint:   "Refused by the fee window (gas limit × maxFeePerGas, counted whether the transaction succeeds or reverts): 0.005 ETH left of 0.025 ETH in any 1 day (0.02 ETH spent); 0.01 ETH frees up at ",
			symbol: "ETH", left: "0.005 ETH", frees: "0.01 ETH", spentCap: "0.02 ETH/0.025 ETH"},
		{rule: policy.RuleTxCount, pol: func(doc map[string]any) { window(doc)["maxTxs"] = 2 },
			signed: payment(21000), refused: payment(21000),
			hint:   "Refused by the transaction count window: 0 transactions left of 2 in any 1 day; 1 frees up at ",
			symbol: "", left: "0", frees: "1", spentCap: "2/2"},
	} {
		t.Run(c.rule, func(t *testing.T) {
			var mu sync.Mutex
			now := time.Now()
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			h := start(t, daemon.Config{Policy: variant(t, c.pol), Clock: clock})
			for i := range 2 {
				if code, rec, _ := post(t, h, "/v1/transactions?wait=60s", c.signed); rec.Status != daemon.StatusSigned {
					t.Fatalf("%d: %d %+v", i, code, rec)
				}
				mu.Lock()
				now = now.Add(time.Minute)
				mu.Unlock()
			}
			sent := len(h.Pipe.ToSigner)
			code, rec, _ := post(t, h, "/v1/transactions", c.refused)
			if code != http.StatusUnprocessableEntity || rec.Code != wire.Code("policy_violation:"+c.rule) || rec.Status != daemon.StatusRejected ||
				!strings.HasPrefix(rec.Hint, c.hint) || !strings.Contains(rec.Hint, "Other windows: ") {
				t.Fatalf("%d %s: %s | %s", code, rec.Code, rec.Message, rec.Hint)
			}
			if len(h.Pipe.ToSigner) != sent || len(h.Signer.Nonces) != 2 {
				t.Fatal("a pre-check refusal was proven or sent")
			}
			w, err := h.Client.Wallet(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			var line *daemon.BudgetLine
			for i := range w.Budget {
				if w.Budget[i].Rule == c.rule && w.Budget[i].Symbol == c.symbol {
					line = &w.Budget[i]
				}
			}
			if line == nil || line.Symbol != c.symbol || line.Remaining != c.left || line.Spent+"/"+line.Cap != c.spentCap ||
				line.ResetsAt == nil || line.Frees != c.frees || line.WindowSeconds != 86400 {
				t.Fatalf("budget %+v", w.Budget)
			}
			// The first spend was stamped when its receipt came (about the
			// clock then): it leaves the window a day later.
			if d := line.ResetsAt.Sub(now.Add(-2*time.Minute + day)); d < -time.Second || d > time.Second {
				t.Fatalf("resets at %s, the first spend was at %s", line.ResetsAt, now.Add(-2*time.Minute))
			}
			if c.fits != "" {
				if code, rec, _ := post(t, h, "/v1/transactions", c.fits); code != http.StatusAccepted {
					t.Fatalf("what fits: %d %s %s", code, rec.Code, rec.Message)
				}
			}
			mu.Lock()
			now = now.Add(day)
			mu.Unlock()
			if code, rec, _ := post(t, h, "/v1/transactions", c.refused); code != http.StatusAccepted {
				t.Fatalf("a window later: %d %s %s", code, rec.Code, rec.Message)
			}
		})
	}
}
