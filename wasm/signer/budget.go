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

// windows computes the budget rows (nil without a pinned policy).
func (s *Signer) windows(pn *pins, now uint64) []WindowView {
	if pn == nil {
		return nil
	}
	w := pn.policy.Window
	spent := s.ledger.View(now).Spent
	left := new(big.Int).Sub(&w.MaxValue.Int, spent)
	if left.Sign() < 0 {
		left.SetInt64(0)
	}
	v := WindowView{Rule: "value", Label: fmt.Sprintf("ETH the agent may send per %s", policy.FormatSeconds(w.Seconds)), Seconds: w.Seconds,
		Spent: spent.String(), Cap: w.MaxValue.Int.String(), Left: left.String(),
		SpentText: FormatEther(spent), CapText: FormatEther(&w.MaxValue.Int), LeftText: FormatEther(left)}
	if at, amount, ok := s.ledger.Frees(now); ok {
		v.FreesAt, v.FreesText = at, FormatEther(amount)
	}
	return []WindowView{v}
}
