package signer

import (
	"fmt"
	"math/big"

	"github.com/leash-wallet/leash/circuits/policy"
)

// The budget: each window rule of the pinned policy with what the agent
// spent in it, what is left and when capacity frees up, for the popup's
// budget card. Policy v1 has one window, the native value; policy v2's
// fee, transaction-count and token windows are more rows of the same
// shape (Rule names which).

// WindowView is one window rule's budget at the signer's clock.
type WindowView struct {
	Rule    string `json:"rule"`  // "value"
	Label   string `json:"label"` // what it limits, in words
	Seconds uint64 `json:"seconds"`
	// Spent, Cap and Left are in base units (wei here), decimal; the
	// *Text fields are in units with the symbol.
	Spent     string `json:"spent"`
	Cap       string `json:"cap"`
	Left      string `json:"left"`
	SpentText string `json:"spentText"`
	CapText   string `json:"capText"`
	LeftText  string `json:"leftText"`
	// FreesAt is when the oldest spend still counting leaves the window
	// (unix seconds), freeing FreesText; absent when nothing counts.
	FreesAt   uint64 `json:"freesAt,omitempty"`
	FreesText string `json:"freesText,omitempty"`
}

// windows computes the budget rows (nil without a pinned policy): the
// native value, the fees, the transaction count and each token window of
// policy v2, from the same ledger view the signer reserves against.
func (s *Signer) windows(pn *pins, now uint64) []WindowView {
	if pn == nil {
		return nil
	}
	pol := pn.policy
	w := pol.Window
	per := policy.FormatSeconds(w.Seconds)
	v := s.ledger.View(now)
	lim := limits(pol, v)
	eth := func(rule, label string, sum WindowSum) WindowView {
		left := leftOf(&sum.Cap.Int, &sum.Spent.Int)
		return WindowView{Rule: rule, Label: label, Seconds: w.Seconds,
			Spent: sum.Spent.Int.String(), Cap: sum.Cap.Int.String(), Left: left.String(),
			SpentText: FormatEther(&sum.Spent.Int), CapText: FormatEther(&sum.Cap.Int), LeftText: FormatEther(left), FreesAt: sum.FreesAt}
	}
	value := eth("value", fmt.Sprintf("ETH the agent may send per %s", per), lim.Value)
	value.FreesAt = 0
	if at, amount, ok := s.ledger.Frees(now); ok {
		value.FreesAt, value.FreesText = at, FormatEther(amount)
	}
	fees := eth("fee_window", fmt.Sprintf("fees the agent may pay per %s", per), lim.Fees)
	if fees.FreesAt != 0 {
		fees.FreesText = "fee capacity"
	}
	txLeft := uint64(0)
	if lim.Txs.Cap > lim.Txs.Count {
		txLeft = lim.Txs.Cap - lim.Txs.Count
	}
	count := func(n uint64) string {
		if n == 1 {
			return "1 transaction"
		}
		return fmt.Sprintf("%d transactions", n)
	}
	txs := WindowView{Rule: "tx_count", Label: fmt.Sprintf("transactions per %s", per), Seconds: w.Seconds,
		Spent: fmt.Sprint(lim.Txs.Count), Cap: fmt.Sprint(lim.Txs.Cap), Left: fmt.Sprint(txLeft),
		SpentText: count(lim.Txs.Count), CapText: count(lim.Txs.Cap), LeftText: count(txLeft), FreesAt: lim.Txs.FreesAt}
	if txs.FreesAt != 0 {
		txs.FreesText = "a transaction"
	}
	rows := []WindowView{value, fees, txs}
	for _, tw := range pol.TokenWindows() {
		spent := v.TokenSpent(tw.Token)
		left := leftOf(tw.Max, spent)
		row := WindowView{Rule: "token_window", Label: fmt.Sprintf("%s the agent may move per %s", pol.TargetName(tw.Token), per), Seconds: w.Seconds,
			Spent: spent.String(), Cap: tw.Max.String(), Left: left.String(),
			SpentText: tw.Format(spent), CapText: tw.Format(tw.Max), LeftText: tw.Format(left), FreesAt: v.FreesAt.Tokens[tw.Token]}
		if row.FreesAt != 0 {
			row.FreesText = "token capacity"
		}
		rows = append(rows, row)
	}
	return rows
}

func leftOf(limit, used *big.Int) *big.Int {
	left := new(big.Int).Sub(limit, used)
	if left.Sign() < 0 {
		left.SetInt64(0)
	}
	return left
}
